// GET /portal/consent-receipt.json: the signed-in customer's consent receipt, every event of
// theirs with what is needed to recompute its hash, and the brand's chain head at this moment.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireVisit } from "~/lib/portal-auth.server";
import { consentReceipt } from "~/privacy/consent-receipt.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const now = new Date();
  const receipt = await consentReceipt(
    context.services.db,
    { brandId: visit.brand.id, customerId: visit.customer.id },
    visit.brand,
    now,
  );
  return new Response(JSON.stringify(receipt, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${visit.brand.slug}-consent-receipt-${now.toISOString().slice(0, 10)}.json"`,
      "Cache-Control": "no-store",
    },
  });
}
