// The banner's pure pieces beside the cookies: Google Consent Mode states from categories, the
// language it speaks, and its own words in both languages.
import { describe, expect, it } from "vitest";
import { categoriesOf } from "~/embed/blocked-scripts";
import { consentModeState } from "~/embed/consent-mode";
import { pickLocale, TEXTS } from "~/embed/texts";

const categories = [
  { key: "necessary", consentMode: ["security_storage"] },
  { key: "analytics", consentMode: ["analytics_storage"] },
  { key: "advertising", consentMode: ["ad_storage", "ad_user_data", "ad_personalization"] },
  { key: "personalisation", consentMode: ["functionality_storage", "personalization_storage"] },
];

describe("Google Consent Mode", () => {
  it("denies everything but security storage by default", () => {
    expect(consentModeState([], {})).toEqual({
      ad_storage: "denied",
      ad_user_data: "denied",
      ad_personalization: "denied",
      analytics_storage: "denied",
      functionality_storage: "denied",
      personalization_storage: "denied",
      security_storage: "granted",
    });
  });

  it("grants the keys of the accepted categories only", () => {
    expect(consentModeState(categories, { necessary: true, analytics: true, advertising: false })).toEqual({
      ad_storage: "denied",
      ad_user_data: "denied",
      ad_personalization: "denied",
      analytics_storage: "granted",
      functionality_storage: "denied",
      personalization_storage: "denied",
      security_storage: "granted",
    });
    const all = consentModeState(categories, {
      necessary: true,
      analytics: true,
      advertising: true,
      personalisation: true,
    });
    expect(Object.values(all).every((value) => value === "granted")).toBe(true);
  });
});

describe("the banner's language", () => {
  it.each([
    [["en", "fr-FR", "fr-FR"], ["fr", "en"], "en"],
    [[null, "en-GB", "fr-FR"], ["fr", "en"], "en"],
    [[null, "", "fr-CA"], ["en", "fr"], "fr"],
    [[null, "de", "de-DE"], ["en", "fr"], "en"],
    [[null, "es", "it"], [], "fr"],
  ] as const)("picks from %j with brand locales %j: %s", (wanted, brandLocales, locale) => {
    expect(pickLocale([...wanted], [...brandLocales])).toBe(locale);
  });

  it("has every word in both languages", () => {
    expect(Object.keys(TEXTS.en).sort()).toEqual(Object.keys(TEXTS.fr).sort());
    for (const locale of ["fr", "en"] as const) {
      for (const text of Object.values(TEXTS[locale])) expect(text.trim()).not.toBe("");
    }
    expect([TEXTS.fr.acceptAll, TEXTS.fr.rejectAll, TEXTS.fr.customise]).toEqual([
      "Tout accepter",
      "Tout refuser",
      "Personnaliser",
    ]);
  });
});

describe("blocked scripts", () => {
  it("need every category they name", () => {
    expect(categoriesOf("analytics")).toEqual(["analytics"]);
    expect(categoriesOf(" analytics advertising,personalisation ")).toEqual([
      "analytics",
      "advertising",
      "personalisation",
    ]);
  });
});
