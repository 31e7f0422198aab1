// The outbox worker: leases due messages, decides each again under the customer's lock
// (reserve.server.ts), hands the ones that may go to their channel, and records the outcome
// (finish.server.ts). Any number of workers may run against one database. A worker that dies
// loses its leases when they expire; another one then finishes its work: messages it had not
// started are decided again, and those it was sending are sent again under the same
// Message-ID (see recoverJobs).
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
  /** Counts what this worker did, for logs and tests. */
  readonly stats = { leased: 0, sent: 0, failed: 0, retried: 0, recovered: 0 };

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
      await this.flushSent();
    }
    return leased.length;
  }

  /**
   * Messages whose worker died while sending them. Whether the channel took them is unknown, so
   * they are sent again with the same delivery (hence the same Message-ID, which mail systems
   * use to recognise a repeat). The delivery row is claimed with a compare-and-set on its time,
   * so two workers recovering the same digest do not both send it.
   */
  private async recoverJobs(messages: LeasedMessage[], now: number, leaseUntil: number): Promise<Job[]> {
    const { db } = this.options;
    const jobs: Job[] = [];
    const seen = new Set<string>();
    for (const message of messages) {
      const delivery = await db.delivery.findFirst({
        where: message.digestDeliveryId
          ? { id: message.digestDeliveryId, status: "sending" }
          : { messageId: message.id, status: "sending" },
        select: { id: true, channel: true, sentAt: true },
      });
      if (!delivery) {
        // Never reserved (or already recorded): decide again from the start.
        await db.message.updateMany({
          where: { id: message.id, leaseOwner: this.id, status: "sending" },
          data: { status: "queued", leaseOwner: null, leaseUntil: null },
        });
        continue;
      }
      if (seen.has(delivery.id)) continue;
      seen.add(delivery.id);
      const claimed = await db.delivery.updateMany({
        where: { id: delivery.id, status: "sending", sentAt: delivery.sentAt },
        data: { sentAt: new Date(now) },
      });
      if (claimed.count === 0) continue;
      const memberWhere = message.digestDeliveryId ? { digestDeliveryId: delivery.id } : { id: message.id };
      await db.message.updateMany({
        where: { ...memberWhere, status: "sending" },
        data: { leaseOwner: this.id, leaseUntil: new Date(leaseUntil) },
      });
      const members = await db.message.findMany({
        where: { ...memberWhere, status: "sending" },
        orderBy: { createdAt: "asc" },
        select: leasedSelect,
      });
      if (members.length === 0) continue;
      await db.messageEvent.createMany({
        data: members.map((member) => ({
          messageId: member.id,
          status: "sending",
          channel: delivery.channel,
          detail: "sent again: the worker sending it stopped before recording the outcome (same Message-ID)",
          at: new Date(now),
        })),
      });
      this.stats.recovered += members.length;
      const channel = delivery.channel as Channel;
      jobs.push(
        message.digestDeliveryId
          ? { kind: "digest", deliveryId: delivery.id, channel, members }
          : { kind: "single", deliveryId: delivery.id, channel, message: members[0]! },
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
    if (result.ok) {
      this.stats.sent += job.kind === "single" ? 1 : job.members.length;
      // Successes are recorded a few at a time: one transaction each would cost more than the
      // send. At most WORKER_CONCURRENCY of them wait, which bounds what a crash can repeat.
      this.sent.push({ job, providerId: result.providerId });
      if (this.sent.length >= this.options.concurrency) await this.flushSent();
      return;
    }
    await finish(db, job, result, Date.now());
    if (result.transient) this.stats.retried++;
    else this.stats.failed++;
    // The released reservation must leave this process's snapshot too.
    if (!result.ok) store.apply({ brandId: first.brandId, scope: "sends", subjectId: first.customerId });
  }

  private async flushSent(): Promise<void> {
    const batch = this.sent.splice(0);
    try {
      await recordSent(this.options.db, batch, Date.now());
    } catch (error) {
      // The database is down: these stay "sending", and the next worker to lease them sends
      // them again under the same Message-ID once their lease expires.
      log.error(`worker: recording ${batch.length} sent deliveries failed: ${(error as Error).message}`);
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
