// The code that confirms an erasure asked for on the public page: proof that the person asking
// reads this mailbox, without signing in.
import { Text } from "@react-email/components";
import { EmailLayout, paragraph, type EmailBrand } from "./layout";

export type ErasureCodeProps = { lang: "fr" | "en"; brand: EmailBrand; code: string; minutes: number };

const text = {
  fr: {
    subject: (brand: string) => `Votre code pour effacer vos données chez ${brand}`,
    preview: "Le code à saisir pour confirmer l'effacement de vos données.",
    lead: "Vous avez demandé l'effacement de vos données. Pour le confirmer, saisissez ce code sur la page où vous l'avez demandé :",
    expiry: (minutes: number) => `Il est valable ${minutes} minutes. Ne le communiquez à personne.`,
    footer: (brand: string) =>
      `Vous recevez ce message parce que quelqu'un a demandé l'effacement des données liées à cette adresse chez ${brand}. Si ce n'était pas vous, ignorez-le : sans ce code, rien n'est effacé.`,
  },
  en: {
    subject: (brand: string) => `Your code to erase your data at ${brand}`,
    preview: "The code to enter to confirm the erasure of your data.",
    lead: "You asked for your data to be erased. To confirm, enter this code on the page where you asked:",
    expiry: (minutes: number) => `It works for ${minutes} minutes. Do not share it with anyone.`,
    footer: (brand: string) =>
      `You are getting this because someone asked for the data tied to this address at ${brand} to be erased. If it was not you, ignore it: without this code, nothing is erased.`,
  },
};

export function erasureCodeSubject(props: ErasureCodeProps): string {
  return text[props.lang].subject(props.brand.name);
}

export default function ErasureCodeEmail(props: ErasureCodeProps) {
  const t = text[props.lang];
  return (
    <EmailLayout lang={props.lang} brand={props.brand} preview={t.preview} footer={t.footer(props.brand.name)}>
      <Text style={paragraph}>{t.lead}</Text>
      <Text
        style={{
          fontSize: "32px",
          fontWeight: 700,
          letterSpacing: "8px",
          fontFamily: "Menlo, Consolas, monospace",
          margin: "8px 0 24px",
        }}
      >
        {props.code}
      </Text>
      <Text style={paragraph}>{t.expiry(props.minutes)}</Text>
    </EmailLayout>
  );
}
