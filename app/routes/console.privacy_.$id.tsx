// /console/privacy/{id}: one erasure request in full: its dates and deadline (overdue said in
// words), and each system's state: Mesure itself, then every connector with its attempts, last
// answer or error, and when it confirmed. Another brand's request is a 404. Viewers may read.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { erasureWords, statusName, TimeLeft, viaName } from "~/components/console/erasure-words";
import { ConsolePage } from "~/components/console/page";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { daysLeft } from "~/console/dashboard.server";
import { getRequestForConsole, RequestIdParam } from "~/console/privacy-requests.server";
import { bilingual, format } from "~/lib/bilingual";

const text = bilingual(
  {
    title: "Demande d'effacement",
    lead: "Identifiant {id}. Heures de {zone}.",
    customer: "Client",
    erased: "effacé (ses données ne sont plus chez Mesure)",
    consents: "voir ses consentements",
    status: "État",
    via: "Demandée par",
    requested: "Reçue",
    executeAt: "Exécution prévue",
    erasedAt: "Effacée chez Mesure",
    deadline: "Échéance légale",
    left: "Délai",
    completedAt: "Terminée",
    cancelledAt: "Annulée",
    systemsTitle: "Chaque système",
    caption: "État de l'effacement dans chaque système",
    system: "Système",
    state: "État",
    attempts: "Tentatives",
    lastAttempt: "Dernière tentative",
    lastStatus: "Dernière réponse",
    lastError: "Dernière erreur",
    acknowledgedAt: "Confirmé le",
    nextAttempt: "Prochaine tentative",
    none: "—",
    unreachable: "injoignable",
    back: "Toutes les demandes",
  },
  {
    title: "Erasure request",
    lead: "Id {id}. Times in {zone}.",
    customer: "Customer",
    erased: "erased (Mesure no longer holds their data)",
    consents: "see their consents",
    status: "Status",
    via: "Asked through",
    requested: "Received",
    executeAt: "Runs at",
    erasedAt: "Erased in Mesure",
    deadline: "Legal deadline",
    left: "Time left",
    completedAt: "Completed",
    cancelledAt: "Cancelled",
    systemsTitle: "Each system",
    caption: "State of the erasure in each system",
    system: "System",
    state: "State",
    attempts: "Attempts",
    lastAttempt: "Last attempt",
    lastStatus: "Last answer",
    lastError: "Last error",
    acknowledgedAt: "Confirmed on",
    nextAttempt: "Next attempt",
    none: "—",
    unreachable: "unreachable",
    back: "All requests",
  },
);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { db } = context.services;
  const now = new Date();
  const id = RequestIdParam.safeParse(params.id);
  const found = id.success ? await getRequestForConsole(db, visit.brand.id, id.data, now) : null;
  if (!found) throw data({ formError: "not_found" }, { status: 404 });
  const brand = await db.brand.findUniqueOrThrow({ where: { id: visit.brand.id }, select: { defaultTimezone: true } });
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    timezone: brand.defaultTimezone,
    request: {
      id: found.id,
      status: found.status,
      via: found.via,
      customer: found.customer,
      overdue: found.overdue,
      daysLeft: daysLeft(found.deadlineAt, now),
      requestedAt: found.requestedAt.toISOString(),
      executeAt: found.executeAt.toISOString(),
      deadlineAt: found.deadlineAt.toISOString(),
      erasedAt: iso(found.erasedAt),
      completedAt: iso(found.completedAt),
      cancelledAt: iso(found.cancelledAt),
    },
    systems: found.systems.map((system, index) => ({
      name: system.name,
      // Mesure itself comes first and has no HTTP answer of its own.
      isMesure: index === 0,
      status: system.status,
      attempts: system.attempts,
      lastAttemptAt: iso(system.lastAttemptAt),
      acknowledgedAt: iso(system.acknowledgedAt),
      nextAttemptAt: iso(system.nextAttemptAt),
      lastError: system.lastError,
      lastStatus: index === 0 ? null : (found.lastStatus[system.name] ?? null),
    })),
  };
}

export default function PrivacyRequest() {
  const { request, systems, timezone } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  const words = erasureWords[locale];
  const when = (iso: string | null) => (iso ? formatDateTime(locale, iso, timezone) : t.none);
  return (
    <ConsolePage title={t.title} lead={format(t.lead, { id: request.id, zone: timezone })}>
      <dl className={`request-facts${request.overdue ? " overdue" : ""}`}>
        <div>
          <dt>{t.customer}</dt>
          <dd>
            {request.customer.externalId ? (
              <>
                {request.customer.externalId} ·{" "}
                <Link to={`/console/consents?customer=${encodeURIComponent(request.customer.id)}`}>{t.consents}</Link>
              </>
            ) : (
              t.erased
            )}
          </dd>
        </div>
        <div>
          <dt>{t.status}</dt>
          <dd>{statusName(locale, request.status)}</dd>
        </div>
        <div>
          <dt>{t.via}</dt>
          <dd>{viaName(locale, request.via)}</dd>
        </div>
        <div>
          <dt>{t.requested}</dt>
          <dd>{when(request.requestedAt)}</dd>
        </div>
        <div>
          <dt>{t.executeAt}</dt>
          <dd>{when(request.executeAt)}</dd>
        </div>
        <div>
          <dt>{t.erasedAt}</dt>
          <dd>{when(request.erasedAt)}</dd>
        </div>
        <div>
          <dt>{t.deadline}</dt>
          <dd>{when(request.deadlineAt)}</dd>
        </div>
        <div>
          <dt>{t.left}</dt>
          <dd>
            <TimeLeft overdue={request.overdue} status={request.status} days={request.daysLeft} />
          </dd>
        </div>
        {request.completedAt ? (
          <div>
            <dt>{t.completedAt}</dt>
            <dd>{when(request.completedAt)}</dd>
          </div>
        ) : null}
        {request.cancelledAt ? (
          <div>
            <dt>{t.cancelledAt}</dt>
            <dd>{when(request.cancelledAt)}</dd>
          </div>
        ) : null}
      </dl>

      <h2>{t.systemsTitle}</h2>
      <div className="table-scroll" tabIndex={0} role="region" aria-label={t.caption}>
        <table className="table">
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.system}</th>
              <th scope="col">{t.state}</th>
              <th scope="col" className="number">
                {t.attempts}
              </th>
              <th scope="col">{t.lastAttempt}</th>
              <th scope="col">{t.lastStatus}</th>
              <th scope="col">{t.lastError}</th>
              <th scope="col">{t.acknowledgedAt}</th>
              <th scope="col">{t.nextAttempt}</th>
            </tr>
          </thead>
          <tbody>
            {systems.map((system) => (
              <tr key={system.name}>
                <th scope="row">{system.name}</th>
                <td>
                  {system.status === "acknowledged" ? <span aria-hidden="true">✓ </span> : null}
                  {words.systems[system.status]}
                </td>
                <td className="number">{system.attempts}</td>
                <td>{when(system.lastAttemptAt)}</td>
                <td>
                  {system.isMesure || system.attempts === 0
                    ? t.none
                    : system.lastStatus === null
                      ? t.unreachable
                      : `HTTP ${system.lastStatus}`}
                </td>
                <td>{system.lastError ? <code>{system.lastError}</code> : t.none}</td>
                <td>{when(system.acknowledgedAt)}</td>
                <td>{when(system.nextAttemptAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <Link to="/console/privacy">{t.back}</Link>
      </p>
    </ConsolePage>
  );
}
