// The outbox worker: leases due messages, decides each again under the customer's lock
// (reserve.server.ts), hands the ones that may go to their channel, and records the outcome
// (finish.server.ts). Any number of workers may run against one database. A worker that dies
// loses its leases when they expire; another one then finishes its work: messages it had not
// begun to send are decided again, and those it had begun are marked uncertain, or sent again
// under the same Message-ID when they are critical (see recoverJobs). Each send is claimed
// just before the channel speaks to its provider, so a customer's change made meanwhile
// withdraws it (handover.server.ts).
import crypto from "node:crypto";
import os from "node:os";
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import type { SnapshotStore } from "~/decisions/snapshot.server";
import type { Channel } from "~/lib/vocabulary";
import { log } from "~/lib/log.server";
import { PollLoop } from "~/lib/poll-loop.server";
import type { ChannelAdapter, ChannelJob, SendResult } from "./channels/types";
import { finish, recordSent, type Sent } from "./finish.server";
import { beginDelivery, markUncertain, requeue } from "./handover.server";
import { leaseDue, leasedSelect, releaseLeases, type LeasedMessage } from "./lease.server";
import type { Renderer } from "./render.server";
import { reserve, type Job } from "./reserve.server";
import { workerWake } from "./wake.server";

export type WorkerOptions = {
  db: Db;
  provider: "sqlite" | "postgresql";
  store: SnapshotStore;
  renderer: Renderer;
  channels: Map<Channel, ChannelAdapter>;
  /** Sends in flight at once. */
  concurrency: number;
  leaseMs: number;
  /** How often an idle worker looks for due messages. */
  pollMs?: number;
  /** Messages leased at once. */
  batchSize?: number;
};

export class Worker {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
  /** Deliveries the channels took, not yet recorded. */
  private readonly sent: Sent[] = [];
  private flushing: Promise<void> | null = null;
  /** Successes in the write under way. */
  private writing = 0;
  /** Counts what this worker did, for logs and tests. */
  readonly stats = { leased: 0, sent: 0, failed: 0, retried: 0, recovered: 0, withdrawn: 0, uncertain: 0 };

  private readonly loop: PollLoop;

  constructor(private readonly options: WorkerOptions) {
    this.loop = new PollLoop({
      name: `worker ${this.id}`,
      round: async () => (await this.tick(Date.now())) > 0,
      pollMs: this.options.pollMs ?? 500,
      signal: workerWake,
    });
  }

  private get batchSize() {
    return this.options.batchSize ?? Math.max(50, this.options.concurrency * 8);
  }

  start(): void {
    this.loop.start();
  }

  /** Finishes the batch in hand (its sends complete and are recorded), gives back the rest, and stops. */
  async stop(): Promise<void> {
    if (!(await this.loop.stop())) return;
    const released = await releaseLeases(this.options.db, this.id);
    if (released) log.info(`worker ${this.id}: released ${released} lease(s)`);
  }

  /** One round: lease a batch, decide it, send what may go. Returns how many messages it leased. */
  async tick(now: number): Promise<number> {
    const { db, provider, store, leaseMs } = this.options;
    const leased = await leaseDue(db, provider, { owner: this.id, now, leaseMs, limit: this.batchSize });
    if (leased.length === 0) return 0;
    this.stats.leased += leased.length;
    const leaseUntil = now + leaseMs;
    store.catchUp();
    const jobs: Job[] = await this.recoverJobs(
      leased.filter((message) => message.status === "sending"),
      now,
      leaseUntil,
    );
    const byBrand = new Map<string, LeasedMessage[]>();
    for (const message of leased.filter((message) => message.status !== "sending")) {
      byBrand.set(message.brandId, [...(byBrand.get(message.brandId) ?? []), message]);
    }
    for (const [brandId, messages] of byBrand) {
      const brand = await store.brand(brandId);
      if (!brand) continue; // deleted with its messages
      const reserved = await transact(db, (tx, record) =>
        reserve(tx, record, { brand, messages, owner: this.id, now, leaseUntil }),
      );
      for (const entry of reserved.fresh) store.remember(entry);
      jobs.push(...reserved.jobs);
    }
    try {
      await runWithLimit(jobs, this.options.concurrency, (job) => this.deliver(job));
    } finally {
      await this.flushAll();
    }
    return leased.length;
  }

  /**
   * Messages whose worker died while sending them, told apart by their delivery's startedAt:
   * - not begun: certainly not sent; the reservation goes and the message is decided again;
   * - begun, on a channel that can be asked (in-app: the inbox item is there or not) or for a
   *   critical message (a lost password reset is worse than a second one): sent again under the
   *   same delivery, hence the same Message-ID, which mail systems use to recognise a repeat;
   * - begun, otherwise: whether the provider took it cannot be known, and it is not sent
   *   again; it is recorded as `uncertain`.
   * Each delivery is claimed with a compare-and-set on its time, so two workers recovering the
   * same digest do not both act on it.
   */
  private async recoverJobs(messages: LeasedMessage[], now: number, leaseUntil: number): Promise<Job[]> {
    const { db } = this.options;
    const jobs: Job[] = [];
    const seen = new Set<string>();
    for (const message of messages) {
      const digest = message.digestDeliveryId !== null;
      const delivery = await db.delivery.findFirst({
        where: digest
          ? { id: message.digestDeliveryId!, status: "sending" }
          : { messageId: message.id, status: "sending" },
        select: { id: true, channel: true, sentAt: true, startedAt: true, priority: true },
      });
      if (!delivery) {
        // Never reserved, withdrawn, or already recorded: decide again from the start.
        await requeue(db, {
          members: [message],
          digest,
          now,
          detail: "decided again: its worker stopped before sending it",
        });
        continue;
      }
      if (seen.has(delivery.id)) continue;
      seen.add(delivery.id);
      const memberWhere = digest ? { digestDeliveryId: delivery.id } : { id: message.id };
      const members = await db.message.findMany({
        where: { ...memberWhere, status: "sending" },
        orderBy: { createdAt: "asc" },
        select: leasedSelect,
      });
      if (members.length === 0) continue;
      const channel = delivery.channel as Channel;
      if (!delivery.startedAt) {
        await requeue(db, {
          members,
          digest,
          now,
          deliveryId: delivery.id,
          detail: "decided again: its worker stopped before sending it",
        });
        continue;
      }
      if (channel !== "in_app" && delivery.priority !== "critical") {
        const marked = await markUncertain(db, {
          deliveryId: delivery.id,
          sentAt: delivery.sentAt,
          members,
          channel,
          now,
        });
        if (marked) this.stats.uncertain += members.length;
        continue;
      }
      const claimed = await db.delivery.updateMany({
        where: { id: delivery.id, status: "sending", sentAt: delivery.sentAt },
        data: { sentAt: new Date(now) },
      });
      if (claimed.count === 0) continue;
      await db.message.updateMany({
        where: { ...memberWhere, status: "sending" },
        data: { leaseOwner: this.id, leaseUntil: new Date(leaseUntil) },
      });
      await db.messageEvent.createMany({
        data: members.map((member) => ({
          messageId: member.id,
          status: "sending",
          channel: delivery.channel,
          detail:
            channel === "in_app"
              ? "sent again: the worker sending it stopped before recording the outcome (the inbox keeps one copy)"
              : "sent again: the worker sending it stopped before recording the outcome (same Message-ID)",
          at: new Date(now),
        })),
      });
      this.stats.recovered += members.length;
      jobs.push(
        digest
          ? { kind: "digest", deliveryId: delivery.id, channel, members, resumed: true }
          : { kind: "single", deliveryId: delivery.id, channel, message: members[0]!, resumed: true },
      );
    }
    return jobs;
  }

  private async deliver(job: Job): Promise<void> {
    const { db, channels, store } = this.options;
    const first = job.kind === "single" ? job.message : job.members[0]!;
    let result: SendResult;
    try {
      const channelJob = await this.prepare(job);
      const adapter = channels.get(job.channel);
      result = adapter
        ? await adapter.send(channelJob)
        : { ok: false, transient: false, error: `${job.channel} is not configured on this server` };
    } catch (error) {
      // A bug or an outage in rendering or in an adapter: retry later rather than lose it.
      result = { ok: false, transient: true, error: (error as Error).message };
    }
    if ("withdrawn" in result) {
      // A change of the customer's preferences deleted the reservation before it began.
      this.stats.withdrawn += job.kind === "single" ? 1 : job.members.length;
      await requeue(db, {
        members: job.kind === "single" ? [job.message] : job.members,
        digest: job.kind === "digest",
        now: Date.now(),
        detail: "not sent: the customer's preferences changed before it left; decided again",
      });
      store.apply({ brandId: first.brandId, scope: "sends", subjectId: first.customerId });
      return;
    }
    if (result.ok) {
      this.stats.sent += job.kind === "single" ? 1 : job.members.length;
      // Successes are recorded together, half of WORKER_CONCURRENCY at a time (and what is
      // left when the round ends): one transaction each would cost more than the send. A lane
      // starts no new send while WORKER_CONCURRENCY successes wait, so what a crash leaves
      // begun and unrecorded (hence `uncertain`) is at most twice WORKER_CONCURRENCY: those
      // waiting, and those in flight.
      this.sent.push({ job, providerId: result.providerId });
      if (this.sent.length >= Math.ceil(this.options.concurrency / 2)) void this.flushSent();
      while (this.sent.length + this.writing >= this.options.concurrency) await this.flushSent();
      return;
    }
    await finish(db, job, result, Date.now());
    if (result.transient) this.stats.retried++;
    else this.stats.failed++;
    // The released reservation must leave this process's snapshot too.
    if (!result.ok) store.apply({ brandId: first.brandId, scope: "sends", subjectId: first.customerId });
  }

  /** Records the successes waiting, one write at a time; resolves once none wait. */
  private flushSent(): Promise<void> {
    this.flushing ??= this.drainSent().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async drainSent(): Promise<void> {
    while (this.sent.length) await this.recordBatch();
  }

  /** Returns once every success so far is recorded (or its recording failed). */
  private async flushAll(): Promise<void> {
    while (this.sent.length || this.flushing) await this.flushSent();
  }

  private async recordBatch(): Promise<void> {
    const batch = this.sent.splice(0);
    this.writing = batch.length;
    try {
      await recordSent(this.options.db, batch, Date.now());
    } catch (error) {
      // The database is down: these stay "sending", and the worker that leases them once
      // their lease expires finds them begun (uncertain; critical ones sent again).
      log.error(`worker: recording ${batch.length} sent deliveries failed: ${(error as Error).message}`);
    } finally {
      this.writing = 0;
    }
  }

  private async prepare(job: Job): Promise<ChannelJob> {
    const { db, renderer } = this.options;
    const first = job.kind === "single" ? job.message : job.members[0]!;
    const brand = await renderer.brand(db, first.brandId);
    if (!brand) throw new Error(`brand ${first.brandId} is gone`);
    const locale = first.customer.locale === "en" ? "en" : "fr";
    const person = { brandId: first.brandId, customerId: first.customerId, locale } as const;
    const members = job.kind === "single" ? [job.message] : job.members;
    const email =
      job.channel !== "email"
        ? null
        : job.kind === "single"
          ? await renderer.email({
              brand,
              person,
              topicKey: first.topic.key,
              deliveryId: job.deliveryId,
              content: first.content,
            })
          : await renderer.digestEmail({
              brand,
              person,
              deliveryId: job.deliveryId,
              members: members.map((member) => ({ topicKey: member.topic.key, content: member.content })),
            });
    const short =
      job.kind === "single"
        ? renderer.short({ brand, locale, topicKey: first.topic.key, channel: job.channel, content: first.content })
        : renderer.digestShort({ brand, locale, channel: job.channel, members });
    return {
      deliveryId: job.deliveryId,
      // A resumed delivery was claimed by recoverJobs already.
      begin: job.resumed ? async () => true : () => beginDelivery(db, job.deliveryId, Date.now()),
      messageId: first.id,
      brand: { id: brand.id, slug: brand.slug, name: brand.name },
      topicKey: job.kind === "single" ? first.topic.key : "digest",
      recipient: {
        brandId: first.brandId,
        customerId: first.customerId,
        externalId: first.customer.externalId,
        email: first.customer.email,
        phone: first.customer.phone,
        locale,
      },
      email,
      short,
    };
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function runWithLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        // finish() failed (the database is down): the lease expires and the message is retried.
        log.error(`worker: recording a delivery failed: ${(error as Error).message}`);
      }
    }
  });
  await Promise.all(lanes);
}
