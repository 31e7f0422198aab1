// Decision counts for the console's charts: every decision the API answers and every one the
// scheduler settles adds one to an in-memory tally (a Map increment, nothing else on the hot
// path), and a flusher adds the tallies to DecisionStat every few seconds and at shutdown, in one
// transaction of `increment` upserts, so any number of processes can add to the same rows.
import type { Db } from "~/db/client.server";
import { log } from "~/lib/log.server";

export type DecisionSource = "api" | "scheduler";
export type DecisionCount = {
  brandId: string;
  /** UTC day, "2026-11-23". */
  day: string;
  verdict: string;
  /** The decision's first reason code, "" when it had none. */
  reason: string;
  source: DecisionSource;
  count: number;
};

const DAY_MS = 86_400_000;
// Brand ids, reason codes and verdicts never hold a control character.
const SEPARATOR = "\u0001";

/** Tallies decisions by brand, UTC day, verdict, first reason and source until drained. */
export class DecisionCounter {
  private counts = new Map<string, number>();
  // The current day's label is cached: formatting a date per decision would cost more than the count.
  private day = "";
  private dayStart = 0;
  private dayEnd = 0;

  count(brandId: string, verdict: string, reasons: readonly string[], source: DecisionSource, now: number): void {
    if (now < this.dayStart || now >= this.dayEnd) this.setDay(now);
    const key =
      brandId + SEPARATOR + this.day + SEPARATOR + verdict + SEPARATOR + (reasons[0] ?? "") + SEPARATOR + source;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  private setDay(now: number): void {
    this.dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    this.dayEnd = this.dayStart + DAY_MS;
    this.day = new Date(this.dayStart).toISOString().slice(0, 10);
  }

  /** Distinct tallies waiting to be written. */
  get size(): number {
    return this.counts.size;
  }

  /** Takes every tally, leaving the counter empty. */
  drain(): DecisionCount[] {
    const taken = this.counts;
    this.counts = new Map();
    return [...taken].map(([key, count]) => {
      const [brandId = "", day = "", verdict = "", reason = "", source = "api"] = key.split(SEPARATOR);
      return { brandId, day, verdict, reason, source: source as DecisionSource, count };
    });
  }

  /** Puts tallies back (a flush that failed), added to whatever was counted since. */
  restore(rows: DecisionCount[]): void {
    for (const row of rows) {
      const key = [row.brandId, row.day, row.verdict, row.reason, row.source].join(SEPARATOR);
      this.counts.set(key, (this.counts.get(key) ?? 0) + row.count);
    }
  }
}

/** Adds tallies to DecisionStat: one transaction, one upsert per row, each an increment. */
export async function writeDecisionCounts(db: Db, rows: DecisionCount[]): Promise<void> {
  if (rows.length === 0) return;
  await db.$transaction(
    rows.map(({ count, ...key }) =>
      db.decisionStat.upsert({
        where: { brandId_day_verdict_reason_source: key },
        create: { ...key, count },
        update: { count: { increment: count } },
        select: { count: true },
      }),
    ),
  );
}

/** This process's counter: the decision service and the scheduler count into it. */
export const decisionCounter = new DecisionCounter();

export function countDecision(
  brandId: string,
  verdict: string,
  reasons: readonly string[],
  source: DecisionSource,
  now: number,
): void {
  decisionCounter.count(brandId, verdict, reasons, source, now);
}

/** After this many failed flushes in a row the tallies are dropped (and the loss logged). */
const MAX_FAILURES = 5;

/**
 * Writes the counter's tallies every `intervalMs`; `stop()` writes what is left. A flush that
 * fails (database down, two processes creating the same row at once) keeps its tallies for the
 * next one.
 */
export function startDecisionStats(
  db: Db,
  options: { intervalMs: number; counter?: DecisionCounter },
): { flush(): Promise<void>; stop(): Promise<void> } {
  const counter = options.counter ?? decisionCounter;
  let failures = 0;
  let running: Promise<void> = Promise.resolve();

  const flushOnce = async () => {
    const rows = counter.drain();
    if (rows.length === 0) return;
    try {
      await writeDecisionCounts(db, rows);
      failures = 0;
    } catch (error) {
      failures++;
      if (failures >= MAX_FAILURES) {
        const lost = rows.reduce((sum, row) => sum + row.count, 0);
        log.error(`decision counts: dropped ${lost} after ${failures} failed writes: ${(error as Error).message}`);
        failures = 0;
        return;
      }
      counter.restore(rows);
      log.info(`decision counts: write failed, kept for the next one: ${(error as Error).message}`);
    }
  };
  // One flush at a time: a slow write must not overlap the next tick's.
  const flush = () => (running = running.then(flushOnce));

  const timer = setInterval(() => void flush(), options.intervalMs);
  timer.unref();
  return {
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
