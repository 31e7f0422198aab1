// An erasure request's progress as a person reads it: where it stands, the legal deadline, and
// each system in turn (Mesure first, then the brand's connectors): waiting, in progress (how
// many attempts, the next one), or done and when. Shared by the portal and the public status page.
import { formatDateTime } from "~/components/portal/words";
import { bilingual, format, plural } from "~/lib/bilingual";
import type { Locale } from "~/lib/vocabulary";
import type { ErasureStatus } from "~/privacy/erasure.server";

const text = bilingual(
  {
    progress: "Avancement",
    scheduled: "Programmée : l'effacement aura lieu le {date}.",
    starting: "Programmée : l'effacement commence dans un instant.",
    propagating: "Vos données sont effacées de Mesure ; les autres systèmes de la marque sont prévenus.",
    completed: "Terminé le {date} : tous les systèmes ont confirmé l'effacement.",
    cancelled: "Demande annulée le {date} : rien n'a été effacé.",
    requested: "Demandée le {date}.",
    deadline: "Date limite : {date} (un mois après la demande, comme le veut le RGPD).",
    systems: "Systèmes concernés",
    waiting: "En attente",
    waitingUntil: "En attente, à partir du {date}",
    pending: "En cours : {count} tentative",
    pendings: "En cours : {count} tentatives",
    nextTry: "prochain essai le {date}",
    acknowledged: "Fait le {date}",
  },
  {
    progress: "Progress",
    scheduled: "Scheduled: the erasure will take place on {date}.",
    starting: "Scheduled: the erasure starts in a moment.",
    propagating: "Your data is erased from Mesure; the brand's other systems are being told.",
    completed: "Completed on {date}: every system confirmed the erasure.",
    cancelled: "Request cancelled on {date}: nothing was erased.",
    requested: "Asked for on {date}.",
    deadline: "Deadline: {date} (one month after the request, as the GDPR requires).",
    systems: "Systems concerned",
    waiting: "Waiting",
    waitingUntil: "Waiting, from {date}",
    pending: "In progress: {count} attempt",
    pendings: "In progress: {count} attempts",
    nextTry: "next try on {date}",
    acknowledged: "Done on {date}",
  },
);

/** The status with its dates as ISO strings, as loaders hand it to the page. */
export type ErasureStatusView = ReturnType<typeof erasureStatusView>;

export function erasureStatusView(status: ErasureStatus, now = new Date()) {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    id: status.id,
    status: status.status,
    startsNow: status.status === "scheduled" && status.executeAt.getTime() <= now.getTime(),
    requestedAt: status.requestedAt.toISOString(),
    executeAt: status.executeAt.toISOString(),
    deadlineAt: status.deadlineAt.toISOString(),
    completedAt: iso(status.completedAt),
    cancelledAt: iso(status.cancelledAt),
    systems: status.systems.map((system) => ({
      name: system.name,
      status: system.status,
      attempts: system.attempts,
      acknowledgedAt: iso(system.acknowledgedAt),
      nextAttemptAt: iso(system.nextAttemptAt),
    })),
  };
}

export function ErasureProgress(props: { status: ErasureStatusView; locale: Locale; timezone: string }) {
  const { status, locale, timezone } = props;
  const t = text[locale];
  const when = (iso: string | null) => (iso ? formatDateTime(locale, iso, timezone) : "—");
  const summary =
    status.status === "scheduled"
      ? status.startsNow
        ? t.starting
        : format(t.scheduled, { date: when(status.executeAt) })
      : status.status === "propagating"
        ? t.propagating
        : status.status === "completed"
          ? format(t.completed, { date: when(status.completedAt) })
          : format(t.cancelled, { date: when(status.cancelledAt) });
  return (
    <section className="card" aria-labelledby="progress-title">
      <h2 id="progress-title">{t.progress}</h2>
      <p role="status" className="erasure-summary">
        <strong>{summary}</strong>
      </p>
      <p>{format(t.requested, { date: when(status.requestedAt) })}</p>
      {status.status !== "cancelled" ? <p>{format(t.deadline, { date: when(status.deadlineAt) })}</p> : null}
      {status.status !== "cancelled" ? (
        <>
          <h3 id="systems-title">{t.systems}</h3>
          <ol className="systems" aria-labelledby="systems-title">
            {status.systems.map((system) => (
              <li key={system.name} data-system-status={system.status}>
                <span className="system-name">{system.name}</span>
                <span className={`system-state-${system.status}`}>
                  {system.status === "acknowledged"
                    ? format(t.acknowledged, { date: when(system.acknowledgedAt) })
                    : system.status === "pending"
                      ? `${plural(locale, system.attempts, t.pending, t.pendings)}${
                          system.nextAttemptAt ? `, ${format(t.nextTry, { date: when(system.nextAttemptAt) })}` : ""
                        }`
                      : system.nextAttemptAt && !status.startsNow
                        ? format(t.waitingUntil, { date: when(system.nextAttemptAt) })
                        : t.waiting}
                </span>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
