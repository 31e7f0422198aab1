// Double opt-in: the confirmation asked for before a subscription to a topic that requires it
// counts as consent.
import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout, paragraph, type EmailBrand } from "./layout";

export type ConfirmSubscriptionProps = {
  lang: "fr" | "en";
  brand: EmailBrand;
  topic: string;
  channel: string;
  url: string;
  days: number;
};

const text = {
  fr: {
    subject: (topic: string) => `Confirmez votre inscription : ${topic}`,
    preview: "Un clic pour confirmer, rien à faire pour refuser.",
    lead: (topic: string, channel: string) =>
      `Vous avez demandé à recevoir « ${topic} » par ${channel}. Confirmez-le pour que l'inscription prenne effet :`,
    button: "Je confirme",
    expiry: (days: number) => `Sans confirmation d'ici ${days} jours, rien ne vous sera envoyé à ce sujet.`,
    fallback: "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :",
    footer: (brand: string) =>
      `Vous recevez ce message parce qu'une inscription a été demandée pour cette adresse sur le portail de ${brand}. Si ce n'était pas vous, ignorez-le.`,
  },
  en: {
    subject: (topic: string) => `Confirm your subscription: ${topic}`,
    preview: "One click to confirm; nothing to do to decline.",
    lead: (topic: string, channel: string) =>
      `You asked to receive \u201c${topic}\u201d by ${channel}. Confirm it for the subscription to take effect:`,
    button: "Confirm",
    expiry: (days: number) => `Without confirmation within ${days} days, nothing will be sent to you about it.`,
    fallback: "If the button does not work, copy this address into your browser:",
    footer: (brand: string) =>
      `You are getting this because a subscription was requested for this address on ${brand}'s preference portal. If it was not you, ignore it.`,
  },
};

export function confirmSubscriptionSubject(props: ConfirmSubscriptionProps): string {
  return text[props.lang].subject(props.topic);
}

export default function ConfirmSubscriptionEmail(props: ConfirmSubscriptionProps) {
  const t = text[props.lang];
  return (
    <EmailLayout lang={props.lang} brand={props.brand} preview={t.preview} footer={t.footer(props.brand.name)}>
      <Text style={paragraph}>{t.lead(props.topic, props.channel)}</Text>
      <Button href={props.url} style={buttonStyle(props.brand.primaryColor)}>
        {t.button}
      </Button>
      <Text style={{ ...paragraph, marginTop: "16px" }}>{t.expiry(props.days)}</Text>
      <Text style={{ ...paragraph, fontSize: "13px" }}>
        {t.fallback} <Link href={props.url}>{props.url}</Link>
      </Text>
    </EmailLayout>
  );
}
