// The privacy jobs: run erasures whose grace period is over, tell connectors (retrying with
// backoff), close requests every connector acknowledged, and warn a brand's privacy contact a
// week before a request's one-month deadline. Each piece of work is leased by a compare-and-set
// on its own row, so any number of processes may run these jobs against one database without
// doing the same thing twice at once. Runs beside the outbox worker (app/http/main.server.ts).
import crypto from "node:crypto";
import os from "node:os";
import { createElement } from "react";
import PrivacyDeadlineEmail, { privacyDeadlineSubject } from "../../emails/privacy-deadline";
import type { Db } from "~/db/client.server";
import { scrubDeletedRows, type ScrubStep } from "~/db/scrub.server";
import { fromJson } from "~/lib/json-column";
import { log } from "~/lib/log.server";
import { PollLoop } from "~/lib/poll-loop.server";
import type { Mailer } from "~/lib/mailer.server";
import { Theme } from "~/lib/vocabulary";
import { WebhookJobs } from "~/webhooks/delivery.server";
import { ImportRunner } from "~/console/import/runner.server";
import { deliverDispatch, type DeliveryOptions } from "./connector-delivery.server";
import { completeIfDone, executeErasure, sweepErasedCustomers } from "./erasure.server";
import { privacyWake } from "./wake.server";

export { wakeUpPrivacyJobs } from "./wake.server";

/** How long before the deadline the brand is warned. */
export const WARNING_BEFORE_MS = 7 * 86_400_000;
/** A busy erasure (a worker holds one of the customer's messages) is tried again this soon. */
const BUSY_RETRY_MS = 5_000;
const BATCH = 20;

export type PrivacyJobsOptions = {
  db: Db;
  /** The server secret: opens connector secrets and the identifiers sealed for connectors. */
  secret: string;
  /** Sends deadline warnings; without one, none are sent. */
  mailer: Mailer | null;
  /** How often an idle runner looks for due work (default 2 s); wakeUpPrivacyJobs() cuts a wait short. */
  pollMs?: number;
  /** Connector calls in flight at once (default 4). */
  dispatchConcurrency?: number;
  /** How long a claimed piece of work stays this runner's if it dies (default 60 s, above the 10 s call timeout). */
  leaseMs?: number;
  delivery?: DeliveryOptions;
};

export type TickReport = {
  erased: number;
  busy: number;
  attempted: number;
  completed: number;
  warned: number;
  /** Messages that raced an erasure, deleted (sweepErasedCustomers). */
  swept: number;
};

export class PrivacyJobs {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
  /** Warnings the mail server refused, by request: not tried again before then (ms). */
  private readonly warningRetry = new Map<string, number>();
  /** What is left of a scrub of the SQLite file that another process held up (scrub.server.ts): tried each round. */
  private scrubLeft: ScrubStep | null = null;

  private readonly loop: PollLoop;
  /** The brand's webhooks go out wherever these jobs run, on a loop of their own (a slow endpoint holds up no erasure). */
  readonly webhooks: WebhookJobs;
  /** Subscriber imports run wherever these jobs run, on a loop of their own too. */
  readonly imports: ImportRunner;

  constructor(private readonly options: PrivacyJobsOptions) {
    this.webhooks = new WebhookJobs({ db: options.db, secret: options.secret });
    this.imports = new ImportRunner({ db: options.db });
    this.loop = new PollLoop({
      name: "privacy jobs",
      round: async () => {
        const report = await this.tick(new Date());
        return report.erased + report.attempted + report.completed + report.warned > 0;
      },
      pollMs: this.options.pollMs ?? 2_000,
      signal: privacyWake,
    });
  }

  private get leaseMs() {
    return this.options.leaseMs ?? 60_000;
  }

  start(): void {
    this.loop.start();
    this.webhooks.start();
    this.imports.start();
  }

  /** Lets the round in hand finish (its calls time out within 10 s), then stops. */
  async stop(): Promise<void> {
    await Promise.all([this.loop.stop(), this.webhooks.stop(), this.imports.stop()]);
  }

  /** One round of every job, as of `now`. Tests call it with the dates they need. */
  async tick(now: Date = new Date()): Promise<TickReport> {
    const { erased, busy } = await this.runDueErasures(now);
    const swept = await sweepErasedCustomers(this.options.db, now);
    // Copies of the deleted rows stay in the SQLite file until it is rebuilt: once a round,
    // however many erasures it ran.
    let scrubbed = false;
    if (erased + swept > 0) this.scrubLeft = "rebuild";
    if (this.scrubLeft) {
      this.scrubLeft = await scrubDeletedRows(this.options.db, this.scrubLeft);
      scrubbed = this.scrubLeft === null;
    }
    const attempted = await this.runDueDispatches(now);
    const completed = await this.completeFinished(now, scrubbed);
    const warned = await this.warnNearDeadlines(now);
    return { erased, busy, attempted, completed, warned, swept };
  }

  private free(now: Date) {
    return { OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] };
  }

  private async runDueErasures(now: Date): Promise<{ erased: number; busy: number }> {
    const { db, secret } = this.options;
    const due = await db.erasureRequest.findMany({
      where: { status: "scheduled", executeAt: { lte: now }, ...this.free(now) },
      orderBy: { executeAt: "asc" },
      take: BATCH,
      select: { id: true },
    });
    let erased = 0;
    let busy = 0;
    for (const { id } of due) {
      const claimed = await db.erasureRequest.updateMany({
        where: { id, status: "scheduled", ...this.free(now) },
        data: { leaseUntil: new Date(now.getTime() + this.leaseMs) },
      });
      if (claimed.count === 0) continue; // another process took it
      try {
        const outcome = await executeErasure(db, secret, id, now);
        if (outcome === "erased") erased++;
        if (outcome === "busy") {
          busy++;
          await db.erasureRequest.updateMany({
            where: { id, status: "scheduled" },
            data: { leaseUntil: new Date(now.getTime() + BUSY_RETRY_MS) },
          });
        }
      } catch (error) {
        // The lease runs out and another round tries again.
        log.error(`erasure ${id}: ${(error as Error).message}`);
      }
    }
    return { erased, busy };
  }

  private async runDueDispatches(now: Date): Promise<number> {
    const { db, secret } = this.options;
    const due = await db.erasureDispatch.findMany({
      where: { status: "pending", nextAttemptAt: { lte: now }, connector: { enabled: true }, ...this.free(now) },
      orderBy: { nextAttemptAt: "asc" },
      take: BATCH,
      select: { id: true },
    });
    // Each call is leased as a lane takes it up, from the time that is then: leased together
    // up front, the calls waiting for a lane (up to 10 s each) would outlive their leases and be
    // taken, and made a second time, by another process.
    const started = Date.now();
    const current = () => new Date(now.getTime() + (Date.now() - started));
    let attempted = 0;
    await runWithLimit(due, this.options.dispatchConcurrency ?? 4, async ({ id }) => {
      const at = current();
      const { count } = await db.erasureDispatch.updateMany({
        where: { id, status: "pending", ...this.free(at) },
        data: { leaseUntil: new Date(at.getTime() + this.leaseMs) },
      });
      if (count === 0) return; // another process took it
      try {
        const outcome = await deliverDispatch(db, secret, id, now, this.options.delivery);
        if (outcome === "acknowledged" || outcome === "retry") attempted++;
      } catch (error) {
        log.error(`erasure dispatch ${id}: ${(error as Error).message}`);
      }
    });
    return attempted;
  }

  /**
   * Requests with nothing left pending: no connector to tell, the last one acknowledged, or it was
   * removed. Completed only once the file holds no copy of what was erased: scrubbed in this round
   * (`scrubbed`), or now (an erasure whose process stopped before its scrub is covered too).
   */
  private async completeFinished(now: Date, scrubbed: boolean): Promise<number> {
    const { db } = this.options;
    const done = await db.erasureRequest.findMany({
      where: { status: "propagating", dispatches: { none: { status: "pending" } } },
      take: BATCH,
      select: { id: true },
    });
    if (done.length === 0 || this.scrubLeft) return 0;
    if (!scrubbed) {
      this.scrubLeft = await scrubDeletedRows(db);
      if (this.scrubLeft) return 0;
    }
    let completed = 0;
    for (const { id } of done) {
      if (await db.$transaction((tx) => completeIfDone(tx, id, now))) completed++;
    }
    return completed;
  }

  private async warnNearDeadlines(now: Date): Promise<number> {
    const { db, mailer } = this.options;
    if (!mailer) return 0;
    const near = await db.erasureRequest.findMany({
      where: {
        status: { in: ["scheduled", "propagating"] },
        warnedAt: null,
        deadlineAt: { lte: new Date(now.getTime() + WARNING_BEFORE_MS) },
        brand: { privacyEmail: { not: null } },
      },
      orderBy: { deadlineAt: "asc" },
      take: BATCH,
      select: {
        id: true,
        brandId: true,
        status: true,
        requestedAt: true,
        deadlineAt: true,
        brand: { select: { name: true, theme: true, privacyEmail: true, defaultTimezone: true } },
        dispatches: {
          where: { status: "pending" },
          orderBy: { connectorName: "asc" },
          select: { connectorName: true, attempts: true, lastAttemptAt: true, lastError: true },
        },
      },
    });
    let warned = 0;
    for (const request of near) {
      if ((this.warningRetry.get(request.id) ?? 0) > now.getTime()) continue;
      // Claimed by setting warnedAt first, so two processes never both send it; given back if
      // the mail server refuses, so the next round tries again.
      const claimed = await db.erasureRequest.updateMany({
        where: { id: request.id, warnedAt: null },
        data: { warnedAt: now },
      });
      if (claimed.count === 0) continue;
      try {
        const scheduled = request.status === "scheduled";
        const planned = scheduled
          ? await db.connector.findMany({
              where: { brandId: request.brandId, enabled: true },
              orderBy: { name: "asc" },
              select: { name: true },
            })
          : [];
        const theme = fromJson(Theme, request.brand.theme, "Brand.theme");
        const props = {
          brand: { name: request.brand.name, primaryColor: theme.primaryColor ?? "#1f4d3a" },
          requestId: request.id,
          requestedAt: request.requestedAt,
          deadlineAt: request.deadlineAt,
          timeZone: request.brand.defaultTimezone,
          mesurePending: scheduled,
          systems: scheduled
            ? planned.map((connector) => ({ name: connector.name, attempts: 0, lastAttemptAt: null, lastError: null }))
            : request.dispatches.map((dispatch) => ({
                name: dispatch.connectorName,
                attempts: dispatch.attempts,
                lastAttemptAt: dispatch.lastAttemptAt,
                lastError: dispatch.lastError,
              })),
        };
        await mailer.send({
          to: request.brand.privacyEmail!,
          subject: privacyDeadlineSubject(props),
          email: createElement(PrivacyDeadlineEmail, props),
        });
        warned++;
        this.warningRetry.delete(request.id);
      } catch (error) {
        log.error(`warning about erasure ${request.id}: ${(error as Error).message}`);
        this.warningRetry.set(request.id, now.getTime() + 5 * 60_000);
        await db.erasureRequest.updateMany({ where: { id: request.id, warnedAt: now }, data: { warnedAt: null } });
      }
    }
    return warned;
  }
}

async function runWithLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
