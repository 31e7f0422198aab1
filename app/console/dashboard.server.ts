// The console dashboard's figures: decisions per day by verdict and reason (DecisionStat), what
// is held back now (Message), cookie consent rates and opt-outs per topic (the consent ledger),
// and overdue privacy requests. The aggregations are pure functions over plain rows (tested on
// their own); the queries read only the columns they need, for one brand, inside the range.
import type { Tx } from "~/db/client.server";
import { getCookieConfig } from "~/models/brand.server";
import { listTopics } from "~/models/topic.server";
import { HELD_BACK, VERDICTS, type HeldBack, type Verdict } from "./verdicts";

const DAY_MS = 86_400_000;

/** The UTC days of the range, oldest first, ending with `now`'s day: `days` of them. */
export function rangeDays(now: Date, days: number): string[] {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return Array.from({ length: days }, (_, index) =>
    new Date(today - (days - 1 - index) * DAY_MS).toISOString().slice(0, 10),
  );
}

const isVerdict = (value: string): value is Verdict => (VERDICTS as readonly string[]).includes(value);
const isHeldBack = (value: string): value is HeldBack => (HELD_BACK as readonly string[]).includes(value);
const zeroVerdicts = (): Record<Verdict, number> => ({ send: 0, defer: 0, digest: 0, deny: 0 });

export type StatRow = { day: string; verdict: string; reason: string; source: string; count: number };
export type DayVerdicts = { day: string; counts: Record<Verdict, number>; total: number };

/** One entry per day of the range (zeros included, so the chart's days are evenly spaced). */
export function decisionsPerDay(rows: StatRow[], days: string[]): DayVerdicts[] {
  const byDay = new Map(days.map((day) => [day, zeroVerdicts()]));
  for (const row of rows) {
    const counts = byDay.get(row.day);
    if (counts && isVerdict(row.verdict)) counts[row.verdict] += row.count;
  }
  return days.map((day) => {
    const counts = byDay.get(day)!;
    return { day, counts, total: VERDICTS.reduce((sum, verdict) => sum + counts[verdict], 0) };
  });
}

export type ReasonTotal = { reason: string; counts: Record<HeldBack, number>; total: number };

/**
 * Why messages were held back: for each first reason of a defer, digest or deny, how many of
 * each, most frequent first; beyond `limit` reasons the rest are summed under "other".
 */
export function heldBackReasons(rows: StatRow[], limit = 8): ReasonTotal[] {
  const byReason = new Map<string, Record<HeldBack, number>>();
  for (const row of rows) {
    if (!isHeldBack(row.verdict)) continue;
    let counts = byReason.get(row.reason);
    if (!counts) byReason.set(row.reason, (counts = { defer: 0, digest: 0, deny: 0 }));
    counts[row.verdict] += row.count;
  }
  const totals = [...byReason].map(([reason, counts]) => ({
    reason,
    counts,
    total: counts.defer + counts.digest + counts.deny,
  }));
  totals.sort((a, b) => b.total - a.total || a.reason.localeCompare(b.reason));
  if (totals.length <= limit) return totals;
  const rest = totals.slice(limit - 1);
  const other = { defer: 0, digest: 0, deny: 0 };
  for (const entry of rest) for (const verdict of HELD_BACK) other[verdict] += entry.counts[verdict];
  return [
    ...totals.slice(0, limit - 1),
    { reason: "other", counts: other, total: rest.reduce((sum, entry) => sum + entry.total, 0) },
  ];
}

/** Decisions in the range by verdict and by who asked (the decision API or the scheduler). */
export function verdictTotals(rows: StatRow[]): Record<"api" | "scheduler", Record<Verdict, number>> {
  const totals = { api: zeroVerdicts(), scheduler: zeroVerdicts() };
  for (const row of rows) {
    if (isVerdict(row.verdict) && (row.source === "api" || row.source === "scheduler")) {
      totals[row.source][row.verdict] += row.count;
    }
  }
  return totals;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export type LedgerRow = { kind: string; subject: string; before: string; after: string; createdAt: Date };
export type DayRates = { day: string; choices: number; rates: Record<string, number | null> };

/**
 * Cookie choices per day, and for each category the share of that day's choices that accepted
 * it (null on a day without choices: no choice is not a refusal). Fed page by page.
 */
export class CookieRateTally {
  private readonly perDay = new Map<string, { choices: number; accepted: Map<string, number> }>();

  constructor(private readonly days: string[]) {
    for (const day of days) this.perDay.set(day, { choices: 0, accepted: new Map() });
  }

  add(row: LedgerRow): void {
    if (row.kind !== "cookies") return;
    const entry = this.perDay.get(row.createdAt.toISOString().slice(0, 10));
    const categories = parseObject(row.after)?.categories;
    if (!entry || !categories || typeof categories !== "object") return;
    entry.choices++;
    for (const [key, accepted] of Object.entries(categories as Record<string, unknown>)) {
      if (accepted === true) entry.accepted.set(key, (entry.accepted.get(key) ?? 0) + 1);
    }
  }

  result(categories: string[]): DayRates[] {
    return this.days.map((day) => {
      const { choices, accepted } = this.perDay.get(day)!;
      const rates = Object.fromEntries(
        categories.map((key) => [key, choices === 0 ? null : (accepted.get(key) ?? 0) / choices]),
      );
      return { day, choices, rates };
    });
  }
}

const statusOf = (text: string): unknown => parseObject(text)?.status;

/**
 * Opt-outs per topic: subscription events that went to "unsubscribed" from anything else (a
 * repeated unsubscribe is not a second opt-out), counted per topic key and per channel.
 */
export class OptOutTally {
  private readonly perTopic = new Map<string, Map<string, number>>();

  add(row: LedgerRow): void {
    if (row.kind !== "subscription") return;
    if (statusOf(row.after) !== "unsubscribed" || statusOf(row.before) === "unsubscribed") return;
    const [topic = "", channel = ""] = row.subject.split(":");
    let channels = this.perTopic.get(topic);
    if (!channels) this.perTopic.set(topic, (channels = new Map()));
    channels.set(channel, (channels.get(channel) ?? 0) + 1);
  }

  result(): { topic: string; total: number; channels: Record<string, number> }[] {
    return [...this.perTopic]
      .map(([topic, channels]) => ({
        topic,
        total: [...channels.values()].reduce((sum, count) => sum + count, 0),
        channels: Object.fromEntries(channels),
      }))
      .sort((a, b) => b.total - a.total || a.topic.localeCompare(b.topic));
  }
}

/** Whole days until the deadline, negative once it has passed (-1: overdue since less than a day). */
export function daysLeft(deadline: Date, now: Date): number {
  return Math.floor((deadline.getTime() - now.getTime()) / DAY_MS);
}

export type OverdueRequest = { id: string; status: string; requestedAt: Date; deadlineAt: Date; daysLate: number };

export type Dashboard = {
  days: string[];
  perDay: DayVerdicts[];
  reasons: ReasonTotal[];
  totals: ReturnType<typeof verdictTotals>;
  waiting: { deferred: number; digested: number };
  cookieCategories: { key: string; name: { fr: string; en: string } }[];
  cookieRates: DayRates[];
  optOuts: {
    topic: string;
    name: { fr: string; en: string } | null;
    total: number;
    channels: Record<string, number>;
  }[];
  overdue: { count: number; requests: OverdueRequest[] };
};

const LEDGER_PAGE = 5_000;

/** The ledger's cookie and subscription events in the range, page by page (never all in memory). */
async function scanLedger(db: Tx, brandId: string, from: Date, until: Date, visit: (row: LedgerRow) => void) {
  let after = 0;
  for (;;) {
    const rows = await db.consentEvent.findMany({
      where: {
        brandId,
        seq: { gt: after },
        kind: { in: ["cookies", "subscription"] },
        createdAt: { gte: from, lt: until },
      },
      orderBy: { seq: "asc" },
      take: LEDGER_PAGE,
      select: { seq: true, kind: true, subject: true, before: true, after: true, createdAt: true },
    });
    for (const row of rows) visit(row);
    if (rows.length < LEDGER_PAGE) return;
    after = rows.at(-1)!.seq;
  }
}

/** Everything the dashboard shows for the brand over the last `days` UTC days. */
export async function loadDashboard(db: Tx, brandId: string, input: { days: number; now: Date }): Promise<Dashboard> {
  const days = rangeDays(input.now, input.days);
  const from = new Date(`${days[0]}T00:00:00.000Z`);
  const until = new Date(Date.parse(`${days.at(-1)}T00:00:00.000Z`) + DAY_MS);

  const [stats, waiting, config, topics, overdueCount, overdue] = await Promise.all([
    db.decisionStat.findMany({
      where: { brandId, day: { gte: days[0]!, lte: days.at(-1)! } },
      select: { day: true, verdict: true, reason: true, source: true, count: true },
    }),
    db.message.groupBy({
      by: ["status"],
      where: { brandId, status: { in: ["deferred", "digested"] } },
      _count: { _all: true },
    }),
    getCookieConfig(db, brandId),
    listTopics(db, brandId),
    db.erasureRequest.count({
      where: { brandId, status: { in: ["scheduled", "propagating"] }, deadlineAt: { lt: input.now } },
    }),
    db.erasureRequest.findMany({
      where: { brandId, status: { in: ["scheduled", "propagating"] }, deadlineAt: { lt: input.now } },
      orderBy: { deadlineAt: "asc" },
      take: 20,
      select: { id: true, status: true, requestedAt: true, deadlineAt: true },
    }),
  ]);

  const cookies = new CookieRateTally(days);
  const optOuts = new OptOutTally();
  await scanLedger(db, brandId, from, until, (row) => {
    cookies.add(row);
    optOuts.add(row);
  });

  // Essential categories are always accepted: a 100 % line would say nothing.
  const cookieCategories = config.categories
    .filter((category) => !category.required)
    .map((category) => ({ key: category.key, name: category.name }));
  const topicNames = new Map(topics.map((topic) => [topic.key, { fr: topic.nameFr, en: topic.nameEn }]));
  const count = (status: string) => waiting.find((row) => row.status === status)?._count._all ?? 0;

  return {
    days,
    perDay: decisionsPerDay(stats, days),
    reasons: heldBackReasons(stats),
    totals: verdictTotals(stats),
    waiting: { deferred: count("deferred"), digested: count("digested") },
    cookieCategories,
    cookieRates: cookies.result(cookieCategories.map((category) => category.key)),
    optOuts: optOuts.result().map((entry) => ({ ...entry, name: topicNames.get(entry.topic) ?? null })),
    overdue: {
      count: overdueCount,
      requests: overdue.map((request) => ({ ...request, daysLate: -daysLeft(request.deadlineAt, input.now) })),
    },
  };
}
