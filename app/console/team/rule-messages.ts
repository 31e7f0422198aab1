// The models' validation rules speak English to the CLI and the API ("must be https …"); the
// console shows the same rules to people in French or English, so the wording is mapped here
// rather than the rules copied.
import type { z } from "zod";
import type { FieldErrors } from "~/lib/forms.server";
import type { Locale } from "~/lib/vocabulary";

const french: Record<string, string> = {
  "is required": "Ce champ est requis.",
  "must be letters, digits, spaces and . _ - ( ) & '":
    "Uniquement des lettres, des chiffres, des espaces et . _ - ( ) & '.",
  "must be an absolute URL, e.g. https://crm.example.com/hooks/mesure":
    "Doit être une adresse complète, par exemple https://crm.exemple.fr/hooks/mesure.",
  "must be an http(s) URL": "Doit être une adresse en http ou https.",
  "must not hold a user name or password": "Ne doit contenir ni nom d'utilisateur ni mot de passe.",
  "must be https (Mesure is served over https, and these calls carry personal data)":
    "Doit être en https : Mesure est servi en https, et ces appels transportent des données personnelles.",
  "must not be a private, loopback or link-local address (OUTBOUND_PRIVATE_ADDRESSES=allow permits them)":
    "Ne doit pas être une adresse privée, locale ou de lien local : Mesure ne l'appellera pas (sauf si OUTBOUND_PRIVATE_ADDRESSES=allow).",
};

/** A model rule's message in the member's language ("must be at most N characters" included). */
export function ruleMessage(locale: Locale, message: string): string {
  const longest = /^must be at most (\d+) characters$/.exec(message);
  if (locale === "fr") {
    if (longest) return `Doit faire au plus ${longest[1]} caractères.`;
    return french[message] ?? "Cette valeur n'est pas valable.";
  }
  const sentence = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** The first issue of each field a model schema refused, worded for the page. */
export function ruleErrors(locale: Locale, checks: Record<string, z.ZodSafeParseResult<unknown>>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, result] of Object.entries(checks)) {
    const issue = result.success ? undefined : result.error.issues[0];
    if (issue) errors[field] = ruleMessage(locale, issue.message);
  }
  return errors;
}
