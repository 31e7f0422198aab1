// The cookie banner's configuration: defaults from "{}", explicit messages for what a brand gets
// wrong, the hash of what was shown, and what each kind of choice stores.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { zodIssues } from "~/lib/api/errors";
import {
  CategoryKey,
  CookieConfig,
  defaultCookieConfig,
  parseCookieConfig,
  resolveChoice,
  shownTextHash,
  VisitorId,
} from "~/privacy/cookie-config";

function issues(input: unknown) {
  const result = CookieConfig.safeParse(input);
  expect(result.success).toBe(false);
  return zodIssues(result.error!).map((issue) => `${issue.path}: ${issue.message}`);
}

describe("cookie configuration", () => {
  it('fills every default from "{}"', () => {
    const config = parseCookieConfig("{}");
    expect(config).toEqual(defaultCookieConfig);
    expect(config.policyVersion).toBe("1");
    expect(config.policyUrl).toBeNull();
    expect(config.refusalMonths).toBe(6);
    expect(config.consentMonths).toBe(13);
    expect(config.texts.fr.title).toBe("Vos choix sur les cookies");
    expect(config.texts.en.title).toBe("Your cookie choices");
    expect(config.categories.map((category) => category.key)).toEqual([
      "necessary",
      "analytics",
      "advertising",
      "personalisation",
    ]);
    const byKey = Object.fromEntries(config.categories.map((category) => [category.key, category]));
    expect(byKey.necessary).toMatchObject({ required: true, gpc: false, consentMode: ["security_storage"] });
    expect(byKey.analytics).toMatchObject({ cookies: ["_ga", "_ga_*", "_gid"], consentMode: ["analytics_storage"] });
    expect(byKey.advertising).toMatchObject({
      gpc: true,
      cookies: ["_fbp", "_gcl_*"],
      consentMode: ["ad_storage", "ad_user_data", "ad_personalization"],
    });
    expect(byKey.personalisation!.consentMode).toEqual(["functionality_storage", "personalization_storage"]);
  });

  it("fills a brand's categories' optional fields and keeps its own text", () => {
    const config = CookieConfig.parse({
      policyVersion: "2025-03",
      policyUrl: "https://shop.example/privacy",
      texts: { en: { title: "Cookies?", body: "Choose." } },
      categories: [
        { key: "necessary", required: true, name: { fr: "Essentiels", en: "Essential" } },
        { key: "stats", name: { fr: "Statistiques", en: "Statistics" }, cookies: ["_pk_*"] },
      ],
    });
    expect(config.texts.en).toEqual({ title: "Cookies?", body: "Choose." });
    expect(config.texts.fr.title).toBe("Vos choix sur les cookies");
    expect(config.categories[1]).toEqual({
      key: "stats",
      required: false,
      gpc: false,
      name: { fr: "Statistiques", en: "Statistics" },
      description: { fr: "", en: "" },
      cookies: ["_pk_*"],
      consentMode: [],
    });
  });

  it("names what is wrong, field by field", () => {
    expect(issues({ refusalMonths: 0 })).toEqual(["refusalMonths: must be at least 1"]);
    expect(issues({ consentMonths: 1.5 })).toEqual(["consentMonths: must be a whole number"]);
    expect(issues({ policyVersion: "version 2" })[0]).toMatch(/^policyVersion: must be 1 to 40 printable/);
    expect(issues({ policyUrl: "javascript:alert(1)" })[0]).toMatch(/^policyUrl: must be an http\(s\) address/);
    expect(issues({ colour: "red" })).toEqual(["colour: is not a known field"]);
    expect(issues({ categories: [] })).toEqual(["categories: needs at least one category"]);
    const name = { fr: "A", en: "A" };
    expect(issues({ categories: [{ key: "Ads!", name }] })[0]).toMatch(/^categories\.0\.key: must start with a-z/);
    expect(
      issues({
        categories: [
          { key: "ads", name },
          { key: "ads", name },
        ],
      }),
    ).toEqual(['categories.1.key: repeats the key "ads"']);
    expect(issues({ categories: [{ key: "ads", name, consentMode: ["ad_tracking"] }] })[0]).toMatch(
      /^categories\.0\.consentMode\.0: must be a Google Consent Mode v2 key/,
    );
    expect(issues({ categories: [{ key: "ads", name, cookies: ["a b"] }] })[0]).toMatch(
      /^categories\.0\.cookies\.0: must be a cookie name/,
    );
    expect(issues({ categories: [{ key: "ads", name: { fr: "Pub" } }] })).toEqual([
      "categories.0.name.en: is required",
    ]);
    expect(issues({ categories: [{ key: "core", name, required: true, gpc: true }] })).toEqual([
      "categories.0.gpc: a required category cannot be refused, so it cannot be covered by GPC",
    ]);
    expect(issues({ texts: { fr: { title: "", body: "x" } } })).toEqual(["texts.fr.title: is required"]);
  });

  it("refuses a stored value that is not JSON or not a configuration", () => {
    expect(() => parseCookieConfig("{")).toThrow(/does not hold JSON/);
    expect(() => parseCookieConfig('{"refusalMonths":-1}')).toThrow(/unexpected value/);
  });

  it("reads visitor ids as the script makes them", () => {
    expect(VisitorId.safeParse("AbCdEfGhIjKlMnOpQrStUv").success).toBe(true);
    for (const bad of ["short", "a".repeat(65), "has space in it ok ok", "plus+plus+plus+plus"])
      expect(VisitorId.safeParse(bad).success).toBe(false);
  });
});

describe("the hash of what was shown", () => {
  it("is the SHA-256 of the title, body and categories' names and descriptions in that language", async () => {
    const config = defaultCookieConfig;
    const expected = createHash("sha256")
      .update(
        JSON.stringify([
          config.texts.en.title,
          config.texts.en.body,
          config.categories.map((category) => [category.key, category.name.en, category.description.en]),
        ]),
      )
      .digest("hex");
    expect(await shownTextHash(config, "en")).toBe(expected);
  });

  it("differs by language and by any word shown, not by what is not shown", async () => {
    const config = defaultCookieConfig;
    expect(await shownTextHash(config, "fr")).not.toBe(await shownTextHash(config, "en"));
    const reworded = CookieConfig.parse({ texts: { fr: { title: "Cookies", body: config.texts.fr.body } } });
    expect(await shownTextHash(reworded, "fr")).not.toBe(await shownTextHash(config, "fr"));
    expect(await shownTextHash(reworded, "en")).toBe(await shownTextHash(config, "en"));
    const longer = CookieConfig.parse({ refusalMonths: 3, policyVersion: "9" });
    expect(await shownTextHash(longer, "fr")).toBe(await shownTextHash(config, "fr"));
  });
});

describe("what a choice stores", () => {
  const config = defaultCookieConfig;
  const none = {};

  it("accept all grants everything, reject all and dismiss refuse all but the required", () => {
    expect(resolveChoice(config, { method: "accept_all", categories: none, gpc: false })).toEqual({
      necessary: true,
      analytics: true,
      advertising: true,
      personalisation: true,
    });
    for (const method of ["reject_all", "dismiss"] as const) {
      expect(resolveChoice(config, { method, categories: { analytics: true }, gpc: false })).toEqual({
        necessary: true,
        analytics: false,
        advertising: false,
        personalisation: false,
      });
    }
  });

  it("custom takes each answer, a missing one as a refusal, and forces the required ones on", () => {
    expect(
      resolveChoice(config, { method: "custom", categories: { necessary: false, analytics: true }, gpc: false }),
    ).toEqual({ necessary: true, analytics: true, advertising: false, personalisation: false });
  });

  it("under GPC, accept all leaves the GPC categories off, but an explicit choice stands", () => {
    expect(resolveChoice(config, { method: "accept_all", categories: none, gpc: true })).toEqual({
      necessary: true,
      analytics: true,
      advertising: false,
      personalisation: true,
    });
    expect(resolveChoice(config, { method: "custom", categories: { advertising: true }, gpc: true })).toMatchObject({
      advertising: true,
    });
  });
});

describe("category keys", () => {
  it("refuses names every JavaScript object already has, which would read as accepted", () => {
    for (const key of ["constructor", "tostring", "valueof"])
      expect(CategoryKey.safeParse(key).success).toBe(key !== "constructor");
    expect(CategoryKey.safeParse("__proto__").success).toBe(false);
    expect(CategoryKey.safeParse("analytics").success).toBe(true);
  });
});
