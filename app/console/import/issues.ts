// What can be wrong with an import, in both languages. A row's problems are stored as a code
// and its values (ImportRowError.message holds {"c":code,"v":values}), and put into words when
// someone reads them, in their own language; problems with the file as a whole are answered at
// once, beside the file field.
import { format } from "~/lib/bilingual";
import type { Locale } from "~/lib/vocabulary";

const rowWords = {
  fr: {
    cells: "La ligne a {count} cellules, l'en-tête {expected} colonnes.",
    required: "Ce champ est requis.",
    externalId:
      "Doit être en ASCII imprimable, sans espace, 200 caractères au plus, et ne pas commencer par « erased: ».",
    email: "N'est pas une adresse e-mail.",
    phone: "Doit être un numéro international au format E.164, par exemple +33612345678.",
    locale: "Doit être fr ou en.",
    timezone: "Doit être un fuseau horaire IANA, par exemple Europe/Paris.",
    date: "Doit être une date ISO 8601, par exemple 2024-05-01 ou 2024-05-01T10:30:00Z.",
    future: "Est dans le futur.",
    tooLong: "Doit faire au plus {max} caractères.",
    subscriptionFormat: "« {part} » n'est pas de la forme sujet:canal ou sujet:canal:fréquence.",
    topicUnknown: "Le sujet « {topic} » n'existe pas (ou est archivé).",
    channelUnknown: "Le canal « {channel} » n'existe pas (email, sms, push, in_app).",
    channelNotOffered: "Le sujet « {topic} » n'est pas proposé sur le canal {channel}.",
    frequencyUnknown: "La fréquence « {frequency} » n'existe pas (instant, daily, weekly, monthly).",
    transactionalInstant: "Le sujet transactionnel « {topic} » est toujours immédiat.",
    subscriptionRepeated: "« {subject} » est répété.",
    proofRequired:
      "Requis pour {topics} : un abonnement marketing ou alerte a besoin d'une preuve de consentement (consented_at et consent_source).",
    duplicateRow: "Cet identifiant figure déjà à la ligne {line} du fichier.",
    withdrawnLater: "Le client s'est désabonné de {subject} le {date}, après ce consentement : il n'est pas réabonné.",
    customerErased: "Ce client a été effacé.",
  },
  en: {
    cells: "The row has {count} cells, the header {expected} columns.",
    required: "This field is required.",
    externalId: "Must be printable ASCII without spaces, at most 200 characters, not starting with “erased:”.",
    email: "Is not an email address.",
    phone: "Must be an international number in E.164 form, e.g. +33612345678.",
    locale: "Must be fr or en.",
    timezone: "Must be an IANA time zone such as Europe/Paris.",
    date: "Must be an ISO 8601 date, e.g. 2024-05-01 or 2024-05-01T10:30:00Z.",
    future: "Is in the future.",
    tooLong: "Must be at most {max} characters.",
    subscriptionFormat: "“{part}” is not topic:channel or topic:channel:frequency.",
    topicUnknown: "There is no topic “{topic}” (or it is archived).",
    channelUnknown: "There is no channel “{channel}” (email, sms, push, in_app).",
    channelNotOffered: "Topic “{topic}” is not offered on {channel}.",
    frequencyUnknown: "There is no frequency “{frequency}” (instant, daily, weekly, monthly).",
    transactionalInstant: "Transactional topic “{topic}” is always instant.",
    subscriptionRepeated: "“{subject}” is repeated.",
    proofRequired:
      "Required for {topics}: a marketing or alert subscription needs proof of consent (consented_at and consent_source).",
    duplicateRow: "This id already appears on line {line} of the file.",
    withdrawnLater: "The customer unsubscribed from {subject} on {date}, after this consent: not subscribed again.",
    customerErased: "This customer was erased.",
  },
} as const;

export type RowIssueCode = keyof (typeof rowWords)["fr"];
/** One problem of a row: the column at fault ("" for the row as a whole), a code, its values. */
export type RowIssue = { field: string; code: RowIssueCode; values?: Record<string, string | number> };

/** How a row issue is kept in ImportRowError.message. */
export function storeIssue(issue: RowIssue): string {
  return JSON.stringify({ c: issue.code, v: issue.values ?? {} });
}

/** A stored row issue in words; a message that is not one of ours is shown as it is. */
export function rowIssueText(stored: string, locale: Locale): string {
  try {
    const parsed = JSON.parse(stored) as { c?: unknown; v?: unknown };
    const words = rowWords[locale] as Record<string, string>;
    if (typeof parsed.c === "string" && parsed.c in words) {
      return format(words[parsed.c]!, (parsed.v ?? {}) as Record<string, string | number>);
    }
  } catch {
    // not JSON: someone else's words
  }
  return stored;
}

const fileWords = {
  fr: {
    noFile: "Choisissez un fichier CSV.",
    tooLarge: "Le fichier dépasse {max} Mo.",
    notUtf8: "Le fichier n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 » et réessayez.",
    binary: "Ce fichier n'est pas un fichier texte CSV.",
    quoteNotClosed: "Ligne {line} : un champ entre guillemets n'est jamais refermé ; rien n'a été importé.",
    textAfterQuote: "Ligne {line} : du texte suit un guillemet fermant ; rien n'a été importé.",
    empty: "Le fichier est vide.",
    noRows: "Le fichier n'a pas de ligne sous l'en-tête.",
    unknownColumns: "Colonnes inconnues : {names}. Colonnes possibles : {expected}.",
    repeatedColumns: "Colonnes répétées : {names}.",
    missingExternalId: "La colonne external_id est requise.",
  },
  en: {
    noFile: "Choose a CSV file.",
    tooLarge: "The file is larger than {max} MB.",
    notUtf8: "The file is not UTF-8: save it as “CSV UTF-8” and try again.",
    binary: "This is not a CSV text file.",
    quoteNotClosed: "Line {line}: a quoted field is never closed; nothing was imported.",
    textAfterQuote: "Line {line}: text follows a closing quote; nothing was imported.",
    empty: "The file is empty.",
    noRows: "The file has no row under its header.",
    unknownColumns: "Unknown columns: {names}. Possible columns: {expected}.",
    repeatedColumns: "Repeated columns: {names}.",
    missingExternalId: "The external_id column is required.",
  },
} as const;

export type FileIssueCode = keyof (typeof fileWords)["fr"];
export type FileIssue = { code: FileIssueCode; values?: Record<string, string | number> };

export function fileIssueText(issue: FileIssue, locale: Locale): string {
  return format(fileWords[locale][issue.code], issue.values ?? {});
}
