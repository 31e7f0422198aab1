// The right to erasure (GDPR art. 17): a request waits out the brand's grace period (during
// which the customer may cancel), then one transaction erases the customer's personal data from
// every table, keeps a tombstone and a salted hash of their addresses on the suppression list,
// and opens one dispatch per connector; the jobs (jobs.server.ts) then tell each connector until
// it acknowledges (connector-delivery.server.ts), and complete the request once none is pending
// and no copy of the erased rows is left in the SQLite file (scrub.server.ts). The brand has one
// calendar month (art. 12(3)).
import { transact, type Recorder } from "~/db/changes.server";
import type { Db, Prisma, Tx } from "~/db/client.server";
import { seal } from "~/lib/encryption.server";
import { appendConsentEvent } from "~/models/consent.server";
import { ERASED_PREFIX } from "~/models/customer.server";
import { addSuppression } from "~/models/suppression.server";
import { announceErasureRequested } from "~/webhooks/announce.server";
import { forgetWebhookDeliveries } from "~/webhooks/forget.server";
import { wakeUpPrivacyJobs } from "./wake.server";

export type ErasureVia = "portal" | "email_code" | "api" | "cli";
export type ErasureSystem = {
  name: string;
  status: "waiting" | "pending" | "acknowledged";
  attempts: number;
  lastAttemptAt: Date | null;
  acknowledgedAt: Date | null;
  nextAttemptAt: Date | null;
  lastError: string | null;
};
export type ErasureStatus = {
  id: string;
  status: "scheduled" | "propagating" | "completed" | "cancelled";
  via: string;
  requestedAt: Date;
  executeAt: Date;
  deadlineAt: Date;
  erasedAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
  /** Mesure itself first, then each connector. */
  systems: ErasureSystem[];
};

/** The name Mesure's own part of an erasure goes by in `systems`. */
export const MESURE_SYSTEM = "Mesure";
/** The purpose the identifiers handed to connectors are sealed under (app/lib/encryption.server.ts). */
export const IDENTIFIERS_PURPOSE = "erasure-identifiers";
/** What connectors are given to find the person in their own systems. */
export type ErasureIdentifiers = { externalId: string; email: string | null; phone: string | null };

/** Why a request was refused: no such customer in this brand, or one already erased. */
export class ErasureRefusedError extends Error {
  constructor(
    readonly code: "unknown_customer" | "already_erased",
    message: string,
  ) {
    super(message);
  }
}

const OPEN = ["scheduled", "propagating"];

/**
 * One calendar month later (GDPR art. 12(3): "within one month of receipt"), in UTC: the same
 * day of the next month, or its last day when it has no such day (31 January → 28/29 February).
 */
export function oneMonthAfter(date: Date): Date {
  const next = new Date(date);
  const day = date.getUTCDate();
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return next;
}

/**
 * Asks for the customer's erasure. An open request (scheduled or propagating) is returned rather
 * than duplicated; an erased customer, or one this brand does not have, is refused
 * (ErasureRefusedError). Wakes this process's jobs, so a request with no grace period runs at once.
 */
export async function requestErasure(
  db: Db,
  input: { brandId: string; customerId: string; via: ErasureVia; now?: Date },
): Promise<{ status: ErasureStatus; created: boolean }> {
  const now = input.now ?? new Date();
  const { id, created } = await db.$transaction(
    async (tx) => {
      // A write first: it locks the customer's row, so two requests at once make one, and
      // checks in the same statement that they are not erased.
      const { count } = await tx.customer.updateMany({
        where: { id: input.customerId, brandId: input.brandId, erasedAt: null },
        data: { erasedAt: null },
      });
      if (count === 0) {
        const exists = await tx.customer.findFirst({
          where: { id: input.customerId, brandId: input.brandId },
          select: { id: true },
        });
        throw exists
          ? new ErasureRefusedError("already_erased", "This customer has been erased already")
          : new ErasureRefusedError("unknown_customer", "This brand has no such customer");
      }
      const open = await tx.erasureRequest.findFirst({
        where: { brandId: input.brandId, customerId: input.customerId, status: { in: OPEN } },
        orderBy: { requestedAt: "asc" },
        select: { id: true },
      });
      if (open) return { id: open.id, created: false };
      const brand = await tx.brand.findUniqueOrThrow({
        where: { id: input.brandId },
        select: { erasureGraceDays: true },
      });
      const request = await tx.erasureRequest.create({
        data: {
          brandId: input.brandId,
          customerId: input.customerId,
          via: input.via,
          status: "scheduled",
          requestedAt: now,
          executeAt: new Date(now.getTime() + Math.max(0, brand.erasureGraceDays) * 86_400_000),
          deadlineAt: oneMonthAfter(now),
        },
        select: {
          id: true,
          brandId: true,
          customerId: true,
          via: true,
          requestedAt: true,
          executeAt: true,
          deadlineAt: true,
        },
      });
      await announceErasureRequested(tx, { ...request, requestId: request.id });
      return { id: request.id, created: true };
    },
    { maxWait: 15_000, timeout: 15_000 },
  );
  if (created) wakeUpPrivacyJobs();
  const status = await getErasureStatus(db, { brandId: input.brandId, requestId: id });
  return { status: status!, created };
}

/** Cancels a request still in its grace period; false once it has run (or when there is no such request). */
export async function cancelErasure(
  db: Db,
  input: { brandId: string; requestId: string; now?: Date },
): Promise<boolean> {
  // Conditional on "scheduled": the erasure's own first statement moves it on, so whichever of
  // the two commits first wins and the other changes nothing.
  const { count } = await db.erasureRequest.updateMany({
    where: { id: input.requestId, brandId: input.brandId, status: "scheduled" },
    data: { status: "cancelled", cancelledAt: input.now ?? new Date(), leaseUntil: null },
  });
  return count > 0;
}

/** A request's own columns, as its status and the export show them. */
const requestSelect = {
  id: true,
  status: true,
  via: true,
  requestedAt: true,
  executeAt: true,
  deadlineAt: true,
  erasedAt: true,
  completedAt: true,
  cancelledAt: true,
} as const;

const statusSelect = {
  ...requestSelect,
  brandId: true,
  dispatches: {
    orderBy: { connectorName: "asc" },
    select: {
      connectorName: true,
      status: true,
      attempts: true,
      lastAttemptAt: true,
      acknowledgedAt: true,
      nextAttemptAt: true,
      lastError: true,
    },
  },
} as const;

type StatusRow = Prisma.ErasureRequestGetPayload<{ select: typeof statusSelect }>;

async function toStatus(db: Tx, row: StatusRow): Promise<ErasureStatus> {
  const status = row.status as ErasureStatus["status"];
  const mesure: ErasureSystem = {
    name: MESURE_SYSTEM,
    status: row.erasedAt ? "acknowledged" : "waiting",
    attempts: row.erasedAt ? 1 : 0,
    lastAttemptAt: row.erasedAt,
    acknowledgedAt: row.erasedAt,
    nextAttemptAt: status === "scheduled" ? row.executeAt : null,
    lastError: null,
  };
  let connectors: ErasureSystem[];
  if (status === "scheduled") {
    // Not told yet: the systems that will be, as things stand (enabled connectors).
    const planned = await db.connector.findMany({
      where: { brandId: row.brandId, enabled: true },
      orderBy: { name: "asc" },
      select: { name: true },
    });
    connectors = planned.map((connector) => ({
      name: connector.name,
      status: "waiting",
      attempts: 0,
      lastAttemptAt: null,
      acknowledgedAt: null,
      nextAttemptAt: row.executeAt,
      lastError: null,
    }));
  } else {
    connectors = row.dispatches.map((dispatch) => ({
      name: dispatch.connectorName,
      status: dispatch.status === "acknowledged" ? "acknowledged" : "pending",
      attempts: dispatch.attempts,
      lastAttemptAt: dispatch.lastAttemptAt,
      acknowledgedAt: dispatch.acknowledgedAt,
      nextAttemptAt: dispatch.status === "pending" ? dispatch.nextAttemptAt : null,
      lastError: dispatch.lastError,
    }));
  }
  return {
    id: row.id,
    status,
    via: row.via,
    requestedAt: row.requestedAt,
    executeAt: row.executeAt,
    deadlineAt: row.deadlineAt,
    erasedAt: row.erasedAt,
    completedAt: row.completedAt,
    cancelledAt: row.cancelledAt,
    systems: [mesure, ...connectors],
  };
}

/** A request of this brand with each system's progress, or null (another brand's is as unknown as none). */
export async function getErasureStatus(
  db: Tx,
  input: { brandId: string; requestId: string },
): Promise<ErasureStatus | null> {
  const row = await db.erasureRequest.findFirst({
    where: { id: input.requestId, brandId: input.brandId },
    select: statusSelect,
  });
  return row ? toStatus(db, row) : null;
}

/** Every request of the customer's, oldest first, without the systems' progress. */
export async function listErasureRequests(db: Tx, owner: { brandId: string; customerId: string }) {
  return db.erasureRequest.findMany({
    where: { brandId: owner.brandId, customerId: owner.customerId },
    orderBy: { requestedAt: "asc" },
    select: requestSelect,
  });
}

/** The customer's request that is scheduled or propagating, if any. */
export async function findOpenErasure(
  db: Tx,
  input: { brandId: string; customerId: string },
): Promise<ErasureStatus | null> {
  const row = await db.erasureRequest.findFirst({
    where: { brandId: input.brandId, customerId: input.customerId, status: { in: OPEN } },
    orderBy: { requestedAt: "asc" },
    select: statusSelect,
  });
  return row ? toStatus(db, row) : null;
}

/** Thrown inside the erasure's transaction to undo it: a worker is sending one of the customer's messages. */
class MessagesInFlight extends Error {}

/**
 * Runs a due request: erases the customer in one transaction and opens a dispatch per enabled
 * connector. "busy" when a worker holds one of the customer's messages right now (the send is
 * let finish, so its outcome is not written over rows that are gone; try again in a few
 * seconds); "skipped" when the request is no longer scheduled (cancelled, or run by another process).
 * The request is left propagating even with no connector to tell: the jobs complete it once the
 * erased rows are gone from the SQLite file too (scrubDeletedRows), so "completed" is true of the file.
 */
export async function executeErasure(
  db: Db,
  secret: string,
  requestId: string,
  now: Date,
): Promise<"erased" | "busy" | "skipped"> {
  try {
    const outcome = await transact(db, async (tx, record) => {
      // First statement: claims the request (a cancel racing this one then changes nothing).
      const { count } = await tx.erasureRequest.updateMany({
        where: { id: requestId, status: "scheduled" },
        data: { status: "propagating", erasedAt: now },
      });
      if (count === 0) return "skipped" as const;
      const request = await tx.erasureRequest.findUniqueOrThrow({
        where: { id: requestId },
        select: { brandId: true, customerId: true },
      });
      const identifiers = await eraseCustomer(tx, record, request.brandId, request.customerId, now);
      const connectors = await tx.connector.findMany({
        where: { brandId: request.brandId, enabled: true },
        select: { id: true, name: true },
      });
      if (connectors.length === 0) {
        // Nobody else to tell: the identifiers are never stored.
        await tx.erasureRequest.update({ where: { id: requestId }, data: { leaseUntil: null }, select: { id: true } });
      } else {
        await tx.erasureDispatch.createMany({
          data: connectors.map((connector) => ({
            requestId,
            connectorId: connector.id,
            connectorName: connector.name,
            nextAttemptAt: now,
            createdAt: now,
          })),
        });
        await tx.erasureRequest.update({
          where: { id: requestId },
          data: { identifiers: seal(secret, IDENTIFIERS_PURPOSE, JSON.stringify(identifiers)), leaseUntil: null },
          select: { id: true },
        });
      }
      return "erased" as const;
    });
    if (outcome === "erased") wakeUpPrivacyJobs();
    return outcome;
  } catch (error) {
    if (error instanceof MessagesInFlight) return "busy";
    throw error;
  }
}

/**
 * Erases one customer's personal data, table by table. Every model in prisma/schema.prisma, and
 * why what stays is safe:
 * - Customer: kept as a tombstone (consent events point at it and cannot be changed or deleted):
 *   email, phone, name null; externalId "erased:<id>"; fieldSources "{}"; erasedAt set. Locale and
 *   time zone stay (they identify nobody and keep the row valid).
 * - CustomerPreference, ChannelPreference, Subscription, AlertFilter (labels and criteria may be
 *   free text): deleted.
 * - Message (content, attributes and the brand's idempotency key may quote the person) and its
 *   MessageEvent rows (a provider's refusal can quote the address; cascade): deleted.
 * - Delivery (error can quote the address, providerId names the message at the provider): deleted.
 * - InboxItem (title, body), PushSubscription (endpoint, user agent), PortalSession, VisitorLink:
 *   deleted.
 * - IdempotencyRecord: a stored answer or key mentioning the external id, email, phone or name
 *   is deleted (a retry of that request then runs again, which is harmless for a forgotten person).
 * - Suppression: the email and phone are added with reason "erased"; only a salted hash is kept.
 * - ConsentEvent: append-only and kept; rows hold customer and visitor ids, choices (before/after
 *   JSON of subscriptions, channel settings, general settings, alert criteria, cookie categories),
 *   the source and hashes, never an email, phone or name as Mesure writes them (the API's free
 *   text, `source` and `policyVersion`, must not carry any either). One more event records the
 *   erasure itself.
 * - ErasureRequest: identifiers sealed (AES-GCM) for connectors, wiped once all acknowledge.
 *   ErasureDispatch: connector name, statuses, and errors with the identifiers redacted.
 * - WebhookDelivery (events name the customer by external id): deleted, but for an
 *   erasure.requested still on its way, whose id is blanked once it is delivered or given up.
 * - ChangeLog (ids), UsedToken (hashes), ConsentChain (hashes): nothing personal.
 * - Brand, BrandChannelPolicy, ApiKey, Topic, Connector, ShownCookieText (the banner's words):
 *   the brand's own data, not the customer's.
 */
async function eraseCustomer(
  tx: Tx,
  record: Recorder,
  brandId: string,
  customerId: string,
  now: Date,
): Promise<ErasureIdentifiers> {
  const owner = { brandId, customerId };
  // Messages a worker holds (leased, or being sent) are left to finish first: deleting them
  // under the worker would fail the batch it records them in. Taken only when free, then
  // counted: what is left is in a worker's hands.
  await tx.message.deleteMany({ where: { ...owner, OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] } });
  if ((await tx.message.count({ where: owner })) > 0) throw new MessagesInFlight();

  const customer = await tx.customer.findFirstOrThrow({
    where: { id: customerId, brandId },
    select: { externalId: true, email: true, phone: true, name: true },
  });
  if (customer.email) await addSuppression(tx, record, brandId, { kind: "email", value: customer.email }, "erased");
  if (customer.phone) await addSuppression(tx, record, brandId, { kind: "phone", value: customer.phone }, "erased");

  await tx.delivery.deleteMany({ where: owner });
  await tx.inboxItem.deleteMany({ where: owner });
  await tx.pushSubscription.deleteMany({ where: owner });
  await tx.portalSession.deleteMany({ where: owner });
  await tx.visitorLink.deleteMany({ where: owner });
  await tx.alertFilter.deleteMany({ where: owner });
  await tx.subscription.deleteMany({ where: owner });
  await tx.channelPreference.deleteMany({ where: owner });
  await tx.customerPreference.deleteMany({ where: owner });
  await forgetIdempotencyRecords(tx, brandId, customer);
  await forgetWebhookDeliveries(tx, brandId, customerId);

  await tx.customer.update({
    where: { id: customerId },
    data: {
      email: null,
      phone: null,
      name: null,
      externalId: `${ERASED_PREFIX}${customerId}`,
      fieldSources: "{}",
      erasedAt: now,
    },
    select: { id: true },
  });
  await appendConsentEvent(tx, {
    ...owner,
    kind: "erasure",
    subject: "customer",
    before: null,
    after: { erased: true },
    source: "erasure",
    at: now,
  });
  await record({ brandId, scope: "customer", subjectId: customerId });
  return { externalId: customer.externalId, email: customer.email, phone: customer.phone };
}

/** Deletes the brand's idempotency records whose key or stored answer mentions the person. */
async function forgetIdempotencyRecords(
  tx: Tx,
  brandId: string,
  customer: { externalId: string; email: string | null; phone: string | null; name: string | null },
): Promise<void> {
  // As they appear inside JSON text; the external id quoted whole, so "c1" does not match "c10".
  const inJson = (text: string) => JSON.stringify(text).slice(1, -1);
  const needles = [
    JSON.stringify(customer.externalId),
    ...[customer.email, customer.phone, customer.name].filter((text): text is string => Boolean(text)).map(inJson),
  ];
  // LIKE is case-sensitive on PostgreSQL: look for each as given and in lower case, then check
  // case-insensitively here.
  const variants = [...new Set(needles.flatMap((needle) => [needle, needle.toLowerCase()]))];
  // A key is the brand's own text, not JSON: there the external id stands unquoted, between
  // characters that cannot belong to it ("order-c1" names c1; "order-c10" does not).
  const escaped = customer.externalId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const namesId = new RegExp(`(^|[^A-Za-z0-9])${escaped}($|[^A-Za-z0-9])`);
  const candidates = await tx.idempotencyRecord.findMany({
    where: {
      brandId,
      OR: [
        ...variants.flatMap((text) => [{ body: { contains: text } }, { key: { contains: text } }]),
        { key: { contains: customer.externalId } },
      ],
    },
    select: { id: true, key: true, body: true },
  });
  const lowered = needles.map((needle) => needle.toLowerCase());
  const ids = candidates
    .filter(
      (row) =>
        namesId.test(row.key) || lowered.some((needle) => `${row.key}\n${row.body}`.toLowerCase().includes(needle)),
    )
    .map((row) => row.id);
  if (ids.length) await tx.idempotencyRecord.deleteMany({ where: { id: { in: ids } } });
}

/**
 * Closes a propagating request once no dispatch is pending: completed, and the sealed
 * identifiers wiped. The jobs call it once the SQLite file is scrubbed (completeFinished).
 */
export async function completeIfDone(tx: Tx, requestId: string, now: Date): Promise<boolean> {
  const pending = await tx.erasureDispatch.count({ where: { requestId, status: "pending" } });
  if (pending > 0) return false;
  const { count } = await tx.erasureRequest.updateMany({
    where: { id: requestId, status: "propagating" },
    data: { status: "completed", completedAt: now, identifiers: null, leaseUntil: null },
  });
  return count > 0;
}

/** How long after its erasure a tombstone is swept for messages a race attached to it. */
export const SWEEP_WINDOW_MS = 60 * 60_000;

/**
 * Intake plans a message from the in-memory snapshot, so a message handed in while its customer
 * was being erased can commit just after the erasure, attached to the tombstone. The worker never
 * sends it (erased customers are never decided for), but its content would stay; each round of
 * the jobs deletes such messages of the customers erased within the last hour. Messages a worker
 * holds are left to it, like the erasure does.
 */
export async function sweepErasedCustomers(db: Db, now: Date): Promise<number> {
  const recent = await db.erasureRequest.findMany({
    where: { erasedAt: { gte: new Date(now.getTime() - SWEEP_WINDOW_MS) } },
    select: { customerId: true },
  });
  if (recent.length === 0) return 0;
  const { count } = await db.message.deleteMany({
    where: {
      customerId: { in: recent.map((request) => request.customerId) },
      OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }],
    },
  });
  return count;
}
