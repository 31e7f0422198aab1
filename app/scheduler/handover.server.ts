// The moment a reserved delivery is handed to its channel. The worker claims it just before the
// provider is contacted (Delivery.startedAt); a change to the customer made meanwhile has
// deleted the reservation instead (app/db/changes.server.ts), and then nothing is sent: the
// message is decided again on the new preferences. What a worker that died had begun is known
// from the same column: not begun is sent as if new; begun is only sent again where a repeat
// is harmless or worth it.
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import type { LeasedMessage } from "./lease.server";

/**
 * Claims the delivery for sending; false when it was withdrawn (or taken over) meanwhile. Raw
 * SQL: it runs once per message, and Prisma's query planning would cost more than the update.
 */
export async function beginDelivery(db: Db, deliveryId: string, now: number): Promise<boolean> {
  const count = await db.$executeRaw`UPDATE "Delivery" SET "startedAt" = ${new Date(now)}
    WHERE "id" = ${deliveryId} AND "status" = 'sending' AND "startedAt" IS NULL`;
  return count === 1;
}

/**
 * Puts messages whose reservation was withdrawn (or never begun by a worker that died) back in
 * the queue, due now, so the next round decides them again from the database.
 */
export async function requeue(
  db: Db,
  input: { members: LeasedMessage[]; digest: boolean; now: number; detail: string; deliveryId?: string },
): Promise<void> {
  const ids = input.members.map((member) => member.id);
  const status = input.digest ? "digested" : "queued";
  const at = new Date(input.now);
  const first = input.members[0];
  if (!first) return;
  await transact(db, async (tx, record) => {
    // Never begun, so it never counted as sent: its reservation goes (when it is still there).
    if (input.deliveryId) {
      const { count } = await tx.delivery.deleteMany({
        where: { id: input.deliveryId, status: "sending", startedAt: null },
      });
      if (count) await record({ brandId: first.brandId, scope: "sends", subjectId: first.customerId });
    }
    const { count } = await tx.message.updateMany({
      where: { id: { in: ids }, status: "sending" },
      data: { status, dueAt: at, digestDeliveryId: null, leaseOwner: null, leaseUntil: null },
    });
    if (count === 0) return;
    await tx.messageEvent.createMany({
      data: ids.map((messageId) => ({ messageId, status, reasons: "[]", channel: null, detail: input.detail, at })),
    });
  });
}

/**
 * A begun delivery whose worker died before it recorded the outcome, on a channel that cannot
 * be asked whether it took the message: it is not sent again (a repeat is the one thing a
 * customer who asked for less should never get), and says so. It keeps counting against the
 * caps. False when another worker settled it first.
 */
export async function markUncertain(
  db: Db,
  input: { deliveryId: string; sentAt: Date; members: LeasedMessage[]; channel: string; now: number },
): Promise<boolean> {
  const at = new Date(input.now);
  const ids = input.members.map((member) => member.id);
  return transact(db, async (tx) => {
    const claimed = await tx.delivery.updateMany({
      where: { id: input.deliveryId, status: "sending", sentAt: input.sentAt },
      data: { status: "uncertain", error: "the worker stopped after handing it over and before the answer" },
    });
    if (claimed.count === 0) return false;
    await tx.message.updateMany({
      where: { id: { in: ids }, status: "sending" },
      data: { status: "uncertain", channel: input.channel, leaseOwner: null, leaseUntil: null },
    });
    await tx.messageEvent.createMany({
      data: ids.map((messageId) => ({
        messageId,
        status: "uncertain",
        reasons: "[]",
        channel: input.channel,
        detail:
          "the worker stopped while handing it to the provider: it may have been delivered, and is not sent again so that it never arrives twice",
        at,
      })),
    });
    return true;
  });
}
