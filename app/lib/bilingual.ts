// Page-local French and English text: each page keeps its own words beside its markup. The
// English dictionary must have every key of the French one (a missing translation is a type
// error), and `{name}` placeholders are filled by `format`.
import type { Locale } from "./vocabulary";

export type Dictionary = Record<string, string>;

export function bilingual<const T extends Dictionary>(fr: T, en: Record<keyof T, string>) {
  return { fr, en } as { fr: Record<keyof T, string>; en: Record<keyof T, string> };
}

export function format(text: string, params: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

/** `one` or `other` by the count, as French and English agree for whole numbers ≥ 0 (0 is
 * singular in French, plural in English). */
export function plural(locale: Locale, count: number, one: string, other: string): string {
  const singular = locale === "fr" ? count < 2 : count === 1;
  return format(singular ? one : other, { count });
}
