// The consent ledger: an append-only, hash-chained log per brand of every consent given,
// changed or withdrawn. Each event's hash covers its content and the previous event's hash, so
// the chain proves that nothing was removed, inserted or altered afterwards.
import crypto from "node:crypto";
import type { Tx } from "~/db/client.server";

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
 * change it records, so the change and its proof commit together or not at all.
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
  return { id: row.id, seq: event.seq, hash };
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
