// Writing one chunk of checked import rows, set by set rather than row by row: one read of the
// chunk's known customers and their subscriptions, one insert of the new customers, one of the
// new subscriptions, and the consent events appended to the ledger together (multi-row INSERTs:
// see app/db/bulk.server.ts). Each row is planned in full before anything is written, so a row refused
// late (a withdrawal newer than its proof) leaves nothing behind.
import crypto from "node:crypto";
import type { Recorder } from "~/db/changes.server";
import type { Tx } from "~/db/client.server";
import { toJson } from "~/lib/json-column";
import type { Frequency } from "~/lib/vocabulary";
import { appendConsentEvents, type ConsentEventInput } from "~/models/consent.server";
import { readFieldSources, type FieldSources } from "~/privacy/fields";
import { batched } from "./batched";
import { insertRows, newId, type SqlValue } from "~/db/bulk.server";
import type { RowIssue } from "./issues";
import type { ImportRow } from "./rows";

export const IMPORT_SOURCE = "import";

export type ValidRow = { line: number; raw: string; row: ImportRow };
export type RowFailure = { line: number; raw: string; issues: RowIssue[] };
export type ChunkOutcome = { created: number; updated: number; failures: RowFailure[] };

type ExistingSubscription = { status: string; frequency: string; confirmedAt: Date | null; updatedAt: Date };
type SubscriptionWrite = {
  topicId: string;
  topicKey: string;
  channel: string;
  status: "subscribed";
  frequency: Frequency;
  confirmedAt: Date;
  /** null: a new subscription; otherwise what it was. */
  before: { status: string; frequency: string } | null;
};
type ContactFields = "email" | "phone" | "name" | "locale" | "timezone";
const contactFields: readonly ContactFields[] = ["email", "phone", "name", "locale", "timezone"];
const customerColumns = [
  "id",
  "brandId",
  "externalId",
  "email",
  "phone",
  "name",
  "locale",
  "timezone",
  "fieldSources",
  "createdAt",
  "updatedAt",
];
const subscriptionColumns = [
  "id",
  "brandId",
  "customerId",
  "topicId",
  "channel",
  "status",
  "frequency",
  "confirmedAt",
  "createdAt",
  "updatedAt",
];

/** SHA-256 of the text the person was shown, as the cookie banner's proof is kept. */
export function shownTextHash(text: string): string {
  return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

export async function applyRows(
  tx: Tx,
  record: Recorder,
  input: { brandId: string; defaults: { locale: string; timezone: string }; rows: readonly ValidRow[]; now: Date },
): Promise<ChunkOutcome> {
  const { brandId, rows, now } = input;
  if (rows.length === 0) return { created: 0, updated: 0, failures: [] };

  const known = await batched(
    rows.map(({ row }) => row.externalId),
    (externalIds) =>
      tx.customer.findMany({
        where: { brandId, externalId: { in: externalIds } },
        select: {
          id: true,
          externalId: true,
          email: true,
          phone: true,
          name: true,
          locale: true,
          timezone: true,
          fieldSources: true,
          erasedAt: true,
        },
      }),
  );
  const byExternalId = new Map(known.map((customer) => [customer.externalId, customer]));
  const subscriptions = await batched(
    known.map((customer) => customer.id),
    (customerIds) =>
      tx.subscription.findMany({
        where: { brandId, customerId: { in: customerIds } },
        select: {
          customerId: true,
          topicId: true,
          channel: true,
          status: true,
          frequency: true,
          confirmedAt: true,
          updatedAt: true,
        },
      }),
  );
  const current = new Map<string, ExistingSubscription>(
    subscriptions.map((s) => [`${s.customerId}|${s.topicId}|${s.channel}`, s]),
  );

  // Plan every row first.
  const failures: RowFailure[] = [];
  const creations: { row: ValidRow; writes: SubscriptionWrite[] }[] = [];
  const updates: { row: ValidRow; customer: (typeof known)[number]; writes: SubscriptionWrite[] }[] = [];
  for (const valid of rows) {
    const { row } = valid;
    const customer = byExternalId.get(row.externalId);
    if (customer?.erasedAt) {
      failures.push({ line: valid.line, raw: valid.raw, issues: [{ field: "external_id", code: "customerErased" }] });
      continue;
    }
    const issues: RowIssue[] = [];
    const writes: SubscriptionWrite[] = [];
    for (const subscription of row.subscriptions) {
      const { topic, channel } = subscription;
      const before = customer ? current.get(`${customer.id}|${topic.id}|${channel}`) : undefined;
      const confirmedAt = row.proof?.consentedAt ?? now;
      if (!before) {
        const frequency = subscription.frequency ?? topic.defaultFrequency;
        writes.push({
          topicId: topic.id,
          topicKey: topic.key,
          channel,
          status: "subscribed",
          frequency,
          confirmedAt,
          before: null,
        });
        continue;
      }
      const frequency = subscription.frequency ?? (before.frequency as Frequency);
      if (before.status === "subscribed" && before.frequency === frequency) continue;
      // Someone who withdrew after the consent this file proves is not put back: a stale
      // export must never undo an unsubscribe.
      if (before.status === "unsubscribed" && topic.kind !== "transactional" && before.updatedAt > confirmedAt) {
        issues.push({
          field: "subscriptions",
          code: "withdrawnLater",
          values: { subject: `${topic.key}:${channel}`, date: before.updatedAt.toISOString().slice(0, 10) },
        });
        continue;
      }
      writes.push({
        topicId: topic.id,
        topicKey: topic.key,
        channel,
        status: "subscribed",
        frequency,
        // A new frequency does not make an older opt-in newer.
        confirmedAt: before.status === "subscribed" ? (before.confirmedAt ?? confirmedAt) : confirmedAt,
        before: { status: before.status, frequency: before.frequency },
      });
    }
    if (issues.length) failures.push({ line: valid.line, raw: valid.raw, issues });
    else if (customer) updates.push({ row: valid, customer, writes });
    else creations.push({ row: valid, writes });
  }

  // New customers, their preferences row, in a few statements.
  const createdIds = new Map<string, string>();
  if (creations.length) {
    const at = new Date();
    const customers = creations.map(({ row: { row } }) => {
      const id = newId();
      createdIds.set(row.externalId, id);
      return [
        id,
        brandId,
        row.externalId,
        row.email ?? null,
        row.phone ?? null,
        row.name ?? null,
        row.locale ?? input.defaults.locale,
        row.timezone ?? input.defaults.timezone,
        toJson(newSources(row)),
        at,
        at,
      ];
    });
    await insertRows(tx, "Customer", customerColumns, customers);
    await insertRows(
      tx,
      "CustomerPreference",
      ["id", "brandId", "customerId", "updatedAt"],
      customers.map((customer) => [newId(), brandId, customer[0]!, at]),
    );
  }

  // Known customers: only those whose stored fields differ are written, and only the fields
  // that changed now come from the import (an unchanged value keeps the source it had).
  for (const { row, customer } of updates) {
    const changed: Partial<Record<ContactFields, string>> = {};
    for (const field of contactFields) {
      const value = row.row[field];
      if (value !== undefined && value !== customer[field]) changed[field] = value;
    }
    if (Object.keys(changed).length === 0) continue;
    const sources = readFieldSources(customer.fieldSources);
    for (const field of Object.keys(changed)) sources[field] = IMPORT_SOURCE;
    await tx.customer.update({
      where: { id: customer.id },
      data: { ...changed, fieldSources: toJson(sources) },
      select: { id: true },
    });
    // Contact points decide which channels can reach the customer.
    await record({ brandId, scope: "customer", subjectId: customer.id });
  }

  // Subscriptions: new ones in one insert, changed ones one by one (a re-import changes few).
  const events: Omit<ConsentEventInput, "brandId">[] = [];
  const inserts: SqlValue[][] = [];
  const at = new Date();
  const touched = new Set<string>();
  const plans = [
    ...creations.map((plan) => ({ ...plan, customerId: createdIds.get(plan.row.row.externalId)!, known: false })),
    ...updates.map((plan) => ({ ...plan, customerId: plan.customer.id, known: true })),
  ].sort((a, b) => a.row.line - b.row.line);
  for (const plan of plans) {
    const { row } = plan.row;
    for (const write of plan.writes) {
      if (write.before === null) {
        inserts.push([
          newId(),
          brandId,
          plan.customerId,
          write.topicId,
          write.channel,
          write.status,
          write.frequency,
          write.confirmedAt,
          at,
          at,
        ]);
      } else {
        await tx.subscription.update({
          where: {
            customerId_topicId_channel: { customerId: plan.customerId, topicId: write.topicId, channel: write.channel },
          },
          data: { status: write.status, frequency: write.frequency, confirmedAt: write.confirmedAt },
          select: { id: true },
        });
      }
      if (plan.known) touched.add(plan.customerId);
      events.push({
        customerId: plan.customerId,
        kind: "subscription",
        subject: `${write.topicKey}:${write.channel}`,
        before: write.before,
        after: {
          status: write.status,
          frequency: write.frequency,
          ...(row.proof && {
            proof: { consentedAt: row.proof.consentedAt.toISOString(), source: row.proof.source },
          }),
        },
        source: IMPORT_SOURCE,
        policyVersion: row.policyVersion ?? "1",
        shownTextHash: row.consentText ? shownTextHash(row.consentText) : null,
        at: now,
      });
    }
  }
  await insertRows(tx, "Subscription", subscriptionColumns, inserts);
  await appendConsentEvents(tx, brandId, events);

  // Known customers whose choices moved: their cached snapshots must go (new customers have
  // none: the snapshot store keeps no entry for an unknown customer).
  if (touched.size) {
    await batched([...touched], async (customerIds) => {
      await tx.customerPreference.updateMany({
        where: { brandId, customerId: { in: customerIds } },
        data: { version: { increment: 1 } },
      });
      return [];
    });
    for (const customerId of touched) await record({ brandId, scope: "customer", subjectId: customerId });
  }
  return { created: creations.length, updated: updates.length, failures };
}

/** Where a new customer's fields came from: this import, or the brand's defaults. */
function newSources(row: ImportRow): FieldSources {
  const sources: FieldSources = { externalId: IMPORT_SOURCE };
  for (const field of ["email", "phone", "name"] as const) if (row[field] !== undefined) sources[field] = IMPORT_SOURCE;
  sources.locale = row.locale ? IMPORT_SOURCE : "default";
  sources.timezone = row.timezone ? IMPORT_SOURCE : "default";
  return sources;
}
