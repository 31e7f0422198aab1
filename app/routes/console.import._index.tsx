// /console/import: bring an existing subscriber base into Mesure with its proof of consent (a
// CSV file, checked as a whole at once, then worked through in the background), download every
// customer as CSV in the same columns, and the imports made so far. Everyone on the team sees
// the list; editors import and export, since both carry personal data.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ConsolePage, useConsoleMember } from "~/components/console/page";
import { CsrfField, FieldError, invalid } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import {
  columnDocs,
  FILE_FIELD,
  IMPORT_COLUMNS,
  MAX_IMPORT_BYTES,
  subscriptionsExample,
} from "~/console/import/columns";
import { fileIssueText } from "~/console/import/issues";
import { createImportJob, listImportJobs } from "~/console/import/job.server";
import { getBrandTimezone } from "~/models/brand.server";
import { importStatusText } from "~/console/import/status-words";
import { readUpload } from "~/console/import/upload.server";
import { wakeUpImports } from "~/console/import/wake.server";
import { bilingual, format } from "~/lib/bilingual";
import { resolveLocale } from "~/lib/i18n";
import { listTopics } from "~/models/topic.server";

const text = bilingual(
  {
    title: "Import et export",
    lead: "Importez votre base d'abonnés existante avec ses preuves de consentement, ou téléchargez tous vos clients au même format. Aucune ligne n'est écartée en silence : chaque ligne refusée figure dans le rapport, avec la colonne en cause.",
    readOnly: "Votre rôle permet de suivre les imports, pas d'en lancer ni d'exporter des données personnelles.",
    exportTitle: "Exporter",
    exportBody:
      "Tous les clients de la marque (sauf ceux effacés), avec leurs abonnements confirmés, dans les colonnes de l'import : le fichier se réimporte tel quel. UTF-8 avec BOM, pour les tableurs.",
    exportLink: "Télécharger les clients (CSV)",
    importTitle: "Importer un fichier CSV",
    file: "Fichier CSV (UTF-8, {max} Mo au plus)",
    fileHint:
      "Première ligne : les noms des colonnes ci-dessous, dans l'ordre de votre choix. Le fichier est vérifié dès l'envoi ; l'import se fait ensuite en arrière-plan et vous suivez sa progression.",
    start: "Lancer l'import",
    sending: "Envoi et vérification…",
    sample: "Télécharger un fichier d'exemple",
    columnsTitle: "Colonnes",
    columnsCaption: "Colonnes d'un fichier d'import",
    column: "Colonne",
    required: "Requise",
    yes: "oui",
    no: "non",
    meaning: "Contenu",
    example: "Exemple",
    rules:
      "Un abonnement marketing ou alerte n'est importé qu'avec sa preuve (consented_at et consent_source) ; un sujet transactionnel n'en demande pas. Une cellule vide laisse la valeur enregistrée telle quelle. Un import n'abonne pas de nouveau quelqu'un qui s'est désabonné après la date de consentement du fichier.",
    topicsCaption: "Sujets de la marque, tels qu'ils s'écrivent dans la colonne subscriptions",
    topic: "Sujet",
    kind: "Type",
    channels: "Canaux",
    proof: "Preuve requise",
    history: "Imports",
    historyCaption: "Imports récents, du plus récent au plus ancien",
    fileName: "Fichier",
    when: "Envoyé le",
    by: "Par",
    status: "État",
    rows: "Lignes",
    created: "Créés",
    updated: "Mis à jour",
    failed: "Refusées",
    none: "Aucun import pour l'instant.",
    transactional: "transactionnel",
    marketing: "marketing",
    alert: "alerte",
  },
  {
    title: "Import and export",
    lead: "Import your existing subscriber base with its proof of consent, or download all your customers in the same format. No row is dropped silently: every refused row is in the report, with the column at fault.",
    readOnly: "Your role lets you follow imports, not start one or export personal data.",
    exportTitle: "Export",
    exportBody:
      "Every customer of the brand (except erased ones), with their confirmed subscriptions, in the import's columns: the file imports back as it is. UTF-8 with a BOM, for spreadsheets.",
    exportLink: "Download the customers (CSV)",
    importTitle: "Import a CSV file",
    file: "CSV file (UTF-8, at most {max} MB)",
    fileHint:
      "First line: the names of the columns below, in any order. The file is checked as soon as it is sent; the import then runs in the background and you follow its progress.",
    start: "Start the import",
    sending: "Sending and checking…",
    sample: "Download a sample file",
    columnsTitle: "Columns",
    columnsCaption: "Columns of an import file",
    column: "Column",
    required: "Required",
    yes: "yes",
    no: "no",
    meaning: "What it holds",
    example: "Example",
    rules:
      "A marketing or alert subscription is imported only with its proof (consented_at and consent_source); a transactional topic needs none. An empty cell leaves the stored value as it is. An import does not subscribe again someone who unsubscribed after the file's consent date.",
    topicsCaption: "The brand's topics, as they are written in the subscriptions column",
    topic: "Topic",
    kind: "Kind",
    channels: "Channels",
    proof: "Proof required",
    history: "Imports",
    historyCaption: "Recent imports, newest first",
    fileName: "File",
    when: "Sent on",
    by: "By",
    status: "Status",
    rows: "Rows",
    created: "Created",
    updated: "Updated",
    failed: "Refused",
    none: "No import yet.",
    transactional: "transactional",
    marketing: "marketing",
    alert: "alert",
  },
);

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { db } = context.services;
  const [jobs, topics, timeZone] = await Promise.all([
    listImportJobs(db, visit.brand.id),
    listTopics(db, visit.brand.id),
    getBrandTimezone(db, visit.brand.id),
  ]);
  return {
    timeZone,
    jobs: jobs.map((job) => ({
      id: job.id,
      fileName: job.fileName,
      createdBy: job.createdBy,
      createdAt: job.createdAt.toISOString(),
      status: job.status,
      totalRows: job.totalRows,
      processedRows: job.processedRows,
      createdCount: job.createdCount,
      updatedCount: job.updatedCount,
      failedCount: job.failedCount,
    })),
    topics: topics.map((topic) => ({ key: topic.key, kind: topic.kind, channels: topic.channels })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const visit = await requireMember(request, context, "editor");
  const { locale } = resolveLocale(request);
  const upload = await readUpload(request, context.csrf);
  if (!upload.ok) {
    const status = upload.issue.code === "tooLarge" ? 413 : 400;
    return data({ errors: { [FILE_FIELD]: fileIssueText(upload.issue, locale) } }, { status });
  }
  const job = await createImportJob(context.services.db, {
    brandId: visit.brand.id,
    actor: visit.member.email,
    fileName: upload.fileName,
    totalRows: upload.totalRows,
    source: upload.text,
  });
  wakeUpImports();
  return redirect(`/console/import/${job.id}`);
}

export default function ConsoleImport() {
  const { jobs, topics, timeZone } = useLoaderData<typeof loader>();
  const subscriptions = subscriptionsExample(topics);
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const editor = useConsoleMember().can("editor");
  const errors = result?.errors ?? null;
  const busy = navigation.state === "submitting";
  const number = (value: number) => value.toLocaleString(locale === "fr" ? "fr-FR" : "en-GB");

  return (
    <ConsolePage title={t.title} lead={t.lead}>
      {editor ? null : <p className="notice">{t.readOnly}</p>}

      {editor ? (
        <div className="console-grid">
          <section className="console-card" aria-labelledby="import-title">
            <h2 id="import-title">{t.importTitle}</h2>
            <Form method="post" encType="multipart/form-data" className="stack" noValidate>
              <CsrfField />
              <div className="field">
                <label htmlFor="import-file">{format(t.file, { max: MAX_IMPORT_BYTES / 1024 / 1024 })}</label>
                <input
                  id="import-file"
                  name={FILE_FIELD}
                  type="file"
                  accept=".csv,text/csv"
                  required
                  aria-describedby={errors?.[FILE_FIELD] ? undefined : "import-file-hint"}
                  {...invalid(FILE_FIELD, errors)}
                />
                <p className="hint" id="import-file-hint">
                  {t.fileHint}
                </p>
                <FieldError name={FILE_FIELD} errors={errors} />
              </div>
              <div>
                <button type="submit" className="button" disabled={busy}>
                  {busy ? t.sending : t.start}
                </button>
              </div>
            </Form>
            <p>
              <a href="/console/import/sample.csv" download>
                {t.sample}
              </a>
            </p>
          </section>
          <section className="console-card" aria-labelledby="export-title">
            <h2 id="export-title">{t.exportTitle}</h2>
            <p>{t.exportBody}</p>
            <p>
              <a className="button secondary" href="/console/export.csv" download>
                {t.exportLink}
              </a>
            </p>
          </section>
        </div>
      ) : null}

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t.history}</h2>
        {jobs.length === 0 ? (
          <p className="muted">{t.none}</p>
        ) : (
          <table className="table">
            <caption>{t.historyCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.fileName}</th>
                <th scope="col">{t.when}</th>
                <th scope="col">{t.by}</th>
                <th scope="col">{t.status}</th>
                <th scope="col" className="number">
                  {t.rows}
                </th>
                <th scope="col" className="number">
                  {t.created}
                </th>
                <th scope="col" className="number">
                  {t.updated}
                </th>
                <th scope="col" className="number">
                  {t.failed}
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id}>
                  <th scope="row">
                    <Link to={`/console/import/${job.id}`}>{job.fileName}</Link>
                  </th>
                  <td>{formatDateTime(locale, job.createdAt, timeZone)}</td>
                  <td>{job.createdBy}</td>
                  <td>{importStatusText(locale, job)}</td>
                  <td className="number">{number(job.totalRows)}</td>
                  <td className="number">{number(job.createdCount)}</td>
                  <td className="number">{number(job.updatedCount)}</td>
                  <td className="number">{number(job.failedCount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="columns-title">
        <h2 id="columns-title">{t.columnsTitle}</h2>
        <p>{t.rules}</p>
        <table className="table">
          <caption>{t.columnsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.column}</th>
              <th scope="col">{t.required}</th>
              <th scope="col">{t.meaning}</th>
              <th scope="col">{t.example}</th>
            </tr>
          </thead>
          <tbody>
            {IMPORT_COLUMNS.map((column) => (
              <tr key={column}>
                <th scope="row">
                  <code>{column}</code>
                </th>
                <td>{columnDocs[column].required ? t.yes : t.no}</td>
                <td>{columnDocs[column][locale]}</td>
                <td>
                  <code>{column === "subscriptions" ? subscriptions : columnDocs[column].example}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {topics.length ? (
          <table className="table">
            <caption>{t.topicsCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.topic}</th>
                <th scope="col">{t.kind}</th>
                <th scope="col">{t.channels}</th>
                <th scope="col">{t.proof}</th>
              </tr>
            </thead>
            <tbody>
              {topics.map((topic) => (
                <tr key={topic.key}>
                  <th scope="row">
                    <code>{topic.key}</code>
                  </th>
                  <td>{t[topic.kind]}</td>
                  <td>
                    <code>{topic.channels.join(", ")}</code>
                  </td>
                  <td>{topic.kind === "transactional" ? t.no : t.yes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </ConsolePage>
  );
}
