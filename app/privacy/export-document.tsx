// The readable export: the same document as export.json, laid out as one standalone HTML page
// (its own styles, no script, no outside resource) that opens from disk and prints well, in the
// customer's language. Rendered by React, so every value is escaped.
import type { ReactNode } from "react";
import { channelName, formatDateTime, frequencyName, topicName } from "~/components/portal/words";
import { bilingual, format } from "~/lib/bilingual";
import { Channel, Frequency, type Locale } from "~/lib/vocabulary";
import { reasonCodes, type ReasonCode } from "~/policy";
import { reasonText } from "~/policy/explain";
import { consentSourceText, describeConsentEvent } from "./consent-words";
import type { CustomerExport } from "./export.server";
import { fieldDeclaration, fieldSourceText, fieldValueText, type CustomerField } from "./fields";

const text = bilingual(
  {
    title: "Vos données chez {brand}",
    generated:
      "Document établi le {date} par Mesure, pour {brand}. Il contient tout ce que Mesure conserve à votre sujet.",
    machine: "La même chose, lisible par une machine : le fichier export.json téléchargeable depuis le portail.",
    fields: "Ce que nous savons de vous",
    field: "Donnée",
    value: "Valeur",
    purpose: "Pourquoi",
    source: "Provenance",
    empty: "(vide)",
    account: "Compte créé le {created}, modifié le {updated}.",
    preferences: "Vos préférences",
    topic: "Sujet",
    channel: "Canal",
    status: "État",
    frequency: "Rythme",
    channels: "Canaux",
    enabled: "Activé",
    disabled: "Désactivé",
    alerts: "Alertes",
    criteria: "Critères",
    general: "Réglages généraux",
    consents: "Historique de vos consentements",
    when: "Quand",
    what: "Quoi",
    change: "Avant → après",
    by: "Par qui",
    policy: "Politique",
    hash: "Empreinte",
    sent: "Messages envoyés",
    held: "Messages retenus pour vous ({days} derniers jours)",
    why: "Pourquoi",
    inbox: "Notifications dans le portail",
    title2: "Titre",
    devices: "Appareils recevant des notifications",
    device: "Navigateur",
    since: "Depuis",
    lastUsed: "Dernier envoi",
    visitors: "Navigateurs reliés à vous par le bandeau cookies : {count}",
    sessions: "Connexions au portail",
    suppressions: "Adresses bloquées",
    erasures: "Demandes d'effacement",
    none: "Rien.",
    daily: "au plus {count} par jour",
    weekly: "au plus {count} par semaine",
    subscribed: "abonné·e",
    pending: "en attente de confirmation",
    unsubscribed: "désabonné·e",
    sending: "en cours d'envoi",
    sentStatus: "envoyé",
    bounced: "non distribué",
    complained: "signalé comme indésirable",
    failed: "échec",
    uncertain: "peut-être reçu (envoi interrompu)",
    denied: "pas envoyé",
    deferred: "reporté",
    digested: "regroupé dans un résumé",
    queued: "en attente",
    scheduled: "programmée",
    propagating: "en cours",
    completed: "terminée",
    cancelled: "annulée",
    colon: " : ",
    via_link: "par un lien de la marque",
    via_magic_link: "par un lien de connexion reçu par e-mail",
    kind_email: "Adresse e-mail",
    kind_phone: "Numéro de téléphone",
    reason_erased: "effacement",
    reason_hard_bounce: "adresse invalide (message revenu)",
    reason_complaint: "message signalé comme indésirable",
    reason_sms_stop: "STOP envoyé par SMS",
    reason_manual: "ajoutée par la marque",
  },
  {
    title: "Your data at {brand}",
    generated: "Made on {date} by Mesure, for {brand}. It holds everything Mesure keeps about you.",
    machine: "The same, machine-readable: the export.json file you can download from the portal.",
    fields: "What we know about you",
    field: "Data",
    value: "Value",
    purpose: "Why",
    source: "Where it came from",
    empty: "(empty)",
    account: "Account created on {created}, changed on {updated}.",
    preferences: "Your preferences",
    topic: "Topic",
    channel: "Channel",
    status: "Status",
    frequency: "Pace",
    channels: "Channels",
    enabled: "On",
    disabled: "Off",
    alerts: "Alerts",
    criteria: "Criteria",
    general: "General settings",
    consents: "Your consent history",
    when: "When",
    what: "What",
    change: "Before → after",
    by: "By whom",
    policy: "Policy",
    hash: "Fingerprint",
    sent: "Messages sent",
    held: "Messages held back for you (last {days} days)",
    why: "Why",
    inbox: "Notifications in the portal",
    title2: "Title",
    devices: "Devices getting push notifications",
    device: "Browser",
    since: "Since",
    lastUsed: "Last sent",
    visitors: "Browsers linked to you by the cookie banner: {count}",
    sessions: "Portal sign-ins",
    suppressions: "Blocked addresses",
    erasures: "Erasure requests",
    none: "Nothing.",
    daily: "at most {count} a day",
    weekly: "at most {count} a week",
    subscribed: "subscribed",
    pending: "waiting for confirmation",
    unsubscribed: "unsubscribed",
    sending: "being sent",
    sentStatus: "sent",
    bounced: "not delivered",
    complained: "reported as spam",
    failed: "failed",
    uncertain: "perhaps received (sending was interrupted)",
    denied: "not sent",
    deferred: "held until later",
    digested: "folded into a digest",
    queued: "waiting",
    scheduled: "scheduled",
    propagating: "in progress",
    completed: "completed",
    cancelled: "cancelled",
    colon: ": ",
    via_link: "through a link from the brand",
    via_magic_link: "through a sign-in link sent by email",
    kind_email: "Email address",
    kind_phone: "Phone number",
    reason_erased: "erasure",
    reason_hard_bounce: "invalid address (message bounced)",
    reason_complaint: "message reported as spam",
    reason_sms_stop: "STOP sent by text message",
    reason_manual: "added by the brand",
  },
);

const css = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1f1d;background:#fff;margin:0;line-height:1.5}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
h1{color:#1f4d3a;font-size:1.8rem}
h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #1f4d3a;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border-bottom:1px solid #bbb;padding:.4rem;text-align:left;vertical-align:top;font-size:.92rem}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.78rem;word-break:break-all}
.muted{color:#4a524e}
@media print{main{padding:0}h2{break-after:avoid}tr{break-inside:avoid}}
`;

type Topics = Record<string, { nameFr: string; nameEn: string }>;

/** A column of a table: its header, and what a row shows under it. */
type Column<Row> = [header: string, cell: (row: Row) => ReactNode];

// The document is rendered once to static markup, so a row's index serves as its key.

/**
 * A table with one row per item; `nothing` stands in for it when there are no rows. With
 * `rowHeader`, the first column heads each row.
 */
function DataTable<Row>(props: {
  rows: readonly Row[];
  columns: Column<Row>[];
  nothing?: ReactNode;
  rowHeader?: boolean;
}) {
  const { rows, columns, rowHeader = false } = props;
  if (rows.length === 0 && props.nothing !== undefined) return props.nothing;
  return (
    <table>
      <thead>
        <tr>
          {columns.map(([header]) => (
            <th scope="col" key={header}>
              {header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={index}>
            {columns.map(([header, cell], column) =>
              rowHeader && column === 0 ? (
                <th scope="row" key={header}>
                  {cell(row)}
                </th>
              ) : (
                <td key={header}>{cell(row)}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A bulleted list with one line per item, or `nothing` when there are none. */
function BulletList<Item>(props: { items: readonly Item[]; line: (item: Item) => ReactNode; nothing: ReactNode }) {
  if (props.items.length === 0) return props.nothing;
  return (
    <ul>
      {props.items.map((item, index) => (
        <li key={index}>{props.line(item)}</li>
      ))}
    </ul>
  );
}

export function ExportDocument(props: {
  data: CustomerExport;
  locale: Locale;
  topics: Topics;
  timezone: string;
  nonce?: string;
}) {
  const { data, locale, topics, timezone } = props;
  const t = text[locale];
  const when = (iso: string | null) => (iso ? formatDateTime(locale, iso, timezone) : "—");
  const topic = (key: string) => (topics[key] ? topicName(locale, topics[key]) : key);
  const channel = (value: string | null) => {
    const parsed = Channel.safeParse(value);
    return parsed.success ? channelName(locale, parsed.data) : (value ?? "—");
  };
  const status = (value: string) => {
    const key = value === "sent" ? "sentStatus" : value;
    return key in t ? t[key as keyof typeof t] : value;
  };
  /** The words for a stored code (`via_link`, `reason_complaint`…), or the code itself when it has none. */
  const word = (prefix: string, value: string) =>
    Object.hasOwn(t, `${prefix}_${value}`) ? t[`${prefix}_${value}` as keyof typeof t] : value;
  const pace = (value: string) => {
    const parsed = Frequency.safeParse(value);
    return parsed.success ? frequencyName(locale, parsed.data) : value;
  };
  const known = new Set<string>(reasonCodes);
  const reasons = (codes: string[]) =>
    codes
      .map((code) => (known.has(code) ? reasonText(code as ReasonCode, locale) : code))
      .join(locale === "fr" ? " ; " : "; ");
  const { preferences } = data;
  const nothing = <p className="muted">{t.none}</p>;
  const consentHistory = data.consentHistory.map((event) => ({
    event,
    words: describeConsentEvent(
      {
        kind: event.kind,
        subject: event.subject,
        before: JSON.stringify(event.before),
        after: JSON.stringify(event.after),
      },
      locale,
      topics,
      timezone,
    ),
  }));
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{format(t.title, { brand: data.brand.name })}</title>
        <style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: css }} />
      </head>
      <body>
        <main>
          <h1>{format(t.title, { brand: data.brand.name })}</h1>
          <p className="muted">{format(t.generated, { date: when(data.generatedAt), brand: data.brand.name })}</p>
          <p className="muted">{t.machine}</p>

          <h2>{t.fields}</h2>
          <DataTable
            rows={data.fields}
            rowHeader
            columns={[
              [t.field, (field) => fieldDeclaration(field.field as CustomerField).label[locale]],
              [t.value, (field) => fieldValueText(field.field as CustomerField, field.value, locale) ?? t.empty],
              [t.purpose, (field) => field.purpose[locale]],
              [t.source, (field) => (field.value === null ? "—" : fieldSourceText(field.source, locale))],
            ]}
          />
          <p className="muted">
            {format(t.account, { created: when(data.account.createdAt), updated: when(data.account.updatedAt) })}
          </p>

          <h2>{t.preferences}</h2>
          <DataTable
            rows={preferences.subscriptions}
            nothing={nothing}
            columns={[
              [t.topic, (row) => topic(row.topic)],
              [t.channel, (row) => channel(row.channel)],
              [t.status, (row) => status(row.status)],
              [t.frequency, (row) => (row.status === "unsubscribed" ? "—" : pace(row.frequency))],
            ]}
          />
          <h3>{t.channels}</h3>
          <BulletList
            items={Object.entries(preferences.channels)}
            nothing={nothing}
            line={([name, settings]) => (
              <>
                {channel(name)}
                {locale === "fr" ? " : " : ": "}
                {settings.enabled ? t.enabled : t.disabled}
                {settings.quietHours ? `, ${settings.quietHours.start}–${settings.quietHours.end}` : ""}
                {settings.dailyCap !== null ? `, ${format(t.daily, { count: settings.dailyCap })}` : ""}
                {settings.weeklyCap !== null ? `, ${format(t.weekly, { count: settings.weeklyCap })}` : ""}
              </>
            )}
          />
          <h3>{t.alerts}</h3>
          <BulletList
            items={preferences.alertFilters}
            nothing={nothing}
            line={(filter) => (
              <>
                {topic(filter.topic)}
                {filter.label ? ` — ${filter.label}` : ""} ({channel(filter.channel)}, {pace(filter.frequency)}) :{" "}
                <code>{JSON.stringify(filter.criteria)}</code>
              </>
            )}
          />
          <h3>{t.general}</h3>
          <pre>
            <code>
              {JSON.stringify(
                {
                  pausedUntil: preferences.pausedUntil,
                  context: preferences.context,
                  excludedTags: preferences.excludedTags,
                  globalWeeklyCap: preferences.globalWeeklyCap,
                  digest: preferences.digest,
                },
                null,
                2,
              )}
            </code>
          </pre>

          <h2>{t.consents}</h2>
          <DataTable
            rows={consentHistory}
            nothing={nothing}
            columns={[
              [t.when, ({ event }) => when(event.at)],
              [t.what, ({ words }) => words.what],
              [t.change, ({ words }) => `${words.before} → ${words.after}`],
              [t.by, ({ event }) => consentSourceText(event.source, locale)],
              [t.policy, ({ event }) => event.policyVersion],
              [t.hash, ({ event }) => <code>{event.hash}</code>],
            ]}
          />

          <h2>{t.sent}</h2>
          <DataTable
            rows={data.messagesSent}
            nothing={nothing}
            columns={[
              [t.when, (row) => when(row.at)],
              [t.topic, (row) => topic(row.topic)],
              [t.channel, (row) => channel(row.channel)],
              [t.status, (row) => status(row.status)],
            ]}
          />

          <h2>{format(t.held, { days: 90 })}</h2>
          <DataTable
            rows={data.messagesHeldBack}
            nothing={nothing}
            columns={[
              [t.when, (row) => when(row.at)],
              [t.topic, (row) => topic(row.topic)],
              [t.status, (row) => status(row.status)],
              [t.why, (row) => reasons(row.reasons)],
            ]}
          />

          <h2>{t.inbox}</h2>
          <BulletList
            items={data.inbox}
            nothing={nothing}
            line={(item) => (
              <>
                {when(item.at)} — <strong>{item.title}</strong> : {item.body}
              </>
            )}
          />

          <h2>{t.devices}</h2>
          <BulletList
            items={data.pushDevices}
            nothing={nothing}
            line={(device) =>
              `${device.userAgent || "—"} (${t.since} ${when(device.createdAt)}, ${t.lastUsed} ${when(device.lastUsedAt)})`
            }
          />
          <p>{format(t.visitors, { count: data.visitorLinks.count })}</p>

          <h2>{t.sessions}</h2>
          <BulletList
            items={data.portalSessions}
            nothing={nothing}
            line={(session) => `${when(session.createdAt)} (${word("via", session.via)})`}
          />

          <h2>{t.suppressions}</h2>
          <BulletList
            items={data.suppressions}
            nothing={nothing}
            line={(row) => `${word("kind", row.kind)}${t.colon}${word("reason", row.reason)} (${when(row.since)})`}
          />

          <h2>{t.erasures}</h2>
          <BulletList
            items={data.erasureRequests}
            nothing={nothing}
            line={(row) => `${when(row.requestedAt)}${t.colon}${status(row.status)}`}
          />
        </main>
      </body>
    </html>
  );
}
