// Leasing due messages: a worker marks a batch as its own until a deadline, so that no other
// worker takes them meanwhile, and a worker that died loses them when the deadline passes.
// PostgreSQL: one UPDATE over a `FOR UPDATE SKIP LOCKED` selection, so concurrent workers take
// disjoint batches without waiting for each other. SQLite has one writer at a time: a
// compare-and-set UPDATE (only rows still free) is as safe, and no worker waits long.
import type { Db, Tx } from "~/db/client.server";

/** Statuses that wait for dueAt; `sending` is leased only when its worker died mid-send. */
export const DUE_STATUSES = ["queued", "deferred", "digested", "sending"] as const;

export const leasedSelect = {
  id: true,
  brandId: true,
  customerId: true,
  channels: true,
  priority: true,
  tags: true,
  attributes: true,
  campaign: true,
  content: true,
  status: true,
  dueAt: true,
  channel: true,
  expiresAt: true,
  attempts: true,
  digestDeliveryId: true,
  topic: { select: { key: true } },
  customer: { select: { externalId: true, email: true, phone: true, locale: true } },
} as const;

export type LeasedMessage = Awaited<ReturnType<typeof readLeased>>[number];

function readLeased(db: Tx, ids: string[], owner: string) {
  return db.message.findMany({ where: { id: { in: ids }, leaseOwner: owner }, select: leasedSelect });
}

export async function leaseDue(
  db: Db,
  provider: "sqlite" | "postgresql",
  input: { owner: string; now: number; leaseMs: number; limit: number },
): Promise<LeasedMessage[]> {
  const now = new Date(input.now);
  const until = new Date(input.now + input.leaseMs);
  let ids: string[];
  if (provider === "postgresql") {
    const rows = await db.$queryRawUnsafe<{ id: string }[]>(
      `UPDATE "Message" SET "leaseOwner" = $1, "leaseUntil" = $2
        WHERE "id" IN (
          SELECT "id" FROM "Message"
           WHERE "status" IN ('queued', 'deferred', 'digested', 'sending') AND "dueAt" <= $3
             AND ("leaseUntil" IS NULL OR "leaseUntil" <= $3)
           ORDER BY "dueAt" LIMIT $4
           FOR UPDATE SKIP LOCKED)
        RETURNING "id"`,
      input.owner,
      until,
      now,
      input.limit,
    );
    ids = rows.map((row) => row.id);
  } else {
    const free = { OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] };
    const candidates = await db.message.findMany({
      where: { status: { in: [...DUE_STATUSES] }, dueAt: { lte: now }, ...free },
      orderBy: { dueAt: "asc" },
      take: input.limit,
      select: { id: true },
    });
    if (candidates.length === 0) return [];
    ids = candidates.map((row) => row.id);
    await db.message.updateMany({
      where: { id: { in: ids }, ...free },
      data: { leaseOwner: input.owner, leaseUntil: until },
    });
  }
  if (ids.length === 0) return [];
  return readLeased(db, ids, input.owner);
}

/** Gives back the leases of messages this worker has not started sending. */
export async function releaseLeases(db: Db, owner: string): Promise<number> {
  const { count } = await db.message.updateMany({
    where: { leaseOwner: owner, status: { in: ["queued", "deferred", "digested"] } },
    data: { leaseOwner: null, leaseUntil: null },
  });
  return count;
}
