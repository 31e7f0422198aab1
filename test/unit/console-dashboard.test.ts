// The dashboard's arithmetic: day ranges, decisions per day, reasons for holding back, cookie
// consent rates, opt-outs; the charts' scales, labels and palette; and the charts' accessible
// markup (an image with a title and description, and the figures in a table).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import {
  contrastRatio,
  formatShare,
  labelEvery,
  niceScale,
  shortDay,
  showsLabel,
  TONES,
} from "~/components/console/chart-scale";
import { HorizontalBarChart, LineChart, StackedBarChart } from "~/components/console/charts";
import {
  CookieRateTally,
  daysLeft,
  decisionsPerDay,
  heldBackReasons,
  OptOutTally,
  rangeDays,
  verdictTotals,
  type LedgerRow,
  type StatRow,
} from "~/console/dashboard.server";
import { reasonName } from "~/console/reason-names";
import { reasonCodes } from "~/policy/reasons";

const now = new Date("2026-03-10T15:30:00Z");
const stat = (day: string, verdict: string, reason: string, count: number, source = "api"): StatRow => ({
  day,
  verdict,
  reason,
  source,
  count,
});

describe("rangeDays", () => {
  it("lists the UTC days ending today, oldest first", () => {
    expect(rangeDays(now, 7)).toEqual([
      "2026-03-04",
      "2026-03-05",
      "2026-03-06",
      "2026-03-07",
      "2026-03-08",
      "2026-03-09",
      "2026-03-10",
    ]);
    expect(rangeDays(new Date("2026-03-01T00:00:00Z"), 2)).toEqual(["2026-02-28", "2026-03-01"]);
    expect(rangeDays(now, 90)).toHaveLength(90);
  });
});

describe("decisionsPerDay", () => {
  it("sums verdicts per day over reasons and sources, zero on quiet days, ignores days out of range", () => {
    const days = rangeDays(now, 3);
    const rows = [
      stat("2026-03-08", "send", "", 5),
      stat("2026-03-08", "send", "critical.bypass", 1, "scheduler"),
      stat("2026-03-08", "defer", "quiet_hours", 2),
      stat("2026-03-10", "deny", "consent.missing", 3),
      stat("2026-03-01", "send", "", 100),
      stat("2026-03-10", "bogus", "", 7),
    ];
    expect(decisionsPerDay(rows, days)).toEqual([
      { day: "2026-03-08", counts: { send: 6, defer: 2, digest: 0, deny: 0 }, total: 8 },
      { day: "2026-03-09", counts: { send: 0, defer: 0, digest: 0, deny: 0 }, total: 0 },
      { day: "2026-03-10", counts: { send: 0, defer: 0, digest: 0, deny: 3 }, total: 3 },
    ]);
  });
});

describe("heldBackReasons", () => {
  it("ranks first reasons of defer, digest and deny, leaving sends out", () => {
    const rows = [
      stat("2026-03-08", "send", "", 50),
      stat("2026-03-08", "defer", "quiet_hours", 4),
      stat("2026-03-09", "defer", "quiet_hours", 3, "scheduler"),
      stat("2026-03-09", "digest", "frequency.digest", 9),
      stat("2026-03-09", "deny", "consent.missing", 2),
      stat("2026-03-09", "defer", "consent.missing", 0),
    ];
    expect(heldBackReasons(rows)).toEqual([
      { reason: "frequency.digest", counts: { defer: 0, digest: 9, deny: 0 }, total: 9 },
      { reason: "quiet_hours", counts: { defer: 7, digest: 0, deny: 0 }, total: 7 },
      { reason: "consent.missing", counts: { defer: 0, digest: 0, deny: 2 }, total: 2 },
    ]);
  });

  it("folds the tail into 'other' beyond the limit", () => {
    const rows = ["a", "b", "c", "d"].map((reason, index) => stat("2026-03-09", "deny", reason, 10 - index));
    const top = heldBackReasons(rows, 3);
    expect(top.map((entry) => [entry.reason, entry.total])).toEqual([
      ["a", 10],
      ["b", 9],
      ["other", 15],
    ]);
  });

  it("totals verdicts by source", () => {
    const totals = verdictTotals([
      stat("2026-03-09", "defer", "quiet_hours", 3, "scheduler"),
      stat("2026-03-09", "defer", "paused", 2, "api"),
      stat("2026-03-09", "deny", "suppressed", 1, "elsewhere"),
    ]);
    expect(totals.scheduler.defer).toBe(3);
    expect(totals.api.defer).toBe(2);
    expect(totals.api.deny + totals.scheduler.deny).toBe(0);
  });
});

const cookieRow = (iso: string, categories: Record<string, boolean>): LedgerRow => ({
  kind: "cookies",
  subject: "cookies",
  before: "null",
  after: JSON.stringify({ categories, method: "custom", gpc: false }),
  createdAt: new Date(iso),
});

describe("CookieRateTally", () => {
  it("gives each day's share of choices accepting each category, null on a day without choices", () => {
    const tally = new CookieRateTally(rangeDays(now, 3));
    tally.add(cookieRow("2026-03-08T10:00:00Z", { necessary: true, analytics: true, advertising: false }));
    tally.add(cookieRow("2026-03-08T11:00:00Z", { necessary: true, analytics: false, advertising: false }));
    tally.add(cookieRow("2026-03-08T12:00:00Z", { necessary: true, analytics: true, advertising: true }));
    tally.add(cookieRow("2026-03-10T09:00:00Z", { necessary: true, analytics: false }));
    // Out of range, another kind, unreadable: not counted.
    tally.add(cookieRow("2026-03-01T09:00:00Z", { analytics: true }));
    tally.add({ ...cookieRow("2026-03-10T09:00:00Z", { analytics: true }), kind: "subscription" });
    tally.add({ ...cookieRow("2026-03-10T09:00:00Z", {}), after: "not json" });
    const rates = tally.result(["analytics", "advertising"]);
    expect(rates[0]).toEqual({ day: "2026-03-08", choices: 3, rates: { analytics: 2 / 3, advertising: 1 / 3 } });
    expect(rates[1]).toEqual({ day: "2026-03-09", choices: 0, rates: { analytics: null, advertising: null } });
    expect(rates[2]).toEqual({ day: "2026-03-10", choices: 1, rates: { analytics: 0, advertising: 0 } });
  });
});

const subscriptionRow = (subject: string, before: unknown, after: unknown): LedgerRow => ({
  kind: "subscription",
  subject,
  before: JSON.stringify(before),
  after: JSON.stringify(after),
  createdAt: now,
});

describe("OptOutTally", () => {
  it("counts moves to unsubscribed per topic and channel, not repeats nor subscriptions", () => {
    const tally = new OptOutTally();
    const on = { status: "subscribed", frequency: "weekly" };
    const off = { status: "unsubscribed", frequency: "weekly" };
    tally.add(subscriptionRow("newsletter:email", on, off));
    tally.add(subscriptionRow("newsletter:sms", on, off));
    tally.add(subscriptionRow("newsletter:email", null, off));
    tally.add(subscriptionRow("newsletter:email", off, off));
    tally.add(subscriptionRow("price-drop:email", { status: "pending" }, off));
    tally.add(subscriptionRow("price-drop:email", off, on));
    tally.add({ ...subscriptionRow("price-drop:email", on, off), kind: "channel" });
    expect(tally.result()).toEqual([
      { topic: "newsletter", total: 3, channels: { email: 2, sms: 1 } },
      { topic: "price-drop", total: 1, channels: { email: 1 } },
    ]);
  });
});

describe("daysLeft", () => {
  it("counts whole days left, negative once past", () => {
    expect(daysLeft(new Date("2026-03-20T15:30:00Z"), now)).toBe(10);
    expect(daysLeft(new Date("2026-03-10T16:00:00Z"), now)).toBe(0);
    expect(daysLeft(new Date("2026-03-10T15:00:00Z"), now)).toBe(-1);
    expect(daysLeft(new Date("2026-03-07T15:30:00Z"), now)).toBe(-3);
  });
});

describe("chart scales and labels", () => {
  it("rounds the axis up to 1, 2, 2.5 or 5 times a power of ten, with whole ticks for counts", () => {
    expect(niceScale(7)).toEqual({ max: 8, step: 2, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(1234)).toEqual({ max: 1500, step: 500, ticks: [0, 500, 1000, 1500] });
    expect(niceScale(100)).toEqual({ max: 100, step: 25, ticks: [0, 25, 50, 75, 100] });
    expect(niceScale(3)).toEqual({ max: 3, step: 1, ticks: [0, 1, 2, 3] });
    expect(niceScale(1)).toEqual({ max: 1, step: 1, ticks: [0, 1] });
    expect(niceScale(0)).toEqual({ max: 1, step: 1, ticks: [0, 1] });
    for (const max of [1, 9, 11, 99, 101, 4567, 98_765]) expect(niceScale(max).max).toBeGreaterThanOrEqual(max);
  });

  it("labels at most ten days, in each language", () => {
    expect(labelEvery(7)).toBe(1);
    expect(labelEvery(30)).toBe(3);
    expect(labelEvery(90)).toBe(9);
    const shown = (count: number) => [...Array(count).keys()].filter((index) => showsLabel(index, count));
    expect(shown(7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Today is always labelled; 27 would crowd 29, so it gives way.
    expect(shown(30)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 29]);
    expect(shown(90).length).toBeLessThanOrEqual(10);
    expect(shortDay("2026-03-09", "fr")).toBe("9 mars");
    expect(shortDay("2026-03-09", "en")).toBe("9 Mar");
    expect(formatShare(0.423, "en")).toBe("42%");
    expect(formatShare(0.423, "fr")).toMatch(/^42\s%$/);
  });

  it("has colours reaching 3:1 against the page, each series with its own pattern, dash and marker", () => {
    for (const tone of TONES) {
      expect(contrastRatio(tone.colour, "#ffffff")).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(tone.colour, "#fbfaf7")).toBeGreaterThanOrEqual(3);
    }
    expect(new Set(TONES.map((tone) => tone.pattern)).size).toBe(TONES.length);
    expect(new Set(TONES.map((tone) => tone.dash)).size).toBe(TONES.length);
    expect(new Set(TONES.map((tone) => tone.marker)).size).toBe(TONES.length);
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
  });

  it("names every reason code in both languages", () => {
    for (const code of reasonCodes) {
      expect(reasonName(code, "fr")).not.toBe(code);
      expect(reasonName(code, "en")).not.toBe(code);
    }
    expect(reasonName("not.a.code", "en")).toBe("not.a.code");
  });
});

describe("charts", () => {
  const series = [
    { key: "send", label: "Sent" },
    { key: "deny", label: "Denied" },
  ];
  const rows = [
    { label: "8 Mar", values: { send: 4, deny: 1 } },
    { label: "9 Mar", values: { send: 0, deny: 0 } },
    { label: "10 Mar", values: { send: 12, deny: 3 } },
  ];

  it("draws stacked bars as a titled, described image, with a legend and the figures in a table", () => {
    const html = renderToStaticMarkup(
      createElement(StackedBarChart, {
        id: "t",
        title: "Decisions",
        desc: "20 decisions",
        locale: "en",
        series,
        rows,
        rowHeader: "Day",
      }),
    );
    expect(html).toContain('role="img"');
    expect(html).toContain('aria-labelledby="t-title t-desc"');
    expect(html).toContain('<title id="t-title">Decisions</title>');
    expect(html).toContain('<desc id="t-desc">20 decisions</desc>');
    // One segment per non-zero value, each filled with its series' pattern.
    expect(html.match(/fill="url\(#t-p0\)"/g)).toHaveLength(2 + 1);
    expect(html.match(/fill="url\(#t-p1\)"/g)).toHaveLength(2 + 1);
    expect(html).toContain('class="chart-legend"');
    const table = html.slice(html.indexOf("<details"));
    expect(table).toContain("<summary>The figures (table)</summary>");
    expect(table).toMatch(
      /<th scope="row">10 Mar<\/th><td class="number">12<\/td><td class="number">3<\/td><td class="number">15<\/td>/,
    );
  });

  it("draws lines with gaps where a day has no value, and shares in the table", () => {
    const html = renderToStaticMarkup(
      createElement(LineChart, {
        id: "c",
        title: "Consent",
        desc: "Shares",
        locale: "fr",
        rowHeader: "Jour",
        series: [{ key: "analytics", label: "Mesure d'audience" }],
        rows: [
          { label: "8 mars", values: { analytics: 0.5 } },
          { label: "9 mars", values: { analytics: null } },
          { label: "10 mars", values: { analytics: 1 } },
        ],
      }),
    );
    const path = /<path d="([^"]+)" fill="none"/.exec(html)![1]!;
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path).not.toContain("L");
    expect(html).toContain("Les chiffres (tableau)");
    expect(html).toMatch(/<td class="number">50\s%<\/td>/);
    expect(html).toMatch(/<th scope="row">9 mars<\/th><td class="number">—<\/td>/);
  });

  it("says when there is nothing to draw", () => {
    const html = renderToStaticMarkup(
      createElement(HorizontalBarChart, {
        id: "h",
        title: "Reasons",
        desc: "None",
        locale: "en",
        rowHeader: "Reason",
        series: [{ key: "n", label: "Count" }],
        rows: [],
      }),
    );
    expect(html).toContain("No data in this period");
    expect(html).not.toContain("chart-legend");
  });
});
