// A brand's cookie banner configuration (Brand.cookieConfig): its zod schema with the defaults
// ("{}" means all of them), the hash of the text a visitor was shown, and how a choice is
// normalised before it is stored. Pure: no database, no clock, no Node-only module (pages and
// the OpenAPI document import it, so it reaches browser bundles too).
import { z } from "zod";
import { fromJson } from "~/lib/json-column";
import type { Locale } from "~/lib/vocabulary";
// zod's wording for missing and mistyped fields ("is required", "must be a boolean").
import "~/lib/vocabulary";

export const consentModeKeys = [
  "ad_storage",
  "ad_user_data",
  "ad_personalization",
  "analytics_storage",
  "functionality_storage",
  "personalization_storage",
  "security_storage",
] as const;
export const ConsentModeKey = z.enum(consentModeKeys, {
  error: `must be a Google Consent Mode v2 key: ${consentModeKeys.join(", ")}`,
});
export type ConsentModeKey = z.infer<typeof ConsentModeKey>;

export const choiceMethods = ["accept_all", "reject_all", "custom", "dismiss"] as const;
export const ChoiceMethod = z.enum(choiceMethods, { error: `must be one of ${choiceMethods.join(", ")}` });
export type ChoiceMethod = z.infer<typeof ChoiceMethod>;

/** The id the banner script makes for a browser (crypto.getRandomValues, 22 base64url characters). */
export const VisitorId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, "must be 16 to 64 characters among A-Z, a-z, 0-9, _ and -");

export const CategoryKey = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, "must start with a-z and use only a-z, 0-9, _ and - (40 characters at most)")
  // Keys index plain objects in the banner and on the server: "constructor" would read
  // Object.prototype and count as accepted before anyone chose.
  .refine((key) => !(key in Object.prototype), "must not be a name JavaScript objects already have (e.g. constructor)");

/** A cookie name as RFC 6265 allows it, with an optional trailing * to match a prefix ("_ga_*"). */
const CookieName = z
  .string()
  .regex(
    /^[A-Za-z0-9!#$%&'+\-.^_`|~]{1,100}\*?$/,
    "must be a cookie name, optionally ending with * to match a prefix (e.g. _ga_*)",
  );

const text = (max: number) => z.string().trim().min(1, "is required").max(max, `must be at most ${max} characters`);

const Bilingual = (max: number) => z.strictObject({ fr: text(max), en: text(max) });
const Months = (fallback: number) =>
  z.number().int("must be a whole number").min(1, "must be at least 1").max(24, "must be at most 24").default(fallback);
const OptionalBilingual = (max: number) =>
  z.strictObject({
    fr: z.string().trim().max(max, `must be at most ${max} characters`).default(""),
    en: z.string().trim().max(max, `must be at most ${max} characters`).default(""),
  });

export const CookieCategory = z
  .strictObject({
    key: CategoryKey,
    /** Essential: always on, cannot be refused. */
    required: z.boolean().default(false),
    /** Covered by Global Privacy Control (advertising, data sale): refused under GPC unless chosen. */
    gpc: z.boolean().default(false),
    name: Bilingual(60),
    description: OptionalBilingual(500).default({ fr: "", en: "" }),
    /** Cookies to delete when the category is refused. */
    cookies: z.array(CookieName).max(100, "must list at most 100 cookies").default([]),
    /** The Google Consent Mode v2 keys this category grants. */
    consentMode: z.array(ConsentModeKey).default([]),
  })
  .refine((category) => !(category.required && category.gpc), {
    message: "a required category cannot be refused, so it cannot be covered by GPC",
    path: ["gpc"],
  });
export type CookieCategory = z.infer<typeof CookieCategory>;

const BannerText = z.strictObject({ title: text(120), body: text(2000) });

export const defaultTexts = {
  fr: {
    title: "Vos choix sur les cookies",
    body: "Nous utilisons des cookies nécessaires au fonctionnement du site et, si vous l'acceptez, d'autres pour mesurer l'audience, personnaliser votre visite et la publicité. Vous pouvez tout accepter, tout refuser ou choisir par catégorie ; fermer ce bandeau vaut refus. Vous pouvez changer d'avis à tout moment.",
  },
  en: {
    title: "Your cookie choices",
    body: "We use cookies the site needs to work and, if you agree, others to measure its audience, personalise your visit and advertising. You can accept all, reject all or choose by category; closing this banner means no. You can change your mind at any time.",
  },
} satisfies Record<Locale, { title: string; body: string }>;

export const defaultCategories: CookieCategory[] = [
  {
    key: "necessary",
    required: true,
    gpc: false,
    name: { fr: "Nécessaires", en: "Necessary" },
    description: {
      fr: "Indispensables au fonctionnement du site (panier, connexion, sécurité, mémoire de vos choix) : ils ne peuvent pas être refusés.",
      en: "Needed for the site to work (basket, sign-in, security, remembering your choices): they cannot be refused.",
    },
    cookies: [],
    consentMode: ["security_storage"],
  },
  {
    key: "analytics",
    required: false,
    gpc: false,
    name: { fr: "Mesure d'audience", en: "Analytics" },
    description: {
      fr: "Comptent les visites et les pages vues pour améliorer le site.",
      en: "Count visits and page views to improve the site.",
    },
    cookies: ["_ga", "_ga_*", "_gid"],
    consentMode: ["analytics_storage"],
  },
  {
    key: "advertising",
    required: false,
    gpc: true,
    name: { fr: "Publicité", en: "Advertising" },
    description: {
      fr: "Permettent à nos partenaires publicitaires de vous montrer des annonces selon vos centres d'intérêt et de mesurer leur efficacité.",
      en: "Let our advertising partners show you ads based on your interests and measure how well they work.",
    },
    cookies: ["_fbp", "_gcl_*"],
    consentMode: ["ad_storage", "ad_user_data", "ad_personalization"],
  },
  {
    key: "personalisation",
    required: false,
    gpc: false,
    name: { fr: "Personnalisation", en: "Personalisation" },
    description: {
      fr: "Retiennent vos préférences (langue, articles vus) pour adapter le site à vous.",
      en: "Remember your preferences (language, items viewed) to fit the site to you.",
    },
    cookies: [],
    consentMode: ["functionality_storage", "personalization_storage"],
  },
];

export const CookieConfig = z.strictObject({
  /** Changing it asks everyone again. */
  policyVersion: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{1,40}$/, "must be 1 to 40 printable characters without spaces, e.g. 2025-01")
    .default("1"),
  policyUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) address, e.g. https://shop.example/privacy" })
    .nullable()
    .default(null),
  /** Months before a refusal is asked again. */
  refusalMonths: Months(6),
  /** Months before a consent is asked again (13 at most is the CNIL's guidance, not enforced). */
  consentMonths: Months(13),
  texts: z
    .strictObject({ fr: BannerText.default(defaultTexts.fr), en: BannerText.default(defaultTexts.en) })
    .default(defaultTexts),
  categories: z
    .array(CookieCategory)
    .min(1, "needs at least one category")
    .max(20, "must have at most 20 categories")
    .superRefine((categories, ctx) => {
      const seen = new Set<string>();
      categories.forEach((category, index) => {
        if (seen.has(category.key))
          ctx.addIssue({ code: "custom", message: `repeats the key "${category.key}"`, path: [index, "key"] });
        seen.add(category.key);
      });
    })
    .default(defaultCategories),
});
export type CookieConfig = z.infer<typeof CookieConfig>;
export type CookieConfigInput = z.input<typeof CookieConfig>;

export const defaultCookieConfig: CookieConfig = CookieConfig.parse({});

/** The configuration stored in Brand.cookieConfig, defaults filled in. */
export function parseCookieConfig(json: string): CookieConfig {
  return fromJson(CookieConfig, json, "Brand.cookieConfig");
}

/**
 * SHA-256 (hex) of what the banner showed in `locale`: the UTF-8 JSON of
 * `[title, body, [[key, name, description], …]]`, categories in the configured order. A
 * verifier recomputes it from the configuration in force under the event's policy version.
 * Web Crypto, which Node and browsers share.
 */
export async function shownTextHash(config: CookieConfig, locale: Locale): Promise<string> {
  return textHash(shownText(config, locale));
}

/** The text shownTextHash hashes: `[title, body, [[key, name, description], …]]` as JSON. */
export function shownText(config: CookieConfig, locale: Locale): string {
  return JSON.stringify([
    config.texts[locale].title,
    config.texts[locale].body,
    config.categories.map((category) => [category.key, category.name[locale], category.description[locale]]),
  ]);
}

/** SHA-256 (hex) of a text's UTF-8 bytes. */
export async function textHash(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * What a choice means for every category of the configuration. The method decides, except for
 * "custom": accepting all grants every category, rejecting or closing the banner refuses every
 * one. Required categories are always on. Under Global Privacy Control, "accept all" does not
 * grant the GPC categories: only an explicit, per-category choice does.
 */
export function resolveChoice(
  config: CookieConfig,
  choice: { method: ChoiceMethod; categories: Record<string, boolean>; gpc: boolean },
): Record<string, boolean> {
  const resolved: Record<string, boolean> = {};
  for (const category of config.categories) {
    if (category.required) resolved[category.key] = true;
    else if (choice.method === "accept_all") resolved[category.key] = !(choice.gpc && category.gpc);
    else if (choice.method === "custom") resolved[category.key] = choice.categories[category.key] === true;
    else resolved[category.key] = false;
  }
  return resolved;
}
