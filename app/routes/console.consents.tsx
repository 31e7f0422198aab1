// /console/consents: a customer's consent records. Search by external id, email or cookie
// visitor id (a plain GET form), then every event of theirs in the append-only ledger (what,
// before → after, source, policy version, hash of the text shown and, for cookie choices, the
// banner's words behind it), a link to their receipt, and whether the brand's chain verifies. Viewers may read it; nothing here changes anything.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ConsolePage } from "~/components/console/page";
import { ShownTextDetails } from "~/components/shown-text";
import { FieldError, invalid } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import {
  ConsentSearch,
  customerConsentEvents,
  CustomerIdParam,
  findBrandCustomer,
  ledgerIntegrity,
  searchConsentRecords,
  type CustomerHit,
} from "~/console/consent-records.server";
import { bilingual, format, plural } from "~/lib/bilingual";
import { fieldErrors } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { listTopics } from "~/models/topic.server";
import type { LedgerEvent } from "~/privacy/consent-receipt.server";
import { consentSourceText, describeConsentEvent } from "~/privacy/consent-words";
import { findShownTexts, type ShownCookieText } from "~/privacy/shown-cookie-texts.server";

const text = bilingual(
  {
    title: "Consentements",
    lead: "Retrouvez les consentements d'un client : chaque événement du registre, qui ne peut être modifié sans que cela se voie, et son reçu vérifiable.",
    searchLabel: "Identifiant client, adresse e-mail ou identifiant de visiteur (cookies)",
    searchHint:
      "L'identifiant client est celui de vos systèmes (external id) ; l'identifiant de visiteur est dans le cookie mesure_consent.",
    search: "Rechercher",
    intact: "Registre intact : les {count} événements de la marque ont été vérifiés, empreinte de tête {head}.",
    broken: "Registre rompu à l'événement n° {seq} : {message}",
    nothing: "Aucun client ni visiteur ne correspond à « {query} ».",
    several: "Plusieurs clients correspondent à « {query} » :",
    erased: "effacé",
    customer: "Client {externalId}",
    erasedCustomer: "Client effacé ({id})",
    email: "Adresse : {email}",
    receipt: "Télécharger son reçu de consentement (JSON)",
    count: "{count} événement",
    counts: "{count} événements",
    caption: "Événements du registre, du plus ancien au plus récent (heure de {zone})",
    visitorCaption: "Choix de cookies du visiteur {visitor}, non relié à un client",
    seq: "N°",
    when: "Quand",
    what: "Quoi",
    change: "Avant → après",
    source: "Source",
    policy: "Version de la politique",
    shown: "Empreinte du texte affiché",
    shownText: "Texte affiché ({locale})",
    before: "Avant :",
    after: "Après :",
    none: "—",
    empty: "Aucun événement.",
    newSearch: "Nouvelle recherche",
  },
  {
    title: "Consents",
    lead: "Find a customer's consents: every event of the ledger, which cannot be changed without it showing, and their verifiable receipt.",
    searchLabel: "Customer id, email address or visitor id (cookies)",
    searchHint:
      "The customer id is the one in your systems (external id); the visitor id is in the mesure_consent cookie.",
    search: "Search",
    intact: "Ledger intact: the brand's {count} events were verified, head fingerprint {head}.",
    broken: "Ledger broken at event #{seq}: {message}",
    nothing: "No customer or visitor matches \u201c{query}\u201d.",
    several: "Several customers match \u201c{query}\u201d:",
    erased: "erased",
    customer: "Customer {externalId}",
    erasedCustomer: "Erased customer ({id})",
    email: "Address: {email}",
    receipt: "Download their consent receipt (JSON)",
    count: "{count} event",
    counts: "{count} events",
    caption: "Ledger events, oldest first (times in {zone})",
    visitorCaption: "Cookie choices of visitor {visitor}, linked to no customer",
    seq: "#",
    when: "When",
    what: "What",
    change: "Before → after",
    source: "Source",
    policy: "Policy version",
    shown: "Fingerprint of the text shown",
    shownText: "Text shown ({locale})",
    before: "Before:",
    after: "After:",
    none: "—",
    empty: "No event.",
    newSearch: "New search",
  },
);

type EventView = {
  id: string;
  seq: number;
  at: string;
  kind: string;
  subject: string;
  before: string;
  after: string;
  source: string;
  policyVersion: string;
  shownTextHash: string | null;
};

const toView = (event: LedgerEvent): EventView => ({
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
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { locale } = resolveLocale(request);
  const { db } = context.services;
  const brandId = visit.brand.id;
  const params = new URL(request.url).searchParams;
  const [integrity, topics, brand] = await Promise.all([
    ledgerIntegrity(db, brandId),
    listTopics(db, brandId),
    db.brand.findUniqueOrThrow({ where: { id: brandId }, select: { defaultTimezone: true } }),
  ]);
  const base = {
    integrity: integrity.intact
      ? { intact: true as const, length: integrity.length, head: integrity.headHash }
      : { intact: false as const, seq: integrity.break.seq, message: integrity.break.message },
    topics: Object.fromEntries(topics.map((topic) => [topic.key, { nameFr: topic.nameFr, nameEn: topic.nameEn }])),
    timezone: brand.defaultTimezone,
    query: params.get("q") ?? "",
    errors: null as Record<string, string> | null,
    customer: null as CustomerHit | null,
    events: [] as EventView[],
    matches: null as CustomerHit[] | null,
    visitorEvents: [] as EventView[],
    shownTexts: {} as Record<string, Omit<ShownCookieText, "firstSeenAt" | "hash">>,
  };
  // The banner's words behind the events' hashes, for the table below.
  const withTexts = async <T extends { events: EventView[]; visitorEvents: EventView[] }>(page: T) => {
    const texts = await findShownTexts(
      db,
      brandId,
      [...page.events, ...page.visitorEvents].map((event) => event.shownTextHash),
    );
    const shownTexts = Object.fromEntries(
      [...texts].map(([hash, { title, body, categories, locale, policyVersion }]) => [
        hash,
        { title, body, categories, locale, policyVersion },
      ]),
    );
    return { ...page, shownTexts };
  };

  const customerParam = params.get("customer");
  if (customerParam !== null) {
    const id = CustomerIdParam.safeParse(customerParam);
    const customer = id.success ? await findBrandCustomer(db, brandId, id.data) : null;
    if (!customer) throw data({ formError: "not_found" }, { status: 404 });
    const events = await customerConsentEvents(db, brandId, customer.id);
    return withTexts({ ...base, customer, events: events.map(toView) });
  }

  const q = params.get("q");
  if (q === null) return base;
  const parsed = ConsentSearch.safeParse(q);
  if (!parsed.success)
    return data({ ...base, errors: { q: fieldErrors(parsed.error, locale).form! } }, { status: 400 });
  const { customers, visitorEvents } = await searchConsentRecords(db, brandId, parsed.data);
  if (customers.length === 1 && visitorEvents.length === 0) {
    const events = await customerConsentEvents(db, brandId, customers[0]!.id);
    return withTexts({ ...base, customer: customers[0]!, events: events.map(toView) });
  }
  return withTexts({ ...base, matches: customers, visitorEvents: visitorEvents.map(toView) });
}

export default function ConsentRecords() {
  const loaded = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  const { integrity, customer, matches } = loaded;
  return (
    <ConsolePage title={t.title} lead={t.lead}>
      <p
        className={`status ${integrity.intact ? "status-ok" : "status-error"}`}
        role={integrity.intact ? undefined : "alert"}
      >
        {integrity.intact
          ? format(t.intact, { count: integrity.length, head: `${integrity.head.slice(0, 16)}…` })
          : format(t.broken, { seq: integrity.seq, message: integrity.message })}
      </p>
      <Form method="get" className="console-card search-form">
        <label htmlFor="consent-q">{t.searchLabel}</label>
        <p className="hint" id="consent-q-hint">
          {t.searchHint}
        </p>
        <div className="search-row">
          <input
            id="consent-q"
            name="q"
            type="search"
            defaultValue={loaded.query}
            maxLength={254}
            aria-describedby="consent-q-hint"
            {...invalid("q", loaded.errors)}
          />
          <button type="submit" className="button">
            {t.search}
          </button>
        </div>
        <FieldError name="q" errors={loaded.errors} />
      </Form>

      {matches && matches.length === 0 && loaded.visitorEvents.length === 0 ? (
        <p role="status">{format(t.nothing, { query: loaded.query })}</p>
      ) : null}
      {matches && matches.length > 1 ? (
        <>
          <p>{format(t.several, { query: loaded.query })}</p>
          <ul>
            {matches.map((match) => (
              <li key={match.id}>
                <Link to={`/console/consents?customer=${encodeURIComponent(match.id)}`}>
                  {match.erased
                    ? format(t.erasedCustomer, { id: match.id })
                    : format(t.customer, { externalId: match.externalId })}
                </Link>
                {match.email ? ` · ${match.email}` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {loaded.visitorEvents.length > 0 ? (
        <EventTable events={loaded.visitorEvents} caption={format(t.visitorCaption, { visitor: loaded.query })} />
      ) : null}

      {customer ? (
        <section aria-labelledby="customer-heading">
          <h2 id="customer-heading">
            {customer.erased
              ? format(t.erasedCustomer, { id: customer.id })
              : format(t.customer, { externalId: customer.externalId })}
          </h2>
          {customer.email ? <p>{format(t.email, { email: customer.email })}</p> : null}
          <p>
            <strong>{plural(locale, loaded.events.length, t.count, t.counts)}</strong>
            {" · "}
            <a href={`/console/consents/${encodeURIComponent(customer.id)}/receipt.json`} download>
              {t.receipt}
            </a>
          </p>
          <EventTable events={loaded.events} caption={format(t.caption, { zone: loaded.timezone })} />
          <p>
            <Link to="/console/consents">{t.newSearch}</Link>
          </p>
        </section>
      ) : null}
    </ConsolePage>
  );
}

function EventTable({ events, caption }: { events: EventView[]; caption: string }) {
  const { topics, timezone, shownTexts } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  if (events.length === 0) return <p>{t.empty}</p>;
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="table ledger">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="number">
              {t.seq}
            </th>
            <th scope="col">{t.when}</th>
            <th scope="col">{t.what}</th>
            <th scope="col">{t.change}</th>
            <th scope="col">{t.source}</th>
            <th scope="col">{t.policy}</th>
            <th scope="col">{t.shown}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => {
            const words = describeConsentEvent(event, locale, topics, timezone);
            return (
              <tr key={event.id}>
                <th scope="row" className="number">
                  {event.seq}
                </th>
                <td>{formatDateTime(locale, event.at, timezone)}</td>
                <td>
                  {words.what}
                  <span className="muted"> ({event.kind})</span>
                </td>
                <td>
                  <span className="visually-hidden">{t.before} </span>
                  {words.before}
                  <span aria-hidden="true"> → </span>
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
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
