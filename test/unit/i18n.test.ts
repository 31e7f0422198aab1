import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage, messages, readCookie, resolveLocale, translate } from "~/lib/i18n";

describe("i18n", () => {
  it("has every message in both languages, none empty, placeholders alike", () => {
    const keys = Object.keys(messages.fr);
    expect(Object.keys(messages.en).sort()).toEqual([...keys].sort());
    for (const key of keys as (keyof typeof messages.fr)[]) {
      expect(messages.fr[key].trim(), `fr ${key}`).not.toBe("");
      expect(messages.en[key].trim(), `en ${key}`).not.toBe("");
      const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
      expect(placeholders(messages.en[key]), key).toEqual(placeholders(messages.fr[key]));
    }
  });

  it("fills placeholders", () => {
    expect(translate("en", "home.demo.channels", { channels: "email, SMS" })).toBe("Channels: email, SMS");
  });

  it.each([
    ["en-US,en;q=0.9,fr;q=0.8", "en"],
    ["fr-CA", "fr"],
    ["de-DE,en;q=0.5", "en"],
    ["de, it", null],
    ["en;q=0, fr;q=0.1", "fr"],
    ["", null],
  ])("reads Accept-Language %j as %j", (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });

  it("prefers ?lang=, then the cookie, then Accept-Language, then French", () => {
    const request = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });
    expect(resolveLocale(request("http://x/?lang=en", { Cookie: "mesure_lang=fr", "Accept-Language": "fr" }))).toEqual({
      locale: "en",
      fromQuery: true,
    });
    expect(resolveLocale(request("http://x/", { Cookie: "a=b; mesure_lang=en", "Accept-Language": "fr" })).locale).toBe(
      "en",
    );
    expect(resolveLocale(request("http://x/?lang=xx", { "Accept-Language": "en" })).locale).toBe("en");
    expect(resolveLocale(request("http://x/")).locale).toBe("fr");
  });

  it("reads cookies", () => {
    expect(readCookie("a=1; mesure_lang=en; b=2", "mesure_lang")).toBe("en");
    expect(readCookie(null, "mesure_lang")).toBeNull();
  });
});
