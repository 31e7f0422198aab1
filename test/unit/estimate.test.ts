// The portal's weekly estimate is the policy engine run over the brand's usual traffic: each
// setting the customer changes moves it the way decide() would.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimateWeek, type VolumeTopic } from "~/policy/estimate";
import type { BrandPolicy, CustomerSnapshot } from "~/policy";

const open = { enabled: true, dailyCap: null, weeklyCap: null, sendWindows: [] };
const brand: BrandPolicy = {
  channels: { email: open, sms: open, push: open, in_app: open },
  globalWeeklyCap: null,
  highPriorityReservePercent: 20,
};
const start = Date.parse("2026-06-08T00:00:00Z");

const topics: VolumeTopic[] = [
  { key: "news", kind: "marketing", channels: ["email"], defaultFrequency: "instant", weeklyVolume: 3 },
  { key: "orders", kind: "transactional", channels: ["email", "sms"], defaultFrequency: "instant", weeklyVolume: 1 },
  { key: "drops", kind: "alert", channels: ["email", "sms"], defaultFrequency: "instant", weeklyVolume: 4 },
];

function customer(overrides: Partial<CustomerSnapshot> = {}): CustomerSnapshot {
  return {
    timezone: "Europe/Paris",
    locale: "fr",
    reachable: { email: true, sms: true, push: false, in_app: true },
    suppressed: { email: false, sms: false },
    channels: {},
    subscriptions: {
      "news:email": { status: "subscribed", frequency: "instant" },
      "orders:email": { status: "subscribed", frequency: "instant" },
      "drops:sms": { status: "subscribed", frequency: "instant" },
    },
    alertFilters: [],
    pausedUntil: null,
    context: { mode: "none", until: null, topics: [] },
    excludedTags: [],
    globalWeeklyCap: null,
    digestHour: 9,
    digestWeekday: 1,
    ...overrides,
  };
}

const estimate = (c: CustomerSnapshot) => estimateWeek({ brand, customer: c, topics, start });

describe("estimateWeek", () => {
  it("counts what each subscription brings, on its channel, and nothing without consent", () => {
    const week = estimate(customer());
    expect(week.email).toEqual({ messages: 4, digests: 0 });
    // Order updates need no opt-in (transactional): 1 a week on SMS beside the 4 alerts.
    expect(week.sms.messages).toBe(5);
    expect(week.push).toEqual({ messages: 0, digests: 0 });
  });

  it("folds a weekly topic into one digest a week", () => {
    const week = estimate(
      customer({
        subscriptions: {
          ...customer().subscriptions,
          "news:email": { status: "subscribed", frequency: "weekly" },
        },
      }),
    );
    expect(week.email).toEqual({ messages: 1, digests: 1 });
  });

  it("holds to the customer's caps", () => {
    const week = estimate(
      customer({
        channels: { sms: { enabled: true, quietStart: null, quietEnd: null, dailyCap: null, weeklyCap: 2 } },
      }),
    );
    // Order updates are critical and bypass the cap; the alerts share what is left.
    expect(week.sms.messages).toBeLessThanOrEqual(2 + 1);
  });

  it("drops to the service messages alone during a long pause", () => {
    const week = estimate(customer({ pausedUntil: start + 40 * 86_400_000 }));
    expect(week.email).toEqual({ messages: 1, digests: 0 });
    expect(week.sms).toEqual({ messages: 1, digests: 0 });
  });

  it("counts alerts per filter the customer set, on the filter's channel", () => {
    const week = estimate(
      customer({
        alertFilters: [
          { topicKey: "drops", channel: "sms", frequency: "instant", criteria: { size: { in: ["38"] } } },
          { topicKey: "drops", channel: "sms", frequency: "daily", criteria: { size: { in: ["40"] } } },
        ],
      }),
    );
    expect(week.sms.messages).toBe(4 + 1);
    expect(week.sms.digests).toBeGreaterThan(0);
  });

  it("never grows when a cap is lowered (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const withCap = (cap: number) =>
          estimate(
            customer({
              channels: { email: { enabled: true, quietStart: null, quietEnd: null, dailyCap: null, weeklyCap: cap } },
            }),
          );
        const lowWeek = withCap(low).email;
        const highWeek = withCap(high).email;
        return lowWeek.messages <= highWeek.messages;
      }),
      { numRuns: 25 },
    );
  });
});
