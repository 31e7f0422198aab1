// GET /portal/export.json: everything Mesure holds about the signed-in customer, machine-readable
// (GDPR art. 20). Field names are documented in app/privacy/export.server.ts.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireVisit } from "~/lib/portal-auth.server";
import { exportCustomerData, exportFileName } from "~/privacy/export.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const now = new Date();
  const document = await exportCustomerData(
    context.services.db,
    { brandId: visit.brand.id, customerId: visit.customer.id },
    now,
  );
  return new Response(JSON.stringify(document, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFileName(visit.brand.slug, "json", now)}"`,
      "Cache-Control": "no-store",
    },
  });
}
