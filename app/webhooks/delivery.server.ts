// Posting webhook events: a job takes due deliveries, each leased by a compare-and-set on its
// own row (so any number of processes may run it against one database without posting one twice
// at once), signs each by the Standard Webhooks scheme under its endpoint's secret with the
// event's id as webhook-id (the same on every retry, so receivers can de-duplicate), and POSTs
// it. A 2xx delivers; anything else is tried again on the ladder of backoff.ts and given up after
// about three days. Delivered and given-up rows go after 30 days. Started with the privacy jobs.
import crypto from "node:crypto";
import os from "node:os";
import type { Db } from "~/db/client.server";
import { log } from "~/lib/log.server";
import { PollLoop } from "~/lib/poll-loop.server";
import { openWebhookSecret } from "./secret.server";
import { webhookRetryDelay } from "./backoff";
import { TEST_EVENT } from "./events";
import { blankIfErased } from "./forget.server";
import {
  acknowledged,
  postSigned,
  redact,
  shorten,
  SNIPPET,
  type PostOutcome,
  type SignedPostOptions,
} from "./signed-post.server";
import { webhookWake } from "./wake.server";

/** How long delivered and given-up events stay visible in the console. */
export const KEEP_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 10 * 60_000;
const BATCH = 50;

export type WebhookDeliveryOptions = SignedPostOptions & {
  /** In [0, 1): the backoff's jitter. */
  random?: () => number;
};

export type DeliveryOutcome = {
  /** delivered: 2xx; retry: failed, tried again later; failed: failed and given up; held: endpoint off; gone: not pending. */
  outcome: "delivered" | "retry" | "failed" | "held" | "gone";
  status: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
};

const free = (now: Date) => ({ OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] });

/** Takes a pending delivery for `leaseMs` from `now`, unless another process holds it; whether it was taken. */
export async function leaseDelivery(db: Db, id: string, now: Date, leaseMs: number): Promise<boolean> {
  const { count } = await db.webhookDelivery.updateMany({
    where: { id, status: "pending", ...free(now) },
    data: { leaseUntil: new Date(now.getTime() + leaseMs) },
  });
  return count > 0;
}

/** Makes one attempt at a delivery the caller has leased, and records its outcome. */
export async function deliverWebhook(
  db: Db,
  secret: string,
  deliveryId: string,
  now: Date,
  options: WebhookDeliveryOptions & { ignoreEnabled?: boolean } = {},
): Promise<DeliveryOutcome> {
  const delivery = await db.webhookDelivery.findUnique({
    where: { id: deliveryId },
    select: {
      id: true,
      brandId: true,
      eventId: true,
      type: true,
      payload: true,
      status: true,
      attempts: true,
      endpoint: { select: { url: true, secretCiphertext: true, enabled: true } },
    },
  });
  if (!delivery || delivery.status !== "pending") {
    return { outcome: "gone", status: null, error: null, nextAttemptAt: null };
  }
  if (!delivery.endpoint.enabled && !options.ignoreEnabled) {
    // Switched off after the event was written: it waits, and leaves when the endpoint is back on.
    await db.webhookDelivery.updateMany({ where: { id: deliveryId, status: "pending" }, data: { leaseUntil: null } });
    return { outcome: "held", status: null, error: null, nextAttemptAt: null };
  }
  const attempts = delivery.attempts + 1;
  let result: PostOutcome;
  try {
    result = await postSigned(
      {
        url: delivery.endpoint.url,
        secret: openWebhookSecret(secret, delivery.endpoint.secretCiphertext),
        id: delivery.eventId,
        body: delivery.payload,
        now,
        userAgent: "Mesure-Webhooks/1",
        receiver: "endpoint",
      },
      options,
    );
  } catch (error) {
    // The secret could not be opened (MESURE_SECRET changed): not the endpoint's fault, retried
    // all the same (the operator may rotate the secret), and logged since nobody else will see it.
    log.error(`webhook delivery ${delivery.id}: ${(error as Error).message}`);
    result = { status: null, error: `Mesure could not prepare the call: ${(error as Error).message}` };
  }

  if (acknowledged(result)) {
    await db.webhookDelivery.update({
      where: { id: delivery.id },
      data: {
        status: "delivered",
        attempts,
        lastAttemptAt: now,
        lastStatus: result.status,
        lastError: null,
        deliveredAt: now,
        leaseUntil: null,
      },
      select: { id: true },
    });
    if (delivery.type === "erasure.requested") await blankIfErased(db, delivery);
    return { outcome: "delivered", status: result.status, error: null, nextAttemptAt: null };
  }
  // A test is the brand checking its receiver now: its answer is the point, not a later retry.
  const delay =
    delivery.type === TEST_EVENT
      ? null
      : webhookRetryDelay(attempts, (options.random ?? Math.random)(), result.retryAfterMs);
  const nextAttemptAt = delay === null ? null : new Date(now.getTime() + delay);
  // The receiver may echo the body back: the customer's id is blanked before the answer is kept.
  const error = shorten(redact(result.error, [externalIdOf(delivery.payload)]), SNIPPET + 20);
  await db.webhookDelivery.update({
    where: { id: delivery.id },
    data: {
      status: nextAttemptAt ? "pending" : "failed",
      attempts,
      lastAttemptAt: now,
      lastStatus: result.status,
      lastError: error,
      ...(nextAttemptAt && { nextAttemptAt }),
      leaseUntil: null,
    },
    select: { id: true },
  });
  if (!nextAttemptAt && delivery.type === "erasure.requested") await blankIfErased(db, delivery);
  return { outcome: nextAttemptAt ? "retry" : "failed", status: result.status, error, nextAttemptAt };
}

function externalIdOf(payload: string): string | null {
  try {
    const id: unknown = (JSON.parse(payload) as { data?: { customer?: { externalId?: unknown } } }).data?.customer
      ?.externalId;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}

export type WebhookJobsOptions = {
  db: Db;
  /** The server secret: opens endpoint secrets. */
  secret: string;
  /** How often an idle runner looks for due events (default 2 s); an emit in this process cuts a wait short. */
  pollMs?: number;
  /** Calls in flight at once (default 8). */
  concurrency?: number;
  /** How long a taken delivery stays this runner's if it dies (default 60 s, above the 10 s call timeout). */
  leaseMs?: number;
  delivery?: WebhookDeliveryOptions;
};

export type WebhookTickReport = { attempted: number; delivered: number; failed: number; pruned: number };

export class WebhookJobs {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
  private readonly loop: PollLoop;
  private lastPrune = 0;

  constructor(private readonly options: WebhookJobsOptions) {
    this.loop = new PollLoop({
      name: "webhook deliveries",
      round: async () => (await this.tick(new Date())).attempted > 0,
      pollMs: options.pollMs ?? 2_000,
      signal: webhookWake,
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Lets the round in hand finish (its calls time out within 10 s), then stops. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One round as of `now`: due deliveries attempted, old ones pruned. Tests call it with the dates they need. */
  async tick(now: Date = new Date()): Promise<WebhookTickReport> {
    const { db, secret } = this.options;
    const leaseMs = this.options.leaseMs ?? 60_000;
    const due = await db.webhookDelivery.findMany({
      where: { status: "pending", nextAttemptAt: { lte: now }, endpoint: { enabled: true }, ...free(now) },
      orderBy: { nextAttemptAt: "asc" },
      take: BATCH,
      select: { id: true },
    });
    const report: WebhookTickReport = { attempted: 0, delivered: 0, failed: 0, pruned: 0 };
    // Each delivery is leased as a lane takes it up, from the time that is then (a lease taken
    // up front would run out while the delivery waited for a lane, and another process would
    // post it a second time).
    const started = Date.now();
    const queue = [...due];
    const lane = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const at = new Date(now.getTime() + (Date.now() - started));
        if (!(await leaseDelivery(db, next.id, at, leaseMs))) continue;
        try {
          const { outcome } = await deliverWebhook(db, secret, next.id, now, this.options.delivery);
          if (outcome !== "held" && outcome !== "gone") report.attempted++;
          if (outcome === "delivered") report.delivered++;
          if (outcome === "failed") report.failed++;
        } catch (error) {
          // The lease runs out and a later round tries again.
          log.error(`webhook delivery ${next.id}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 8, due.length) }, lane));
    if (now.getTime() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      report.pruned = await pruneWebhookDeliveries(db, now);
    }
    return report;
  }
}

/** Deletes delivered and given-up events older than 30 days; pending ones stay, whatever their age. */
export async function pruneWebhookDeliveries(db: Db, now: Date): Promise<number> {
  const { count } = await db.webhookDelivery.deleteMany({
    where: { status: { in: ["delivered", "failed"] }, createdAt: { lt: new Date(now.getTime() - KEEP_MS) } },
  });
  return count;
}
