// The sign-in link a customer asks for on the portal's sign-in page.
import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout, paragraph, type EmailBrand } from "./layout";

export type MagicLinkProps = { lang: "fr" | "en"; brand: EmailBrand; url: string; minutes: number };

const text = {
  fr: {
    subject: (brand: string) => `Votre lien vers vos préférences ${brand}`,
    preview: "Ouvrez vos préférences de communication en un clic.",
    lead: "Vous avez demandé à ouvrir vos préférences de communication. Ce lien vous y conduit sans mot de passe :",
    button: "Ouvrir mes préférences",
    expiry: (minutes: number) => `Il n'est valable qu'une fois, pendant ${minutes} minutes.`,
    fallback: "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :",
    footer: (brand: string) =>
      `Vous recevez ce message parce que quelqu'un a demandé un lien pour cette adresse sur le portail de ${brand}. Si ce n'était pas vous, ignorez-le : rien ne change.`,
  },
  en: {
    subject: (brand: string) => `Your link to your ${brand} preferences`,
    preview: "Open your communication preferences in one click.",
    lead: "You asked to open your communication preferences. This link takes you there without a password:",
    button: "Open my preferences",
    expiry: (minutes: number) => `It works once, for ${minutes} minutes.`,
    fallback: "If the button does not work, copy this address into your browser:",
    footer: (brand: string) =>
      `You are getting this because someone asked for a link for this address on ${brand}'s preference portal. If it was not you, ignore it: nothing changes.`,
  },
};

export function magicLinkSubject(props: MagicLinkProps): string {
  return text[props.lang].subject(props.brand.name);
}

export default function MagicLinkEmail(props: MagicLinkProps) {
  const t = text[props.lang];
  return (
    <EmailLayout lang={props.lang} brand={props.brand} preview={t.preview} footer={t.footer(props.brand.name)}>
      <Text style={paragraph}>{t.lead}</Text>
      <Button href={props.url} style={buttonStyle(props.brand.primaryColor)}>
        {t.button}
      </Button>
      <Text style={{ ...paragraph, marginTop: "16px" }}>{t.expiry(props.minutes)}</Text>
      <Text style={{ ...paragraph, fontSize: "13px" }}>
        {t.fallback} <Link href={props.url}>{props.url}</Link>
      </Text>
    </EmailLayout>
  );
}
