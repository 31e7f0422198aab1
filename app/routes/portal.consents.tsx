// The customer's consent history, readable: every event of theirs in the brand's ledger, what it
// changed in words, who made it, under which policy version, the banner's words a cookie choice
// answered, and the hashes that prove it. Prints
// cleanly; the JSON receipt beside it lets anyone recompute the hashes.
import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "~/components/portal/words";
import { ShownTextDetails } from "~/components/shown-text";
import { useLocale } from "~/components/use-t";
import { bilingual, format, plural } from "~/lib/bilingual";
import { requireVisit } from "~/lib/portal-auth.server";
import { listTopics } from "~/models/topic.server";
import { listCustomerConsentEvents } from "~/privacy/consent-receipt.server";
import { consentSourceText, describeConsentEvent } from "~/privacy/consent-words";
import { findShownTexts } from "~/privacy/shown-cookie-texts.server";
import styles from "~/styles/privacy.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const text = bilingual(
  {
    title: "Vos consentements",
    lead: "Chaque choix que vous avez fait, ou qui a été fait pour vous, est inscrit dans un registre que personne ne peut modifier sans que cela se voie : chaque ligne porte l'empreinte (hash) de la précédente.",
    count: "{count} événement",
    counts: "{count} événements",
    receipt: "Télécharger le reçu (JSON, avec de quoi recalculer chaque empreinte)",
    print: "Pour une copie papier, imprimez cette page.",
    empty: "Aucun événement pour l'instant.",
    caption: "Registre de vos consentements, du plus ancien au plus récent",
    when: "Quand",
    what: "Quoi",
    change: "Avant → après",
    source: "Par qui",
    policy: "Version de la politique",
    shown: "Empreinte du texte affiché",
    shownText: "Texte affiché ({locale})",
    hash: "Empreinte de l'événement",
    before: "Avant :",
    after: "Après :",
    none: "—",
    back: "Retour à vos données",
  },
  {
    title: "Your consents",
    lead: "Every choice you made, or that was made for you, is written in a ledger that nobody can change without it showing: each line carries the fingerprint (hash) of the one before.",
    count: "{count} event",
    counts: "{count} events",
    receipt: "Download the receipt (JSON, with what you need to recompute every fingerprint)",
    print: "For a paper copy, print this page.",
    empty: "No event yet.",
    caption: "Ledger of your consents, oldest first",
    when: "When",
    what: "What",
    change: "Before → after",
    source: "By whom",
    policy: "Policy version",
    shown: "Fingerprint of the text shown",
    shownText: "Text shown ({locale})",
    hash: "Fingerprint of the event",
    before: "Before:",
    after: "After:",
    none: "—",
    back: "Back to your data",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const { db } = context.services;
  const owner = { brandId: visit.brand.id, customerId: visit.customer.id };
  const [events, topics] = await Promise.all([listCustomerConsentEvents(db, owner), listTopics(db, visit.brand.id)]);
  const texts = await findShownTexts(
    db,
    owner.brandId,
    events.map((event) => event.shownTextHash),
  );
  return {
    shownTexts: Object.fromEntries(
      [...texts].map(([hash, { title, body, categories, locale }]) => [hash, { title, body, categories, locale }]),
    ),
    timezone: visit.customer.timezone,
    topics: Object.fromEntries(topics.map((topic) => [topic.key, { nameFr: topic.nameFr, nameEn: topic.nameEn }])),
    events: events.map((event) => ({
      id: event.id,
      seq: event.seq,
      at: event.createdAt.toISOString(),
      kind: event.kind,
      subject: event.subject,
      before: event.before,
      after: event.after,
      source: event.source,
      policyVersion: event.policyVersion,
      shownTextHash: event.shownTextHash,
      hash: event.hash,
    })),
  };
}

export default function Consents() {
  const { events, topics, timezone, shownTexts } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  return (
    <>
      <h1>{t.title}</h1>
      <p>{t.lead}</p>
      <p>
        <strong>{plural(locale, events.length, t.count, t.counts)}</strong>
        {" · "}
        <a href="/portal/consent-receipt.json" download>
          {t.receipt}
        </a>
      </p>
      <p className="hint no-print">{t.print}</p>
      {events.length === 0 ? (
        <p>{t.empty}</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="ledger-caption">
          <table className="list ledger">
            <caption id="ledger-caption" className="visually-hidden">
              {t.caption}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t.when}</th>
                <th scope="col">{t.what}</th>
                <th scope="col">{t.change}</th>
                <th scope="col">{t.source}</th>
                <th scope="col">{t.policy}</th>
                <th scope="col">{t.shown}</th>
                <th scope="col">{t.hash}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => {
                const words = describeConsentEvent(event, locale, topics, timezone);
                return (
                  <tr key={event.id}>
                    <td>{formatDateTime(locale, event.at, timezone)}</td>
                    <td>{words.what}</td>
                    <td>
                      <span className="visually-hidden">{t.before} </span>
                      {words.before}
                      <span className="change-arrow" aria-hidden="true">
                        →
                      </span>
                      <span className="visually-hidden"> {t.after} </span>
                      {words.after}
                    </td>
                    <td>{consentSourceText(event.source, locale)}</td>
                    <td>{event.policyVersion}</td>
                    <td>
                      {event.shownTextHash ? <code className="hash">{event.shownTextHash}</code> : t.none}
                      {event.shownTextHash && shownTexts[event.shownTextHash] ? (
                        <ShownTextDetails
                          shown={shownTexts[event.shownTextHash]!}
                          summary={format(t.shownText, { locale: shownTexts[event.shownTextHash]!.locale })}
                        />
                      ) : null}
                    </td>
                    <td>
                      <code className="hash">{event.hash}</code>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className="no-print">
        <Link to="/portal/data">{t.back}</Link>
      </p>
    </>
  );
}
