// A digest: the messages a customer asked to get together (daily, weekly, monthly, or while
// "just browsing"), as one email at their digest time. Each entry links to its content and to
// the setting that brought it, so leaving one topic is one click.
import { Heading, Hr, Link, Section, Text } from "@react-email/components";
import { MessageFrame, type FooterLinks } from "./message-frame";
import { paragraph, type EmailBrand } from "./layout";

export type DigestEntry = {
  topic: string;
  title: string;
  text: string;
  url: string | null;
  unsubscribe: string | null;
};

export type DigestProps = {
  lang: "fr" | "en";
  brand: EmailBrand;
  entries: DigestEntry[];
  because: string;
  links: FooterLinks;
};

const words = {
  fr: {
    subject: (brand: string, count: number) =>
      count === 1 ? `${brand} : votre sélection (1 nouveauté)` : `${brand} : votre sélection (${count} nouveautés)`,
    heading: "Votre sélection",
    lead: (count: number) =>
      count === 1
        ? "Un message a été gardé pour vous, le voici."
        : `${count} messages ont été gardés pour vous, les voici.`,
    more: "Lire",
    leave: "Ne plus recevoir ce sujet",
  },
  en: {
    subject: (brand: string, count: number) =>
      count === 1 ? `${brand}: your selection (1 new item)` : `${brand}: your selection (${count} new items)`,
    heading: "Your selection",
    lead: (count: number) =>
      count === 1 ? "One message was kept for you; here it is." : `${count} messages were kept for you; here they are.`,
    more: "Read",
    leave: "Stop this topic",
  },
};

export function digestSubject(lang: "fr" | "en", brand: string, count: number): string {
  return words[lang].subject(brand, count);
}

export default function DigestEmail(props: DigestProps) {
  const t = words[props.lang];
  return (
    <MessageFrame
      lang={props.lang}
      brand={props.brand}
      preview={t.lead(props.entries.length)}
      because={props.because}
      links={props.links}
    >
      <Heading as="h1" style={{ fontSize: "20px", margin: "0 0 8px" }}>
        {t.heading}
      </Heading>
      <Text style={paragraph}>{t.lead(props.entries.length)}</Text>
      {props.entries.map((entry, index) => (
        <Section key={index}>
          <Hr style={{ borderColor: "#eeece6", margin: "12px 0" }} />
          <Text style={{ fontSize: "12px", color: "#5c5a55", margin: "0 0 4px", textTransform: "uppercase" }}>
            {entry.topic}
          </Text>
          <Text style={{ fontSize: "16px", fontWeight: 700, margin: "0 0 4px" }}>{entry.title}</Text>
          <Text style={{ ...paragraph, margin: "0 0 8px" }}>{entry.text}</Text>
          <Text style={{ fontSize: "13px", margin: 0 }}>
            {entry.url ? <Link href={entry.url}>{t.more}</Link> : null}
            {entry.url && entry.unsubscribe ? " · " : null}
            {entry.unsubscribe ? (
              <Link href={entry.unsubscribe} style={{ color: "#5c5a55" }}>
                {t.leave}
              </Link>
            ) : null}
          </Text>
        </Section>
      ))}
    </MessageFrame>
  );
}
