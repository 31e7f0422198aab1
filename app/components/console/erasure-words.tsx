// Erasure requests in the console's words, French and English: statuses, filters, each
// system's state, and the time left before the one-month deadline (overdue said in words and
// with an icon, never by colour alone).
import { useLocale } from "~/components/use-t";
import { plural } from "~/lib/bilingual";

export const erasureWords = {
  fr: {
    statuses: {
      scheduled: "en délai de grâce",
      propagating: "en cours dans les systèmes",
      completed: "terminée",
      cancelled: "annulée",
    },
    filters: {
      all: "Toutes",
      open: "Ouvertes",
      overdue: "En retard",
      scheduled: "En délai de grâce",
      propagating: "En cours dans les systèmes",
      completed: "Terminées",
      cancelled: "Annulées",
    },
    vias: { portal: "portail", email_code: "code par e-mail", api: "API", cli: "ligne de commande" },
    systems: { waiting: "pas encore prévenu", pending: "en attente de confirmation", acknowledged: "a confirmé" },
    closed: "close",
    overdueOne: "En retard de {count} jour",
    overdueMany: "En retard de {count} jours",
    leftOne: "{count} jour restant",
    leftMany: "{count} jours restants",
  },
  en: {
    statuses: {
      scheduled: "in its grace period",
      propagating: "under way in the systems",
      completed: "completed",
      cancelled: "cancelled",
    },
    filters: {
      all: "All",
      open: "Open",
      overdue: "Overdue",
      scheduled: "In their grace period",
      propagating: "Under way in the systems",
      completed: "Completed",
      cancelled: "Cancelled",
    },
    vias: { portal: "portal", email_code: "email code", api: "API", cli: "command line" },
    systems: { waiting: "not told yet", pending: "waiting for confirmation", acknowledged: "confirmed" },
    closed: "closed",
    overdueOne: "Overdue by {count} day",
    overdueMany: "Overdue by {count} days",
    leftOne: "{count} day left",
    leftMany: "{count} days left",
  },
} as const;

export function statusName(locale: "fr" | "en", status: string): string {
  return (erasureWords[locale].statuses as Record<string, string>)[status] ?? status;
}

export function viaName(locale: "fr" | "en", via: string): string {
  return (erasureWords[locale].vias as Record<string, string>)[via] ?? via;
}

/** "12 days left", or "⚠ Overdue by 3 days"; "closed" once completed or cancelled. */
export function TimeLeft({ overdue, status, days }: { overdue: boolean; status: string; days: number }) {
  const locale = useLocale();
  const words = erasureWords[locale];
  if (status === "completed" || status === "cancelled") return <span className="muted">{words.closed}</span>;
  if (overdue) {
    return (
      <strong className="overdue-flag">
        <span aria-hidden="true">⚠ </span>
        {plural(locale, Math.max(1, -days), words.overdueOne, words.overdueMany)}
      </strong>
    );
  }
  return <>{plural(locale, days, words.leftOne, words.leftMany)}</>;
}
