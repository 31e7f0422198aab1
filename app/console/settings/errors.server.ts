// Field messages of the console's settings forms, in French and English. A schema's custom
// message names a key of `messages` below (values to fill in ride on the issue's `params`);
// zod's own issues (required, too long, not a number…) get the portal's wording.
import { z } from "zod";
import { format } from "~/lib/bilingual";
import { fieldErrors, type FieldErrors } from "~/lib/forms.server";
import type { Locale } from "~/lib/vocabulary";

const messages = {
  fr: {
    key: "De 2 à 40 caractères : lettres minuscules, chiffres et tirets simples, par exemple prix-barre.",
    keyTaken: "Un sujet de la marque porte déjà cet identifiant.",
    channelsMin: "Choisissez au moins un canal.",
    transactionalInstant: "Un sujet transactionnel part toujours tout de suite : choisissez « immédiate ».",
    fieldsAlertOnly:
      "Seuls les sujets d'alerte ont des champs de filtre : retirez-les ou choisissez le type « alerte ».",
    fieldKeyRepeated: "Un autre champ porte déjà cet identifiant.",
    fieldTypeFixed:
      "Le type d'un champ existant ne change pas (les alertes des clients en dépendent) : supprimez-le et créez-en un autre.",
    optionsRequired: "Indiquez au moins une valeur, une par ligne.",
    optionRepeated: "La valeur « {option} » est répétée.",
    tooManyRows: "Au plus {max} lignes.",
    windowDays: "Cochez au moins un jour.",
    windowSame: "Le début et la fin doivent différer.",
    windowPair: "Indiquez le début et la fin.",
    colour: "Une couleur comme #1f4d3a.",
    https: "Une adresse https://, par exemple https://boutique.example/logo.svg.",
    localesMin: "Choisissez au moins une langue.",
    defaultLocale: "La langue par défaut doit être l'une des langues proposées.",
    timezone: "Un fuseau horaire IANA, par exemple Europe/Paris.",
    origin:
      "« {origin} » n'est pas une origine acceptée : https://hote[:port] sans chemin (http seulement pour localhost ou 127.0.0.1).",
    tooManyOrigins: "Au plus 50 origines.",
    version: "De 1 à 40 caractères imprimables, sans espace, par exemple 2025-01.",
    versionUnchanged:
      "Vous avez modifié les textes ou les catégories : publiez-les sous une nouvelle version (cochez la case ou changez la version). Les visiteurs seront interrogés de nouveau.",
    policyUrl: "Une adresse http(s), par exemple https://boutique.example/confidentialite.",
    categoryKey: "Commence par une lettre minuscule ; lettres minuscules, chiffres, _ et - (40 caractères au plus).",
    categoryKeyRepeated: "Une autre catégorie porte déjà cet identifiant.",
    categoriesMin: "Gardez au moins une catégorie.",
    requiredGpc: "Une catégorie essentielle ne peut pas être refusée, donc pas couverte par GPC.",
    cookieName: "« {cookie} » n'est pas un nom de cookie (un * final est permis, par exemple _ga_*).",
    graceDays: "De 0 à 28 jours : l'effacement doit avoir lieu dans le mois que la loi accorde.",
  },
  en: {
    key: "2 to 40 characters: lower-case letters, digits and single hyphens, e.g. price-drop.",
    keyTaken: "The brand already has a topic with this key.",
    channelsMin: "Choose at least one channel.",
    transactionalInstant: "A transactional topic always goes out right away: choose “instant”.",
    fieldsAlertOnly: "Only alert topics have filter fields: remove them or choose the “alert” kind.",
    fieldKeyRepeated: "Another field already has this key.",
    fieldTypeFixed:
      "The type of an existing field does not change (customers' alerts depend on it): remove it and add another.",
    optionsRequired: "Give at least one value, one per line.",
    optionRepeated: "The value “{option}” is repeated.",
    tooManyRows: "At most {max} rows.",
    windowDays: "Tick at least one day.",
    windowSame: "The start and the end must differ.",
    windowPair: "Give both the start and the end.",
    colour: "A colour like #1f4d3a.",
    https: "An https:// address, e.g. https://shop.example/logo.svg.",
    localesMin: "Choose at least one language.",
    defaultLocale: "The default language must be one of the languages offered.",
    timezone: "An IANA time zone, e.g. Europe/Paris.",
    origin:
      "“{origin}” is not an accepted origin: https://host[:port] without a path (http only for localhost or 127.0.0.1).",
    tooManyOrigins: "At most 50 origins.",
    version: "1 to 40 printable characters without spaces, e.g. 2025-01.",
    versionUnchanged:
      "You changed the texts or the categories: publish them as a new version (tick the box or change the version). Visitors will be asked again.",
    policyUrl: "An http(s) address, e.g. https://shop.example/privacy.",
    categoryKey: "Starts with a lower-case letter; lower-case letters, digits, _ and - (40 characters at most).",
    categoryKeyRepeated: "Another category already has this key.",
    categoriesMin: "Keep at least one category.",
    requiredGpc: "An essential category cannot be refused, so it cannot be covered by GPC.",
    cookieName: "“{cookie}” is not a cookie name (a trailing * is allowed, e.g. _ga_*).",
    graceDays: "0 to 28 days: the erasure must happen within the month the law allows.",
  },
} as const;

export type SettingsMessage = keyof (typeof messages)["fr"];

/** The text of one of the messages above. */
export function settingsMessage(
  locale: Locale,
  key: SettingsMessage,
  params: Record<string, string | number> = {},
): string {
  return format(messages[locale][key], params);
}

/** The input an issue is about: a list of checkboxes or lines is one input ("channels.2" → "channels"). */
export function inputName(path: PropertyKey[]): string {
  const named = [...path];
  while (named.length > 1 && typeof named.at(-1) === "number") named.pop();
  return named.map(String).join(".");
}

/**
 * Errors keyed by form field. `name` turns an issue's path into the name of the input it is
 * about (rows of a form are numbered by the form, not by the list zod saw).
 */
export function settingsErrors(
  error: z.ZodError,
  locale: Locale,
  name: (path: PropertyKey[]) => string = inputName,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = name(issue.path) || "form";
    if (errors[field]) continue;
    if (issue.message in messages[locale]) {
      const params = issue.code === "custom" ? (issue.params ?? {}) : {};
      errors[field] = settingsMessage(locale, issue.message as SettingsMessage, params);
    } else {
      errors[field] = Object.values(fieldErrors(new z.ZodError([issue]), locale))[0]!;
    }
  }
  return errors;
}
