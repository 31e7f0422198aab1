// Consent events in words, French and English: what an event was about and what it changed,
// so the ledger a customer reads is a history, not a dump of JSON. Pure; shared by the portal's
// consents page and the readable export.
import { channelName, channelTitle, frequencyName, topicName } from "~/components/portal/words";
import { Channel, Frequency, type Locale } from "~/lib/vocabulary";
import { fieldDeclarations } from "./fields";

type Topics = Record<string, { nameFr: string; nameEn: string }>;
export type EventInWords = { what: string; before: string; after: string };

const words = {
  fr: {
    subscription: "Abonnement « {topic} » par {channel}",
    channel: "Canal : {channel}",
    general: "Réglages généraux",
    alert: "Alerte sur « {topic} »",
    cookies: "Cookies sur les sites de la marque",
    field: "Donnée : {field}",
    none: "rien",
    subscribed: "abonné·e",
    pending: "en attente de confirmation",
    unsubscribed: "désabonné·e",
    on: "activé",
    off: "désactivé",
    quiet: "silence de {start} à {end}",
    daily: "au plus {count} par jour",
    weekly: "au plus {count} par semaine",
    pausedUntil: "en pause jusqu'au {date}",
    notPaused: "pas de pause",
    looking: "« je cherche quelque chose » jusqu'au {date}",
    browsing: "« je regarde seulement » jusqu'au {date}",
    noContext: "sans contexte",
    excluded: "sujets évités : {tags}",
    noExcluded: "aucun sujet évité",
    globalCap: "au plus {count} messages par semaine en tout",
    noGlobalCap: "pas de plafond global",
    digest: "résumés à {hour} h",
    alertOn: "{channel}, {frequency}",
    removed: "supprimée",
    accepted: "acceptés : {list}",
    refused: "refusés : {list}",
    accept_all: "tout accepté",
    reject_all: "tout refusé",
    custom: "choix personnalisé",
    dismiss: "bandeau fermé (refus)",
    gpc: "signal Global Privacy Control reçu",
    stored: "conservée",
    forgotten: "oubliée",
    unchanged: "inchangé",
  },
  en: {
    subscription: "Subscription to \u201c{topic}\u201d by {channel}",
    channel: "Channel: {channel}",
    general: "General settings",
    alert: "Alert on \u201c{topic}\u201d",
    cookies: "Cookies on the brand's sites",
    field: "Data: {field}",
    none: "nothing",
    subscribed: "subscribed",
    pending: "waiting for confirmation",
    unsubscribed: "unsubscribed",
    on: "on",
    off: "off",
    quiet: "quiet from {start} to {end}",
    daily: "at most {count} a day",
    weekly: "at most {count} a week",
    pausedUntil: "paused until {date}",
    notPaused: "not paused",
    looking: "\u201clooking for something\u201d until {date}",
    browsing: "\u201cjust browsing\u201d until {date}",
    noContext: "no context",
    excluded: "subjects avoided: {tags}",
    noExcluded: "no subject avoided",
    globalCap: "at most {count} messages a week in all",
    noGlobalCap: "no overall cap",
    digest: "digests at {hour}:00",
    alertOn: "{channel}, {frequency}",
    removed: "removed",
    accepted: "accepted: {list}",
    refused: "refused: {list}",
    accept_all: "accepted all",
    reject_all: "refused all",
    custom: "own choice",
    dismiss: "banner closed (refusal)",
    gpc: "Global Privacy Control signal received",
    stored: "kept",
    forgotten: "forgotten",
    unchanged: "unchanged",
  },
} as const;

const sourceWords: Record<string, Record<Locale, string>> = {
  portal: { fr: "Vous, sur ce portail", en: "You, on this portal" },
  api: { fr: "Systèmes de la marque", en: "The brand's systems" },
  import: { fr: "Import de la marque", en: "The brand's import" },
  cli: { fr: "Service client", en: "Customer support" },
  seed: { fr: "Données de démonstration", en: "Demo data" },
  unsubscribe_link: { fr: "Lien de désabonnement", en: "Unsubscribe link" },
  sms_keyword: { fr: "Réponse par SMS", en: "Text message reply" },
  double_opt_in: { fr: "Confirmation par e-mail", en: "Email confirmation" },
  banner: { fr: "Bandeau cookies", en: "Cookie banner" },
  visitor_link: { fr: "Choix d'un navigateur relié à vous", en: "Choice of a browser linked to you" },
};

export function consentSourceText(source: string, locale: Locale): string {
  return sourceWords[source]?.[locale] ?? source;
}

/** French sets a space before a semicolon; English does not. */
const separator = (locale: Locale) => (locale === "fr" ? " ; " : "; ");

const fill = (text: string, params: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));

type Json = Record<string, unknown> | null;

function parse(text: string): Json | string {
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null) return null;
    return typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : text;
  } catch {
    return text;
  }
}

function day(locale: Locale, value: unknown, timeZone: string): string {
  const date = typeof value === "string" || value instanceof Date ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) return "?";
  return new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
    timeZone,
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(date);
}

function channelWord(locale: Locale, value: unknown): string {
  const channel = Channel.safeParse(value);
  return channel.success ? channelName(locale, channel.data) : String(value);
}

function frequencyWord(locale: Locale, value: unknown): string {
  const frequency = Frequency.safeParse(value);
  return frequency.success ? frequencyName(locale, frequency.data).toLowerCase() : String(value);
}

function subscriptionState(locale: Locale, state: Json): string {
  const t = words[locale];
  if (!state) return t.none;
  const status = String(state.status);
  const label = status in t ? t[status as "subscribed"] : status;
  return status === "unsubscribed" ? label : `${label}, ${frequencyWord(locale, state.frequency)}`;
}

function channelState(locale: Locale, state: Json): string {
  const t = words[locale];
  if (!state) return t.none;
  const parts: string[] = [state.enabled === false ? t.off : t.on];
  if (state.quietStart && state.quietEnd)
    parts.push(fill(t.quiet, { start: String(state.quietStart), end: String(state.quietEnd) }));
  if (typeof state.dailyCap === "number") parts.push(fill(t.daily, { count: state.dailyCap }));
  if (typeof state.weeklyCap === "number") parts.push(fill(t.weekly, { count: state.weeklyCap }));
  return parts.join(", ");
}

/** Only what changed between two general settings, each in words. */
function generalChange(locale: Locale, before: Json, after: Json, timeZone: string): [string, string] {
  const t = words[locale];
  const describe = (key: string, state: Json): string => {
    const value = state?.[key];
    switch (key) {
      case "pausedUntil":
        return value ? fill(t.pausedUntil, { date: day(locale, value, timeZone) }) : t.notPaused;
      case "contextMode": {
        if (value === "looking" || value === "browsing")
          return fill(t[value], { date: day(locale, state?.contextUntil, timeZone) });
        return t.noContext;
      }
      case "excludedTags": {
        const tags = typeof value === "string" ? (JSON.parse(value) as string[]) : Array.isArray(value) ? value : [];
        return tags.length ? fill(t.excluded, { tags: tags.join(", ") }) : t.noExcluded;
      }
      case "globalWeeklyCap":
        return typeof value === "number" ? fill(t.globalCap, { count: value }) : t.noGlobalCap;
      case "digestHour":
        return fill(t.digest, { hour: String(value ?? 9) });
      default:
        return `${key}: ${JSON.stringify(value ?? null)}`;
    }
  };
  // contextUntil and contextTopics are told with contextMode; the digest weekday with its hour.
  const keys = ["pausedUntil", "contextMode", "excludedTags", "globalWeeklyCap", "digestHour"];
  const related: Record<string, string[]> = {
    contextMode: ["contextMode", "contextUntil", "contextTopics"],
    digestHour: ["digestHour", "digestWeekday"],
  };
  const changed = keys.filter((key) =>
    (related[key] ?? [key]).some(
      (field) => JSON.stringify(before?.[field] ?? null) !== JSON.stringify(after?.[field] ?? null),
    ),
  );
  if (changed.length === 0) return [before ? t.unchanged : t.none, t.unchanged];
  return [
    before ? changed.map((key) => describe(key, before)).join(separator(locale)) : t.none,
    changed.map((key) => describe(key, after)).join(separator(locale)),
  ];
}

function cookieState(locale: Locale, state: Json): string {
  const t = words[locale];
  if (!state) return t.none;
  // `before` holds the previous categories alone; `after` holds { categories, method, gpc }.
  const categories = (state.categories ?? state) as Record<string, unknown>;
  const accepted = Object.keys(categories).filter((key) => categories[key] === true);
  const refused = Object.keys(categories).filter((key) => categories[key] === false);
  const parts: string[] = [];
  if (typeof state.method === "string" && state.method in t) parts.push(t[state.method as "custom"]);
  if (accepted.length) parts.push(fill(t.accepted, { list: accepted.join(", ") }));
  if (refused.length) parts.push(fill(t.refused, { list: refused.join(", ") }));
  if (state.gpc === true) parts.push(t.gpc);
  return parts.join(separator(locale)) || t.none;
}

function compact(state: Json | string): string {
  if (state === null) return "—";
  const text = typeof state === "string" ? state : JSON.stringify(state);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** One event in words: what it was about, and the state before and after. */
export function describeConsentEvent(
  event: { kind: string; subject: string; before: string; after: string },
  locale: Locale,
  topics: Topics,
  timeZone: string,
): EventInWords {
  const t = words[locale];
  const before = parse(event.before);
  const after = parse(event.after);
  const asObject = (state: Json | string): Json => (typeof state === "string" ? null : state);
  const topic = (key: string) => (topics[key] ? topicName(locale, topics[key]) : key);
  switch (event.kind) {
    case "subscription": {
      const [key = "", channel = ""] = event.subject.split(":");
      return {
        what: fill(t.subscription, { topic: topic(key), channel: channelWord(locale, channel) }),
        before: subscriptionState(locale, asObject(before)),
        after: subscriptionState(locale, asObject(after)),
      };
    }
    case "channel": {
      const channel = Channel.safeParse(event.subject);
      return {
        what: fill(t.channel, { channel: channel.success ? channelTitle(locale, channel.data) : event.subject }),
        before: channelState(locale, asObject(before)),
        after: channelState(locale, asObject(after)),
      };
    }
    case "preference": {
      const [from, to] = generalChange(locale, asObject(before), asObject(after), timeZone);
      return { what: t.general, before: from, after: to };
    }
    case "alert": {
      const [key = ""] = event.subject.split(":");
      const state = (value: Json) =>
        value
          ? fill(t.alertOn, {
              channel: channelWord(locale, value.channel),
              frequency: frequencyWord(locale, value.frequency),
            })
          : t.none;
      const next = asObject(after);
      return {
        what: fill(t.alert, { topic: topic(key) }),
        before: state(asObject(before)),
        after: next ? state(next) : t.removed,
      };
    }
    case "cookies":
      return {
        what: t.cookies,
        before: cookieState(locale, asObject(before)),
        after: cookieState(locale, asObject(after)),
      };
    case "data": {
      const field = event.subject.replace(/^field:/, "");
      const declaration = fieldDeclarations.find((candidate) => candidate.key === field);
      const next = asObject(after);
      return {
        what: fill(t.field, { field: declaration ? declaration.label[locale].toLowerCase() : field }),
        before: asObject(before) ? t.stored : t.none,
        after: next?.forgotten ? t.forgotten : compact(after),
      };
    }
    default:
      return { what: `${event.kind} · ${event.subject}`, before: compact(before), after: compact(after) };
  }
}
