// The cookie banner form of the console: texts, delays, policy address and categories (rows
// `categories.<n>.*`), checked by the banner's own schema (CookieConfig) with its messages put in
// the console's words. Changing what visitors are shown (texts or categories) needs a new policy
// version, which asks every visitor again: the form offers to number it.
import { z } from "zod";
import type { FieldErrors } from "~/lib/forms.server";
import type { Locale } from "~/lib/vocabulary";
import { CookieConfig, type CookieConfigInput } from "~/privacy/cookie-config";
import { isBlankCategory, type CategoryDraft } from "./drafts";
import { inputName, settingsErrors, settingsMessage, type SettingsMessage } from "./errors.server";
import { allOf, checked, linesOf, numberOf, rowNumbers, textOf } from "./rows";
import type { Parsed } from "./topic-form.server";

export type CookiesDraft = {
  policyVersion: string;
  publishNew: boolean;
  policyUrl: string;
  refusalMonths: string;
  consentMonths: string;
  titleFr: string;
  bodyFr: string;
  titleEn: string;
  bodyEn: string;
  categories: CategoryDraft[];
};

export function draftOfCookieConfig(config: CookieConfig): CookiesDraft {
  return {
    policyVersion: config.policyVersion,
    publishNew: false,
    policyUrl: config.policyUrl ?? "",
    refusalMonths: String(config.refusalMonths),
    consentMonths: String(config.consentMonths),
    titleFr: config.texts.fr.title,
    bodyFr: config.texts.fr.body,
    titleEn: config.texts.en.title,
    bodyEn: config.texts.en.body,
    categories: config.categories.map((category, n) => ({
      n,
      key: category.key,
      nameFr: category.name.fr,
      nameEn: category.name.en,
      descriptionFr: category.description.fr,
      descriptionEn: category.description.en,
      required: category.required,
      gpc: category.gpc,
      cookies: category.cookies.join("\n"),
      consentMode: category.consentMode,
      existing: true,
      remove: false,
    })),
  };
}

export function draftOfCookiesForm(form: FormData): CookiesDraft {
  return {
    policyVersion: textOf(form, "policyVersion"),
    publishNew: checked(form, "publishNew"),
    policyUrl: textOf(form, "policyUrl"),
    refusalMonths: textOf(form, "refusalMonths"),
    consentMonths: textOf(form, "consentMonths"),
    titleFr: textOf(form, "titleFr"),
    bodyFr: textOf(form, "bodyFr"),
    titleEn: textOf(form, "titleEn"),
    bodyEn: textOf(form, "bodyEn"),
    categories: rowNumbers(form, "categories").map((n) => {
      const name = (field: string) => `categories.${n}.${field}`;
      return {
        n,
        key: textOf(form, name("key")),
        nameFr: textOf(form, name("nameFr")),
        nameEn: textOf(form, name("nameEn")),
        descriptionFr: textOf(form, name("descriptionFr")),
        descriptionEn: textOf(form, name("descriptionEn")),
        required: checked(form, name("required")),
        gpc: checked(form, name("gpc")),
        cookies: textOf(form, name("cookies")),
        consentMode: allOf(form, name("consentMode")),
        existing: checked(form, name("existing")),
        remove: checked(form, name("remove")),
      };
    }),
  };
}

/** The version after `version`: its last number plus one ("2025-01" → "2025-02", "3" → "4"), else "-2" added. */
export function nextPolicyVersion(version: string): string {
  const match = /^(.*?)(\d+)$/.exec(version);
  if (!match) return `${version}-2`;
  const [, prefix, digits] = match as unknown as [string, string, string];
  return `${prefix}${String(Number(digits) + 1).padStart(digits.length, "0")}`;
}

/** What visitors are shown and choose among: changing it needs a new version. */
function shown(config: Pick<CookieConfig, "texts" | "categories">): string {
  return JSON.stringify([config.texts, config.categories]);
}

/** The console's message for an issue CookieConfig raised with its own (English) words. */
function consoleMessage(
  issue: z.core.$ZodIssue,
  input: CookieConfigInput,
): { message: SettingsMessage; params?: Record<string, string> } | null {
  const [top, index, field, inner] = issue.path;
  const generic = issue.code === "invalid_type" || issue.code === "too_big";
  if (top === "policyVersion" && !generic) return { message: "version" };
  if (top === "policyUrl" && !generic) return { message: "policyUrl" };
  if (top === "categories" && index === undefined) {
    return { message: issue.code === "too_small" ? "categoriesMin" : "tooManyRows" };
  }
  if (top === "categories" && field === "key" && !generic) {
    // The schema's own words tell its two refinements apart: a repeated key, a reserved name.
    const repeated = issue.code === "custom" && issue.message.startsWith("repeats");
    return { message: repeated ? "categoryKeyRepeated" : "categoryKey" };
  }
  if (top === "categories" && field === "gpc" && issue.code === "custom") return { message: "requiredGpc" };
  if (top === "categories" && field === "cookies" && typeof inner === "number" && issue.code === "invalid_format") {
    // zod leaves the value out of its issues: the form's own list names it.
    const cookie = input.categories?.[index as number]?.cookies?.[inner] ?? "";
    return { message: "cookieName", params: { cookie } };
  }
  return null;
}

/**
 * The form as the configuration to store, or its errors. `current` is the configuration in
 * force: texts or categories that differ from it need another policy version.
 */
export function parseCookiesDraft(draft: CookiesDraft, current: CookieConfig, locale: Locale): Parsed<CookieConfig> {
  const rows = draft.categories.filter((row) => !row.remove && !isBlankCategory(row));
  const version = draft.policyVersion.trim();
  const input: CookieConfigInput = {
    policyVersion: draft.publishNew && version === current.policyVersion ? nextPolicyVersion(version) : version,
    policyUrl: draft.policyUrl.trim() === "" ? null : draft.policyUrl.trim(),
    refusalMonths: numberOf(draft.refusalMonths) as number,
    consentMonths: numberOf(draft.consentMonths) as number,
    texts: {
      fr: { title: draft.titleFr, body: draft.bodyFr },
      en: { title: draft.titleEn, body: draft.bodyEn },
    },
    categories: rows.map((row) => ({
      key: row.key.trim(),
      required: row.required,
      gpc: row.gpc,
      name: { fr: row.nameFr, en: row.nameEn },
      description: { fr: row.descriptionFr, en: row.descriptionEn },
      cookies: linesOf(row.cookies),
      consentMode: row.consentMode as CookieConfig["categories"][number]["consentMode"],
    })),
  };
  const parsed = CookieConfig.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue): z.core.$ZodIssue => {
      const mine = consoleMessage(issue, input);
      return mine ? { code: "custom", path: issue.path, message: mine.message, params: mine.params } : issue;
    });
    return { ok: false, errors: settingsErrors(new z.ZodError(issues), locale, (path) => fieldName(path, rows)) };
  }
  if (shown(parsed.data) !== shown(current) && parsed.data.policyVersion === current.policyVersion) {
    const errors: FieldErrors = { policyVersion: settingsMessage(locale, "versionUnchanged") };
    return { ok: false, errors };
  }
  return { ok: true, data: parsed.data };
}

/** The form input an issue of CookieConfig is about. */
function fieldName(path: PropertyKey[], rows: CategoryDraft[]): string {
  const [top, a, b, c] = path;
  if (top === "texts" && (a === "fr" || a === "en")) {
    return `${b === "body" ? "body" : "title"}${a === "fr" ? "Fr" : "En"}`;
  }
  if (top === "categories" && typeof a === "number") {
    const row = rows[a];
    if (!row) return "categories";
    const suffix = c === "fr" ? "Fr" : c === "en" ? "En" : "";
    const field = b === "name" || b === "description" ? `${b}${suffix || "Fr"}` : typeof b === "string" ? b : "key";
    return `categories.${row.n}.${field}`;
  }
  return inputName(path);
}
