// Sent when a customer's erasure is asked for: when it will run, that it can be cancelled until
// then, and a signed link to follow each system's progress, since once erased they can no
// longer sign in to the portal.
import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout, paragraph, type EmailBrand } from "./layout";

export type ErasureScheduledProps = {
  lang: "fr" | "en";
  brand: EmailBrand;
  /** When the erasure runs, already written in the customer's zone; null for "at once". */
  executeAt: string | null;
  /** The brand's legal deadline, in the customer's zone. */
  deadline: string;
  systems: string[];
  url: string;
  days: number;
};

const text = {
  fr: {
    subject: (brand: string) => `Votre demande d'effacement de données chez ${brand}`,
    preview: "Ce qui sera effacé, quand, et où suivre l'avancement.",
    lead: (brand: string) => `Nous avons bien reçu votre demande d'effacement de vos données chez ${brand}.`,
    now: "L'effacement commence tout de suite.",
    later: (date: string) =>
      `L'effacement aura lieu le ${date}. D'ici là, vous pouvez l'annuler depuis la page de suivi.`,
    systems: (list: string) => `Ces systèmes en seront avertis : ${list}.`,
    deadline: (date: string) => `Tout doit être terminé au plus tard le ${date}.`,
    kept: "Seule une empreinte salée de votre adresse restera, pour qu'un import ultérieur ne vous réinscrive pas ; le registre des consentements garde une preuve anonyme de vos choix.",
    button: "Suivre l'avancement",
    link: (days: number) =>
      `Après l'effacement, vous ne pourrez plus vous connecter au portail : gardez ce lien, valable ${days} jours.`,
    fallback: "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :",
    footer: (brand: string) =>
      `Vous recevez ce message parce qu'un effacement a été demandé pour cette adresse chez ${brand}. Si ce n'était pas vous, ouvrez le lien ci-dessus pour l'annuler tant qu'il est programmé.`,
  },
  en: {
    subject: (brand: string) => `Your request to erase your data at ${brand}`,
    preview: "What will be erased, when, and where to follow the progress.",
    lead: (brand: string) => `We have received your request to erase your data at ${brand}.`,
    now: "The erasure starts at once.",
    later: (date: string) =>
      `The erasure will take place on ${date}. Until then, you can cancel it from the status page.`,
    systems: (list: string) => `These systems will be told: ${list}.`,
    deadline: (date: string) => `Everything must be done by ${date} at the latest.`,
    kept: "Only a salted fingerprint of your address will remain, so that a later import does not sign you up again; the consent ledger keeps anonymous proof of your choices.",
    button: "Follow the progress",
    link: (days: number) =>
      `Once erased, you can no longer sign in to the portal: keep this link, which works for ${days} days.`,
    fallback: "If the button does not work, copy this address into your browser:",
    footer: (brand: string) =>
      `You are getting this because an erasure was asked for this address at ${brand}. If it was not you, open the link above to cancel it while it is scheduled.`,
  },
};

export function erasureScheduledSubject(props: ErasureScheduledProps): string {
  return text[props.lang].subject(props.brand.name);
}

export default function ErasureScheduledEmail(props: ErasureScheduledProps) {
  const t = text[props.lang];
  return (
    <EmailLayout lang={props.lang} brand={props.brand} preview={t.preview} footer={t.footer(props.brand.name)}>
      <Text style={paragraph}>{t.lead(props.brand.name)}</Text>
      <Text style={paragraph}>{props.executeAt ? t.later(props.executeAt) : t.now}</Text>
      {props.systems.length ? <Text style={paragraph}>{t.systems(props.systems.join(", "))}</Text> : null}
      <Text style={paragraph}>{t.deadline(props.deadline)}</Text>
      <Text style={paragraph}>{t.kept}</Text>
      <Button href={props.url} style={buttonStyle(props.brand.primaryColor)}>
        {t.button}
      </Button>
      <Text style={{ ...paragraph, marginTop: "16px" }}>{t.link(props.days)}</Text>
      <Text style={{ ...paragraph, fontSize: "13px" }}>
        {t.fallback} <Link href={props.url}>{props.url}</Link>
      </Text>
    </EmailLayout>
  );
}
