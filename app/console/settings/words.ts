// Words the console's settings pages share, in French and English: topic kinds, weekdays, yes/no.
import type { Locale, TopicKind } from "~/lib/vocabulary";

const kindWords: Record<Locale, Record<TopicKind, string>> = {
  fr: { transactional: "Transactionnel", marketing: "Marketing", alert: "Alerte" },
  en: { transactional: "Transactional", marketing: "Marketing", alert: "Alert" },
};

export function kindName(locale: Locale, kind: string): string {
  return kindWords[locale][kind as TopicKind] ?? kind;
}

/** ISO weekdays 1 (Monday) to 7 (Sunday). */
const dayWords: Record<Locale, [string, string][]> = {
  fr: [
    ["lun.", "lundi"],
    ["mar.", "mardi"],
    ["mer.", "mercredi"],
    ["jeu.", "jeudi"],
    ["ven.", "vendredi"],
    ["sam.", "samedi"],
    ["dim.", "dimanche"],
  ],
  en: [
    ["Mon", "Monday"],
    ["Tue", "Tuesday"],
    ["Wed", "Wednesday"],
    ["Thu", "Thursday"],
    ["Fri", "Friday"],
    ["Sat", "Saturday"],
    ["Sun", "Sunday"],
  ],
};

export const isoDays = [1, 2, 3, 4, 5, 6, 7] as const;

/** The short name shown and the full name read out, for ISO weekday `day`. */
export function dayName(locale: Locale, day: number): { short: string; full: string } {
  const [short, full] = dayWords[locale][day - 1] ?? [String(day), String(day)];
  return { short, full };
}

export function yesNo(locale: Locale, value: boolean): string {
  return locale === "fr" ? (value ? "oui" : "non") : value ? "yes" : "no";
}
