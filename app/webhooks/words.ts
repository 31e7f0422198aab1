// The words both console pages on webhooks use, in French and English: each event's name and
// what it tells, each delivery state, and each problem an endpoint's fields can have.
import { bilingual, format } from "~/lib/bilingual";
import type { Locale } from "~/lib/vocabulary";
import type { WebhookProblem } from "~/models/webhook-endpoint.server";
import type { AnyWebhookEventType } from "./events";

export const eventWords = {
  fr: {
    "preference.changed": {
      name: "Préférences modifiées",
      hint: "Un client a changé ses abonnements, canaux, pause, heures de silence ou alertes (un événement par enregistrement).",
    },
    "consent.changed": {
      name: "Consentement modifié",
      hint: "Le registre des consentements a reçu une entrée : abonnement, cookies, donnée oubliée… avec sa place dans la chaîne de preuves.",
    },
    "customer.unsubscribed": {
      name: "Désabonnement",
      hint: "Un client s'est désabonné par le lien d'un message (en un clic ou par la page) ou par STOP en SMS.",
    },
    "erasure.requested": {
      name: "Effacement demandé",
      hint: "Un client a demandé l'effacement de ses données ; il aura lieu après le délai de grâce de la marque.",
    },
    "webhook.test": { name: "Test", hint: "Envoyé par le bouton « Envoyer un test »." },
  },
  en: {
    "preference.changed": {
      name: "Preferences changed",
      hint: "A customer changed their subscriptions, channels, pause, quiet hours or alerts (one event per save).",
    },
    "consent.changed": {
      name: "Consent changed",
      hint: "The consent ledger took an entry: a subscription, cookies, a forgotten field… with its place in the chain of proof.",
    },
    "customer.unsubscribed": {
      name: "Unsubscribed",
      hint: "A customer left through a message's unsubscribe link (one-click or the page) or by texting STOP.",
    },
    "erasure.requested": {
      name: "Erasure requested",
      hint: "A customer asked for their data to be erased; it happens after the brand's grace period.",
    },
    "webhook.test": { name: "Test", hint: "Sent by the “Send a test” button." },
  },
} satisfies Record<Locale, Record<AnyWebhookEventType, { name: string; hint: string }>>;

/** An event type's name; the type itself when it is not one Mesure knows (any more). */
export function eventName(locale: Locale, type: string): string {
  const words = eventWords[locale] as Record<string, { name: string } | undefined>;
  return words[type]?.name ?? type;
}

export const deliveryStateWords = {
  fr: { pending: "En attente", delivered: "Livré", failed: "Abandonné" },
  en: { pending: "Waiting", delivered: "Delivered", failed: "Given up" },
} as const;

const problems = bilingual(
  {
    required: "Ce champ est requis.",
    tooLong: "Doit faire au plus {max} caractères.",
    url: "Doit être une adresse complète, par exemple https://crm.exemple.fr/hooks/mesure.",
    credentials: "Ne doit contenir ni nom d'utilisateur ni mot de passe : la signature suffit à authentifier.",
    https: "Doit être en https (le http n'est accepté que vers cette machine, sur une installation locale).",
    private:
      "Ne doit pas être une adresse privée, locale ou de lien local : Mesure ne l'appellera pas (sauf si OUTBOUND_PRIVATE_ADDRESSES=allow).",
    events: "Choisissez au moins un événement.",
    choice: "Événement inconnu : choisissez parmi ceux proposés.",
  },
  {
    required: "This field is required.",
    tooLong: "Must be at most {max} characters.",
    url: "Must be a full address, e.g. https://crm.example.com/hooks/mesure.",
    credentials: "Must not hold a user name or password: the signature is the authentication.",
    https: "Must be https (plain http is accepted only to this machine, on a local install).",
    private:
      "Must not be a private, loopback or link-local address: Mesure will not call it (unless OUTBOUND_PRIVATE_ADDRESSES=allow).",
    events: "Choose at least one event.",
    choice: "Unknown event: choose among those offered.",
  },
);

const LIMITS: Record<string, number> = { url: 2000, description: 200 };

/** Each field's problem, worded for the page. */
export function problemMessages(locale: Locale, found: Record<string, WebhookProblem>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(found).map(([field, problem]) => [
      field,
      format(problems[locale][problem] ?? problems[locale].url, { max: LIMITS[field] ?? 200 }),
    ]),
  );
}
