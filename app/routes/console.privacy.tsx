// /console/privacy: the brand's erasure requests, overdue ones first (marked in words and with
// an icon, not by colour alone), with their dates, the days left before the one-month deadline
// and how many systems have confirmed. Filter by status with a plain GET form; viewers may read.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { erasureWords, statusName, TimeLeft } from "~/components/console/erasure-words";
import { ConsolePage } from "~/components/console/page";
import { FieldError, invalid } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { daysLeft } from "~/console/dashboard.server";
import { listRequestsForConsole, RequestIdParam } from "~/console/privacy-requests.server";
import { REQUEST_FILTERS, RequestFilter } from "~/console/request-filters";
import { bilingual, format } from "~/lib/bilingual";
import { resolveLocale } from "~/lib/i18n";

const text = bilingual(
  {
    title: "Demandes RGPD",
    lead: "Les demandes d'effacement de vos clients. La loi vous donne un mois à compter de la demande : Mesure efface chez lui, puis prévient chacun de vos systèmes (connecteurs) jusqu'à ce qu'il confirme.",
    filter: "Afficher",
    apply: "Filtrer",
    badFilter: "Choisissez un des états proposés.",
    badCursor: "Ce lien de page n'est pas valable.",
    caption: "Demandes d'effacement, celles en retard d'abord (heure de {zone})",
    request: "Demande",
    customer: "Client",
    status: "État",
    requested: "Reçue",
    executeAt: "Exécution",
    deadline: "Échéance",
    left: "Délai",
    systems: "Systèmes",
    acknowledged: "{done} sur {total} ont confirmé",
    notYet: "prévenus à l'exécution",
    none: "Aucune demande.",
    erased: "effacé",
    older: "Demandes plus anciennes",
    first: "Première page",
  },
  {
    title: "Privacy requests",
    lead: "Your customers' erasure requests. The law gives you one month from the request: Mesure erases its own copy, then tells each of your systems (connectors) until it confirms.",
    filter: "Show",
    apply: "Filter",
    badFilter: "Choose one of the statuses offered.",
    badCursor: "This page link is not valid.",
    caption: "Erasure requests, overdue ones first (times in {zone})",
    request: "Request",
    customer: "Customer",
    status: "Status",
    requested: "Received",
    executeAt: "Runs",
    deadline: "Deadline",
    left: "Time left",
    systems: "Systems",
    acknowledged: "{done} of {total} confirmed",
    notYet: "told when it runs",
    none: "No request.",
    erased: "erased",
    older: "Older requests",
    first: "First page",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { locale } = resolveLocale(request);
  const params = new URL(request.url).searchParams;
  const filter = RequestFilter.safeParse(params.get("status") ?? "all");
  const cursorParam = params.get("cursor");
  const cursor = cursorParam === null ? null : RequestIdParam.safeParse(cursorParam);
  const errors: Record<string, string> = {};
  if (!filter.success) errors.status = text[locale].badFilter;
  if (cursor && !cursor.success) errors.cursor = text[locale].badCursor;
  const { db } = context.services;
  const now = new Date();
  const [page, brand] = await Promise.all([
    listRequestsForConsole(db, visit.brand.id, {
      filter: filter.success ? filter.data : "all",
      now,
      cursor: cursor?.success ? cursor.data : undefined,
    }),
    db.brand.findUniqueOrThrow({ where: { id: visit.brand.id }, select: { defaultTimezone: true } }),
  ]);
  const body = {
    filter: filter.success ? filter.data : "all",
    paged: Boolean(cursor?.success),
    errors: Object.keys(errors).length ? errors : null,
    timezone: brand.defaultTimezone,
    next: page.next,
    requests: page.requests.map((entry) => ({
      ...entry,
      requestedAt: entry.requestedAt.toISOString(),
      executeAt: entry.executeAt.toISOString(),
      deadlineAt: entry.deadlineAt.toISOString(),
      completedAt: entry.completedAt?.toISOString() ?? null,
      cancelledAt: entry.cancelledAt?.toISOString() ?? null,
      daysLeft: daysLeft(entry.deadlineAt, now),
    })),
  };
  return data(body, { status: body.errors ? 400 : 200 });
}

export default function PrivacyRequests() {
  const loaded = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  const words = erasureWords[locale];
  const nextParams = new URLSearchParams({ status: loaded.filter, cursor: loaded.next ?? "" });
  return (
    <ConsolePage title={t.title} lead={t.lead}>
      <Form method="get" className="range-form">
        <label htmlFor="status-filter">{t.filter}</label>
        <select id="status-filter" name="status" defaultValue={loaded.filter} {...invalid("status", loaded.errors)}>
          {REQUEST_FILTERS.map((value) => (
            <option key={value} value={value}>
              {words.filters[value]}
            </option>
          ))}
        </select>
        <button type="submit" className="button secondary">
          {t.apply}
        </button>
        <FieldError name="status" errors={loaded.errors} />
        <FieldError name="cursor" errors={loaded.errors} />
      </Form>
      {loaded.requests.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <div
          className="table-scroll"
          tabIndex={0}
          role="region"
          aria-label={format(t.caption, { zone: loaded.timezone })}
        >
          <table className="table">
            <caption>{format(t.caption, { zone: loaded.timezone })}</caption>
            <thead>
              <tr>
                <th scope="col">{t.request}</th>
                <th scope="col">{t.customer}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.requested}</th>
                <th scope="col">{t.executeAt}</th>
                <th scope="col">{t.deadline}</th>
                <th scope="col">{t.left}</th>
                <th scope="col">{t.systems}</th>
              </tr>
            </thead>
            <tbody>
              {loaded.requests.map((entry) => (
                <tr key={entry.id} className={entry.overdue ? "overdue" : undefined}>
                  <th scope="row">
                    <Link to={`/console/privacy/${entry.id}`}>{entry.id}</Link>
                  </th>
                  <td>{entry.customer.externalId ?? <span className="muted">{t.erased}</span>}</td>
                  <td>{statusName(locale, entry.status)}</td>
                  <td>{formatDateTime(locale, entry.requestedAt, loaded.timezone)}</td>
                  <td>{formatDateTime(locale, entry.executeAt, loaded.timezone)}</td>
                  <td>{formatDateTime(locale, entry.deadlineAt, loaded.timezone)}</td>
                  <td>
                    <TimeLeft overdue={entry.overdue} status={entry.status} days={entry.daysLeft} />
                  </td>
                  <td>
                    {entry.status === "scheduled"
                      ? t.notYet
                      : format(t.acknowledged, { done: entry.dispatches.acknowledged, total: entry.dispatches.total })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="pager">
        {loaded.paged ? <Link to={`/console/privacy?status=${loaded.filter}`}>{t.first}</Link> : null}
        {loaded.next ? <Link to={`/console/privacy?${nextParams}`}>{t.older}</Link> : null}
      </p>
    </ConsolePage>
  );
}
