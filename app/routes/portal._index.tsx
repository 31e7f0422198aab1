// The overview: what the customer will receive in a typical week, computed by the policy engine
// from their settings, and the quick actions for the moments when that is too much.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CsrfField } from "~/components/portal/form";
import { useLocale } from "~/components/use-t";
import { bilingual, format, plural } from "~/lib/bilingual";
import { requireVisit } from "~/lib/portal-auth.server";
import { channels, type Channel, type Locale } from "~/lib/vocabulary";
import { weeklyEstimate } from "~/models/portal-estimate.server";
import { channelName, formatDate } from "~/components/portal/words";

const text = bilingual(
  {
    title: "Vue d'ensemble",
    estimate: "Ce que vous recevrez",
    estimateLead: "Selon vos réglages actuels, pour une semaine ordinaire :",
    nothing: "Rien, sauf les messages de service essentiels s'il y en a.",
    about: "environ {count} par semaine",
    lessThanOne: "moins d'un par semaine",
    digest: "dont {count} résumé",
    digests: "dont {count} résumés",
    total: "Au total : {summary}.",
    how: "Estimation faite par les mêmes règles que celles appliquées à chaque envoi : vos abonnements, leur fréquence, vos heures de silence, vos limites et vos pauses.",
    paused: "Vos communications sont en pause jusqu'au {date}.",
    looking: "Mode « je cherche quelque chose » jusqu'au {date} : vos alertes choisies arrivent tout de suite.",
    browsing: "Mode « je regarde » jusqu'au {date} : tout passe par votre résumé hebdomadaire.",
    quick: "Actions rapides",
    pauseWeek: "Pause d'une semaine",
    pauseMonth: "Pause d'un mois",
    resume: "Reprendre maintenant",
    browse: "Je regarde seulement (14 jours)",
    endContext: "Revenir à la normale",
    more: "Plus de choix pour la pause et le contexte",
    change: "Modifier mes abonnements",
  },
  {
    title: "Overview",
    estimate: "What you will receive",
    estimateLead: "With your current settings, in an ordinary week:",
    nothing: "Nothing, apart from essential service messages if there are any.",
    about: "about {count} a week",
    lessThanOne: "less than one a week",
    digest: "including {count} digest",
    digests: "including {count} digests",
    total: "In all: {summary}.",
    how: "Estimated by the same rules applied to every send: your subscriptions, their frequency, your quiet hours, your limits and your pauses.",
    paused: "Your communications are paused until {date}.",
    looking: "\u201cLooking for something\u201d until {date}: the alerts you chose arrive at once.",
    browsing: "\u201cJust browsing\u201d until {date}: everything goes to your weekly digest.",
    quick: "Quick actions",
    pauseWeek: "Pause for a week",
    pauseMonth: "Pause for a month",
    resume: "Resume now",
    browse: "Just browsing (14 days)",
    endContext: "Back to normal",
    more: "More choices for pause and context",
    change: "Change my subscriptions",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const now = Date.now();
  const estimate = await weeklyEstimate(context.services, {
    brandId: visit.brand.id,
    externalId: visit.customer.externalId,
  });
  const preference = await context.services.db.customerPreference.findUnique({
    where: { customerId: visit.customer.id },
    select: { pausedUntil: true, contextMode: true, contextUntil: true },
  });
  const active = (date: Date | null | undefined) => (date && date.getTime() > now ? date.toISOString() : null);
  return {
    timezone: visit.customer.timezone,
    estimate: estimate
      ? channels
          .map((channel) => ({ channel, ...estimate[channel] }))
          .filter((row) => row.messages + row.digests > 0.05)
      : [],
    pausedUntil: active(preference?.pausedUntil),
    context:
      preference && preference.contextMode !== "none" && active(preference.contextUntil)
        ? { mode: preference.contextMode as "looking" | "browsing", until: preference.contextUntil!.toISOString() }
        : null,
  };
}

function amount(locale: Locale, count: number): string {
  const t = text[locale];
  return count < 0.75 ? t.lessThanOne : format(t.about, { count: Math.round(count) });
}

function summary(locale: Locale, rows: { channel: Channel; messages: number; digests: number }[]): string {
  const parts = rows.map((row) => {
    const count = Math.max(1, Math.round(row.messages + row.digests));
    return `${count} ${channelName(locale, row.channel, count)}`;
  });
  const and = locale === "fr" ? " et " : " and ";
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")}${and}${parts.at(-1)}` : (parts[0] ?? "");
}

export default function Overview() {
  const { estimate, pausedUntil, context, timezone } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  return (
    <>
      <h1>{t.title}</h1>
      {pausedUntil ? (
        <p className="notice">{format(t.paused, { date: formatDate(locale, pausedUntil, timezone) })}</p>
      ) : null}
      {context ? (
        <p className="notice">
          {format(context.mode === "looking" ? t.looking : t.browsing, {
            date: formatDate(locale, context.until, timezone),
          })}
        </p>
      ) : null}
      <section aria-labelledby="estimate-title" className="card">
        <h2 id="estimate-title">{t.estimate}</h2>
        <p>{t.estimateLead}</p>
        {estimate.length === 0 ? (
          <p>{t.nothing}</p>
        ) : (
          <>
            <ul className="estimate">
              {estimate.map((row) => (
                <li key={row.channel}>
                  <strong>{channelName(locale, row.channel, 2)}</strong> : {amount(locale, row.messages + row.digests)}
                  {row.digests >= 0.5 ? ` (${plural(locale, Math.round(row.digests), t.digest, t.digests)})` : null}
                </li>
              ))}
            </ul>
            <p className="estimate-total">{format(t.total, { summary: summary(locale, estimate) })}</p>
          </>
        )}
        <p className="hint">{t.how}</p>
        <p>
          <Link to="/portal/subscriptions">{t.change}</Link>
        </p>
      </section>
      <section aria-labelledby="quick-title" className="card">
        <h2 id="quick-title">{t.quick}</h2>
        <div className="actions">
          {pausedUntil ? (
            <QuickAction intent="resume" label={t.resume} />
          ) : (
            <>
              <QuickAction intent="pause-week" label={t.pauseWeek} />
              <QuickAction intent="pause-month" label={t.pauseMonth} />
            </>
          )}
          {context ? (
            <QuickAction intent="context-end" label={t.endContext} />
          ) : (
            <QuickAction intent="browse" label={t.browse} />
          )}
        </div>
        <p>
          <Link to="/portal/pause">{t.more}</Link>
        </p>
      </section>
    </>
  );
}

function QuickAction({ intent, label }: { intent: string; label: string }) {
  return (
    <Form method="post" action="/portal/pause">
      <CsrfField />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="returnTo" value="/portal" />
      <button type="submit" className="button secondary">
        {label}
      </button>
    </Form>
  );
}
