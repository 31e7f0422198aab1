// Turns a message's content into what each channel carries: the email (a React Email template
// in the brand's frame, with the footer that says why and the RFC 8058 unsubscribe headers) and
// the short form for SMS, push and the inbox. Rendering React is the costly part, so a rendered
// email is kept per content, topic, language and brand, with the per-person links left as
// placeholders filled in for each recipient.
import crypto from "node:crypto";
import { render } from "@react-email/render";
import { createElement, type ReactElement } from "react";
import DigestEmail, { digestSubject, type DigestEntry } from "../../emails/digest";
import { MessageFrame } from "../../emails/message-frame";
import { prepareTemplate } from "../../emails/templates";
import { paragraph } from "../../emails/layout";
import { Heading, Text } from "@react-email/components";
import { channelName, topicName } from "~/components/portal/words";
import type { Tx } from "~/db/client.server";
import { MessageContent } from "~/lib/api/message-schemas";
import { fromJson } from "~/lib/json-column";
import { portalLink } from "~/lib/portal-link.server";
import { unsubscribeLink } from "~/lib/unsubscribe-link.server";
import { Theme, TopicKind, type Channel, type Locale } from "~/lib/vocabulary";
import type { EmailContent, ShortContent } from "./channels/types";

export type RenderContext = { secret: string; publicUrl: string };
export type BrandInfo = {
  id: string;
  slug: string;
  name: string;
  primaryColor: string;
  topics: Map<string, { key: string; nameFr: string; nameEn: string; kind: TopicKind }>;
};
export type Person = { brandId: string; customerId: string; locale: Locale };

const FOOTER_LINK_DAYS = 30;
const CACHE_SIZE = 2_000;
const BRAND_TTL_MS = 30_000;
/** Stand-ins for the per-person links in a cached rendering: no real link points to .invalid (RFC 2606). */
const WHY = "https://mesure.invalid/__why__";
const PREFERENCES = "https://mesure.invalid/__preferences__";
const UNSUBSCRIBE = "https://mesure.invalid/__unsubscribe__";

const because = {
  fr: {
    transactional: (brand: string) => `Message de service de ${brand} : il concerne votre compte ou vos commandes.`,
    marketing: (brand: string, topic: string, channel: string) =>
      `Vous recevez ce message car vous êtes inscrit·e à « ${topic} » par ${channel} chez ${brand}.`,
    alert: (brand: string, topic: string) =>
      `Vous recevez cette alerte de ${brand} car elle correspond à vos critères pour « ${topic} ».`,
    digest: (brand: string, topics: string) =>
      `Vous recevez ce récapitulatif car vous avez demandé à recevoir ${topics} de ${brand} regroupés.`,
    stopSms: "STOP au numéro d'envoi pour ne plus recevoir.",
  },
  en: {
    transactional: (brand: string) => `A service message from ${brand} about your account or your orders.`,
    marketing: (brand: string, topic: string, channel: string) =>
      `You are getting this because you subscribed to \u201c${topic}\u201d by ${channel} at ${brand}.`,
    alert: (brand: string, topic: string) =>
      `You are getting this alert from ${brand} because it matches your criteria for \u201c${topic}\u201d.`,
    digest: (brand: string, topics: string) =>
      `You are getting this digest because you asked to get ${topics} from ${brand} together.`,
    stopSms: "Reply STOP to opt out.",
  },
};

export class Renderer {
  private readonly emails = new Map<string, { subject: string; html: string; text: string }>();
  private readonly brands = new Map<string, { at: number; info: BrandInfo }>();

  constructor(private readonly context: RenderContext) {}

  /** The brand's name, colour and topics, read at most every 30 s. */
  async brand(db: Tx, brandId: string, now = Date.now()): Promise<BrandInfo | null> {
    const cached = this.brands.get(brandId);
    if (cached && now - cached.at < BRAND_TTL_MS) return cached.info;
    const row = await db.brand.findUnique({
      where: { id: brandId },
      select: {
        id: true,
        slug: true,
        name: true,
        theme: true,
        topics: { select: { key: true, nameFr: true, nameEn: true, kind: true } },
      },
    });
    if (!row) return null;
    const theme = fromJson(Theme, row.theme, "Brand.theme");
    const info: BrandInfo = {
      id: row.id,
      slug: row.slug,
      name: row.name,
      primaryColor: theme.primaryColor ?? "#1f4d3a",
      topics: new Map(row.topics.map((topic) => [topic.key, { ...topic, kind: TopicKind.parse(topic.kind) }])),
    };
    this.brands.set(brandId, { at: now, info });
    return info;
  }

  private links(person: Person, deliveryId: string, unsubscribe: { topics: string[]; channel: Channel } | null) {
    const { secret, publicUrl } = this.context;
    const portal = (next: string) =>
      `${portalLink({ secret, publicUrl, brandId: person.brandId, customerId: person.customerId, ttlSeconds: FOOTER_LINK_DAYS * 86_400 })}&next=${encodeURIComponent(next)}`;
    return {
      why: portal(`/portal/why/${deliveryId}`),
      preferences: portal("/portal/subscriptions"),
      unsubscribe:
        unsubscribe &&
        unsubscribeLink({
          secret,
          publicUrl,
          brandId: person.brandId,
          customerId: person.customerId,
          topic: unsubscribe.topics[0]!,
          channel: unsubscribe.channel,
          topics: unsubscribe.topics,
        }),
    };
  }

  /** Fills a cached rendering's placeholders with this person's links. */
  private personalise(
    rendered: { subject: string; html: string; text: string },
    links: { why: string | null; preferences: string; unsubscribe: string | null },
  ): EmailContent {
    const fill = (body: string, escape: (url: string) => string) =>
      body
        .replaceAll(WHY, escape(links.why ?? links.preferences))
        .replaceAll(PREFERENCES, escape(links.preferences))
        .replaceAll(UNSUBSCRIBE, escape(links.unsubscribe ?? links.preferences));
    const headers: Record<string, string> = {};
    if (links.unsubscribe) {
      // RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs here.
      headers["List-Unsubscribe"] = `<${links.unsubscribe}>`;
      headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
    }
    return {
      subject: rendered.subject,
      html: fill(rendered.html, (url) => url.replaceAll("&", "&amp;")),
      text: fill(rendered.text, (url) => url),
      headers,
    };
  }

  private async cached(key: string, build: () => { subject: string; element: ReactElement }) {
    const hit = this.emails.get(key);
    if (hit) return hit;
    const { subject, element } = build();
    const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
    const rendered = { subject, html, text };
    if (this.emails.size >= CACHE_SIZE) this.emails.delete(this.emails.keys().next().value!);
    this.emails.set(key, rendered);
    return rendered;
  }

  /** One message's email. */
  async email(input: {
    brand: BrandInfo;
    person: Person;
    topicKey: string;
    deliveryId: string;
    content: string;
  }): Promise<EmailContent> {
    const { brand, person, topicKey } = input;
    const topic = brand.topics.get(topicKey);
    const lang = person.locale;
    const marketing = topic?.kind !== "transactional";
    const name = topic ? topicName(lang, topic) : topicKey;
    const key = crypto
      .createHash("sha256")
      .update(`${brand.id}\n${brand.name}\n${brand.primaryColor}\n${topicKey}\n${lang}\n${input.content}`)
      .digest("base64url");
    const rendered = await this.cached(key, () => {
      const content = fromJson(MessageContent, input.content, "Message.content");
      const frame = {
        lang,
        brand: { name: brand.name, primaryColor: brand.primaryColor },
        because:
          topic?.kind === "transactional"
            ? because[lang].transactional(brand.name)
            : topic?.kind === "alert"
              ? because[lang].alert(brand.name, name)
              : because[lang].marketing(brand.name, name, channelName(lang, "email")),
        links: { why: WHY, preferences: PREFERENCES, unsubscribe: marketing ? UNSUBSCRIBE : null },
      };
      if (content.email) {
        const email = content.email;
        return {
          subject: email.subject,
          element: createElement(
            MessageFrame,
            { ...frame, preview: email.text.slice(0, 140) },
            createElement(Heading, { as: "h1", style: { fontSize: "20px", margin: "0 0 16px" } }, email.subject),
            ...email.text
              .split(/\n\s*\n/)
              .map((part, index) => createElement(Text, { key: index, style: paragraph }, part.trim())),
          ),
        };
      }
      // The data was checked at intake; preparing parses it again to apply the template's defaults.
      const template = prepareTemplate(content.template!.name, content.template!.data);
      return { subject: template.subject(lang), element: template.render(frame) };
    });
    return this.personalise(
      rendered,
      this.links(person, input.deliveryId, marketing ? { topics: [topicKey], channel: "email" } : null),
    );
  }

  /** A digest email: one entry per message, each with its own link to leave its topic. */
  async digestEmail(input: {
    brand: BrandInfo;
    person: Person;
    deliveryId: string;
    members: { topicKey: string; content: string }[];
  }): Promise<EmailContent> {
    const { brand, person } = input;
    const lang = person.locale;
    const { secret, publicUrl } = this.context;
    const entries: DigestEntry[] = input.members.map((member) => {
      const topic = brand.topics.get(member.topicKey);
      const short = shortOf(fromJson(MessageContent, member.content, "Message.content"), "email", lang);
      return {
        topic: topic ? topicName(lang, topic) : member.topicKey,
        ...short,
        unsubscribe:
          topic && topic.kind !== "transactional"
            ? unsubscribeLink({ secret, publicUrl, ...person, topic: topic.key, channel: "email" })
            : null,
      };
    });
    const topicKeys = [...new Set(input.members.map((member) => member.topicKey))];
    const names = topicKeys.map((key) => {
      const topic = brand.topics.get(key);
      return `« ${topic ? topicName(lang, topic) : key} »`;
    });
    // A digest's footer names its topics and each entry has its own way out, so it needs no
    // "why" page (which explains one message).
    const links = { ...this.links(person, input.deliveryId, { topics: topicKeys, channel: "email" }), why: null };
    const element = createElement(DigestEmail, {
      lang,
      brand: { name: brand.name, primaryColor: brand.primaryColor },
      entries,
      because: because[lang].digest(brand.name, names.join(", ")),
      links,
    });
    const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
    return this.personalise({ subject: digestSubject(lang, brand.name, entries.length), html, text }, links);
  }

  /** The short form for SMS, push and the inbox; marketing SMS say how to stop them. */
  short(input: {
    brand: BrandInfo;
    locale: Locale;
    topicKey: string;
    channel: Channel;
    content: string;
  }): ShortContent {
    const content = fromJson(MessageContent, input.content, "Message.content");
    const short = shortOf(content, input.channel, input.locale);
    const topic = input.brand.topics.get(input.topicKey);
    if (input.channel === "sms" && topic?.kind !== "transactional") {
      return { ...short, text: `${short.text} ${because[input.locale].stopSms}` };
    }
    return short;
  }

  /** A digest's short form, for a digest on another channel than email. */
  digestShort(input: {
    brand: BrandInfo;
    locale: Locale;
    channel: Channel;
    members: { content: string }[];
  }): ShortContent {
    const shorts = input.members.map((member) =>
      shortOf(fromJson(MessageContent, member.content, "Message.content"), input.channel, input.locale),
    );
    const title = digestSubject(input.locale, input.brand.name, shorts.length);
    return { title, text: shorts.map((short) => `• ${short.title}`).join("\n"), url: shorts[0]?.url ?? null };
  }
}

const channelKey = { email: "email", sms: "sms", push: "push", in_app: "inApp" } as const;

/** A message's short form on a channel: its own text for that channel, else the template's. */
export function shortOf(content: MessageContent, channel: Channel, lang: Locale): ShortContent {
  const own = content[channelKey[channel]];
  if (own && "title" in own) return { title: own.title, text: own.text, url: own.url ?? null };
  if (own && "subject" in own) return { title: own.subject, text: own.text.replace(/\s+/g, " "), url: null };
  if (own) return { title: "", text: own.text, url: null };
  if (content.template) {
    return prepareTemplate(content.template.name, content.template.data).short(lang);
  }
  // Intake refuses a message with no content for a channel it may use; an email's text serves.
  if (content.email) return { title: content.email.subject, text: content.email.text.replace(/\s+/g, " "), url: null };
  throw new Error(`no content for ${channel}`);
}
