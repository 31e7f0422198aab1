// Sends in flight, and the customer changes that must stop them. A delivery the worker has
// reserved but not begun (Delivery.startedAt null) is withdrawn by any change to its customer,
// in the change's own transaction: the worker finds the reservation gone when it is about to
// send, and decides the message again on the new preferences (app/scheduler/handover.server.ts).
// One already begun cannot be called back; the change's answer waits until it has left, so
// that once a withdrawal is answered no SMTP, SMS or push exchange it forbids can still start.
import type { Db, Tx } from "./client.server";

type Change = { brandId: string; scope: string; subjectId: string; origin?: string };

const customersOf = (changes: Change[]) =>
  [...new Set(changes.filter((change) => change.scope === "customer").map((change) => change.subjectId))].sort();

/**
 * Deletes the customers' reservations not yet begun, inside the change's transaction. On
 * PostgreSQL the customers' preference rows are locked first, in id order: that is the lock a
 * worker's reservation takes (reserve.server.ts), so a reservation decided on the old
 * preferences has committed before the DELETE looks, and one made later reads the new ones.
 * SQLite runs one writing transaction at a time, which gives the same order.
 */
export async function withdrawUnstartedSends(
  tx: Tx,
  provider: string | undefined,
  changes: Change[],
  origin: string,
): Promise<void> {
  const customerIds = customersOf(changes);
  if (customerIds.length === 0) return;
  if (provider === "postgresql") {
    await tx.$queryRawUnsafe(
      `SELECT 1 FROM "CustomerPreference" WHERE "customerId" = ANY($1::text[]) ORDER BY "customerId" FOR UPDATE`,
      customerIds,
    );
  }
  const { count } = await tx.delivery.deleteMany({
    where: { customerId: { in: customerIds }, status: "sending", startedAt: null },
  });
  if (count === 0) return;
  // The reservations counted against the caps: the snapshots must forget them.
  for (const change of changes.filter((change) => change.scope === "customer")) {
    if (!changes.some((seen) => seen.scope === "sends" && seen.subjectId === change.subjectId))
      changes.push({ brandId: change.brandId, scope: "sends", subjectId: change.subjectId, origin });
  }
}

/** How long a change's answer may wait for sends begun before it; a worker that died never finishes them. */
const BEGUN_SENDS_WAIT_MS = 5_000;
/** Begun longer ago than this, a send is its dead worker's (recovered once its lease expires). */
const BEGUN_RECENTLY_MS = 60_000;

/**
 * After the change has committed: returns once the customers' deliveries begun before it are
 * recorded (sent, failed or put back), so none of them starts its exchange with the provider
 * after the caller answers. They take a send's time (milliseconds); the wait is bounded.
 */
export async function awaitBegunSends(db: Db, changes: Change[], now = Date.now()): Promise<void> {
  const customerIds = customersOf(changes);
  if (customerIds.length === 0) return;
  const deadline = now + BEGUN_SENDS_WAIT_MS;
  const where = {
    customerId: { in: customerIds },
    status: "sending",
    startedAt: { gt: new Date(now - BEGUN_RECENTLY_MS) },
  };
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    if ((await db.delivery.count({ where })) === 0) return;
    if (Date.now() + pause > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
