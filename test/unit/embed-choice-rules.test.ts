// When the banner asks again: a new policy version, a category never answered, refusalMonths
// after a refusal of anything optional, consentMonths after a full consent.
import { describe, expect, it } from "vitest";
import {
  acceptedCategories,
  addMonths,
  askAgainAt,
  fromServerChoice,
  grantedCategories,
  isChoiceCurrent,
  sameDecision,
} from "~/embed/choice-rules";
import type { StoredChoice } from "~/embed/types";

const rules = {
  policyVersion: "3",
  refusalMonths: 6,
  consentMonths: 13,
  categories: [
    { key: "necessary", required: true },
    { key: "analytics", required: false },
    { key: "advertising", required: false },
  ],
};
const madeAt = Date.UTC(2025, 0, 15, 12);
const choice = (c: StoredChoice["c"], p = "3"): StoredChoice => ({ v: "v".repeat(22), p, c, t: madeAt, m: "custom" });
const consent = choice({ necessary: 1, analytics: 1, advertising: 1 });
const refusal = choice({ necessary: 1, analytics: 1, advertising: 0 });

describe("asking again", () => {
  it("adds calendar months in UTC", () => {
    expect(new Date(addMonths(madeAt, 6)).toISOString()).toBe("2025-07-15T12:00:00.000Z");
    expect(new Date(addMonths(madeAt, 13)).toISOString()).toBe("2026-02-15T12:00:00.000Z");
  });

  it("keeps a full consent for consentMonths", () => {
    expect(askAgainAt(consent, rules)).toBe(addMonths(madeAt, 13));
    expect(isChoiceCurrent(consent, rules, addMonths(madeAt, 13) - 1)).toBe(true);
    expect(isChoiceCurrent(consent, rules, addMonths(madeAt, 13))).toBe(false);
  });

  it("keeps a refusal of anything optional for refusalMonths", () => {
    expect(askAgainAt(refusal, rules)).toBe(addMonths(madeAt, 6));
    expect(isChoiceCurrent(refusal, rules, addMonths(madeAt, 6) - 1)).toBe(true);
    expect(isChoiceCurrent(refusal, rules, addMonths(madeAt, 6))).toBe(false);
  });

  it("follows the brand's delays", () => {
    const brand = { ...rules, refusalMonths: 1, consentMonths: 3 };
    expect(askAgainAt(refusal, brand)).toBe(addMonths(madeAt, 1));
    expect(askAgainAt(consent, brand)).toBe(addMonths(madeAt, 3));
  });

  it("asks at once when the policy version changed", () => {
    expect(askAgainAt(choice(consent.c, "2"), rules)).toBeNull();
    expect(isChoiceCurrent(choice(consent.c, "2"), rules, madeAt)).toBe(false);
  });

  it("asks at once about an optional category added since, not a required one", () => {
    expect(askAgainAt(choice({ necessary: 1, analytics: 1 }), rules)).toBeNull();
    expect(askAgainAt(choice({ analytics: 1, advertising: 1 }), rules)).toBe(addMonths(madeAt, 13));
  });
});

describe("comparing choices", () => {
  it("reads the server's choice as a stored one", () => {
    const stored = fromServerChoice(
      {
        categories: { necessary: true, analytics: false, advertising: true },
        policyVersion: "3",
        at: "2025-02-01T10:00:00.000Z",
        method: "custom",
        gpc: false,
        source: "portal",
      },
      "w".repeat(22),
    );
    expect(stored).toEqual({
      v: "w".repeat(22),
      p: "3",
      c: { necessary: 1, analytics: 0, advertising: 1 },
      t: Date.UTC(2025, 1, 1, 10),
      m: "custom",
    });
    expect(acceptedCategories(stored)).toEqual({ necessary: true, analytics: false, advertising: true });
  });

  it("tells the same decision apart from a different one, whenever made", () => {
    expect(sameDecision(consent, { ...consent, t: 0, m: "accept_all" })).toBe(true);
    expect(sameDecision(consent, refusal)).toBe(false);
    expect(sameDecision(consent, choice(consent.c, "2"))).toBe(false);
    expect(sameDecision(consent, choice({ necessary: 1, analytics: 1 }))).toBe(false);
  });
});

describe("Global Privacy Control on a choice already made", () => {
  const categories = [
    { key: "necessary", gpc: false },
    { key: "analytics", gpc: false },
    { key: "advertising", gpc: true },
  ];
  const acceptedAll: StoredChoice = { ...consent, m: "accept_all" };

  it("refuses the GPC categories of an 'accept all' made without the signal (earlier, or on another device)", () => {
    expect(grantedCategories(acceptedAll, categories, true)).toEqual({
      necessary: true,
      analytics: true,
      advertising: false,
    });
    expect(grantedCategories(acceptedAll, categories, false)).toEqual(acceptedCategories(acceptedAll));
  });

  it("keeps what was switched on category by category", () => {
    expect(grantedCategories(consent, categories, true)).toEqual({
      necessary: true,
      analytics: true,
      advertising: true,
    });
  });
});
