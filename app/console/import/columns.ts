// The columns an import file may have and an export file has, with what each holds, in both
// languages: shown on the import page, and the one list the reader, the checks and the export
// agree on. No server code here, so the page can import it.

export const IMPORT_COLUMNS = [
  "external_id",
  "email",
  "phone",
  "name",
  "locale",
  "timezone",
  "subscriptions",
  "consented_at",
  "consent_source",
  "consent_text",
  "policy_version",
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

export const MAX_CONSENT_SOURCE = 200;
export const MAX_CONSENT_TEXT = 2_000;
export const MAX_POLICY_VERSION = 40;
/** The upload form's file field. */
export const FILE_FIELD = "file";
/** The largest file the console takes (the upload is kept in memory while it is checked). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

type ColumnDoc = { required: boolean; example: string; fr: string; en: string };

export const columnDocs: Record<ImportColumn, ColumnDoc> = {
  external_id: {
    required: true,
    example: "cust-1042",
    fr: "Votre identifiant du client (ASCII imprimable, sans espace, 200 caractères au plus). Une ligne dont l'identifiant existe déjà met ce client à jour.",
    en: "Your id for the customer (printable ASCII, no spaces, at most 200 characters). A row whose id already exists updates that customer.",
  },
  email: {
    required: false,
    example: "camille@example.fr",
    fr: "Adresse e-mail.",
    en: "Email address.",
  },
  phone: {
    required: false,
    example: "+33612345678",
    fr: "Numéro au format international E.164.",
    en: "Phone number in international E.164 form.",
  },
  name: {
    required: false,
    example: "Camille",
    fr: "Nom (120 caractères au plus).",
    en: "Name (at most 120 characters).",
  },
  locale: { required: false, example: "fr", fr: "Langue : fr ou en.", en: "Language: fr or en." },
  timezone: {
    required: false,
    example: "Europe/Paris",
    fr: "Fuseau horaire IANA.",
    en: "IANA time zone.",
  },
  subscriptions: {
    required: false,
    // The page shows subscriptionsExample() of the brand's own topics instead.
    example: "newsletter:email",
    fr: "Abonnements, séparés par « ; » : sujet:canal ou sujet:canal:fréquence (instant, daily, weekly, monthly). Un import n'en retire aucun.",
    en: "Subscriptions, separated by “;”: topic:channel or topic:channel:frequency (instant, daily, weekly, monthly). An import never removes one.",
  },
  consented_at: {
    required: false,
    example: "2024-05-01T10:30:00Z",
    fr: "Date du consentement, ISO 8601, pas dans le futur (sans fuseau : UTC). Requise avec consent_source pour tout sujet marketing ou alerte.",
    en: "When consent was given, ISO 8601, not in the future (no zone: UTC). Required with consent_source for any marketing or alert topic.",
  },
  consent_source: {
    required: false,
    example: "checkout form v3",
    fr: "Où le consentement a été recueilli (200 caractères au plus).",
    en: "Where consent was collected (at most 200 characters).",
  },
  consent_text: {
    required: false,
    example: "Je souhaite recevoir la lettre de la semaine.",
    fr: "Le texte montré à la personne (2 000 caractères au plus) : seule son empreinte est gardée, comme pour le bandeau cookies.",
    en: "The text the person was shown (at most 2,000 characters): only its fingerprint is kept, as for the cookie banner.",
  },
  policy_version: {
    required: false,
    example: "3",
    fr: "Version de votre politique de confidentialité alors en vigueur.",
    en: "The version of your privacy policy in force then.",
  },
};

type SampleTopic = { key: string; kind: string; channels: readonly string[] };

/** The subscriptions cell of the examples, in the brand's own topics ("newsletter:email" otherwise). */
export function subscriptionsExample(topics: readonly SampleTopic[]): string {
  const consented = topics.filter((topic) => topic.kind !== "transactional").slice(0, 2);
  if (!consented.length) return "newsletter:email";
  return consented
    .map(
      (topic, index) =>
        `${topic.key}:${topic.channels[index === 1 && topic.channels[1] ? 1 : 0]}${index === 1 ? ":daily" : ""}`,
    )
    .join(";");
}

/**
 * A file to start from, in the brand's own topics: one customer with proof of consent, and one
 * with a transactional topic only (which needs none).
 */
export function sampleCsv(topics: readonly SampleTopic[]): string {
  const service = topics.find((topic) => topic.kind === "transactional");
  return [
    IMPORT_COLUMNS.join(","),
    `cust-1042,camille@example.fr,+33612345678,Camille,fr,Europe/Paris,${subscriptionsExample(topics)},2024-05-01T10:30:00Z,checkout form v3,"Je souhaite recevoir la lettre de la semaine.",3`,
    `cust-1043,james@example.com,,James,en,Europe/London,${service ? `${service.key}:${service.channels[0]}` : ""},,,,`,
  ].join("\r\n");
}
