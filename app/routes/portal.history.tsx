// History: what reached the customer in the last 90 days and, beside it, what Mesure held
// back on their behalf, each with its reason in plain words. Delivered messages link to
// "why did I get this?".
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { channelName, formatDateTime, topicName } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { bilingual, format } from "~/lib/bilingual";
import { requireVisit } from "~/lib/portal-auth.server";
import { HISTORY_DAYS, readHistory } from "~/models/history.server";
import { listTopics } from "~/models/topic.server";
import { reasonText } from "~/policy/explain";

const text = bilingual(
  {
    title: "Historique",
    lead: "Les {days} derniers jours : ce que vous avez reçu, et ce que nous avons retenu pour vous.",
    received: "Reçus",
    heldBack: "Retenus pour vous",
    empty: "Rien sur cette période.",
    when: "Quand",
    topic: "Sujet",
    channel: "Canal",
    what: "Ce qui s'est passé",
    why: "Pourquoi l'ai-je reçu ?",
    sent: "Envoyé",
    bounced: "Non distribué (adresse en erreur)",
    complained: "Signalé comme indésirable",
    failed: "Échec de l'envoi",
    sending: "En cours d'envoi",
    uncertain: "Peut-être reçu (envoi interrompu, jamais renvoyé)",
    denied: "Pas envoyé",
    deferred: "Reporté",
    digested: "Regroupé dans votre résumé",
    queued: "En attente",
    because: "parce que {reason}",
  },
  {
    title: "History",
    lead: "The last {days} days: what you received, and what we held back for you.",
    received: "Received",
    heldBack: "Held back for you",
    empty: "Nothing in this period.",
    when: "When",
    topic: "Topic",
    channel: "Channel",
    what: "What happened",
    why: "Why did I get this?",
    sent: "Sent",
    bounced: "Not delivered (address failing)",
    complained: "Reported as spam",
    failed: "Sending failed",
    sending: "Being sent",
    uncertain: "Perhaps received (sending was interrupted; never sent twice)",
    denied: "Not sent",
    deferred: "Held until later",
    digested: "Folded into your digest",
    queued: "Waiting",
    because: "because {reason}",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const { db } = context.services;
  const [entries, topics] = await Promise.all([
    readHistory(db, { brandId: visit.brand.id, customerId: visit.customer.id }),
    listTopics(db, visit.brand.id),
  ]);
  return {
    days: HISTORY_DAYS,
    timezone: visit.customer.timezone,
    topics: Object.fromEntries(topics.map((topic) => [topic.key, { nameFr: topic.nameFr, nameEn: topic.nameEn }])),
    entries,
  };
}

type Entry = Awaited<ReturnType<typeof loader>>["entries"][number];

export default function History() {
  const { entries, topics, timezone, days } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  const received = entries.filter((entry) => entry.deliveryId !== null);
  const held = entries.filter((entry) => entry.deliveryId === null);
  const name = (key: string) => (topics[key] ? topicName(locale, topics[key]) : key);
  const status = (entry: Entry) => {
    const label = t[entry.status as keyof typeof t] ?? entry.status;
    const reason = entry.reasons[0];
    return reason ? `${label}, ${format(t.because, { reason: reasonText(reason, locale) })}` : label;
  };
  const table = (rows: Entry[], caption: string, id: string) => (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{caption}</h2>
      {rows.length === 0 ? (
        <p>{t.empty}</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby={id}>
          <table className="list">
            <thead>
              <tr>
                <th scope="col">{t.when}</th>
                <th scope="col">{t.topic}</th>
                <th scope="col">{t.channel}</th>
                <th scope="col">{t.what}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((entry) => {
                const date = formatDateTime(locale, entry.at, timezone);
                return (
                  <tr key={entry.id}>
                    <td>{date}</td>
                    <td>{name(entry.topicKey)}</td>
                    <td>{entry.channel ? channelName(locale, entry.channel) : "—"}</td>
                    <td>
                      {status(entry)}
                      {entry.deliveryId ? (
                        <>
                          {" · "}
                          <Link to={`/portal/why/${entry.deliveryId}`}>
                            {t.why}
                            <span className="visually-hidden">{` (${name(entry.topicKey)}, ${date})`}</span>
                          </Link>
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
  return (
    <>
      <h1>{t.title}</h1>
      <p>{format(t.lead, { days })}</p>
      {table(received, t.received, "received-title")}
      {table(held, t.heldBack, "held-title")}
    </>
  );
}
