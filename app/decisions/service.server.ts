// Answers decision requests for a brand: finds the brand, topic and customer in the snapshot,
// runs the policy engine, and for committed decisions records the sends atomically.
//
// A commit runs in one transaction that first bumps each involved customer's sendSeq (sorted,
// so concurrent batches cannot deadlock). That UPDATE is the lock: concurrent commits for one
// customer take turns, in this process and across processes, on SQLite and PostgreSQL alike.
// Its new value also says whether this process's cached history is complete (it is when the
// value is exactly one past the cached one); otherwise the sends are re-read inside the lock.
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { findStoredAnswer, replayOf, type Idempotency, type StoredAnswer } from "./idempotency.server";
import { ApiError, errors } from "~/lib/api/errors";
import type { DecisionRequest, DecisionResponse } from "~/lib/api/schemas";
import { decide, type Decision, type DecisionInput } from "~/policy";
import { WEEK } from "~/policy/time";
import { loadCampaigns, loadRecentSends, type BrandEntry, type CustomerEntry } from "./snapshot-load.server";
import type { SnapshotStore } from "./snapshot.server";
import { countDecision } from "./stats.server";

export { requestHash, type Idempotency } from "./idempotency.server";

export type Outcome = { ok: true; body: DecisionResponse } | { ok: false; error: ApiError };
/** A request to decide, or the validation error that stands in its place in a batch. */
export type Item = DecisionRequest | ApiError;
export type Shape = "single" | "batch";
type Committed =
  { kind: "replay"; previous: StoredAnswer } | { kind: "done"; outcomes: Outcome[]; fresh: Map<string, CustomerEntry> };

function toResponse(decision: Decision, committed: boolean): DecisionResponse {
  return {
    verdict: decision.verdict,
    reasons: decision.reasons,
    notBefore: decision.notBefore === null ? null : new Date(decision.notBefore).toISOString(),
    digestAt: decision.digestAt === null ? null : new Date(decision.digestAt).toISOString(),
    budget: decision.budget,
    explanation: decision.explanation,
    committed,
  };
}

/** Builds the engine's input, or the error that makes the request unanswerable (also used by the scheduler). */
export function prepare(
  brand: BrandEntry,
  customer: CustomerEntry | null,
  request: DecisionRequest,
  now: number,
): DecisionInput | ApiError {
  const topic = brand.topics.get(request.topic);
  if (!topic) return errors.notFound("topic", `This brand has no topic "${request.topic}"`);
  if (!customer) return errors.notFound("customer", `This brand has no customer "${request.customer}"`);
  if (request.priority === "critical" && topic.kind !== "transactional") {
    return errors.unprocessable("priority", `critical is for transactional topics; "${topic.key}" is ${topic.kind}`);
  }
  if (request.commit && request.at !== undefined) {
    return errors.unprocessable("at", "cannot be combined with commit: a committed send happens now");
  }
  const at = request.at !== undefined ? Date.parse(request.at) : now;
  if (request.at !== undefined && Math.abs(at - now) > 366 * 24 * 3600_000) {
    return errors.unprocessable("at", "must be within a year of now");
  }
  return {
    brand: brand.policy,
    customer: customer.snapshot,
    message: {
      topic,
      channel: request.channel,
      priority: request.priority,
      tags: request.tags,
      attributes: request.attributes,
      campaign: request.campaign ?? null,
      expiresAt: request.expiresAt !== undefined ? Date.parse(request.expiresAt) : null,
    },
    recentSends: customer.recentSends.filter((send) => send.at > at - WEEK),
    campaignAlreadySent: request.campaign !== undefined && customer.campaigns.has(request.campaign),
    now: at,
  };
}

export class DecisionService {
  constructor(
    private readonly db: Db,
    private readonly store: SnapshotStore,
  ) {}

  private async brandOrThrow(brandId: string): Promise<BrandEntry> {
    const brand = await this.store.brand(brandId);
    // The key authenticated a moment ago; a brand deleted since is gone for the caller too.
    if (!brand) throw errors.unauthorized();
    return brand;
  }

  /** Decides each request in order; commits, if any are asked for, happen in one transaction. */
  async decideAll(
    brandId: string,
    items: Item[],
    now: number,
    options: { shape: Shape; idempotency?: Idempotency },
  ): Promise<Outcome[] | { replay: { status: number; body: string } }> {
    this.store.catchUp();
    const requests = items.filter((item): item is DecisionRequest => !(item instanceof ApiError));
    const brand = await this.brandOrThrow(brandId);
    // The customers the cache lacks are read together, in a few queries.
    const customers = await this.store.customersOf(
      brandId,
      requests.map((request) => request.customer),
      now,
    );

    if (!requests.some((request) => request.commit)) {
      return items.map((request): Outcome => {
        if (request instanceof ApiError) return { ok: false, error: request };
        const input = prepare(brand, customers.get(request.customer) ?? null, request, now);
        if (input instanceof ApiError) return { ok: false, error: input };
        const decision = decide(input);
        countDecision(brandId, decision.verdict, decision.reasons, "api", now);
        return { ok: true, body: toResponse(decision, false) };
      });
    }
    return this.commit(brand, items, customers, now, options);
  }

  private async commit(
    brand: BrandEntry,
    items: Item[],
    customers: Map<string, CustomerEntry | null>,
    now: number,
    { shape, idempotency }: { shape: Shape; idempotency?: Idempotency },
  ): Promise<Outcome[] | { replay: { status: number; body: string } }> {
    const requests = items.filter((item): item is DecisionRequest => !(item instanceof ApiError));
    const committing = [
      ...new Set(
        requests
          .filter((request) => request.commit)
          .map((request) => customers.get(request.customer))
          .filter((entry): entry is CustomerEntry => Boolean(entry)),
      ),
    ].sort((a, b) => (a.id < b.id ? -1 : 1));
    try {
      const result = await transact(this.db, async (tx, record): Promise<Committed> => {
        if (idempotency) {
          const previous = await findStoredAnswer(tx, brand.id, idempotency.key);
          if (previous) return { kind: "replay", previous };
        }
        const fresh = new Map<string, CustomerEntry>();
        for (const entry of committing) {
          const { sendSeq } = await tx.customerPreference.update({
            where: { customerId: entry.id },
            data: { sendSeq: { increment: 1 } },
            select: { sendSeq: true },
          });
          const complete = sendSeq === entry.sendSeq + 1;
          fresh.set(entry.id, {
            ...entry,
            recentSends: complete ? [...entry.recentSends] : await loadRecentSends(tx, entry.id, now),
            campaigns: complete ? new Set(entry.campaigns) : await loadCampaigns(tx, entry.id),
            sendSeq,
          });
        }
        // Decide as of now, read after the locks: a request that waited for another's commit
        // must not decide at an instant before the send that commit recorded.
        const decidedAt = Math.max(now, Date.now());
        const outcomes: Outcome[] = [];
        for (const request of items) {
          if (request instanceof ApiError) {
            outcomes.push({ ok: false, error: request });
            continue;
          }
          const cached = customers.get(request.customer) ?? null;
          const customer = (cached && fresh.get(cached.id)) ?? cached;
          const input = prepare(brand, customer, request, decidedAt);
          if (input instanceof ApiError) {
            outcomes.push({ ok: false, error: input });
            continue;
          }
          const decision = decide(input);
          const sends = request.commit && decision.verdict === "send";
          if (sends && customer) {
            await tx.delivery.create({
              data: {
                brandId: brand.id,
                customerId: customer.id,
                topicKey: request.topic,
                channel: request.channel,
                priority: request.priority,
                campaign: request.campaign ?? null,
                sentAt: new Date(decidedAt),
              },
              select: { id: true },
            });
            customer.recentSends.push({ at: decidedAt, channel: request.channel, priority: request.priority });
            if (request.campaign) customer.campaigns.add(request.campaign);
            await record({ brandId: brand.id, scope: "sends", subjectId: customer.id });
          }
          outcomes.push({ ok: true, body: toResponse(decision, sends) });
        }
        if (idempotency) {
          const body = JSON.stringify(shape === "single" ? single(outcomes[0]!) : { results: outcomes.map(batchItem) });
          await tx.idempotencyRecord.create({
            data: {
              brandId: brand.id,
              key: idempotency.key,
              requestHash: idempotency.requestHash,
              status: shape === "single" && !outcomes[0]!.ok ? outcomes[0]!.error.status : 200,
              body,
            },
            select: { id: true },
          });
        }
        return { kind: "done", outcomes, fresh };
      });
      if (result.kind === "replay") return replayOf(result.previous, idempotency!);
      // Counted once committed: a transaction that failed decided nothing.
      for (const outcome of result.outcomes)
        if (outcome.ok) countDecision(brand.id, outcome.body.verdict, outcome.body.reasons, "api", now);
      for (const entry of result.fresh.values()) this.store.remember(entry);
      return result.outcomes;
    } catch (error) {
      // The same key used at the same moment: the other request won; answer as it did.
      if (idempotency && isUniqueViolation(error)) {
        const previous = await findStoredAnswer(this.db, brand.id, idempotency.key);
        if (previous) return replayOf(previous, idempotency);
      }
      throw error;
    }
  }
}

/** A single decision's HTTP body. */
export function single(outcome: Outcome): unknown {
  return outcome.ok ? outcome.body : outcome.error.body;
}

/** One item of a batch answer: the decision, or the error with its status. */
export function batchItem(outcome: Outcome): unknown {
  return outcome.ok ? outcome.body : { status: outcome.error.status, ...outcome.error.body };
}
