// The sign-in link a brand's team member asks for on the console's sign-in page: one button per
// brand the address belongs to.
import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout, paragraph } from "./layout";

export type ConsoleSignInProps = {
  lang: "fr" | "en";
  links: { brand: string; url: string }[];
  minutes: number;
};

const text = {
  fr: {
    subject: "Votre lien de connexion à la console Mesure",
    preview: "Ouvrez la console de votre marque en un clic.",
    lead: "Vous avez demandé à vous connecter à la console Mesure. Ce lien vous y conduit sans mot de passe :",
    button: (brand: string) => `Ouvrir la console de ${brand}`,
    expiry: (minutes: number) => `Chaque lien n'est valable qu'une fois, pendant ${minutes} minutes.`,
    fallback: "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :",
    footer:
      "Vous recevez ce message parce que quelqu'un a demandé un lien pour cette adresse sur la console Mesure. Si ce n'était pas vous, ignorez-le : rien ne change.",
  },
  en: {
    subject: "Your sign-in link to the Mesure console",
    preview: "Open your brand's console in one click.",
    lead: "You asked to sign in to the Mesure console. This link takes you there without a password:",
    button: (brand: string) => `Open ${brand}'s console`,
    expiry: (minutes: number) => `Each link works once, for ${minutes} minutes.`,
    fallback: "If the button does not work, copy this address into your browser:",
    footer:
      "You are getting this because someone asked for a link for this address on the Mesure console. If it was not you, ignore it: nothing changes.",
  },
};

export function consoleSignInSubject(props: ConsoleSignInProps): string {
  return text[props.lang].subject;
}

export default function ConsoleSignInEmail(props: ConsoleSignInProps) {
  const t = text[props.lang];
  const brand = { name: "Mesure", primaryColor: "#1f4d3a" };
  return (
    <EmailLayout lang={props.lang} brand={brand} preview={t.preview} footer={t.footer}>
      <Text style={paragraph}>{t.lead}</Text>
      {props.links.map((link) => (
        <div key={link.url} style={{ margin: "12px 0" }}>
          <Button href={link.url} style={buttonStyle(brand.primaryColor)}>
            {t.button(link.brand)}
          </Button>
          <Text style={{ ...paragraph, fontSize: "13px" }}>
            {t.fallback} <Link href={link.url}>{link.url}</Link>
          </Text>
        </div>
      ))}
      <Text style={{ ...paragraph, marginTop: "16px" }}>{t.expiry(props.minutes)}</Text>
    </EmailLayout>
  );
}
