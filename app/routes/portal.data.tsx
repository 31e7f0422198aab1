// "What we know about you": every field Mesure stores for the customer with its purpose and
// source, the optional ones forgettable one by one (after a confirmation, without JavaScript
// too); a summary of the consent history and of the messages sent; the exports; the way to
// erasure.
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CsrfField, FieldError, Status } from "~/components/portal/form";
import { channelName, formatDateTime, topicName } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { bilingual, format, plural } from "~/lib/bilingual";
import { parseForm, readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { requireVisit } from "~/lib/portal-auth.server";
import { Channel } from "~/lib/vocabulary";
import { forgetField, getCustomerFields } from "~/models/customer.server";
import { listTopics } from "~/models/topic.server";
import { listCustomerConsentEvents } from "~/privacy/consent-receipt.server";
import { describeConsentEvent } from "~/privacy/consent-words";
import {
  fieldDeclaration,
  fieldSourceText,
  fieldValueText,
  ForgettableField,
  type CustomerField,
} from "~/privacy/fields";
import styles from "~/styles/privacy.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const text = bilingual(
  {
    title: "Ce que nous savons de vous",
    lead: "Voici tout ce que {brand} conserve à votre sujet dans Mesure, pourquoi, et d'où cela vient. Ce qui est facultatif peut être oublié tout de suite.",
    fields: "Vos données",
    purpose: "Pourquoi :",
    source: "Provenance :",
    empty: "Non renseigné",
    forgetWhat: "Oublier : {field}",
    confirmTitle: "Oublier votre {field} ?",
    confirmBody:
      "« {value} » sera effacé tout de suite, ainsi que sa provenance. {effect} Le registre de vos consentements notera qu'il a été oublié, sans sa valeur. Cela ne peut pas être annulé, mais vous pourrez le redonner à {brand}.",
    effectPhone: "Plus aucun SMS ne vous sera envoyé.",
    effectName: "Les messages ne vous appelleront plus par votre nom.",
    confirm: "Oui, oublier",
    keep: "Non, le garder",
    forgotten: "C'est fait : votre {field} est oublié.",
    nothing: "Il n'y avait rien à oublier.",
    consents: "Vos consentements",
    consentCount: "{count} choix inscrit dans le registre.",
    consentCounts: "{count} choix inscrits dans le registre.",
    latest: "Les plus récents :",
    allConsents: "Tout l'historique de vos consentements",
    messages: "Les messages qui vous ont été envoyés",
    sentCount: "{count} message envoyé en tout",
    sentCounts: "{count} messages envoyés en tout",
    byChannel: "dont {list}.",
    noMessage: "Aucun message ne vous a été envoyé.",
    heldCount: "{count} retenu pour vous ces 90 derniers jours.",
    heldCounts: "{count} retenus pour vous ces 90 derniers jours.",
    history: "Voir l'historique des messages",
    recent: "Derniers messages",
    when: "Quand",
    topic: "Sujet",
    channel: "Canal",
    exportTitle: "Emporter vos données",
    exportLead: "Téléchargez tout ce que nous conservons à votre sujet.",
    exportJson: "Fichier JSON (lisible par une machine, pour le transmettre à un autre service)",
    exportHtml: "Page lisible et imprimable (HTML)",
    receipt: "Reçu de vos consentements (JSON)",
    eraseTitle: "Supprimer mes données",
    eraseLead:
      "Vous pouvez demander que {brand} efface tout ce que Mesure conserve à votre sujet, et prévienne ses autres systèmes.",
    erase: "Demander l'effacement de mes données",
  },
  {
    title: "What we know about you",
    lead: "Here is everything {brand} keeps about you in Mesure, why, and where it came from. What is optional can be forgotten at once.",
    fields: "Your data",
    purpose: "Why:",
    source: "Where it came from:",
    empty: "Not given",
    forgetWhat: "Forget: {field}",
    confirmTitle: "Forget your {field}?",
    confirmBody:
      "\u201c{value}\u201d will be deleted at once, with where it came from. {effect} Your consent ledger will note that it was forgotten, without its value. This cannot be undone, but you can give it to {brand} again.",
    effectPhone: "No more text messages will be sent to you.",
    effectName: "Messages will no longer address you by name.",
    confirm: "Yes, forget it",
    keep: "No, keep it",
    forgotten: "Done: your {field} is forgotten.",
    nothing: "There was nothing to forget.",
    consents: "Your consents",
    consentCount: "{count} choice written in the ledger.",
    consentCounts: "{count} choices written in the ledger.",
    latest: "The latest:",
    allConsents: "Your whole consent history",
    messages: "The messages sent to you",
    sentCount: "{count} message sent in all",
    sentCounts: "{count} messages sent in all",
    byChannel: "of which {list}.",
    noMessage: "No message has been sent to you.",
    heldCount: "{count} held back for you in the last 90 days.",
    heldCounts: "{count} held back for you in the last 90 days.",
    history: "See the message history",
    recent: "Latest messages",
    when: "When",
    topic: "Topic",
    channel: "Channel",
    exportTitle: "Take your data with you",
    exportLead: "Download everything we keep about you.",
    exportJson: "JSON file (machine-readable, to hand to another service)",
    exportHtml: "Readable, printable page (HTML)",
    receipt: "Receipt of your consents (JSON)",
    eraseTitle: "Delete my data",
    eraseLead: "You can ask {brand} to erase everything Mesure keeps about you, and to tell its other systems.",
    erase: "Ask for my data to be erased",
  },
);

const HELD_DAYS = 90;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const { db } = context.services;
  const owner = { brandId: visit.brand.id, customerId: visit.customer.id };
  const since = new Date(Date.now() - HELD_DAYS * 86_400_000);
  const [customer, events, topics, sentByChannel, recent, held] = await Promise.all([
    getCustomerFields(db, owner),
    listCustomerConsentEvents(db, owner),
    listTopics(db, owner.brandId),
    db.delivery.groupBy({ by: ["channel"], where: { ...owner, status: "sent" }, _count: { _all: true } }),
    db.delivery.findMany({
      where: owner,
      orderBy: { sentAt: "desc" },
      take: 5,
      select: { id: true, sentAt: true, topicKey: true, channel: true },
    }),
    db.message.count({
      where: { ...owner, createdAt: { gt: since }, status: { in: ["denied", "deferred", "digested"] } },
    }),
  ]);
  const forget = ForgettableField.safeParse(new URL(request.url).searchParams.get("forget"));
  return {
    brand: visit.brand.name,
    timezone: visit.customer.timezone,
    fields: customer.fields,
    confirm: forget.success && customer[forget.data] !== null ? forget.data : null,
    topics: Object.fromEntries(topics.map((topic) => [topic.key, { nameFr: topic.nameFr, nameEn: topic.nameEn }])),
    consents: {
      count: events.length,
      latest: events
        .slice(-3)
        .reverse()
        .map((event) => ({
          id: event.id,
          at: event.createdAt.toISOString(),
          kind: event.kind,
          subject: event.subject,
          before: event.before,
          after: event.after,
        })),
    },
    messages: {
      byChannel: sentByChannel.map((row) => ({ channel: row.channel, count: row._count._all })),
      recent: recent.map((row) => ({ ...row, sentAt: row.sentAt.toISOString() })),
      held,
    },
  };
}

const ForgetForm = z.object({ intent: z.literal("forget"), field: ForgettableField });

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const visit = await requireVisit(request, context);
  const { locale } = resolveLocale(request);
  const parsed = parseForm(ForgetForm, { intent: form.get("intent"), field: form.get("field") }, locale);
  if (!parsed.ok)
    return data({ ok: false as const, errors: parsed.errors, field: null, changed: false }, { status: 400 });
  const changed = await forgetField(context.services.db, {
    brandId: visit.brand.id,
    customerId: visit.customer.id,
    field: parsed.data.field,
    source: "portal",
  });
  return { ok: true as const, errors: {} as Record<string, string>, field: parsed.data.field, changed };
}

export default function WhatWeKnow() {
  const { brand, fields, confirm, consents, messages, topics, timezone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const label = (field: CustomerField) => fieldDeclaration(field).label[locale];
  const lower = (field: CustomerField) => label(field).toLowerCase();
  const sent = messages.byChannel.reduce((sum, row) => sum + row.count, 0);
  const confirming = result?.ok ? null : confirm;
  const channelWord = (value: string, count = 1) => {
    const channel = Channel.safeParse(value);
    return channel.success ? channelName(locale, channel.data, count) : value;
  };
  return (
    <>
      <h1>{t.title}</h1>
      <p>{format(t.lead, { brand })}</p>
      {result?.ok ? (
        <Status
          message={result.changed && result.field ? format(t.forgotten, { field: lower(result.field) }) : t.nothing}
        />
      ) : null}
      {result && !result.ok ? <Status message={Object.values(result.errors)[0] ?? ""} tone="error" /> : null}

      <section className="card" aria-labelledby="fields-title">
        <h2 id="fields-title">{t.fields}</h2>
        <dl className="field-list">
          {fields.map(({ field, value, source }) => {
            const declaration = fieldDeclaration(field);
            return (
              <div className="field-row" key={field} id={`field-${field}`}>
                <dt>{label(field)}</dt>
                <dd className="field-value">
                  {fieldValueText(field, value, locale) ?? <span className="empty-value">{t.empty}</span>}
                </dd>
                <dd>
                  <strong>{t.purpose}</strong> {declaration.purpose[locale]}
                </dd>
                {value !== null ? (
                  <dd>
                    <strong>{t.source}</strong> {fieldSourceText(source, locale)}
                  </dd>
                ) : null}
                {declaration.kept ? <dd className="hint">{declaration.kept[locale]}</dd> : null}
                {declaration.optional && value !== null && confirming !== field ? (
                  <dd>
                    <Link to={`/portal/data?forget=${field}#confirm-${field}`} className="button secondary">
                      {format(t.forgetWhat, { field: lower(field) })}
                    </Link>
                  </dd>
                ) : null}
                {confirming === field && value !== null ? (
                  <dd>
                    <section
                      className="confirm-panel"
                      id={`confirm-${field}`}
                      tabIndex={-1}
                      aria-labelledby={`confirm-${field}-title`}
                    >
                      <h3 id={`confirm-${field}-title`}>{format(t.confirmTitle, { field: lower(field) })}</h3>
                      <p>
                        {format(t.confirmBody, {
                          value,
                          brand,
                          effect: field === "phone" ? t.effectPhone : t.effectName,
                        })}
                      </p>
                      <Form method="post" action="/portal/data" className="actions">
                        <CsrfField />
                        <input type="hidden" name="intent" value="forget" />
                        <input type="hidden" name="field" value={field} />
                        <button type="submit" className="button danger" disabled={navigation.state === "submitting"}>
                          {t.confirm}
                        </button>
                        <Link to="/portal/data" className="button secondary">
                          {t.keep}
                        </Link>
                      </Form>
                      <FieldError name="field" errors={result && !result.ok ? result.errors : null} />
                    </section>
                  </dd>
                ) : null}
              </div>
            );
          })}
        </dl>
      </section>

      <section className="card" aria-labelledby="consents-title">
        <h2 id="consents-title">{t.consents}</h2>
        <p>{plural(locale, consents.count, t.consentCount, t.consentCounts)}</p>
        {consents.latest.length ? (
          <>
            <p>{t.latest}</p>
            <ul>
              {consents.latest.map((event) => {
                const words = describeConsentEvent(event, locale, topics, timezone);
                return (
                  <li key={event.id}>
                    {formatDateTime(locale, event.at, timezone)} — {words.what}
                    {locale === "fr" ? " : " : ": "}
                    {words.after}
                  </li>
                );
              })}
            </ul>
          </>
        ) : null}
        <p>
          <Link to="/portal/consents">{t.allConsents}</Link>
        </p>
      </section>

      <section className="card" aria-labelledby="messages-title">
        <h2 id="messages-title">{t.messages}</h2>
        {sent === 0 ? (
          <p>{t.noMessage}</p>
        ) : (
          <p>
            {plural(locale, sent, t.sentCount, t.sentCounts)}
            {messages.byChannel.length > 1
              ? `, ${format(t.byChannel, {
                  list: messages.byChannel
                    .map((row) => `${row.count} ${channelWord(row.channel, row.count)}`)
                    .join(", "),
                })}`
              : "."}
          </p>
        )}
        {messages.held > 0 ? <p>{plural(locale, messages.held, t.heldCount, t.heldCounts)}</p> : null}
        {messages.recent.length ? (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="recent-title">
            <table className="list">
              <caption id="recent-title">{t.recent}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.when}</th>
                  <th scope="col">{t.topic}</th>
                  <th scope="col">{t.channel}</th>
                </tr>
              </thead>
              <tbody>
                {messages.recent.map((row) => (
                  <tr key={row.id}>
                    <td>{formatDateTime(locale, row.sentAt, timezone)}</td>
                    <td>{topics[row.topicKey] ? topicName(locale, topics[row.topicKey]!) : row.topicKey}</td>
                    <td>{channelWord(row.channel)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <p>
          <Link to="/portal/history">{t.history}</Link>
        </p>
      </section>

      <section className="card" aria-labelledby="export-title">
        <h2 id="export-title">{t.exportTitle}</h2>
        <p>{t.exportLead}</p>
        <ul>
          <li>
            <a href="/portal/export.json" download>
              {t.exportJson}
            </a>
          </li>
          <li>
            <a href="/portal/export.html" download>
              {t.exportHtml}
            </a>
          </li>
          <li>
            <a href="/portal/consent-receipt.json" download>
              {t.receipt}
            </a>
          </li>
        </ul>
      </section>

      <section className="card danger-zone" aria-labelledby="erase-title">
        <h2 id="erase-title">{t.eraseTitle}</h2>
        <p>{format(t.eraseLead, { brand })}</p>
        <p>
          <Link to="/portal/erase" className="button danger">
            {t.erase}
          </Link>
        </p>
      </section>
    </>
  );
}
