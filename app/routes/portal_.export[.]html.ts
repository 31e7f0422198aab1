// GET /portal/export.html: everything Mesure holds about the signed-in customer, as one readable,
// printable page to keep (a download), in the portal's language.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { resolveLocale } from "~/lib/i18n";
import { requireVisit } from "~/lib/portal-auth.server";
import { listTopics } from "~/models/topic.server";
import { ExportDocument } from "~/privacy/export-document";
import { exportCustomerData, exportFileName } from "~/privacy/export.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const { db } = context.services;
  const now = new Date();
  const [data, topics] = await Promise.all([
    exportCustomerData(db, { brandId: visit.brand.id, customerId: visit.customer.id }, now),
    listTopics(db, visit.brand.id),
  ]);
  const html = renderToStaticMarkup(
    createElement(ExportDocument, {
      data,
      locale: resolveLocale(request).locale,
      topics: Object.fromEntries(topics.map((topic) => [topic.key, { nameFr: topic.nameFr, nameEn: topic.nameEn }])),
      timezone: visit.customer.timezone,
      // Opened in the browser, the page's own styles need this response's CSP nonce; saved to
      // disk, the attribute does nothing.
      nonce: context.cspNonce,
    }),
  );
  return new Response(`<!DOCTYPE html>${html}`, {
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFileName(visit.brand.slug, "html", now)}"`,
      "Cache-Control": "no-store",
    },
  });
}
