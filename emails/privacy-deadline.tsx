// The warning a brand's privacy contact gets when an erasure request is a week from its
// one-month deadline (GDPR art. 12(3)) with systems that have not acknowledged it. One email in
// French then English: the reader's language is not known. It names systems and dates, never
// the person: the request id is enough to find it (`mesure erasure status`).
import { Section, Text } from "@react-email/components";
import { EmailLayout, paragraph, type EmailBrand } from "./layout";

export type PendingSystem = {
  name: string;
  attempts: number;
  lastAttemptAt: Date | null;
  lastError: string | null;
};

export type PrivacyDeadlineProps = {
  brand: EmailBrand;
  requestId: string;
  requestedAt: Date;
  deadlineAt: Date;
  /** The brand's time zone, for the dates. */
  timeZone: string;
  /** Still waiting for Mesure's own erasure (grace period not over). */
  mesurePending: boolean;
  systems: PendingSystem[];
};

const date = (locale: "fr" | "en", value: Date, timeZone: string) =>
  new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
    timeZone,
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(value);

const text = {
  fr: {
    subject: (brand: string, deadline: string) => `Demande d'effacement à traiter avant le ${deadline} (${brand})`,
    lead: (requested: string, deadline: string) =>
      `Une demande d'effacement reçue le ${requested} doit être exécutée dans tous vos systèmes avant le ${deadline} (RGPD, article 12, paragraphe 3). Certains ne l'ont pas encore confirmée :`,
    mesure: "Mesure : l'effacement attend la fin du délai de rétractation.",
    system: (name: string, attempts: number) =>
      `${name} : pas de confirmation après ${attempts} tentative${attempts > 1 ? "s" : ""}`,
    lastError: "dernière réponse",
    never: (name: string) => `${name} : pas encore appelé`,
    colon: " : ",
    next: (id: string) =>
      `Mesure continue de réessayer. Vérifiez que ces systèmes répondent (un statut 2xx confirme), ou traitez la demande à la main. Référence : ${id}.`,
    footer: (brand: string) =>
      `Vous recevez ce message parce que cette adresse est le contact pour la protection des données de ${brand} dans Mesure.`,
  },
  en: {
    subject: (brand: string, deadline: string) => `Erasure request due by ${deadline} (${brand})`,
    lead: (requested: string, deadline: string) =>
      `An erasure request received on ${requested} must be carried out in all your systems by ${deadline} (GDPR, article 12(3)). Some have not confirmed it yet:`,
    mesure: "Mesure: the erasure is waiting for the end of the grace period.",
    system: (name: string, attempts: number) =>
      `${name}: no acknowledgement after ${attempts} attempt${attempts === 1 ? "" : "s"}`,
    lastError: "last answer",
    never: (name: string) => `${name}: not called yet`,
    colon: ": ",
    next: (id: string) =>
      `Mesure keeps retrying. Check that these systems answer (a 2xx status acknowledges), or handle the request by hand. Reference: ${id}.`,
    footer: (brand: string) =>
      `You are getting this because this address is ${brand}'s data protection contact in Mesure.`,
  },
};

export function privacyDeadlineSubject(props: PrivacyDeadlineProps): string {
  const fr = text.fr.subject(props.brand.name, date("fr", props.deadlineAt, props.timeZone));
  const en = text.en.subject(props.brand.name, date("en", props.deadlineAt, props.timeZone));
  return `${fr} / ${en}`;
}

function Part(props: PrivacyDeadlineProps & { locale: "fr" | "en" }) {
  const t = text[props.locale];
  const { locale, timeZone } = props;
  return (
    <Section lang={locale}>
      <Text style={paragraph}>
        {t.lead(date(locale, props.requestedAt, timeZone), date(locale, props.deadlineAt, timeZone))}
      </Text>
      <ul>
        {props.mesurePending ? (
          <li>
            <Text style={{ ...paragraph, margin: "0 0 8px" }}>{t.mesure}</Text>
          </li>
        ) : null}
        {props.systems.map((system) => (
          <li key={system.name}>
            <Text style={{ ...paragraph, margin: "0 0 8px" }}>
              {system.attempts > 0 ? t.system(system.name, system.attempts) : t.never(system.name)}
              {system.lastError ? ` (${t.lastError}${t.colon}${system.lastError})` : ""}
            </Text>
          </li>
        ))}
      </ul>
      <Text style={paragraph}>{t.next(props.requestId)}</Text>
    </Section>
  );
}

export default function PrivacyDeadlineEmail(props: PrivacyDeadlineProps) {
  return (
    <EmailLayout
      lang="fr"
      brand={props.brand}
      preview={`${text.fr.subject(props.brand.name, date("fr", props.deadlineAt, props.timeZone))}`}
      footer={`${text.fr.footer(props.brand.name)} ${text.en.footer(props.brand.name)}`}
    >
      <Part {...props} locale="fr" />
      <hr style={{ borderColor: "#dddad2", margin: "16px 0" }} />
      <Part {...props} locale="en" />
    </EmailLayout>
  );
}
