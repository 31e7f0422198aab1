// The consent ledger: an append-only, hash-chained log per brand of every consent given,
// changed or withdrawn. Each event's hash covers its content and the previous event's hash, so
// the chain proves that nothing was removed, inserted or altered afterwards.
import crypto from "node:crypto";
import { insertRows, newId } from "~/db/bulk.server";
import type { Tx } from "~/db/client.server";
import { announceConsentEvent } from "~/webhooks/announce.server";

export type ConsentEventInput = {
  brandId: string;
  customerId?: string | null;
  visitorId?: string | null;
  kind: string;
  subject: string;
  before: unknown;
  after: unknown;
  source: string;
  policyVersion?: string;
  shownTextHash?: string | null;
  at?: Date;
};

/** The hash the first event of a brand's chain points back to. */
export function genesisHash(brandId: string): string {
  return crypto.createHash("sha256").update(`mesure-consent-genesis:${brandId}`).digest("hex");
}

/** The fields an event's hash covers, in the order it covers them (consentEventHash). */
export type HashedConsentEvent = {
  brandId: string;
  seq: number;
  customerId: string | null;
  visitorId: string | null;
  kind: string;
  subject: string;
  before: string;
  after: string;
  source: string;
  policyVersion: string;
  shownTextHash: string | null;
  createdAt: Date;
  prevHash: string;
};

/** An event as stored: what its hash covers, its id and its hash. */
export type StoredConsentEvent = HashedConsentEvent & { id: string; hash: string };

/** Selects a StoredConsentEvent: what anyone re-checking a hash must read. */
export const storedConsentEventSelect = {
  id: true,
  brandId: true,
  seq: true,
  customerId: true,
  visitorId: true,
  kind: true,
  subject: true,
  before: true,
  after: true,
  source: true,
  policyVersion: true,
  shownTextHash: true,
  createdAt: true,
  prevHash: true,
  hash: true,
} as const;

/** The hash of an event: fixed field order, so verification can recompute it exactly. */
export function consentEventHash(event: HashedConsentEvent): string {
  const canonical = JSON.stringify([
    event.brandId,
    event.seq,
    event.customerId,
    event.visitorId,
    event.kind,
    event.subject,
    event.before,
    event.after,
    event.source,
    event.policyVersion,
    event.shownTextHash,
    event.createdAt.toISOString(),
    event.prevHash,
  ]);
  return crypto.createHash("sha256").update(canonical).digest("hex");
}

/**
 * Appends one event to the brand's chain. Must run inside the transaction that makes the
 * change it records, so the change and its proof commit together or not at all (and so does the
 * consent.changed webhook it writes for the brand's endpoints).
 */
export async function appendConsentEvent(
  tx: Tx,
  input: ConsentEventInput,
): Promise<{ id: string; seq: number; hash: string }> {
  // Locks the brand's chain head until commit: concurrent appends queue here.
  const head = await tx.consentChain.update({
    where: { brandId: input.brandId },
    data: { length: { increment: 1 } },
    select: { length: true, headHash: true },
  });
  const event: HashedConsentEvent = {
    brandId: input.brandId,
    seq: head.length,
    customerId: input.customerId ?? null,
    visitorId: input.visitorId ?? null,
    kind: input.kind,
    subject: input.subject,
    before: JSON.stringify(input.before ?? null),
    after: JSON.stringify(input.after ?? null),
    source: input.source,
    policyVersion: input.policyVersion ?? "1",
    shownTextHash: input.shownTextHash ?? null,
    // Millisecond precision is what both databases keep; hashing a finer time would not verify.
    createdAt: new Date(Math.floor((input.at ?? new Date()).getTime())),
    prevHash: head.headHash,
  };
  const hash = consentEventHash(event);
  const row = await tx.consentEvent.create({ data: { ...event, hash }, select: { id: true } });
  await tx.consentChain.update({
    where: { brandId: input.brandId },
    data: { headHash: hash },
    select: { brandId: true },
  });
  await announceConsentEvent(tx, { ...event, hash });
  return { id: row.id, seq: event.seq, hash };
}

/** The columns appendConsentEvents writes, in order. */
const eventColumns = [
  "id",
  "brandId",
  "seq",
  "customerId",
  "visitorId",
  "kind",
  "subject",
  "before",
  "after",
  "source",
  "policyVersion",
  "shownTextHash",
  "createdAt",
  "prevHash",
  "hash",
] as const;

/**
 * Appends many events of one brand at once, in the order given, under ONE lock of the chain head
 * (an import appends thousands per transaction: one lock and a few multi-row inserts instead of
 * three statements each). The chain is the one appendConsentEvent would have made, event by event.
 * No webhook is written for these: a bulk import is not a change people made one by one, and the
 * brand's systems already hold the file it came from.
 */
export async function appendConsentEvents(
  tx: Tx,
  brandId: string,
  inputs: readonly Omit<ConsentEventInput, "brandId">[],
): Promise<{ firstSeq: number; headHash: string } | null> {
  if (inputs.length === 0) return null;
  const head = await tx.consentChain.update({
    where: { brandId },
    data: { length: { increment: inputs.length } },
    select: { length: true, headHash: true },
  });
  const firstSeq = head.length - inputs.length + 1;
  let prevHash = head.headHash;
  const rows = inputs.map((input, index) => {
    const event: HashedConsentEvent = {
      brandId,
      seq: firstSeq + index,
      customerId: input.customerId ?? null,
      visitorId: input.visitorId ?? null,
      kind: input.kind,
      subject: input.subject,
      before: JSON.stringify(input.before ?? null),
      after: JSON.stringify(input.after ?? null),
      source: input.source,
      policyVersion: input.policyVersion ?? "1",
      shownTextHash: input.shownTextHash ?? null,
      createdAt: new Date(Math.floor((input.at ?? new Date()).getTime())),
      prevHash,
    };
    const hash = consentEventHash(event);
    prevHash = hash;
    return { id: newId(), ...event, hash };
  });
  await insertRows(
    tx,
    "ConsentEvent",
    eventColumns,
    rows.map((row) => eventColumns.map((column) => row[column])),
  );
  await tx.consentChain.update({ where: { brandId }, data: { headHash: prevHash }, select: { brandId: true } });
  return { firstSeq, headHash: prevHash };
}

export async function listConsentEvents(tx: Tx, input: { brandId: string; customerId: string }) {
  return tx.consentEvent.findMany({
    where: { brandId: input.brandId, customerId: input.customerId },
    orderBy: { seq: "asc" },
    select: {
      id: true,
      seq: true,
      kind: true,
      subject: true,
      before: true,
      after: true,
      source: true,
      policyVersion: true,
      createdAt: true,
    },
  });
}
