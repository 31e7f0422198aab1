// The dates an erasure runs by: one calendar month to answer (GDPR art. 12(3)), and how long a
// connector's Retry-After may hold its next call back.
import { describe, expect, it } from "vitest";
import { retryAfter } from "~/privacy/connector-delivery.server";
import { oneMonthAfter } from "~/privacy/erasure.server";

describe("the one-month deadline", () => {
  it("is the same day of the next month, at the same time", () => {
    expect(oneMonthAfter(new Date("2026-03-15T10:20:30.123Z")).toISOString()).toBe("2026-04-15T10:20:30.123Z");
    expect(oneMonthAfter(new Date("2026-12-31T23:59:00Z")).toISOString()).toBe("2027-01-31T23:59:00.000Z");
  });

  it("is the month's last day when the next month is shorter", () => {
    expect(oneMonthAfter(new Date("2027-01-31T08:00:00Z")).toISOString()).toBe("2027-02-28T08:00:00.000Z");
    expect(oneMonthAfter(new Date("2028-01-30T08:00:00Z")).toISOString()).toBe("2028-02-29T08:00:00.000Z");
    expect(oneMonthAfter(new Date("2026-05-31T08:00:00Z")).toISOString()).toBe("2026-06-30T08:00:00.000Z");
  });
});

describe("Retry-After", () => {
  const now = new Date("2026-03-01T10:00:00Z");
  it("reads seconds and HTTP dates, ignores nonsense and the past, and holds back a day at most", () => {
    expect(retryAfter("120", now)).toBe(120_000);
    expect(retryAfter("Sun, 01 Mar 2026 10:05:00 GMT", now)).toBe(300_000);
    expect(retryAfter(null, now)).toBeUndefined();
    expect(retryAfter("soon", now)).toBeUndefined();
    expect(retryAfter("Sun, 01 Mar 2026 09:00:00 GMT", now)).toBeUndefined();
    expect(retryAfter(String(30 * 86_400), now)).toBe(86_400_000);
  });
});
