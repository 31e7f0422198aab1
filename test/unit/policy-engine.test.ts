// The policy engine, rule by rule (each named by its reason codes), across daylight-saving
// changes, and its invariants as properties: a cap is never exceeded, excluded subjects and
// withdrawn consent always stop a non-critical message, the same input gives the same answer.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide, type DecisionInput, type SendRecord } from "~/policy";
import { localParts, zonedInstant } from "~/policy/time";

const T = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Overrides = {
  brand?: Partial<DecisionInput["brand"]>;
  customer?: Partial<DecisionInput["customer"]>;
  message?: Partial<DecisionInput["message"]>;
  recentSends?: SendRecord[];
  campaignAlreadySent?: boolean;
  now?: number;
};

const open = { enabled: true, dailyCap: null, weeklyCap: null, sendWindows: [] };

/** A marketing message to a subscribed Paris customer on a Wednesday noon, unless overridden. */
function input(overrides: Overrides = {}): DecisionInput {
  return {
    brand: {
      channels: { email: open, sms: open, push: open, in_app: open },
      globalWeeklyCap: null,
      highPriorityReservePercent: 20,
      ...overrides.brand,
    },
    customer: {
      timezone: "Europe/Paris",
      locale: "fr",
      reachable: { email: true, sms: true, push: true, in_app: true },
      suppressed: { email: false, sms: false },
      channels: {},
      subscriptions: {
        "news:email": { status: "subscribed", frequency: "instant" },
        "news:sms": { status: "subscribed", frequency: "instant" },
      },
      alertFilters: [],
      pausedUntil: null,
      context: { mode: "none", until: null, topics: [] },
      excludedTags: [],
      globalWeeklyCap: null,
      digestHour: 9,
      digestWeekday: 1,
      ...overrides.customer,
    },
    message: {
      topic: {
        key: "news",
        kind: "marketing",
        channels: ["email", "sms", "push", "in_app"],
        defaultFrequency: "instant",
      },
      channel: "email",
      priority: "normal",
      tags: [],
      attributes: {},
      campaign: null,
      expiresAt: null,
      ...overrides.message,
    },
    recentSends: overrides.recentSends ?? [],
    campaignAlreadySent: overrides.campaignAlreadySent ?? false,
    now: overrides.now ?? T("2026-06-10T10:00:00Z"),
  };
}
const orders = {
  key: "orders",
  kind: "transactional" as const,
  channels: ["email" as const, "sms" as const],
  defaultFrequency: "instant" as const,
};
const drops = {
  key: "drops",
  kind: "alert" as const,
  channels: ["email" as const, "push" as const],
  defaultFrequency: "instant" as const,
};

describe("the baseline", () => {
  it("sends a message the customer asked for, now", () => {
    expect(decide(input())).toMatchObject({ verdict: "send", reasons: [], notBefore: null, digestAt: null });
  });
});

describe("rule 1: suppressed", () => {
  it("denies a suppressed address, even for a critical message, and only on its channel", () => {
    const customer = { suppressed: { email: true, sms: false } };
    expect(decide(input({ customer })).reasons).toEqual(["suppressed"]);
    expect(decide(input({ customer, message: { topic: orders, priority: "critical" } })).verdict).toBe("deny");
    expect(decide(input({ customer, message: { channel: "sms" } })).verdict).toBe("send");
  });
});

describe("rule 2: channel.*", () => {
  it("reports every channel problem that applies", () => {
    const result = decide(
      input({
        message: { channel: "sms", topic: { ...input().message.topic, channels: ["email"] } },
        customer: {
          reachable: { email: true, sms: false, push: true, in_app: true },
          channels: { sms: { enabled: false, quietStart: null, quietEnd: null, dailyCap: null, weeklyCap: null } },
        },
      }),
    );
    expect(result).toMatchObject({
      verdict: "deny",
      reasons: ["channel.not_offered", "channel.no_contact", "channel.disabled"],
    });
  });
  it("treats a channel the brand switched off as not offered", () => {
    expect(
      decide(input({ brand: { channels: { ...input().brand.channels, email: { ...open, enabled: false } } } })).reasons,
    ).toEqual(["channel.not_offered"]);
  });
});

describe("rule 3: consent.missing, consent.pending, topic.unsubscribed", () => {
  it("needs an opt-in for the topic on the channel", () => {
    expect(decide(input({ customer: { subscriptions: {} } })).reasons).toEqual(["consent.missing"]);
    expect(
      decide(input({ customer: { subscriptions: { "news:email": { status: "pending", frequency: "instant" } } } }))
        .reasons,
    ).toEqual(["consent.missing", "consent.pending"]);
    expect(
      decide(input({ customer: { subscriptions: { "news:email": { status: "unsubscribed", frequency: "instant" } } } }))
        .reasons,
    ).toEqual(["topic.unsubscribed"]);
  });
  it("needs none for a transactional topic, and priority cannot buy it for a marketing one", () => {
    expect(decide(input({ customer: { subscriptions: {} }, message: { topic: orders } })).verdict).toBe("send");
    expect(decide(input({ customer: { subscriptions: {} }, message: { priority: "critical" } })).reasons).toEqual([
      "consent.missing",
    ]);
  });
});

describe("rule 4: filter.no_match", () => {
  const subscribed = { "drops:email": { status: "subscribed" as const, frequency: "instant" as const } };
  const filter = (
    criteria: object,
    frequency: "instant" | "daily" = "instant",
    channel: "email" | "push" = "email",
  ) => ({ topicKey: "drops", channel, frequency, criteria: criteria as never });
  const alert = (
    attributes: DecisionInput["message"]["attributes"],
    filters = [
      filter({ designer: { in: ["Sézane"] }, size: { in: ["38"] }, price: { max: 300 }, sku: { eq: "SKU-1" } }),
    ],
  ) =>
    decide(
      input({ customer: { subscriptions: subscribed, alertFilters: filters }, message: { topic: drops, attributes } }),
    );
  it("matches sets (case-insensitive, arrays), inclusive ranges (numeric strings too) and text", () => {
    expect(alert({ designer: "sézane", size: ["37", "38"], price: 300, sku: " sku-1 " }).verdict).toBe("send");
    expect(alert({ designer: "Sézane", size: "38", price: "299.5", sku: "SKU-1" }).verdict).toBe("send");
    expect(alert({ designer: "Sézane", size: "38", price: 301, sku: "SKU-1" }).reasons).toEqual(["filter.no_match"]);
    expect(alert({ designer: "Sézane", size: "40", price: 10, sku: "SKU-1" }).reasons).toEqual(["filter.no_match"]);
    expect(alert({ designer: "Sézane", size: "38", sku: "SKU-1" }).reasons).toEqual(["filter.no_match"]);
    expect(alert({ designer: "Sézane", size: "38", price: "cheap", sku: "SKU-1" }).reasons).toEqual([
      "filter.no_match",
    ]);
  });
  it("matches any one filter, on the message's channel only; no filter means every alert", () => {
    const filters = [filter({ size: { in: ["S"] } }), filter({ size: { in: ["M"] } })];
    expect(alert({ size: "M" }, filters).verdict).toBe("send");
    expect(alert({ size: "M" }, [filter({ size: { in: ["M"] } }, "instant", "push")]).reasons).toEqual([
      "filter.no_match",
    ]);
    expect(alert({ anything: 1 }, []).verdict).toBe("send");
  });
  it("takes the most immediate frequency among the filters matched", () => {
    expect(alert({ size: "M" }, [filter({ size: { in: ["M"] } }, "daily")]).verdict).toBe("digest");
    expect(
      alert({ size: "M" }, [filter({ size: { in: ["M"] } }, "daily"), filter({ size: { in: ["M", "L"] } })]).verdict,
    ).toBe("send");
  });
});

describe("rule 5: tag.excluded", () => {
  it("denies whatever else is set, case-insensitively; a critical transactional message goes through", () => {
    const customer = { excludedTags: ["Bereavement"] };
    expect(decide(input({ customer, message: { tags: ["bereavement "] } })).reasons).toEqual(["tag.excluded"]);
    expect(
      decide(input({ customer, message: { tags: ["bereavement"], topic: orders, priority: "high" } })).reasons,
    ).toEqual(["tag.excluded"]);
    expect(
      decide(input({ customer, message: { tags: ["bereavement"], topic: orders, priority: "critical" } })).verdict,
    ).toBe("send");
  });
});

describe("rule 6: paused", () => {
  const pausedUntil = T("2026-06-20T08:00:00Z");
  it("defers to the end of the pause, or denies when the message expires first", () => {
    expect(decide(input({ customer: { pausedUntil } }))).toMatchObject({
      verdict: "defer",
      reasons: ["paused"],
      notBefore: pausedUntil,
    });
    expect(decide(input({ customer: { pausedUntil }, message: { expiresAt: pausedUntil } }))).toMatchObject({
      verdict: "deny",
      reasons: ["paused", "expires_before_slot"],
    });
  });
  it("lets critical messages through and forgets a pause that is over", () => {
    expect(decide(input({ customer: { pausedUntil }, message: { topic: orders, priority: "critical" } })).verdict).toBe(
      "send",
    );
    expect(decide(input({ customer: { pausedUntil: T("2026-06-01T00:00:00Z") } })).verdict).toBe("send");
  });
});

describe("rule 7: campaign.already_sent", () => {
  it("denies a campaign already delivered on any channel; no campaign, no check", () => {
    expect(decide(input({ message: { campaign: "summer" }, campaignAlreadySent: true })).reasons).toEqual([
      "campaign.already_sent",
    ]);
    expect(decide(input({ campaignAlreadySent: true })).verdict).toBe("send");
  });
});

describe("rule 8: frequency.digest", () => {
  const withFrequency = (frequency: "daily" | "weekly" | "monthly", now = T("2026-06-10T10:00:00Z")) =>
    decide(input({ now, customer: { subscriptions: { "news:email": { status: "subscribed", frequency } } } }));
  it("folds into the next slot at the customer's digest hour, in their zone", () => {
    // Wednesday 12:00 Paris: daily → Thursday 09:00, weekly (Monday) → next Monday, monthly → 1 July.
    expect(withFrequency("daily")).toMatchObject({
      verdict: "digest",
      reasons: ["frequency.digest"],
      digestAt: T("2026-06-11T07:00:00Z"),
    });
    expect(withFrequency("weekly").digestAt).toBe(T("2026-06-15T07:00:00Z"));
    expect(withFrequency("monthly").digestAt).toBe(T("2026-07-01T07:00:00Z"));
    expect(withFrequency("daily", T("2026-06-10T07:00:00Z")).digestAt).toBe(T("2026-06-10T07:00:00Z"));
  });
  it("denies when the message expires before its digest, and never digests transactional messages", () => {
    const result = decide(
      input({
        customer: { subscriptions: { "news:email": { status: "subscribed", frequency: "daily" } } },
        message: { expiresAt: T("2026-06-10T20:00:00Z") },
      }),
    );
    expect(result).toMatchObject({ verdict: "deny", reasons: ["frequency.digest", "expires_before_slot"] });
    expect(decide(input({ message: { topic: orders } })).verdict).toBe("send");
  });
});

describe("rule 9: context.browsing, context.looking", () => {
  const until = T("2026-06-15T00:00:00Z");
  it("sends every non-critical message to the weekly digest while just browsing, until the date", () => {
    expect(decide(input({ customer: { context: { mode: "browsing", until, topics: [] } } }))).toMatchObject({
      verdict: "digest",
      reasons: ["context.browsing"],
      digestAt: T("2026-06-15T07:00:00Z"),
    });
    expect(
      decide(input({ now: until + HOUR, customer: { context: { mode: "browsing", until, topics: [] } } })).verdict,
    ).toBe("send");
    expect(
      decide(
        input({
          customer: { context: { mode: "browsing", until, topics: [] } },
          message: { topic: orders, priority: "critical" },
        }),
      ).verdict,
    ).toBe("send");
  });
  it("makes the chosen alert topics instant while looking for something", () => {
    const customer = {
      context: { mode: "looking" as const, until, topics: ["drops"] },
      subscriptions: { "drops:email": { status: "subscribed" as const, frequency: "weekly" as const } },
    };
    expect(decide(input({ customer, message: { topic: drops } }))).toMatchObject({
      verdict: "send",
      reasons: ["context.looking"],
    });
    expect(
      decide(
        input({ customer: { ...customer, context: { ...customer.context, topics: [] } }, message: { topic: drops } }),
      ).verdict,
    ).toBe("digest");
  });
});

describe("rule 10: quiet_hours, send_window", () => {
  const quiet = { enabled: true, quietStart: "21:00", quietEnd: "08:00", dailyCap: null, weeklyCap: null };
  const smsWindow = { ...open, sendWindows: [{ days: [1, 2, 3, 4, 5, 6], start: "08:00", end: "20:00" }] };
  it("defers to the end of the customer's quiet hours, across midnight", () => {
    const result = decide(input({ now: T("2026-06-10T21:30:00Z"), customer: { channels: { email: quiet } } }));
    expect(result).toMatchObject({ verdict: "defer", reasons: ["quiet_hours"], notBefore: T("2026-06-11T06:00:00Z") });
    expect(decide(input({ now: T("2026-06-10T05:30:00Z"), customer: { channels: { email: quiet } } })).notBefore).toBe(
      T("2026-06-10T06:00:00Z"),
    );
  });
  it("keeps SMS to the brand's windows: Saturday night and Sunday wait for Monday 08:00", () => {
    const brand = { channels: { ...input().brand.channels, sms: smsWindow } };
    const saturdayNight = decide(input({ brand, now: T("2026-06-13T19:30:00Z"), message: { channel: "sms" } }));
    expect(saturdayNight).toMatchObject({
      verdict: "defer",
      reasons: ["send_window"],
      notBefore: T("2026-06-15T06:00:00Z"),
    });
    expect(decide(input({ brand, now: T("2026-06-14T10:00:00Z"), message: { channel: "sms" } })).notBefore).toBe(
      T("2026-06-15T06:00:00Z"),
    );
    expect(
      decide(
        input({
          brand,
          now: T("2026-06-14T10:00:00Z"),
          message: { channel: "sms", topic: orders, priority: "critical" },
        }),
      ).verdict,
    ).toBe("send");
  });
  it("combines with a pause: the first instant every rule allows", () => {
    const result = decide(input({ customer: { pausedUntil: T("2026-06-12T22:00:00Z"), channels: { email: quiet } } }));
    expect(result).toMatchObject({
      verdict: "defer",
      reasons: ["paused", "quiet_hours"],
      notBefore: T("2026-06-13T06:00:00Z"),
    });
  });
});

describe("rule 11: cap.channel.day, cap.channel.week, cap.global.week", () => {
  const sent = (
    at: number,
    channel: "email" | "sms" = "email",
    priority: "normal" | "critical" | "high" = "normal",
  ): SendRecord => ({ at, channel, priority });
  const now = T("2026-06-10T10:00:00Z");
  const capped = (dailyCap: number | null, weeklyCap: number | null = null) => ({
    email: { enabled: true, quietStart: null, quietEnd: null, dailyCap, weeklyCap },
  });
  it("defers a transactional message until the oldest send leaves the rolling window", () => {
    const result = decide(
      input({
        now,
        customer: { channels: capped(2) },
        message: { topic: orders },
        recentSends: [sent(now - 5 * HOUR), sent(now - 2 * HOUR)],
      }),
    );
    expect(result).toMatchObject({ verdict: "defer", reasons: ["cap.channel.day"], notBefore: now - 5 * HOUR + DAY });
  });
  it("folds a marketing message over its cap into the next digest", () => {
    const result = decide(input({ now, customer: { channels: capped(1) }, recentSends: [sent(now - HOUR)] }));
    expect(result).toMatchObject({ verdict: "digest", reasons: ["cap.channel.day"] });
  });
  it("counts per channel for channel caps and across channels for the global cap; ignores critical sends", () => {
    const sends = [sent(now - HOUR, "sms"), sent(now - 2 * HOUR, "sms"), sent(now - 3 * HOUR, "email", "critical")];
    expect(decide(input({ now, customer: { channels: capped(1) }, recentSends: sends })).verdict).toBe("send");
    expect(
      decide(input({ now, customer: { globalWeeklyCap: 2 }, message: { topic: orders }, recentSends: sends })),
    ).toMatchObject({ verdict: "defer", reasons: ["cap.global.week"], notBefore: now - 2 * HOUR + 7 * DAY });
    expect(decide(input({ now, customer: { globalWeeklyCap: 3 }, recentSends: sends })).budget.globalWeek).toBe(1);
  });
  it("counts a send stamped a little after the decision instant (another host's clock)", () => {
    const result = decide(
      input({ now, customer: { channels: capped(1) }, message: { topic: orders }, recentSends: [sent(now + 5)] }),
    );
    expect(result).toMatchObject({ verdict: "defer", reasons: ["cap.channel.day"], notBefore: now + 5 + DAY });
  });
  it("prefers the customer's cap to the brand's default", () => {
    const brand = { channels: { ...input().brand.channels, email: { ...open, dailyCap: 1 } } };
    expect(decide(input({ now, brand, recentSends: [sent(now - HOUR)], message: { topic: orders } })).verdict).toBe(
      "defer",
    );
    expect(
      decide(input({ now, brand, customer: { channels: capped(5) }, recentSends: [sent(now - HOUR)] })).verdict,
    ).toBe("send");
  });
  it("keeps a reserve for high priority: with a cap of 10 and 20 %, normal stops at 8, high goes to 10", () => {
    const eight = Array.from({ length: 8 }, (_, i) => sent(now - (i + 1) * HOUR));
    expect(
      decide(input({ now, customer: { channels: capped(null, 10) }, recentSends: eight, message: { topic: orders } }))
        .verdict,
    ).toBe("defer");
    expect(
      decide(
        input({
          now,
          customer: { channels: capped(null, 10) },
          recentSends: eight,
          message: { topic: orders, priority: "high" },
        }),
      ).verdict,
    ).toBe("send");
    const ten = [...eight, sent(now - 10 * HOUR, "email", "high"), sent(now - 11 * HOUR, "email", "high")];
    expect(
      decide(
        input({
          now,
          customer: { channels: capped(null, 10) },
          recentSends: ten,
          message: { topic: orders, priority: "high" },
        }),
      ).verdict,
    ).toBe("defer");
    expect(
      decide(
        input({
          now,
          customer: { channels: capped(null, 10) },
          recentSends: ten,
          message: { topic: orders, priority: "critical" },
        }),
      ).verdict,
    ).toBe("send");
  });
  it("denies at a cap of 0, and when the message expires before a slot frees", () => {
    expect(decide(input({ now, customer: { channels: capped(0) }, message: { topic: orders } }))).toMatchObject({
      verdict: "deny",
      reasons: ["cap.channel.day"],
    });
    const result = decide(
      input({
        now,
        customer: { channels: capped(1) },
        recentSends: [sent(now - HOUR)],
        message: { topic: orders, expiresAt: now + HOUR },
      }),
    );
    expect(result).toMatchObject({ verdict: "deny", reasons: ["cap.channel.day", "expires_before_slot"] });
  });
});

describe("time zones across daylight-saving changes", () => {
  it.each([
    [
      "Europe/Paris",
      [2026, 3, 29, 2, 30],
      "2026-03-29T01:00:00.000Z",
      [2026, 10, 25, 2, 30],
      "2026-10-25T00:30:00.000Z",
    ],
    [
      "America/New_York",
      [2026, 3, 8, 2, 30],
      "2026-03-08T07:00:00.000Z",
      [2026, 11, 1, 1, 30],
      "2026-11-01T05:30:00.000Z",
    ],
    [
      "Pacific/Auckland",
      [2026, 9, 27, 2, 30],
      "2026-09-26T14:00:00.000Z",
      [2026, 4, 5, 2, 30],
      "2026-04-04T13:30:00.000Z",
    ],
  ] as const)(
    "%s: a skipped time resolves after the gap, a repeated one to the earlier instant",
    (zone, skipped, afterGap, repeated, earlier) => {
      const at = (parts: readonly number[]) =>
        zonedInstant(zone, parts[0]!, parts[1]!, parts[2]!, parts[3]!, parts[4]!);
      expect(new Date(at(skipped)).toISOString()).toBe(afterGap);
      expect(new Date(at(repeated)).toISOString()).toBe(earlier);
    },
  );

  it.each([
    // The night the clocks change, quiet hours 22:00–08:00 end at 08:00 local, whatever the offset.
    ["Europe/Paris", "2026-03-28T22:30:00Z", "2026-03-29T06:00:00Z"],
    ["Europe/Paris", "2026-10-24T21:30:00Z", "2026-10-25T07:00:00Z"],
    ["America/New_York", "2026-03-08T04:00:00Z", "2026-03-08T12:00:00Z"],
    ["America/New_York", "2026-11-01T04:00:00Z", "2026-11-01T13:00:00Z"],
    ["Pacific/Auckland", "2026-09-26T11:00:00Z", "2026-09-26T19:00:00Z"],
    ["Pacific/Auckland", "2026-04-04T11:00:00Z", "2026-04-04T20:00:00Z"],
  ])("%s: quiet hours ending on the change night (now %s) end at 08:00 local (%s)", (timezone, now, end) => {
    const channels = {
      email: { enabled: true, quietStart: "22:00", quietEnd: "08:00", dailyCap: null, weeklyCap: null },
    };
    const result = decide(input({ now: T(now), customer: { timezone, channels } }));
    expect(result.verdict).toBe("defer");
    expect(new Date(result.notBefore!).toISOString()).toBe(new Date(end).toISOString());
    expect(localParts(result.notBefore!, timezone)).toMatchObject({ hour: 8, minute: 0 });
  });

  it("puts a daily digest at 09:00 local on both sides of a change", () => {
    const daily = {
      subscriptions: { "news:email": { status: "subscribed" as const, frequency: "daily" as const } },
      timezone: "America/New_York",
    };
    expect(decide(input({ now: T("2026-03-07T15:00:00Z"), customer: daily })).digestAt).toBe(T("2026-03-08T13:00:00Z"));
    expect(decide(input({ now: T("2026-03-08T15:00:00Z"), customer: daily })).digestAt).toBe(T("2026-03-09T13:00:00Z"));
  });
});

describe("explanations", () => {
  it("speak the customer's language and give deferral times in their zone", () => {
    const quiet = { email: { enabled: true, quietStart: "21:00", quietEnd: "08:00", dailyCap: null, weeklyCap: null } };
    const fr = decide(input({ now: T("2026-06-10T21:30:00Z"), customer: { channels: quiet } })).explanation;
    expect(fr).toMatch(/^Reporté au jeudi 11 juin à 08:00 .*heures de silence/);
    const en = decide(
      input({ now: T("2026-06-10T21:30:00Z"), customer: { channels: quiet, locale: "en" } }),
    ).explanation;
    expect(en).toMatch(/^Held until Thursday 11 June at 08:00 .*quiet hours/);
    expect(decide(input({ customer: { locale: "en", subscriptions: {} } })).explanation).toBe(
      "Not sent: you have not opted in to this topic on this channel.",
    );
  });
});

describe("invariants", () => {
  const channel = fc.constantFrom("email" as const, "sms" as const);
  const priority = fc.constantFrom("low" as const, "normal" as const, "high" as const, "critical" as const);

  it("never lets more non-critical sends into a rolling window than its cap, whatever the traffic", () => {
    fc.assert(
      fc.property(
        fc.record({
          daily: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
          weekly: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
          global: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }),
          reserve: fc.integer({ min: 0, max: 50 }),
        }),
        fc.array(
          fc.record({ step: fc.integer({ min: 0, max: 20 * HOUR }), channel, priority, transactional: fc.boolean() }),
          { maxLength: 60 },
        ),
        (caps, traffic) => {
          const sends: SendRecord[] = [];
          let now = T("2026-03-01T00:00:00Z");
          for (const message of traffic) {
            now += message.step;
            const channels = {
              email: { enabled: true, quietStart: null, quietEnd: null, dailyCap: caps.daily, weeklyCap: caps.weekly },
              sms: { enabled: true, quietStart: null, quietEnd: null, dailyCap: caps.daily, weeklyCap: caps.weekly },
            };
            const topic = message.transactional ? orders : input().message.topic;
            const priorityUsed = message.priority === "critical" && !message.transactional ? "high" : message.priority;
            const decision = decide(
              input({
                now,
                brand: { highPriorityReservePercent: caps.reserve },
                customer: { channels, globalWeeklyCap: caps.global },
                message: { channel: message.channel, priority: priorityUsed, topic },
                recentSends: sends.filter((send) => send.at > now - 7 * DAY),
              }),
            );
            if (decision.verdict === "send") sends.push({ at: now, channel: message.channel, priority: priorityUsed });
            const counted = sends.filter((send) => send.priority !== "critical");
            for (const send of counted) {
              const day = counted.filter(
                (other) => other.channel === send.channel && other.at > send.at - DAY && other.at <= send.at,
              ).length;
              const week = counted.filter(
                (other) => other.channel === send.channel && other.at > send.at - 7 * DAY && other.at <= send.at,
              ).length;
              const all = counted.filter((other) => other.at > send.at - 7 * DAY && other.at <= send.at).length;
              if (caps.daily !== null) expect(day).toBeLessThanOrEqual(caps.daily);
              if (caps.weekly !== null) expect(week).toBeLessThanOrEqual(caps.weekly);
              if (caps.global !== null) expect(all).toBeLessThanOrEqual(caps.global);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  const anything = fc.record({
    paused: fc.boolean(),
    context: fc.constantFrom("none" as const, "looking" as const, "browsing" as const),
    frequency: fc.constantFrom("instant" as const, "daily" as const, "weekly" as const),
    channel,
    priority: fc.constantFrom("low" as const, "normal" as const, "high" as const),
    kind: fc.constantFrom("marketing" as const, "alert" as const, "transactional" as const),
    tags: fc.array(fc.constantFrom("baby", "sport", "bereavement"), { maxLength: 3 }),
    excluded: fc.array(fc.constantFrom("baby", "bereavement", "travel"), { maxLength: 3 }),
    campaignSent: fc.boolean(),
    now: fc.integer({ min: T("2026-01-01T00:00:00Z"), max: T("2027-01-01T00:00:00Z") }),
  });
  type Anything = typeof anything extends fc.Arbitrary<infer T> ? T : never;
  const build = (x: Anything, status: "subscribed" | "unsubscribed" = "subscribed") =>
    input({
      now: x.now,
      customer: {
        pausedUntil: x.paused ? x.now + DAY : null,
        context: { mode: x.context, until: x.now + DAY, topics: ["news"] },
        excludedTags: x.excluded,
        subscriptions: { [`news:${x.channel}`]: { status, frequency: x.frequency } },
      },
      message: {
        channel: x.channel,
        priority: x.priority,
        tags: x.tags,
        topic: { ...input().message.topic, kind: x.kind },
        campaign: "c",
      },
      campaignAlreadySent: x.campaignSent,
    });

  it("always denies a non-critical message carrying an excluded subject", () => {
    fc.assert(
      fc.property(anything, (x) => {
        const result = decide(build(x));
        if (x.tags.some((tag) => (x.excluded as string[]).includes(tag))) {
          expect(result.verdict).toBe("deny");
          expect(result.reasons).toContain("tag.excluded");
        }
      }),
      { numRuns: 400 },
    );
  });

  it("never sends a marketing or alert message after consent was withdrawn", () => {
    fc.assert(
      fc.property(
        anything.filter((x) => x.kind !== "transactional"),
        (x) => {
          const result = decide(build(x, "unsubscribed"));
          expect(result.verdict).toBe("deny");
          expect(result.reasons).toContain("topic.unsubscribed");
        },
      ),
      { numRuns: 400 },
    );
  });

  it("is deterministic, and its times are never in the past", () => {
    fc.assert(
      fc.property(anything, (x) => {
        const value = build(x);
        const first = decide(value);
        expect(decide(structuredClone(value))).toEqual(first);
        if (first.verdict === "defer") expect(first.notBefore!).toBeGreaterThan(x.now);
        if (first.verdict === "digest") expect(first.digestAt!).toBeGreaterThanOrEqual(x.now);
      }),
      { numRuns: 400 },
    );
  });
});
