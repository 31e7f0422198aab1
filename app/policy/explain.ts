// A decision in plain words, in the customer's language: what happens to the message and the
// reason that decided it, with times in the customer's own time zone.
import type { ReasonCode } from "./reasons";
import type { Decision, DecisionInput } from "./types";

type Locale = "fr" | "en";

const because: Record<ReasonCode, Record<Locale, string>> = {
  suppressed: { fr: "cette adresse ne doit plus être contactée", en: "this address must not be contacted any more" },
  "channel.not_offered": {
    fr: "ce sujet n'est pas proposé sur ce canal",
    en: "this topic is not offered on this channel",
  },
  "channel.no_contact": {
    fr: "aucune coordonnée n'est connue pour ce canal",
    en: "there is no contact point for this channel",
  },
  "channel.disabled": { fr: "vous avez désactivé ce canal", en: "you turned this channel off" },
  "topic.unsubscribed": { fr: "vous vous êtes désabonné(e) de ce sujet", en: "you unsubscribed from this topic" },
  "consent.missing": {
    fr: "vous n'avez pas accepté ce sujet sur ce canal",
    en: "you have not opted in to this topic on this channel",
  },
  "consent.pending": {
    fr: "votre inscription attend encore sa confirmation",
    en: "your subscription is still waiting for confirmation",
  },
  "tag.excluded": {
    fr: "il aborde un sujet que vous avez choisi d'éviter",
    en: "it is about a subject you chose to avoid",
  },
  "filter.no_match": { fr: "il ne correspond à aucune de vos alertes", en: "it matches none of your alerts" },
  "campaign.already_sent": { fr: "vous avez déjà reçu cette campagne", en: "you already received this campaign" },
  expired: { fr: "il n'est plus d'actualité", en: "it is no longer relevant" },
  paused: { fr: "vous avez mis vos communications en pause", en: "you paused your communications" },
  "frequency.digest": { fr: "vous recevez ce sujet en résumé", en: "you get this topic in a digest" },
  "context.browsing": { fr: "vous êtes en mode « je regarde »", en: "you are in \u201cjust browsing\u201d mode" },
  "context.looking": { fr: "vous cherchez quelque chose en ce moment", en: "you are looking for something right now" },
  quiet_hours: { fr: "ce sont vos heures de silence", en: "these are your quiet hours" },
  send_window: {
    fr: "la marque n'envoie pas sur ce canal à cette heure-là",
    en: "the brand does not send on this channel at this time",
  },
  "cap.channel.day": {
    fr: "vous avez atteint votre limite du jour sur ce canal",
    en: "you reached your daily limit on this channel",
  },
  "cap.channel.week": {
    fr: "vous avez atteint votre limite de la semaine sur ce canal",
    en: "you reached your weekly limit on this channel",
  },
  "cap.global.week": {
    fr: "vous avez atteint votre limite de la semaine, tous canaux confondus",
    en: "you reached your weekly limit across all channels",
  },
  expires_before_slot: { fr: "il aurait expiré avant", en: "it would have expired by then" },
  "critical.bypass": { fr: "il s'agit d'un message de service essentiel", en: "it is an essential service message" },
};

/** A reason in plain words, for the portal's history ("you paused your communications"). */
export function reasonText(reason: ReasonCode, locale: Locale): string {
  return because[reason][locale];
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
// Formatting is the costliest step of a decision (≈ 13 µs), and the instants repeat: digest
// slots and window ends are shared by every customer of a time zone. Bounded, cleared when full.
const formatted = new Map<string, string>();
function formatTime(instant: number, locale: Locale, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  const memo = `${key}|${instant}`;
  const known = formatted.get(memo);
  if (known !== undefined) return known;
  if (formatted.size >= 10_000) formatted.clear();
  const text = formatter(key, locale, timeZone).format(instant);
  formatted.set(memo, text);
  return text;
}

function formatter(key: string, locale: Locale, timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
      timeZone,
      weekday: "long",
      day: "numeric",
      month: "long",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    });
    dateFormats.set(key, format);
  }
  return format;
}

export function explain(decision: Omit<Decision, "explanation">, { customer }: DecisionInput): string {
  const locale = customer.locale;
  const reason = decision.reasons[0];
  const why = reason ? because[reason][locale] : "";
  const fr = locale === "fr";
  const when = (instant: number | null) => (instant === null ? "" : formatTime(instant, locale, customer.timezone));
  switch (decision.verdict) {
    case "send":
      return reason
        ? fr
          ? `Envoi maintenant : ${why}.`
          : `Sent now: ${why}.`
        : fr
          ? "Envoi maintenant : vos réglages le permettent."
          : "Sent now: your settings allow it.";
    case "defer":
      return fr
        ? `Reporté au ${when(decision.notBefore)} : ${why}.`
        : `Held until ${when(decision.notBefore)}: ${why}.`;
    case "digest":
      return fr
        ? `Regroupé dans votre résumé du ${when(decision.digestAt)} : ${why}.`
        : `Folded into your digest of ${when(decision.digestAt)}: ${why}.`;
    case "deny": {
      const extra =
        decision.reasons.includes("expires_before_slot") && reason !== "expires_before_slot"
          ? because.expires_before_slot[locale]
          : null;
      const text = extra ? `${why}, ${fr ? "et" : "and"} ${extra}` : why;
      return fr ? `Non envoyé : ${text}.` : `Not sent: ${text}.`;
    }
  }
}
