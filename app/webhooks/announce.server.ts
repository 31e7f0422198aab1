// From changes to events: the model functions that write a change call these inside its
// transaction. Every consent ledger entry is a consent.changed; an edit of a customer's choices
// (editPreferences) is gathered into one event of each kind (consent.changed, preference.changed,
// and customer.unsubscribed when it came from an unsubscribe link or an SMS STOP) rather than one
// per line it touched, since a brand's system should hear of one person's one action once.
import type { Tx } from "~/db/client.server";
import type { HashedConsentEvent } from "~/models/consent.server";
import { anyEndpointFor, customerRef, emitWebhookEvent } from "./emit.server";
import type { LedgerChange, UnsubscribeVia } from "./events";

type Owner = { brandId: string; customerId: string };

/** An edit under way: its ledger entries wait here until it ends. */
type Edit = { owner: Owner; source: string; unsubscribeVia?: UnsubscribeVia; changes: LedgerChange[] };

const edits = new WeakMap<Tx, Map<string, Edit>>();

/** A ledger entry as webhooks show it: before and after as stored, with its place in the chain. */
function ledgerChange(event: HashedConsentEvent & { hash: string }): LedgerChange {
  return {
    kind: event.kind,
    subject: event.subject,
    before: JSON.parse(event.before) as unknown,
    after: JSON.parse(event.after) as unknown,
    source: event.source,
    policyVersion: event.policyVersion,
    at: event.createdAt.toISOString(),
    ledger: { seq: event.seq, hash: event.hash },
  };
}

/** Called by appendConsentEvent for every entry, in its transaction. */
export async function announceConsentEvent(tx: Tx, event: HashedConsentEvent & { hash: string }): Promise<void> {
  // The erasure's own entry is written once the customer is a tombstone, with no external id
  // left to name them by; the brand heard of it as erasure.requested.
  if (event.kind === "erasure") return;
  const edit = event.customerId ? edits.get(tx)?.get(event.customerId) : undefined;
  if (edit) {
    edit.changes.push(ledgerChange(event));
    return;
  }
  const { brandId, customerId, visitorId } = event;
  await emitWebhookEvent(
    tx,
    brandId,
    "consent.changed",
    async () => {
      const customer = customerId ? await customerRef(tx, brandId, customerId) : null;
      if (customerId && !customer) return null;
      return { customer, visitorId, changes: [ledgerChange(event)] };
    },
    { at: event.createdAt, customerId },
  );
}

/**
 * Opens an edit of one customer's choices in `tx`; `finish()`, called just before the edit's
 * transaction commits, writes its events. An edit that fails is rolled back with its events.
 */
export function startPreferenceAnnouncement(
  tx: Tx,
  owner: Owner,
  change: { source: string; unsubscribeVia?: UnsubscribeVia },
): { finish(): Promise<void> } {
  const edit: Edit = { owner, source: change.source, unsubscribeVia: change.unsubscribeVia, changes: [] };
  let open = edits.get(tx);
  if (!open) edits.set(tx, (open = new Map()));
  open.set(owner.customerId, edit);
  return {
    async finish() {
      open.delete(owner.customerId);
      await announceEdit(tx, edit);
    },
  };
}

async function announceEdit(tx: Tx, edit: Edit): Promise<void> {
  const { brandId, customerId } = edit.owner;
  if (edit.changes.length === 0) return;
  const types = ["consent.changed", "preference.changed", "customer.unsubscribed"] as const;
  if (!(await anyEndpointFor(tx, brandId, [...types]))) return;
  const customer = await customerRef(tx, brandId, customerId);
  if (!customer) return;
  const context = { at: new Date(edit.changes.at(-1)!.at), customerId };
  await emitWebhookEvent(tx, brandId, "consent.changed", { customer, visitorId: null, changes: edit.changes }, context);
  await emitWebhookEvent(
    tx,
    brandId,
    "preference.changed",
    {
      customer,
      source: edit.source,
      changes: edit.changes.map(({ kind, subject, before, after }) => ({ kind, subject, before, after })),
    },
    context,
  );
  const left = edit.changes.filter(
    (change) =>
      change.kind === "subscription" &&
      statusOf(change.after) === "unsubscribed" &&
      statusOf(change.before) !== "unsubscribed",
  );
  if (edit.unsubscribeVia && left.length > 0) {
    const topics = left.map((change) => {
      const cut = change.subject.lastIndexOf(":");
      return { topic: change.subject.slice(0, cut), channel: change.subject.slice(cut + 1) };
    });
    await emitWebhookEvent(
      tx,
      brandId,
      "customer.unsubscribed",
      { customer, via: edit.unsubscribeVia, topics },
      context,
    );
  }
}

function statusOf(value: unknown): unknown {
  return value && typeof value === "object" && "status" in value ? value.status : undefined;
}

/** Called by requestErasure when it opens a request (not for one already open). */
export async function announceErasureRequested(
  tx: Tx,
  request: {
    brandId: string;
    customerId: string;
    requestId: string;
    via: string;
    requestedAt: Date;
    executeAt: Date;
    deadlineAt: Date;
  },
): Promise<void> {
  const { brandId, customerId } = request;
  await emitWebhookEvent(
    tx,
    brandId,
    "erasure.requested",
    async () => {
      const customer = await customerRef(tx, brandId, customerId);
      return (
        customer && {
          customer,
          requestId: request.requestId,
          via: request.via,
          requestedAt: request.requestedAt.toISOString(),
          executeAt: request.executeAt.toISOString(),
          deadlineAt: request.deadlineAt.toISOString(),
        }
      );
    },
    { at: request.requestedAt, customerId },
  );
}
