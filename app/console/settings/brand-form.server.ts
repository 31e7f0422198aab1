// The brand form of the console: name, colours and logo, languages, time zone, the sites that may
// embed Mesure, the privacy contact and the erasure delay. Parsed into the brand's profile and
// settings (app/models/brand.server.ts).
import { z } from "zod";
import { isTimeZone, locales, type Locale, type Theme } from "~/lib/vocabulary";
import type { BrandProfile, BrandSettings } from "~/models/brand.server";
import { settingsErrors } from "./errors.server";
import { allOf, linesOf, numberOf, textOf } from "./rows";
import type { Parsed } from "./topic-form.server";

/** What a colour picker shows when the brand has no colour yet (Mesure's own green). */
export const DEFAULT_COLOUR = "#1f4d3a";

export type ColourDraft = { text: string; picker: string; was: string };

export type BrandDraft = {
  name: string;
  primaryColor: ColourDraft;
  accentColor: ColourDraft;
  logoUrl: string;
  locales: string[];
  defaultLocale: string;
  defaultTimezone: string;
  /** One origin per line. */
  embedOrigins: string;
  privacyEmail: string;
  erasureGraceDays: string;
};

export type BrandChanges = {
  profile: BrandProfile;
  settings: Pick<BrandSettings, "embedOrigins" | "privacyEmail" | "erasureGraceDays">;
};

const colourDraft = (colour: string | undefined): ColourDraft => ({
  text: colour ?? "",
  picker: colour ?? DEFAULT_COLOUR,
  was: colour ?? "",
});

export function draftOfBrand(profile: BrandProfile, settings: BrandSettings): BrandDraft {
  return {
    name: profile.name,
    primaryColor: colourDraft(profile.theme.primaryColor),
    accentColor: colourDraft(profile.theme.accentColor),
    logoUrl: profile.theme.logoUrl ?? "",
    locales: profile.locales,
    defaultLocale: profile.locales[0] ?? "fr",
    defaultTimezone: profile.defaultTimezone,
    embedOrigins: settings.embedOrigins.join("\n"),
    privacyEmail: settings.privacyEmail ?? "",
    erasureGraceDays: String(settings.erasureGraceDays),
  };
}

export function draftOfBrandForm(form: FormData): BrandDraft {
  const colour = (name: string): ColourDraft => ({
    text: textOf(form, name),
    picker: textOf(form, `${name}Picker`),
    was: textOf(form, `${name}Was`),
  });
  return {
    name: textOf(form, "name"),
    primaryColor: colour("primaryColor"),
    accentColor: colour("accentColor"),
    logoUrl: textOf(form, "logoUrl"),
    locales: allOf(form, "locales"),
    defaultLocale: textOf(form, "defaultLocale"),
    defaultTimezone: textOf(form, "defaultTimezone"),
    embedOrigins: textOf(form, "embedOrigins"),
    privacyEmail: textOf(form, "privacyEmail"),
    erasureGraceDays: textOf(form, "erasureGraceDays"),
  };
}

/**
 * Each colour has a picker and a text field (a page without JavaScript cannot keep them in step):
 * the one the person changed wins, the text first; an emptied text removes the colour.
 */
export function chosenColour(colour: ColourDraft): string {
  const text = colour.text.trim();
  if (text !== colour.was) return text;
  const picker = colour.picker.trim();
  if (picker && picker.toLowerCase() !== (colour.was || DEFAULT_COLOUR).toLowerCase()) return picker;
  return colour.was;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * A site that may frame the portal and call the embed endpoints: a bare origin, https, or http
 * on this machine only (a brand's real site is never plain http: its visitors' sessions would be
 * readable on the way).
 */
export function embedOrigin(line: string): string | null {
  let url: URL;
  try {
    url = new URL(line);
  } catch {
    return null;
  }
  const secure = url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname));
  const bare = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  // "https://shop.example/" and "https://shop.example" are the same origin; a path is not.
  return secure && bare && /^https?:\/\/[^/]+\/?$/i.test(line) ? url.origin : null;
}

const Colour = z.union([z.literal(""), z.string().regex(/^#[0-9a-fA-F]{6}$/, "colour")]);

const BrandForm = z
  .object({
    name: z.string().trim().min(1).max(120),
    primaryColor: Colour,
    accentColor: Colour,
    logoUrl: z.union([
      z.literal(""),
      z
        .string()
        .max(500)
        .pipe(z.url({ protocol: /^https$/, error: "https" })),
    ]),
    locales: z.array(z.enum(locales)).min(1, "localesMin"),
    defaultLocale: z.enum(locales),
    defaultTimezone: z.string().trim().refine(isTimeZone, "timezone"),
    embedOrigins: z.array(z.string()).max(50, "tooManyOrigins"),
    privacyEmail: z.union([z.literal(""), z.email("email").max(254)]),
    erasureGraceDays: z.number().int("integer").min(0, "graceDays").max(28, "graceDays"),
  })
  .superRefine((brand, ctx) => {
    if (brand.locales.length && !brand.locales.includes(brand.defaultLocale)) {
      ctx.addIssue({ code: "custom", path: ["defaultLocale"], message: "defaultLocale" });
    }
    const wrong = brand.embedOrigins.find((line) => embedOrigin(line) === null);
    if (wrong !== undefined) {
      ctx.addIssue({ code: "custom", path: ["embedOrigins"], message: "origin", params: { origin: wrong } });
    }
  });

export function parseBrandDraft(draft: BrandDraft, locale: Locale): Parsed<BrandChanges> {
  const parsed = BrandForm.safeParse({
    name: draft.name,
    primaryColor: chosenColour(draft.primaryColor),
    accentColor: chosenColour(draft.accentColor),
    logoUrl: draft.logoUrl.trim(),
    locales: [...new Set(draft.locales)],
    defaultLocale: draft.defaultLocale,
    defaultTimezone: draft.defaultTimezone,
    embedOrigins: linesOf(draft.embedOrigins),
    privacyEmail: draft.privacyEmail.trim().toLowerCase(),
    erasureGraceDays: numberOf(draft.erasureGraceDays),
  });
  if (!parsed.success) {
    // The colour a person sees an error for is the text field, which the picker fills.
    return { ok: false, errors: settingsErrors(parsed.error, locale) };
  }
  const brand = parsed.data;
  const theme: Theme = {
    ...(brand.primaryColor ? { primaryColor: brand.primaryColor.toLowerCase() } : {}),
    ...(brand.accentColor ? { accentColor: brand.accentColor.toLowerCase() } : {}),
    ...(brand.logoUrl ? { logoUrl: brand.logoUrl } : {}),
  };
  return {
    ok: true,
    data: {
      profile: {
        name: brand.name,
        // The first is the portal's default language.
        locales: [brand.defaultLocale, ...brand.locales.filter((one) => one !== brand.defaultLocale)],
        defaultTimezone: brand.defaultTimezone,
        theme,
      },
      settings: {
        embedOrigins: [...new Set(brand.embedOrigins.map((line) => embedOrigin(line)!))],
        privacyEmail: brand.privacyEmail || null,
        erasureGraceDays: brand.erasureGraceDays,
      },
    },
  };
}
