// The customer fields Mesure stores, each with its declared purpose, and where each value came
// from: "collect less" made visible. Pure data, shared by the portal, the export and the model.
import { z } from "zod";
import type { Locale } from "~/lib/vocabulary";

type Words = Record<Locale, string>;

export const customerFields = ["externalId", "email", "phone", "name", "locale", "timezone"] as const;
export type CustomerField = (typeof customerFields)[number];

export type FieldDeclaration = {
  key: CustomerField;
  label: Words;
  purpose: Words;
  /** Optional fields can be forgotten one by one; the others say why they stay. */
  optional: boolean;
  /** For a field that cannot be forgotten alone: why, and how it goes (erasure). */
  kept: Words | null;
};

export const fieldDeclarations: readonly FieldDeclaration[] = [
  {
    key: "externalId",
    label: { fr: "Identifiant chez la marque", en: "Your id at the brand" },
    purpose: {
      fr: "Relie vos choix à votre compte chez la marque, pour qu'ils s'appliquent à la bonne personne.",
      en: "Ties your choices to your account at the brand, so they apply to the right person.",
    },
    optional: false,
    kept: {
      fr: "C'est ainsi que la marque vous reconnaît ; l'effacement de vos données le supprime.",
      en: "It is how the brand recognises you; erasing your data removes it.",
    },
  },
  {
    key: "email",
    label: { fr: "Adresse e-mail", en: "Email address" },
    purpose: {
      fr: "Vous envoyer les e-mails que vous avez choisis, et les liens de connexion à ce portail.",
      en: "To send you the emails you chose, and the sign-in links to this portal.",
    },
    optional: false,
    kept: {
      fr: "C'est par elle que vous vous connectez à ce portail : elle ne s'oublie pas seule, l'effacement de vos données la supprime.",
      en: "It is how you sign in to this portal: it cannot be forgotten on its own; erasing your data removes it.",
    },
  },
  {
    key: "phone",
    label: { fr: "Numéro de téléphone", en: "Phone number" },
    purpose: {
      fr: "Vous envoyer les SMS que vous avez choisis.",
      en: "To send you the text messages you chose.",
    },
    optional: true,
    kept: null,
  },
  {
    key: "name",
    label: { fr: "Nom", en: "Name" },
    purpose: {
      fr: "Vous appeler par votre nom dans les messages.",
      en: "To address you by name in messages.",
    },
    optional: true,
    kept: null,
  },
  {
    key: "locale",
    label: { fr: "Langue", en: "Language" },
    purpose: {
      fr: "Vous écrire, et afficher ce portail, dans votre langue.",
      en: "To write to you, and show this portal, in your language.",
    },
    optional: false,
    kept: {
      fr: "Il faut bien une langue pour vous écrire ; elle ne dit rien d'autre de vous.",
      en: "Writing to you needs some language; it says nothing else about you.",
    },
  },
  {
    key: "timezone",
    label: { fr: "Fuseau horaire", en: "Time zone" },
    purpose: {
      fr: "Respecter vos heures de silence et envoyer les résumés à une heure raisonnable chez vous.",
      en: "To respect your quiet hours and send digests at a sensible time where you are.",
    },
    optional: false,
    kept: {
      fr: "Sans lui, vos heures de silence ne pourraient pas être respectées ; il ne dit rien d'autre de vous.",
      en: "Without it, your quiet hours could not be respected; it says nothing else about you.",
    },
  },
];

export const forgettableFields = fieldDeclarations.filter((field) => field.optional).map((field) => field.key);
export type ForgettableField = "phone" | "name";
export const ForgettableField = z.enum(["phone", "name"], { error: "cannot be forgotten on its own" });

export function fieldDeclaration(key: CustomerField): FieldDeclaration {
  return fieldDeclarations.find((field) => field.key === key)!;
}

/** A field's value as a person reads it: the language by its name, the rest as stored. */
export function fieldValueText(field: CustomerField, value: string | null, locale: Locale): string | null {
  if (field === "locale" && value) return localeNames[value]?.[locale] ?? value;
  return value;
}

const localeNames: Record<string, Words> = {
  fr: { fr: "Français", en: "French" },
  en: { fr: "Anglais", en: "English" },
};

/** Where a value came from. Open-ended in storage (imports may name new ones); these have words. */
export const fieldSourceWords: Record<string, Words> = {
  api: { fr: "Transmis par les systèmes de la marque", en: "Sent by the brand's systems" },
  import: { fr: "Importé par la marque", en: "Imported by the brand" },
  portal: { fr: "Saisi par vous sur ce portail", en: "Entered by you on this portal" },
  sms: { fr: "Venu d'un SMS que vous avez envoyé", en: "From a text message you sent" },
  cli: { fr: "Saisi par le service client", en: "Entered by customer support" },
  default: { fr: "Valeur par défaut de la marque", en: "The brand's default" },
};

export function fieldSourceText(source: string | null | undefined, locale: Locale): string {
  if (!source) return locale === "fr" ? "Non consignée" : "Not recorded";
  return fieldSourceWords[source]?.[locale] ?? source;
}

/** Customer.fieldSources: { field: source }. A malformed column reads as "nothing recorded". */
export const FieldSources = z.record(z.string(), z.string());
export type FieldSources = z.infer<typeof FieldSources>;

export function readFieldSources(text: string | null | undefined): FieldSources {
  try {
    const parsed = FieldSources.safeParse(JSON.parse(text ?? "{}"));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
