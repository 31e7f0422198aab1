// /console/import/:id: one import as it runs: a progress bar with its count and percentage, what
// was created, updated and refused, and the report of refused rows (line, column, problem; the
// first 200 here, all of them in the CSV download). The page follows the job by itself while it
// runs: with JavaScript by asking again every second, without by refreshing every two.
// Another brand's import is a 404.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { ConsolePage, useConsoleMember } from "~/components/console/page";
import { Status } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { rowIssueText } from "~/console/import/issues";
import { getImportJob, listRowErrors } from "~/console/import/job.server";
import { getBrandTimezone } from "~/models/brand.server";
import { importStatusText, percentDone } from "~/console/import/status-words";
import { bilingual, format, plural } from "~/lib/bilingual";
import { resolveLocale } from "~/lib/i18n";

const SHOWN_ERRORS = 200;

const text = bilingual(
  {
    title: "Import de « {file} »",
    lead: "Envoyé par {by} le {when}.",
    back: "Tous les imports",
    progress: "Progression : {done} lignes sur {total} ({percent} %)",
    created: "Clients créés",
    updated: "Clients mis à jour",
    failed: "Lignes refusées",
    stopped: "L'import s'est arrêté : {error}",
    finished: "Terminé le {when}.",
    reportTitle: "Lignes refusées",
    reportNone: "Aucune ligne refusée.",
    reportNoneYet: "Aucune ligne refusée pour l'instant.",
    reportCaptionAll: "Toutes les lignes refusées, avec la colonne en cause",
    reportCaptionSome: "Les {shown} premiers problèmes sur {total}, avec la colonne en cause",
    line: "Ligne",
    field: "Colonne",
    problem: "Problème",
    wholeRow: "(la ligne)",
    download: "Télécharger le rapport complet (CSV, avec le contenu des lignes)",
    problems1: "{count} problème",
    problemsN: "{count} problèmes",
  },
  {
    title: "Import of “{file}”",
    lead: "Sent by {by} on {when}.",
    back: "All imports",
    progress: "Progress: {done} of {total} rows ({percent}%)",
    created: "Customers created",
    updated: "Customers updated",
    failed: "Rows refused",
    stopped: "The import stopped: {error}",
    finished: "Finished on {when}.",
    reportTitle: "Refused rows",
    reportNone: "No row was refused.",
    reportNoneYet: "No row refused so far.",
    reportCaptionAll: "Every refused row, with the column at fault",
    reportCaptionSome: "The first {shown} problems of {total}, with the column at fault",
    line: "Line",
    field: "Column",
    problem: "Problem",
    wholeRow: "(the row)",
    download: "Download the full report (CSV, with the rows' content)",
    problems1: "{count} problem",
    problemsN: "{count} problems",
  },
);

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { db } = context.services;
  const { locale } = resolveLocale(request);
  const owner = { brandId: visit.brand.id, id: params.id ?? "" };
  const job = await getImportJob(db, owner);
  if (!job) throw data({ formError: "not_found" }, { status: 404 });
  const [{ errors, total }, timeZone] = await Promise.all([
    listRowErrors(db, { brandId: owner.brandId, jobId: job.id }, SHOWN_ERRORS),
    getBrandTimezone(db, owner.brandId),
  ]);
  return {
    timeZone,
    job: {
      ...job,
      createdAt: job.createdAt.toISOString(),
      startedAt: job.startedAt?.toISOString() ?? null,
      finishedAt: job.finishedAt?.toISOString() ?? null,
    },
    // Put into words here, in the reader's language; the raw rows stay in the download.
    errors: errors.map((error) => ({
      line: error.line,
      field: error.field,
      message: rowIssueText(error.message, locale),
    })),
    errorTotal: total,
  };
}

export default function ConsoleImportJob() {
  const { job, errors, errorTotal, timeZone } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  const editor = useConsoleMember().can("editor");
  const revalidator = useRevalidator();
  const active = job.status === "queued" || job.status === "running";
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle" && document.visibilityState === "visible") revalidator.revalidate();
    }, 1_000);
    return () => clearInterval(timer);
  }, [active, revalidator]);
  const number = (value: number) => value.toLocaleString(locale === "fr" ? "fr-FR" : "en-GB");
  const when = (iso: string) => formatDateTime(locale, iso, timeZone);
  const percent = percentDone(job);

  return (
    <ConsolePage
      title={format(t.title, { file: job.fileName })}
      lead={format(t.lead, { by: job.createdBy, when: when(job.createdAt) })}
      actions={<Link to="/console/import">{t.back}</Link>}
    >
      {/* Without JavaScript, the page refreshes itself while the import runs. */}
      {active ? (
        <noscript>
          <meta httpEquiv="refresh" content="2" />
        </noscript>
      ) : null}
      <section className="console-card import-progress" aria-labelledby="import-progress-label">
        <Status message={importStatusText(locale, job)} tone={job.status === "failed" ? "error" : "ok"} />
        <label id="import-progress-label" htmlFor="import-progress">
          {format(t.progress, { done: number(job.processedRows), total: number(job.totalRows), percent })}
        </label>
        <progress id="import-progress" max={Math.max(job.totalRows, 1)} value={job.processedRows}>
          {percent} %
        </progress>
        <dl className="import-counts">
          <div>
            <dt>{t.created}</dt>
            <dd>{number(job.createdCount)}</dd>
          </div>
          <div>
            <dt>{t.updated}</dt>
            <dd>{number(job.updatedCount)}</dd>
          </div>
          <div>
            <dt>{t.failed}</dt>
            <dd>{number(job.failedCount)}</dd>
          </div>
        </dl>
        {job.status === "failed" && job.error ? (
          <p className="field-error">{format(t.stopped, { error: job.error })}</p>
        ) : null}
        {job.finishedAt && job.status === "completed" ? (
          <p>{format(t.finished, { when: when(job.finishedAt) })}</p>
        ) : null}
      </section>

      <section aria-labelledby="report-title">
        <h2 id="report-title">{t.reportTitle}</h2>
        {errorTotal === 0 ? (
          <p className="muted">{active ? t.reportNoneYet : t.reportNone}</p>
        ) : (
          <>
            <p>{plural(locale, errorTotal, t.problems1, t.problemsN)}</p>
            {editor ? (
              <p>
                <a href={`/console/import/${job.id}/errors.csv`} download>
                  {t.download}
                </a>
              </p>
            ) : null}
            <table className="table">
              <caption>
                {errorTotal > errors.length
                  ? format(t.reportCaptionSome, { shown: errors.length, total: number(errorTotal) })
                  : t.reportCaptionAll}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="number">
                    {t.line}
                  </th>
                  <th scope="col">{t.field}</th>
                  <th scope="col">{t.problem}</th>
                </tr>
              </thead>
              <tbody>
                {errors.map((error, index) => (
                  <tr key={`${error.line}-${index}`}>
                    <td className="number">{error.line}</td>
                    <td>{error.field ? <code>{error.field}</code> : t.wholeRow}</td>
                    <td>{error.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </ConsolePage>
  );
}
