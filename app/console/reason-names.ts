// Decision reason codes as a brand reads them in the console (the portal words them for the
// customer, in the second person): short names, French and English, the code kept beside them.
import type { ReasonCode } from "~/policy/reasons";
import type { Locale } from "~/lib/vocabulary";

const names: Record<ReasonCode | "" | "other", Record<Locale, string>> = {
  "": { fr: "sans motif", en: "no reason" },
  other: { fr: "autres motifs", en: "other reasons" },
  suppressed: { fr: "adresse sur liste d'exclusion", en: "address suppressed" },
  "channel.not_offered": { fr: "canal non proposé pour ce sujet", en: "channel not offered for the topic" },
  "channel.no_contact": { fr: "pas de coordonnée sur ce canal", en: "no contact point on the channel" },
  "channel.disabled": { fr: "canal désactivé par le client", en: "channel turned off by the customer" },
  "topic.unsubscribed": { fr: "désabonné du sujet", en: "unsubscribed from the topic" },
  "consent.missing": { fr: "pas de consentement", en: "no consent" },
  "consent.pending": { fr: "consentement à confirmer", en: "consent awaiting confirmation" },
  "tag.excluded": { fr: "sujet évité par le client", en: "subject avoided by the customer" },
  "filter.no_match": { fr: "aucune alerte ne correspond", en: "no alert matches" },
  "campaign.already_sent": { fr: "campagne déjà reçue", en: "campaign already received" },
  expired: { fr: "message expiré", en: "message expired" },
  paused: { fr: "communications en pause", en: "communications paused" },
  "frequency.digest": { fr: "regroupé dans un résumé", en: "folded into a digest" },
  "context.browsing": { fr: "mode « je regarde »", en: "\u201cjust browsing\u201d mode" },
  "context.looking": { fr: "mode « je cherche »", en: "\u201clooking for something\u201d mode" },
  quiet_hours: { fr: "heures de silence", en: "quiet hours" },
  send_window: { fr: "hors des heures d'envoi de la marque", en: "outside the brand's send window" },
  "cap.channel.day": { fr: "plafond du jour sur le canal", en: "channel's daily cap" },
  "cap.channel.week": { fr: "plafond de la semaine sur le canal", en: "channel's weekly cap" },
  "cap.global.week": { fr: "plafond de la semaine tous canaux", en: "weekly cap across channels" },
  expires_before_slot: { fr: "expirerait avant le créneau", en: "would expire before the slot" },
  "critical.bypass": { fr: "message de service essentiel", en: "essential service message" },
};

/** "quiet hours" for "quiet_hours"; an unknown code is shown as it is. */
export function reasonName(code: string, locale: Locale): string {
  return (names as Record<string, Record<Locale, string>>)[code]?.[locale] ?? code;
}
