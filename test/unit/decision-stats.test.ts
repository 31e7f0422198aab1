// The decision counter behind the dashboard: tallies by brand, UTC day, verdict, first reason
// and source; a flush writes them once and keeps them when the write fails.
import { describe, expect, it, vi } from "vitest";
import type { Db } from "~/db/client.server";
import { DecisionCounter, startDecisionStats, type DecisionCount } from "~/decisions/stats.server";

const at = (iso: string) => Date.parse(iso);
const sorted = (rows: DecisionCount[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("DecisionCounter", () => {
  it("tallies by brand, UTC day, verdict, first reason and source", () => {
    const counter = new DecisionCounter();
    const now = at("2026-03-10T12:00:00Z");
    counter.count("b1", "send", [], "api", now);
    counter.count("b1", "send", [], "api", now + 1000);
    counter.count("b1", "defer", ["quiet_hours", "cap.channel.day"], "api", now);
    counter.count("b1", "defer", ["quiet_hours"], "scheduler", now);
    counter.count("b2", "deny", ["consent.missing"], "api", now);
    expect(sorted(counter.drain())).toEqual(
      sorted([
        { brandId: "b1", day: "2026-03-10", verdict: "send", reason: "", source: "api", count: 2 },
        { brandId: "b1", day: "2026-03-10", verdict: "defer", reason: "quiet_hours", source: "api", count: 1 },
        { brandId: "b1", day: "2026-03-10", verdict: "defer", reason: "quiet_hours", source: "scheduler", count: 1 },
        { brandId: "b2", day: "2026-03-10", verdict: "deny", reason: "consent.missing", source: "api", count: 1 },
      ]),
    );
    expect(counter.size).toBe(0);
    expect(counter.drain()).toEqual([]);
  });

  it("splits at UTC midnight, in either direction", () => {
    const counter = new DecisionCounter();
    counter.count("b", "send", [], "api", at("2026-03-10T23:59:59.999Z"));
    counter.count("b", "send", [], "api", at("2026-03-11T00:00:00.000Z"));
    // A late caller's clock: an instant of the day before is still counted on its own day.
    counter.count("b", "send", [], "api", at("2026-03-10T08:00:00Z"));
    const days = Object.fromEntries(counter.drain().map((row) => [row.day, row.count]));
    expect(days).toEqual({ "2026-03-10": 2, "2026-03-11": 1 });
  });

  it("adds restored tallies to those counted since", () => {
    const counter = new DecisionCounter();
    const now = at("2026-03-10T12:00:00Z");
    counter.count("b", "digest", ["frequency.digest"], "scheduler", now);
    const taken = counter.drain();
    counter.count("b", "digest", ["frequency.digest"], "scheduler", now);
    counter.restore(taken);
    expect(counter.drain()).toEqual([
      { brandId: "b", day: "2026-03-10", verdict: "digest", reason: "frequency.digest", source: "scheduler", count: 2 },
    ]);
  });
});

/** A database that records the upserts of each transaction, or fails while told to. */
function fakeDb() {
  const transactions: { where: unknown; create: unknown; update: unknown }[][] = [];
  const state = { failing: false };
  const db = {
    decisionStat: { upsert: (args: { where: unknown; create: unknown; update: unknown }) => args },
    $transaction: async (operations: { where: unknown; create: unknown; update: unknown }[]) => {
      if (state.failing) throw new Error("database is locked");
      transactions.push(operations);
      return operations;
    },
  };
  return { db: db as unknown as Db, transactions, state };
}

describe("startDecisionStats", () => {
  it("writes each tally once, as an increment, and nothing when there is nothing", async () => {
    const { db, transactions } = fakeDb();
    const counter = new DecisionCounter();
    const stats = startDecisionStats(db, { intervalMs: 60_000, counter });
    await stats.flush();
    expect(transactions).toHaveLength(0);
    const now = at("2026-03-10T12:00:00Z");
    for (let i = 0; i < 3; i++) counter.count("b", "send", [], "api", now);
    await stats.flush();
    expect(transactions).toEqual([
      [
        {
          where: {
            brandId_day_verdict_reason_source: {
              brandId: "b",
              day: "2026-03-10",
              verdict: "send",
              reason: "",
              source: "api",
            },
          },
          create: { brandId: "b", day: "2026-03-10", verdict: "send", reason: "", source: "api", count: 3 },
          update: { count: { increment: 3 } },
          select: { count: true },
        },
      ],
    ]);
    await stats.flush();
    expect(transactions).toHaveLength(1);
    await stats.stop();
  });

  it("keeps the tallies of a failed write for the next flush, and flushes at stop", async () => {
    const { db, transactions, state } = fakeDb();
    const counter = new DecisionCounter();
    const stats = startDecisionStats(db, { intervalMs: 60_000, counter });
    const now = at("2026-03-10T12:00:00Z");
    counter.count("b", "deny", ["suppressed"], "api", now);
    state.failing = true;
    await stats.flush();
    expect(transactions).toHaveLength(0);
    counter.count("b", "deny", ["suppressed"], "api", now);
    state.failing = false;
    await stats.stop();
    expect(transactions).toHaveLength(1);
    expect(transactions[0]![0]!.create).toMatchObject({ verdict: "deny", reason: "suppressed", count: 2 });
  });

  it("flushes on its interval", async () => {
    vi.useFakeTimers();
    try {
      const { db, transactions } = fakeDb();
      const counter = new DecisionCounter();
      const stats = startDecisionStats(db, { intervalMs: 5_000, counter });
      counter.count("b", "send", [], "api", Date.now());
      await vi.advanceTimersByTimeAsync(4_999);
      expect(transactions).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(transactions).toHaveLength(1);
      await stats.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
