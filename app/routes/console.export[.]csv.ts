// /console/export.csv: every customer of the brand (erased ones aside) in the import's columns,
// streamed as it is read. Editors only: it is the brand's whole base of personal data, and each
// download is in the audit log.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireMember } from "~/console/auth.server";
import { exportCustomersCsv } from "~/console/import/export.server";
import { recordAudit } from "~/models/audit.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context, "editor");
  const { db } = context.services;
  await recordAudit(db, { brandId: visit.brand.id, actor: visit.member.email, action: "customers.export" });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(exportCustomersCsv(db, visit.brand.id), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="mesure-${visit.brand.slug}-customers-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
