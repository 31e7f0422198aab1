// French and English text for every page. Each message exists in both languages (the type of
// `en` is the type of `fr`, so a missing translation is a type error), and the locale is chosen
// per request: ?lang=, then the visitor's cookie, then Accept-Language, then French.
import { locales, type Locale } from "./vocabulary";

const fr = {
  "meta.title": "Mesure — préférences et fréquence des communications",
  "meta.description":
    "Chacun choisit ce qu'il reçoit, à quelle fréquence et sur quel canal ; Mesure le fait respecter à chaque envoi.",
  "nav.skip": "Aller au contenu",
  "nav.language": "Langue",
  "nav.switchTo": "English",
  "home.tagline": "Moins, et mieux.",
  "home.lead":
    "Mesure est un centre de préférences et un gestionnaire de fréquence des communications. Les clients d'une marque choisissent ce qu'ils reçoivent, à quelle fréquence, sur quel canal et ce que la marque peut conserver sur eux ; chaque e-mail, SMS et notification passe ensuite par une seule politique qui respecte ces choix.",
  "home.audiences": "Pour qui",
  "home.customers.title": "Les clients",
  "home.customers.body":
    "Un portail calme, en français et en anglais, pour choisir sujets, alertes, fréquence, heures de silence et pauses, et comprendre pourquoi chaque message est arrivé.",
  "home.brands.title": "Les marques",
  "home.brands.body":
    "Le portail et le bandeau cookies s'intègrent au site de la marque ; la console montre ce que Mesure retient et pourquoi.",
  "home.systems.title": "Les systèmes d'envoi",
  "home.systems.body":
    "Avant chaque message, une question : « puis-je l'envoyer maintenant ? » La réponse : envoyer, attendre, regrouper dans un résumé, ou non — avec les raisons.",
  "home.demo.title": "La marque de démonstration",
  "home.demo.intro": "{name} (identifiant « {slug} ») propose ces sujets à ses clients :",
  "home.demo.missing":
    'Aucune marque de démonstration dans cette base. Créez une marque avec la ligne de commande : npm run -s mesure -- brand create --slug ma-marque --name "Ma marque".',
  "home.demo.portal":
    "Ouvrir le portail d'un client de démonstration (lien par e-mail : camille.martin@example.fr, lu sur /dev/mail)",
  "home.demo.channels": "Canaux : {channels}",
  "home.demo.frequency": "Fréquence par défaut : {frequency}",
  "kind.transactional": "Transactionnel",
  "kind.marketing": "Marketing",
  "kind.alert": "Alerte",
  "frequency.instant": "immédiate",
  "frequency.daily": "quotidienne",
  "frequency.weekly": "hebdomadaire",
  "frequency.monthly": "mensuelle",
  "channel.email": "e-mail",
  "channel.sms": "SMS",
  "channel.push": "notification",
  "channel.in_app": "dans l'application",
  "home.operators.title": "Pour commencer",
  "home.operators.body": "Créez une marque et une clé d'API depuis la ligne de commande ; le README décrit la suite.",
  "footer.health": "État du service",
  "error.title": "Une erreur est survenue",
  "error.notFound": "Cette page n'existe pas.",
  "error.forbidden": "Votre rôle ne permet pas cette action. Demandez à un propriétaire de la marque.",
  "error.generic": "Nous n'avons pas pu afficher cette page. Réessayez dans un instant.",
  "error.home": "Retour à l'accueil",
} as const;

const en: Record<keyof typeof fr, string> = {
  "meta.title": "Mesure — communication preferences and frequency",
  "meta.description":
    "Everyone chooses what they receive, how often and on which channel; Mesure enforces it on every send.",
  "nav.skip": "Skip to content",
  "nav.language": "Language",
  "nav.switchTo": "Français",
  "home.tagline": "Less, and better.",
  "home.lead":
    "Mesure is a preference center and communications frequency manager. A brand's customers choose what they hear about, how often, on which channel and what the brand may keep about them; every email, SMS and notification then passes through one policy that enforces those choices.",
  "home.audiences": "Who it serves",
  "home.customers.title": "Customers",
  "home.customers.body":
    "A calm portal, in French and English, to choose topics, alerts, frequency, quiet hours and pauses, and to see why each message arrived.",
  "home.brands.title": "Brands",
  "home.brands.body":
    "The portal and the cookie banner fit into the brand's own site; the console shows what Mesure holds back and why.",
  "home.systems.title": "Messaging systems",
  "home.systems.body":
    "Before each message, one question: \u201cmay I send this now?\u201d The answer: send, wait, fold into a digest, or don't \u2014 with the reasons.",
  "home.demo.title": "The demo brand",
  "home.demo.intro": "{name} (slug \u201c{slug}\u201d) offers its customers these topics:",
  "home.demo.missing":
    'No demo brand in this database. Create a brand from the command line: npm run -s mesure -- brand create --slug my-brand --name "My brand".',
  "home.demo.portal": "Open a demo customer's portal (link by email: james.walker@example.com, read at /dev/mail)",
  "home.demo.channels": "Channels: {channels}",
  "home.demo.frequency": "Default frequency: {frequency}",
  "kind.transactional": "Transactional",
  "kind.marketing": "Marketing",
  "kind.alert": "Alert",
  "frequency.instant": "instant",
  "frequency.daily": "daily",
  "frequency.weekly": "weekly",
  "frequency.monthly": "monthly",
  "channel.email": "email",
  "channel.sms": "SMS",
  "channel.push": "push",
  "channel.in_app": "in-app",
  "home.operators.title": "Getting started",
  "home.operators.body": "Create a brand and an API key from the command line; the README says what comes next.",
  "footer.health": "Service status",
  "error.title": "Something went wrong",
  "error.notFound": "This page does not exist.",
  "error.forbidden": "Your role does not allow this. Ask one of the brand's owners.",
  "error.generic": "We could not show this page. Please try again in a moment.",
  "error.home": "Back to the home page",
};

export type MessageKey = keyof typeof fr;
export const messages: Record<Locale, Record<MessageKey, string>> = { fr, en };

export function translate(locale: Locale, key: MessageKey, params: Record<string, string> = {}): string {
  return messages[locale][key].replace(/\{(\w+)\}/g, (match, name: string) => params[name] ?? match);
}

export const LANGUAGE_COOKIE = "mesure_lang";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

/** The first supported language in an Accept-Language header, by its q weights. */
export function localeFromAcceptLanguage(header: string | null): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.find((param) => param.trim().startsWith("q="));
      return { language: tag.trim().toLowerCase().split("-")[0], q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.language && Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((entry) => entry.language).find(isLocale) ?? null;
}

export function readCookie(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** Where this request's language comes from, in order of precedence. */
export function resolveLocale(request: Request): { locale: Locale; fromQuery: boolean } {
  const query = new URL(request.url).searchParams.get("lang");
  if (isLocale(query)) return { locale: query, fromQuery: true };
  const cookie = readCookie(request.headers.get("Cookie"), LANGUAGE_COOKIE);
  if (isLocale(cookie)) return { locale: cookie, fromQuery: false };
  return { locale: localeFromAcceptLanguage(request.headers.get("Accept-Language")) ?? "fr", fromQuery: false };
}

export function languageCookie(locale: Locale, secure: boolean): string {
  return `${LANGUAGE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax${secure ? "; Secure" : ""}`;
}
