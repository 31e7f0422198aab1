// The domain's words in both languages, shared by the portal's pages: channels, frequencies,
// dates in the customer's time zone.
import type { Channel, Frequency, Locale } from "~/lib/vocabulary";

const channelWords: Record<Locale, Record<Channel, [string, string]>> = {
  fr: {
    email: ["e-mail", "e-mails"],
    sms: ["SMS", "SMS"],
    push: ["notification", "notifications"],
    in_app: ["message dans l'application", "messages dans l'application"],
  },
  en: {
    email: ["email", "emails"],
    sms: ["SMS", "SMS"],
    push: ["push notification", "push notifications"],
    in_app: ["in-app message", "in-app messages"],
  },
};

export function channelName(locale: Locale, channel: Channel, count = 1): string {
  const [one, many] = channelWords[locale][channel];
  return count > 1 ? many : one;
}

/** The channel as a column or section title. */
export function channelTitle(locale: Locale, channel: Channel): string {
  const titles: Record<Locale, Record<Channel, string>> = {
    fr: { email: "E-mail", sms: "SMS", push: "Notifications", in_app: "Dans l'application" },
    en: { email: "Email", sms: "SMS", push: "Push notifications", in_app: "In the app" },
  };
  return titles[locale][channel];
}

const frequencyWords: Record<Locale, Record<Frequency, string>> = {
  fr: {
    instant: "Tout de suite",
    daily: "Une fois par jour",
    weekly: "Une fois par semaine",
    monthly: "Une fois par mois",
  },
  en: { instant: "Right away", daily: "Once a day", weekly: "Once a week", monthly: "Once a month" },
};

export function frequencyName(locale: Locale, frequency: Frequency): string {
  return frequencyWords[locale][frequency];
}

export function formatDate(locale: Locale, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(new Date(iso));
}

export function formatDateTime(locale: Locale, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

export function topicName(locale: Locale, topic: { nameFr: string; nameEn: string }): string {
  return locale === "fr" ? topic.nameFr : topic.nameEn;
}

export function topicDescription(locale: Locale, topic: { descriptionFr: string; descriptionEn: string }): string {
  return locale === "fr" ? topic.descriptionFr : topic.descriptionEn;
}
