// /console/import/sample.csv: a small file in the import's columns and the brand's topics, to start from.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireMember } from "~/console/auth.server";
import { sampleCsv } from "~/console/import/columns";
import { UTF8_BOM } from "~/console/import/csv";
import { listTopics } from "~/models/topic.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const topics = await listTopics(context.services.db, visit.brand.id);
  return new Response(`${UTF8_BOM}${sampleCsv(topics)}\r\n`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="mesure-import-sample.csv"',
    },
  });
}
