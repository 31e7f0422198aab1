// The banner's (and the portal launcher's) own words, in French and English (the brand's title, body and category texts
// come from its configuration), and the choice of language.
import type { Locale } from "./types";

export const TEXTS = {
  fr: {
    acceptAll: "Tout accepter",
    rejectAll: "Tout refuser",
    customise: "Personnaliser",
    save: "Enregistrer",
    closeRefusing: "Fermer : tout refuser",
    close: "Fermer",
    alwaysOn: "toujours actif",
    policy: "Notre politique relative aux cookies",
    gpc: "Votre navigateur demande qu’on ne vende ni ne partage vos données (Global Privacy Control) : nous respectons ce signal.",
    portal: "Vos préférences",
  },
  en: {
    acceptAll: "Accept all",
    rejectAll: "Reject all",
    customise: "Customise",
    save: "Save",
    closeRefusing: "Close: reject all",
    close: "Close",
    alwaysOn: "always on",
    policy: "Our cookie policy",
    gpc: "Your browser asks that your data be neither sold nor shared (Global Privacy Control): we honour this signal.",
    portal: "Your preferences",
  },
} satisfies Record<Locale, Record<string, string>>;

const isLocale = (value: string): value is Locale => value === "fr" || value === "en";

/** The first of `wanted` (data-locale, <html lang>, navigator.language) that is French or
 * English, else the brand's first language, else French. */
export function pickLocale(wanted: (string | null | undefined)[], brandLocales: string[]): Locale {
  for (const value of wanted) {
    const language = (value || "").slice(0, 2).toLowerCase();
    if (isLocale(language)) return language;
  }
  for (const value of brandLocales) if (isLocale(value)) return value;
  return "fr";
}
