// GET /console/consents/{customerId}/receipt.json: a customer's consent receipt, as the portal
// gives it to them (every event with what is needed to recompute its hash, and the chain head),
// for a member of the customer's own brand. Another brand's customer is a 404, like no customer.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireMember } from "~/console/auth.server";
import { CustomerIdParam, findBrandCustomer } from "~/console/consent-records.server";
import { consentReceipt } from "~/privacy/consent-receipt.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { db } = context.services;
  const id = CustomerIdParam.safeParse(params.customerId);
  const customer = id.success ? await findBrandCustomer(db, visit.brand.id, id.data) : null;
  if (!customer) {
    throw new Response(JSON.stringify({ error: "This brand has no such customer" }), {
      status: 404,
      headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const now = new Date();
  const receipt = await consentReceipt(db, { brandId: visit.brand.id, customerId: customer.id }, visit.brand, now);
  return new Response(JSON.stringify(receipt, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${visit.brand.slug}-consent-receipt-${customer.id}-${now.toISOString().slice(0, 10)}.json"`,
      "Cache-Control": "no-store",
    },
  });
}
