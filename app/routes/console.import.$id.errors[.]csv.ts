// /console/import/:id/errors.csv: every row an import refused, with its line, the column at
// fault, the problem in the reader's language and the row as it was in the file. Editors only
// (the rows hold personal data); streamed a page at a time. Another brand's import is a 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { requireMember } from "~/console/auth.server";
import { csvLine, UTF8_BOM } from "~/console/import/csv";
import { rowIssueText } from "~/console/import/issues";
import { getImportJob, rowErrorPages } from "~/console/import/job.server";
import { resolveLocale } from "~/lib/i18n";

const header = {
  fr: ["ligne", "colonne", "probleme", "contenu_de_la_ligne"],
  en: ["line", "column", "problem", "row_content"],
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context, "editor");
  const { db } = context.services;
  const { locale } = resolveLocale(request);
  const job = await getImportJob(db, { brandId: visit.brand.id, id: params.id ?? "" });
  if (!job) throw data({ formError: "not_found" }, { status: 404 });
  const pages = rowErrorPages(db, { brandId: visit.brand.id, jobId: job.id });
  const encoder = new TextEncoder();
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(UTF8_BOM + csvLine(header[locale])));
        return;
      }
      const next = await pages.next();
      if (next.done) {
        controller.close();
        return;
      }
      const lines = next.value.map((error) =>
        csvLine([String(error.line), error.field, rowIssueText(error.message, locale), error.raw]),
      );
      controller.enqueue(encoder.encode(lines.join("")));
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="import-${job.id}-errors.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
