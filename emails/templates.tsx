// The templates a brand may name in a message's content (`{"template": {"name", "data"}}`), each
// with the zod schema of its data: the intake API refuses data a template cannot render, so the
// worker never meets it. Each template also gives the short form (title, text, link) used for
// SMS, push, the in-app inbox and digest entries.
import { Button, Heading, Img, Text } from "@react-email/components";
import type { ReactElement } from "react";
import type { z } from "zod";
import { MessageFrame, type FrameProps } from "./message-frame";
import { buttonStyle, paragraph } from "./layout";
import { Notification, PriceDrop } from "./template-data";

type Frame = Omit<FrameProps, "children" | "preview">;
type Short = { title: string; text: string; url: string | null };

function money(lang: "fr" | "en", amount: number, currency: string): string {
  return new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB", { style: "currency", currency }).format(amount);
}

function paragraphs(body: string): string[] {
  return body.split(/\n\s*\n/).map((part) => part.trim());
}

export const templates = {
  notification: {
    data: Notification,
    subject: (_lang: "fr" | "en", data: z.infer<typeof Notification>) => data.title,
    short: (_lang: "fr" | "en", data: z.infer<typeof Notification>): Short => ({
      title: data.title,
      text: data.body.replace(/\s+/g, " "),
      url: data.actionUrl ?? null,
    }),
    render: (frame: Frame, data: z.infer<typeof Notification>) => (
      <MessageFrame {...frame} preview={paragraphs(data.body)[0]!.slice(0, 140)}>
        <Heading as="h1" style={{ fontSize: "20px", margin: "0 0 16px" }}>
          {data.title}
        </Heading>
        {paragraphs(data.body).map((text, index) => (
          <Text key={index} style={paragraph}>
            {text}
          </Text>
        ))}
        {data.actionUrl ? (
          <Button href={data.actionUrl} style={buttonStyle(frame.brand.primaryColor)}>
            {data.actionLabel}
          </Button>
        ) : null}
      </MessageFrame>
    ),
  },
  "price-drop": {
    data: PriceDrop,
    subject: (lang: "fr" | "en", data: z.infer<typeof PriceDrop>) =>
      lang === "fr"
        ? `Baisse de prix : ${data.product} à ${money(lang, data.newPrice, data.currency)}`
        : `Price drop: ${data.product} now ${money(lang, data.newPrice, data.currency)}`,
    short: (lang: "fr" | "en", data: z.infer<typeof PriceDrop>): Short => ({
      title: lang === "fr" ? "Baisse de prix" : "Price drop",
      text:
        `${data.designer ? `${data.designer}, ` : ""}${data.product}${data.size ? ` (${data.size})` : ""}` +
        `${lang === "fr" ? " : " : ": "}${money(lang, data.oldPrice, data.currency)} → ${money(lang, data.newPrice, data.currency)}`,
      url: data.url,
    }),
    render: (frame: Frame, data: z.infer<typeof PriceDrop>) => {
      const lang = frame.lang;
      const was = money(lang, data.oldPrice, data.currency);
      const now = money(lang, data.newPrice, data.currency);
      return (
        <MessageFrame
          {...frame}
          preview={lang === "fr" ? `${data.product} passe à ${now}` : `${data.product} is now ${now}`}
        >
          {data.imageUrl ? (
            <Img src={data.imageUrl} alt={data.product} width="512" style={{ maxWidth: "100%" }} />
          ) : null}
          <Heading as="h1" style={{ fontSize: "20px", margin: "16px 0" }}>
            {data.designer ? `${data.designer} — ` : ""}
            {data.product}
          </Heading>
          <Text style={paragraph}>
            {lang === "fr" ? "Prix : " : "Price: "}
            <s>{was}</s> <strong>{now}</strong>
            {data.size ? (lang === "fr" ? ` — taille ${data.size}` : ` — size ${data.size}`) : ""}
          </Text>
          <Button href={data.url} style={buttonStyle(frame.brand.primaryColor)}>
            {lang === "fr" ? "Voir l'article" : "See the item"}
          </Button>
        </MessageFrame>
      );
    },
  },
} as const;

type Template<D> = {
  data: z.ZodType<D>;
  subject: (lang: "fr" | "en", data: D) => string;
  short: (lang: "fr" | "en", data: D) => Short;
  render: (frame: Frame, data: D) => ReactElement;
};

/** A template with its data parsed (defaults applied): what the scheduler renders from. */
export type PreparedTemplate = {
  subject: (lang: "fr" | "en") => string;
  short: (lang: "fr" | "en") => Short;
  render: (frame: Frame) => ReactElement;
};

function prepare<D>(template: Template<D>, raw: unknown): PreparedTemplate {
  const data = template.data.parse(raw);
  return {
    subject: (lang) => template.subject(lang, data),
    short: (lang) => template.short(lang, data),
    render: (frame) => template.render(frame, data),
  };
}

export function prepareTemplate(name: keyof typeof templates, raw: unknown): PreparedTemplate {
  // One line per template: TypeScript cannot pair a name with its own data type through an index.
  return name === "price-drop" ? prepare(templates["price-drop"], raw) : prepare(templates.notification, raw);
}
