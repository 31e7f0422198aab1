// Webhooks and the right to erasure: events name a customer by the brand's external id, which an
// erasure must not leave behind. Erasing a customer deletes their events, except an
// erasure.requested still on its way (the brand must hear of it); once that one is delivered or
// given up, the customer's id is blanked out of it.
import type { Db, Tx } from "~/db/client.server";

/**
 * Called by the erasure, in its transaction: deletes the events naming the customer, found by
 * the id written beside each payload (indexed), not by reading payloads.
 */
export async function forgetWebhookDeliveries(tx: Tx, brandId: string, customerId: string): Promise<number> {
  const { count } = await tx.webhookDelivery.deleteMany({
    where: { brandId, customerId, NOT: { type: "erasure.requested", status: "pending" } },
  });
  return count;
}

/**
 * After an erasure.requested has been delivered or given up: if its customer has been erased
 * meanwhile (no customer of the brand goes by that id any more), the id is blanked from it.
 */
export async function blankIfErased(db: Db, delivery: { id: string; brandId: string; payload: string }): Promise<void> {
  let payload: { data?: { customer?: { externalId?: unknown } | null } };
  try {
    payload = JSON.parse(delivery.payload) as typeof payload;
  } catch {
    return;
  }
  const externalId = payload.data?.customer?.externalId;
  if (typeof externalId !== "string") return;
  const present = await db.customer.findFirst({
    where: { brandId: delivery.brandId, externalId, erasedAt: null },
    select: { id: true },
  });
  if (present) return;
  payload.data!.customer = null;
  await db.webhookDelivery.updateMany({
    where: { id: delivery.id, brandId: delivery.brandId },
    data: { payload: JSON.stringify(payload), customerId: null },
  });
}
