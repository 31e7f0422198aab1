// Messages handed to Mesure (`POST /api/v1/messages`): each is decided at once on the same
// snapshot the decision API uses, channel by channel in the brand's fallback order, and stored
// in the outbox with the plan that decision gives (queued to go now, deferred until a time,
// folded into a digest, or denied). The worker decides again when it sends.
import crypto from "node:crypto";
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { findStoredAnswer, replayOf, type Idempotency } from "~/decisions/idempotency.server";
import { prepare } from "~/decisions/service.server";
import type { BrandEntry, CustomerEntry } from "~/decisions/snapshot-load.server";
import type { SnapshotStore } from "~/decisions/snapshot.server";
import { countDecision } from "~/decisions/stats.server";
import { ApiError, errors } from "~/lib/api/errors";
import type { MessageAccepted, MessageRequest } from "~/lib/api/message-schemas";
import { toJson } from "~/lib/json-column";
import { decide } from "~/policy";
import { describeSkipped, planMessage, type ChannelDecision, type Plan } from "./plan";
import { wakeWorkers } from "./wake.server";

export type Intake = { ok: true; body: MessageAccepted } | { ok: false; error: ApiError };
export type IntakeItem = MessageRequest | ApiError;

const statusOf = { send: "queued", defer: "deferred", digest: "digested", deny: "denied" } as const;

/** The plan for one message, or the error that makes it unacceptable (unknown topic, customer…). */
function planFor(brand: BrandEntry, customer: CustomerEntry | null, request: MessageRequest, now: number) {
  const decisions: ChannelDecision[] = [];
  for (const channel of request.channels) {
    const input = prepare(brand, customer, { ...request, channel, commit: false }, now);
    if (input instanceof ApiError) return input;
    decisions.push({ channel, decision: decide(input) });
  }
  return planMessage(decisions);
}

function dueAt(plan: Plan, now: number): number {
  if (plan.verdict === "defer") return plan.decision.notBefore!;
  if (plan.verdict === "digest") return plan.decision.digestAt!;
  return now;
}

function accepted(id: string, plan: Plan): MessageAccepted {
  const { decision } = plan;
  return {
    id,
    status: statusOf[plan.verdict],
    channel: plan.verdict === "deny" ? null : plan.channel,
    decision: {
      verdict: decision.verdict,
      reasons: plan.verdict === "deny" ? plan.reasons : decision.reasons,
      notBefore: decision.notBefore === null ? null : new Date(decision.notBefore).toISOString(),
      digestAt: decision.digestAt === null ? null : new Date(decision.digestAt).toISOString(),
      budget: decision.budget,
      explanation: decision.explanation,
    },
  };
}

export async function enqueueMessages(
  services: { db: Db; store: SnapshotStore },
  brandId: string,
  items: IntakeItem[],
  now: number,
  options: { shape: "single" | "batch"; idempotency?: Idempotency },
): Promise<Intake[] | { replay: { status: number; body: string } }> {
  const { db, store } = services;
  store.catchUp();
  const brand = await store.brand(brandId);
  if (!brand) throw errors.unauthorized();
  const requests = items.filter((item): item is MessageRequest => !(item instanceof ApiError));
  const customers = await store.customersOf(
    brandId,
    requests.map((request) => request.customer),
    now,
  );

  const rows: { id: string; request: MessageRequest; customer: CustomerEntry; plan: Plan }[] = [];
  const outcomes: Intake[] = [];
  for (const [index, item] of items.entries()) {
    // A batch of 1000 takes tens of milliseconds to decide: let the worker and other requests
    // in this process have their turn now and then.
    if (index > 0 && index % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    if (item instanceof ApiError) {
      outcomes.push({ ok: false, error: item });
      continue;
    }
    const customer = customers.get(item.customer) ?? null;
    const plan = planFor(brand, customer, item, now);
    if (plan instanceof ApiError) {
      outcomes.push({ ok: false, error: plan });
      continue;
    }
    const id = crypto.randomUUID();
    rows.push({ id, request: item, customer: customer!, plan });
    outcomes.push({ ok: true, body: accepted(id, plan) });
  }
  const { idempotency, shape } = options;

  try {
    const replay = await transact(db, async (tx) => {
      if (idempotency) {
        const previous = await findStoredAnswer(tx, brandId, idempotency.key);
        if (previous) return previous;
      }
      if (rows.length) {
        await tx.message.createMany({
          data: rows.map(({ id, request, customer, plan }) => ({
            id,
            brandId,
            customerId: customer.id,
            topicId: brand.topics.get(request.topic)!.id,
            idempotencyKey: shape === "single" ? (idempotency?.key ?? null) : null,
            channels: toJson(request.channels),
            priority: request.priority,
            tags: toJson(request.tags),
            attributes: toJson(request.attributes),
            campaign: request.campaign ?? null,
            content: toJson(request.content),
            status: statusOf[plan.verdict],
            channel: plan.verdict === "deny" ? null : plan.channel,
            dueAt: new Date(dueAt(plan, now)),
            expiresAt: request.expiresAt ? new Date(request.expiresAt) : null,
            createdAt: new Date(now),
          })),
        });
        await tx.messageEvent.createMany({
          data: rows.map(({ id, plan }) => ({
            messageId: id,
            status: statusOf[plan.verdict],
            reasons: toJson(plan.verdict === "deny" ? plan.reasons : plan.decision.reasons),
            channel: plan.channel,
            detail: describeSkipped(plan.skipped),
            until: plan.verdict === "defer" || plan.verdict === "digest" ? new Date(dueAt(plan, now)) : null,
            at: new Date(now),
          })),
        });
      }
      if (idempotency) {
        const first = outcomes[0]!;
        await tx.idempotencyRecord.create({
          data: {
            brandId,
            key: idempotency.key,
            requestHash: idempotency.requestHash,
            status: shape === "single" ? (first.ok ? 202 : first.error.status) : 200,
            body: JSON.stringify(shape === "single" ? intakeBody(first) : { results: outcomes.map(intakeItem) }),
          },
          select: { id: true },
        });
      }
      return null;
    });
    if (replay) return replayOf(replay, idempotency!);
  } catch (error) {
    // Another request with the same key won the race, or the key's record was pruned but the
    // message it created remains: answer as the first request did.
    if (idempotency && isUniqueViolation(error)) {
      const previous = await findStoredAnswer(db, brandId, idempotency.key);
      if (previous) return replayOf(previous, idempotency);
      const message = await db.message.findUnique({
        where: { brandId_idempotencyKey: { brandId, idempotencyKey: idempotency.key } },
        select: { id: true },
      });
      if (message) throw errors.conflict(`This Idempotency-Key already created message ${message.id}`);
    }
    throw error;
  }
  for (const { plan } of rows)
    countDecision(
      brandId,
      plan.verdict,
      plan.verdict === "deny" ? plan.reasons : plan.decision.reasons,
      "scheduler",
      now,
    );
  if (rows.some((row) => row.plan.verdict === "send")) wakeWorkers();
  return outcomes;
}

export function intakeBody(outcome: Intake): unknown {
  return outcome.ok ? outcome.body : outcome.error.body;
}

export function intakeItem(outcome: Intake): unknown {
  return outcome.ok ? outcome.body : { status: outcome.error.status, ...outcome.error.body };
}
