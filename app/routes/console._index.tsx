// /console: the dashboard, for a brand that would rather look than read. Charts drawn on the
// server (decisions per day by verdict, why messages were held back, what waits in the outbox,
// cookie consent per category over time, opt-outs per topic) and the privacy requests past their
// deadline. Every member may see it; the range (7, 30 or 90 days) is a plain GET form.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { formatCount, formatShare, shortDay } from "~/components/console/chart-scale";
import { HorizontalBarChart, LineChart, StackedBarChart } from "~/components/console/charts";
import { ConsolePage } from "~/components/console/page";
import { FieldError, invalid } from "~/components/portal/form";
import { channelTitle, formatDate } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { loadDashboard } from "~/console/dashboard.server";
import { reasonName } from "~/console/reason-names";
import { HELD_BACK, RANGES, VERDICTS } from "~/console/verdicts";
import { bilingual, format, plural } from "~/lib/bilingual";
import { resolveLocale } from "~/lib/i18n";
import { Channel, type Locale } from "~/lib/vocabulary";

const text = bilingual(
  {
    title: "Tableau de bord",
    lead: "Ce que Mesure a décidé pour vos messages, ce qu'il retient et pourquoi, et ce que vos clients ont choisi. Les jours sont comptés en temps universel (UTC).",
    range: "Période",
    last: "{count} derniers jours",
    show: "Afficher",
    badRange: "Choisissez 7, 30 ou 90 jours.",
    decisionsTitle: "Décisions par jour",
    decisionsDesc:
      "{total} décisions sur {days} jours : {send} envoyées, {defer} différées, {digest} regroupées en résumé, {deny} refusées.",
    busiest: " Jour le plus chargé : {day} ({count}).",
    day: "Jour",
    send: "Envoyé",
    defer: "Différé",
    digest: "En résumé",
    deny: "Refusé",
    reasonsTitle: "Pourquoi des messages ont été retenus",
    reasonsDesc: "Premier motif des décisions qui n'ont pas envoyé tout de suite, du plus fréquent au moins fréquent.",
    reasonsTop: " En tête : {reason} ({count}).",
    reason: "Motif",
    heldTitle: "Messages retenus",
    heldDesc:
      "Décisions de la période qui ont retenu un message, selon qui a demandé : {api} par l'API de décision, {scheduler} par le planificateur.",
    verdict: "Décision",
    api: "API de décision",
    scheduler: "Planificateur",
    heldNow: "En attente dans la file d'envoi en ce moment",
    deferredNow: "Différés (heures de silence, plafonds, pause…)",
    digestedNow: "Regroupés dans un prochain résumé",
    heldRange: "Retenus sur la période",
    cookiesTitle: "Consentement aux cookies par catégorie",
    cookiesDesc: "Part des choix de chaque jour qui acceptent chaque catégorie ; {choices} choix sur la période.",
    cookiesOverall: " {category} : {share} sur la période.",
    cookiesNone: "Aucune catégorie facultative dans la configuration des cookies.",
    optOutsTitle: "Désabonnements par sujet",
    optOutsDesc: "Désabonnements de la période par sujet et par canal : {total} au total.",
    topic: "Sujet",
    overdueTitle: "Demandes d'effacement en retard",
    overdueNone: "Aucune demande en retard : toutes les demandes ouvertes sont dans leur délai d'un mois.",
    overdueOne: "{count} demande a dépassé son délai d'un mois.",
    overdueMany: "{count} demandes ont dépassé leur délai d'un mois.",
    overdueCaption: "Demandes en retard, la plus ancienne échéance d'abord",
    request: "Demande",
    status: "État",
    requested: "Reçue le",
    deadline: "Échéance",
    late: "Retard",
    daysLate: "{count} jour",
    daysLateMany: "{count} jours",
    scheduled: "en délai de grâce",
    propagating: "en cours dans les systèmes",
    seeAll: "Toutes les demandes",
    more: "Les 20 plus anciennes sont listées.",
  },
  {
    title: "Dashboard",
    lead: "What Mesure decided for your messages, what it holds back and why, and what your customers chose. Days are counted in Coordinated Universal Time (UTC).",
    range: "Period",
    last: "Last {count} days",
    show: "Show",
    badRange: "Choose 7, 30 or 90 days.",
    decisionsTitle: "Decisions per day",
    decisionsDesc:
      "{total} decisions over {days} days: {send} sent, {defer} deferred, {digest} folded into a digest, {deny} denied.",
    busiest: " Busiest day: {day} ({count}).",
    day: "Day",
    send: "Sent",
    defer: "Deferred",
    digest: "Digest",
    deny: "Denied",
    reasonsTitle: "Why messages were held back",
    reasonsDesc: "The first reason of the decisions that did not send at once, most frequent first.",
    reasonsTop: " Leading: {reason} ({count}).",
    reason: "Reason",
    heldTitle: "Messages held back",
    heldDesc:
      "Decisions of the period that held a message back, by who asked: {api} through the decision API, {scheduler} by the scheduler.",
    verdict: "Decision",
    api: "Decision API",
    scheduler: "Scheduler",
    heldNow: "Waiting in the outbox right now",
    deferredNow: "Deferred (quiet hours, caps, pause…)",
    digestedNow: "Folded into an upcoming digest",
    heldRange: "Held back over the period",
    cookiesTitle: "Cookie consent per category",
    cookiesDesc: "Share of each day's choices that accept each category; {choices} choices over the period.",
    cookiesOverall: " {category}: {share} over the period.",
    cookiesNone: "No optional category in the cookie configuration.",
    optOutsTitle: "Opt-outs per topic",
    optOutsDesc: "Unsubscribes of the period per topic and channel: {total} in all.",
    topic: "Topic",
    overdueTitle: "Overdue erasure requests",
    overdueNone: "No overdue request: every open request is within its one-month deadline.",
    overdueOne: "{count} request is past its one-month deadline.",
    overdueMany: "{count} requests are past their one-month deadline.",
    overdueCaption: "Overdue requests, earliest deadline first",
    request: "Request",
    status: "Status",
    requested: "Received",
    deadline: "Deadline",
    late: "Late by",
    daysLate: "{count} day",
    daysLateMany: "{count} days",
    scheduled: "in its grace period",
    propagating: "under way in the systems",
    seeAll: "All requests",
    more: "The 20 oldest are listed.",
  },
);

const Range = z.enum(RANGES);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { locale } = resolveLocale(request);
  const asked = new URL(request.url).searchParams.get("days");
  const range = Range.safeParse(asked ?? "30");
  const days = range.success ? Number(range.data) : 30;
  const { db } = context.services;
  const [dashboard, brand] = await Promise.all([
    loadDashboard(db, visit.brand.id, { days, now: new Date() }),
    db.brand.findUniqueOrThrow({ where: { id: visit.brand.id }, select: { defaultTimezone: true } }),
  ]);
  const body = {
    range: days,
    errors: range.success ? null : { days: text[locale].badRange },
    timezone: brand.defaultTimezone,
    ...dashboard,
    overdue: {
      count: dashboard.overdue.count,
      requests: dashboard.overdue.requests.map((entry) => ({
        ...entry,
        requestedAt: entry.requestedAt.toISOString(),
        deadlineAt: entry.deadlineAt.toISOString(),
      })),
    },
  };
  // A range that is not offered is a bad request; the page still shows, with the default range.
  return data(body, { status: range.success ? 200 : 400 });
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

function channelLabel(locale: Locale, channel: string): string {
  const parsed = Channel.safeParse(channel);
  return parsed.success ? channelTitle(locale, parsed.data) : channel;
}

export default function Dashboard() {
  const loaded = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  return (
    <ConsolePage title={t.title} lead={t.lead}>
      <Form method="get" className="range-form">
        <label htmlFor="days">{t.range}</label>
        <select id="days" name="days" defaultValue={String(loaded.range)} {...invalid("days", loaded.errors)}>
          {RANGES.map((value) => (
            <option key={value} value={value}>
              {format(t.last, { count: value })}
            </option>
          ))}
        </select>
        <button type="submit" className="button secondary">
          {t.show}
        </button>
        <FieldError name="days" errors={loaded.errors} />
      </Form>
      {/* What the brand must act on comes first. */}
      <OverduePanel loaded={loaded} locale={locale} />
      <DecisionsPanel loaded={loaded} locale={locale} />
      <div className="console-grid">
        <ReasonsPanel loaded={loaded} locale={locale} />
        <HeldBackPanel loaded={loaded} locale={locale} />
      </div>
      <CookiesPanel loaded={loaded} locale={locale} />
      <OptOutsPanel loaded={loaded} locale={locale} />
    </ConsolePage>
  );
}

function DecisionsPanel({ loaded, locale }: { loaded: Loaded; locale: Locale }) {
  const t = text[locale];
  const sum = (verdict: (typeof VERDICTS)[number]) =>
    loaded.perDay.reduce((total, entry) => total + entry.counts[verdict], 0);
  const total = loaded.perDay.reduce((all, entry) => all + entry.total, 0);
  const busiest = loaded.perDay.reduce((best, entry) => (entry.total > best.total ? entry : best), loaded.perDay[0]!);
  const desc =
    format(t.decisionsDesc, {
      total: formatCount(total, locale),
      days: loaded.range,
      send: formatCount(sum("send"), locale),
      defer: formatCount(sum("defer"), locale),
      digest: formatCount(sum("digest"), locale),
      deny: formatCount(sum("deny"), locale),
    }) +
    (busiest && busiest.total > 0
      ? format(t.busiest, { day: shortDay(busiest.day, locale), count: formatCount(busiest.total, locale) })
      : "");
  return (
    <section className="console-card" aria-labelledby="decisions-heading">
      <h2 id="decisions-heading">{t.decisionsTitle}</h2>
      <p className="muted">{desc}</p>
      <StackedBarChart
        id="decisions"
        title={t.decisionsTitle}
        desc={desc}
        locale={locale}
        rowHeader={t.day}
        series={VERDICTS.map((verdict) => ({ key: verdict, label: t[verdict] }))}
        rows={loaded.perDay.map((entry) => ({ label: shortDay(entry.day, locale), values: entry.counts }))}
      />
    </section>
  );
}

function ReasonsPanel({ loaded, locale }: { loaded: Loaded; locale: Locale }) {
  const t = text[locale];
  const label = (reason: string) =>
    reason && reason !== "other" ? `${reasonName(reason, locale)} (${reason})` : reasonName(reason, locale);
  const top = loaded.reasons[0];
  const desc =
    t.reasonsDesc +
    (top ? format(t.reasonsTop, { reason: label(top.reason), count: formatCount(top.total, locale) }) : "");
  return (
    <section className="console-card" aria-labelledby="reasons-heading">
      <h2 id="reasons-heading">{t.reasonsTitle}</h2>
      <HorizontalBarChart
        id="reasons"
        title={t.reasonsTitle}
        desc={desc}
        locale={locale}
        rowHeader={t.reason}
        series={HELD_BACK.map((verdict) => ({ key: verdict, label: t[verdict] }))}
        rows={loaded.reasons.map((entry) => ({
          label: reasonName(entry.reason, locale),
          note: entry.reason && entry.reason !== "other" ? entry.reason : undefined,
          values: entry.counts,
        }))}
      />
    </section>
  );
}

function HeldBackPanel({ loaded, locale }: { loaded: Loaded; locale: Locale }) {
  const t = text[locale];
  const held = (source: "api" | "scheduler") =>
    HELD_BACK.reduce((sum, verdict) => sum + loaded.totals[source][verdict], 0);
  const desc = format(t.heldDesc, {
    api: formatCount(held("api"), locale),
    scheduler: formatCount(held("scheduler"), locale),
  });
  return (
    <section className="console-card" aria-labelledby="held-heading">
      <h2 id="held-heading">{t.heldTitle}</h2>
      <h3>{t.heldNow}</h3>
      <dl className="figures">
        <div>
          <dt>{t.deferredNow}</dt>
          <dd>{formatCount(loaded.waiting.deferred, locale)}</dd>
        </div>
        <div>
          <dt>{t.digestedNow}</dt>
          <dd>{formatCount(loaded.waiting.digested, locale)}</dd>
        </div>
      </dl>
      <h3>{t.heldRange}</h3>
      <HorizontalBarChart
        id="held"
        title={t.heldTitle}
        desc={desc}
        locale={locale}
        rowHeader={t.verdict}
        series={[
          { key: "api", label: t.api },
          { key: "scheduler", label: t.scheduler },
        ]}
        rows={HELD_BACK.map((verdict) => ({
          label: t[verdict],
          values: { api: loaded.totals.api[verdict], scheduler: loaded.totals.scheduler[verdict] },
        }))}
      />
    </section>
  );
}

function CookiesPanel({ loaded, locale }: { loaded: Loaded; locale: Locale }) {
  const t = text[locale];
  const choices = loaded.cookieRates.reduce((sum, entry) => sum + entry.choices, 0);
  const overall = loaded.cookieCategories
    .map((category) => {
      const accepted = loaded.cookieRates.reduce(
        (sum, entry) => sum + (entry.rates[category.key] ?? 0) * entry.choices,
        0,
      );
      return choices === 0
        ? ""
        : format(t.cookiesOverall, { category: category.name[locale], share: formatShare(accepted / choices, locale) });
    })
    .join("");
  const desc = format(t.cookiesDesc, { choices: formatCount(choices, locale) }) + overall;
  return (
    <section className="console-card" aria-labelledby="cookies-heading">
      <h2 id="cookies-heading">{t.cookiesTitle}</h2>
      <p className="muted">{desc}</p>
      {loaded.cookieCategories.length === 0 ? (
        <p>{t.cookiesNone}</p>
      ) : (
        <LineChart
          id="cookies"
          title={t.cookiesTitle}
          desc={desc}
          locale={locale}
          rowHeader={t.day}
          series={loaded.cookieCategories.map((category) => ({ key: category.key, label: category.name[locale] }))}
          rows={loaded.cookieRates.map((entry) => ({ label: shortDay(entry.day, locale), values: entry.rates }))}
        />
      )}
    </section>
  );
}

function OptOutsPanel({ loaded, locale }: { loaded: Loaded; locale: Locale }) {
  const t = text[locale];
  const channels = [...new Set(loaded.optOuts.flatMap((entry) => Object.keys(entry.channels)))].sort();
  const total = loaded.optOuts.reduce((sum, entry) => sum + entry.total, 0);
  const desc = format(t.optOutsDesc, { total: formatCount(total, locale) });
  return (
    <section className="console-card" aria-labelledby="optouts-heading">
      <h2 id="optouts-heading">{t.optOutsTitle}</h2>
      <HorizontalBarChart
        id="optouts"
        title={t.optOutsTitle}
        desc={desc}
        locale={locale}
        rowHeader={t.topic}
        series={channels.map((channel) => ({ key: channel, label: channelLabel(locale, channel) }))}
        rows={loaded.optOuts.map((entry) => ({
          label: entry.name ? entry.name[locale] : entry.topic,
          note: entry.name ? entry.topic : undefined,
          values: entry.channels,
        }))}
      />
    </section>
  );
}

function OverduePanel({ loaded, locale }: { loaded: Loaded; locale: Locale }) {
  const t = text[locale];
  const { count, requests } = loaded.overdue;
  return (
    <section className="console-card" aria-labelledby="overdue-heading">
      <h2 id="overdue-heading">{t.overdueTitle}</h2>
      {count === 0 ? (
        <p className="status status-ok">{t.overdueNone}</p>
      ) : (
        <>
          <p className="overdue-count">
            <strong>{plural(locale, count, t.overdueOne, t.overdueMany)}</strong>
            {count > requests.length ? ` ${t.more}` : ""}
          </p>
          <div className="table-scroll">
            <table className="table">
              <caption>{t.overdueCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.request}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col">{t.requested}</th>
                  <th scope="col">{t.deadline}</th>
                  <th scope="col" className="number">
                    {t.late}
                  </th>
                </tr>
              </thead>
              <tbody>
                {requests.map((entry) => (
                  <tr key={entry.id} className="overdue">
                    <th scope="row" className="identifier">
                      <Link to={`/console/privacy/${entry.id}`}>{entry.id}</Link>
                    </th>
                    <td>{entry.status === "propagating" ? t.propagating : t.scheduled}</td>
                    <td>{formatDate(locale, entry.requestedAt, loaded.timezone)}</td>
                    <td>{formatDate(locale, entry.deadlineAt, loaded.timezone)}</td>
                    <td className="number">{plural(locale, entry.daysLate, t.daysLate, t.daysLateMany)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p>
        <Link to="/console/privacy">{t.seeAll}</Link>
      </p>
    </section>
  );
}
