// /console/webhooks/{id}: one webhook address and its most recent events, each with its state,
// attempts and the last answer. Editors change its description and events, send a test, and
// send again an event that was given up.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ConsolePage, useConsoleMember } from "~/components/console/page";
import { CsrfField, FieldError, invalid, Status } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { consoleForm, formFields } from "~/console/form.server";
import { getBrandTimezone } from "~/models/brand.server";
import { bilingual, format } from "~/lib/bilingual";
import type { FieldErrors } from "~/lib/forms.server";
import {
  getWebhookEndpoint,
  listWebhookDeliveries,
  parseWebhookChanges,
  redeliverWebhook,
  sendTestWebhook,
  updateWebhookEndpoint,
} from "~/models/webhook-endpoint.server";
import { EventChoices } from "~/webhooks/event-choices";
import { deliveryStateWords, eventName, problemMessages } from "~/webhooks/words";

const text = bilingual(
  {
    title: "Webhook",
    back: "Toutes les adresses",
    lead: "Les événements les plus récents envoyés à {url}, avec leur état. Un événement garde le même identifiant (en-tête webhook-id) à chaque essai : dédoublonnez sur lui.",
    state: "État de l'adresse : {state}",
    on: "Active",
    off: "Désactivée : ses événements attendent sa réactivation",
    editTitle: "Description et événements",
    description: "Description (facultative)",
    eventsLegend: "Événements à envoyer",
    save: "Enregistrer",
    saved: "Enregistré.",
    test: "Envoyer un test",
    testOk: "L'adresse a répondu {status} : elle reçoit bien les événements signés.",
    testFailed: "Le test a échoué. Réponse : {error}",
    caption: "Événements récents (les 50 derniers)",
    created: "Créé le",
    event: "Événement",
    status: "État",
    attempts: "Essais",
    answer: "Dernière réponse",
    next: "Prochain essai",
    actions: "Actions",
    none: "Aucun événement pour l'instant.",
    unreachable: "injoignable",
    redeliver: "Renvoyer",
    redelivered: "Renvoyé : l'adresse a répondu {status}.",
    redeliverFailed: "Nouvel échec ({error}) ; nouvel essai prévu le {date}.",
    redeliverHeld: "L'adresse est désactivée : l'événement attendra sa réactivation.",
    notFound: "Cet événement n'existe pas, ou n'est pas abandonné.",
    unknown: "Cette action n'est pas reconnue.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
  },
  {
    title: "Webhook",
    back: "All addresses",
    lead: "The most recent events sent to {url}, with their state. An event keeps the same id (webhook-id header) on every attempt: de-duplicate on it.",
    state: "Address state: {state}",
    on: "On",
    off: "Off: its events wait until it is on again",
    editTitle: "Description and events",
    description: "Description (optional)",
    eventsLegend: "Events to send",
    save: "Save",
    saved: "Saved.",
    test: "Send a test",
    testOk: "The address answered {status}: it receives signed events.",
    testFailed: "The test failed. Answer: {error}",
    caption: "Recent events (the last 50)",
    created: "Created",
    event: "Event",
    status: "State",
    attempts: "Attempts",
    answer: "Last answer",
    next: "Next attempt",
    actions: "Actions",
    none: "No event yet.",
    unreachable: "unreachable",
    redeliver: "Send again",
    redelivered: "Sent again: the address answered {status}.",
    redeliverFailed: "Failed again ({error}); next attempt on {date}.",
    redeliverHeld: "The address is off: the event will wait until it is on again.",
    notFound: "This event does not exist, or is not given up.",
    unknown: "This action is not recognised.",
    fix: "Some fields need fixing; nothing was saved.",
  },
);

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { db } = context.services;
  const endpoint = await getWebhookEndpoint(db, { brandId: visit.brand.id, id: params.id ?? "" });
  // Another brand's endpoint is as unknown as none.
  if (!endpoint) throw data({ formError: "not_found" }, { status: 404 });
  const [deliveries, timeZone] = await Promise.all([
    listWebhookDeliveries(db, { brandId: visit.brand.id, endpointId: endpoint.id, take: 50 }),
    getBrandTimezone(db, visit.brand.id),
  ]);
  return {
    timeZone,
    endpoint: {
      id: endpoint.id,
      url: endpoint.url,
      description: endpoint.description,
      events: endpoint.events,
      enabled: endpoint.enabled,
    },
    deliveries: deliveries.map((delivery) => ({
      id: delivery.id,
      eventId: delivery.eventId,
      type: delivery.type,
      status: delivery.status,
      attempts: delivery.attempts,
      lastStatus: delivery.lastStatus,
      lastError: delivery.lastError,
      createdAt: delivery.createdAt.toISOString(),
      nextAttemptAt: delivery.status === "pending" ? delivery.nextAttemptAt.toISOString() : null,
    })),
  };
}

const Intent = z.enum(["update", "test", "redeliver"]);
type Intent = z.infer<typeof Intent>;

type Outcome = {
  intent: Intent | null;
  ok: boolean;
  message: string;
  errors?: FieldErrors;
  values?: { description: string; events: string[] };
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { visit, form, locale } = await consoleForm(request, context, "editor");
  const t = text[locale];
  const { db, secret } = context.services;
  const who = { brandId: visit.brand.id, actor: visit.member.email };
  const endpoint = await getWebhookEndpoint(db, { brandId: visit.brand.id, id: params.id ?? "" });
  if (!endpoint) throw data({ formError: "not_found" }, { status: 404 });
  const fields = formFields(form);
  const intent = Intent.safeParse(fields.intent);
  if (!intent.success) {
    return data<Outcome>({ intent: null, ok: false, message: t.unknown }, { status: 400 });
  }
  const timeZone = await getBrandTimezone(db, visit.brand.id);

  switch (intent.data) {
    case "update": {
      const values = { description: fields.description ?? "", events: form.getAll("events").map(String) };
      const parsed = parseWebhookChanges(values);
      if (!parsed.ok) {
        const errors = problemMessages(locale, parsed.problems);
        return data<Outcome>({ intent: "update", ok: false, message: t.fix, errors, values }, { status: 400 });
      }
      await updateWebhookEndpoint(db, { ...who, id: endpoint.id, ...parsed.data });
      return data<Outcome>({ intent: "update", ok: true, message: t.saved });
    }
    case "test": {
      const sent = await sendTestWebhook(db, secret, { ...who, id: endpoint.id });
      const ok = sent?.outcome === "delivered";
      const message = ok
        ? format(t.testOk, { status: sent.status ?? "" })
        : format(t.testFailed, { error: sent?.error ?? "" });
      return data<Outcome>({ intent: "test", ok, message });
    }
    case "redeliver": {
      // Only an event of this endpoint: another endpoint's (or brand's) id is refused as unknown.
      const sent = await redeliverWebhook(db, secret, {
        ...who,
        endpointId: endpoint.id,
        deliveryId: fields.delivery ?? "",
      });
      if (!sent) return data<Outcome>({ intent: "redeliver", ok: false, message: t.notFound }, { status: 404 });
      const message =
        sent.outcome === "delivered"
          ? format(t.redelivered, { status: sent.status ?? "" })
          : sent.outcome === "held"
            ? t.redeliverHeld
            : format(t.redeliverFailed, {
                error: sent.error ?? "",
                date: sent.nextAttemptAt ? formatDateTime(locale, sent.nextAttemptAt.toISOString(), timeZone) : "—",
              });
      return data<Outcome>({ intent: "redeliver", ok: sent.outcome === "delivered", message });
    }
  }
}

export default function ConsoleWebhook() {
  const { endpoint, deliveries, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Outcome | undefined;
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const states = deliveryStateWords[locale];
  const { can } = useConsoleMember();
  const editor = can("editor");
  const busy = navigation.state === "submitting";
  const errors = result?.intent === "update" ? (result.errors ?? null) : null;
  const values = result?.intent === "update" ? result.values : undefined;

  return (
    <ConsolePage
      title={`${t.title} — ${endpoint.url}`}
      lead={format(t.lead, { url: endpoint.url })}
      actions={
        <Link to="/console/webhooks" className="button secondary">
          {t.back}
        </Link>
      }
    >
      {result ? <Status message={result.message} tone={result.ok ? "ok" : "error"} /> : null}
      <p>{format(t.state, { state: endpoint.enabled ? t.on : t.off })}</p>

      {editor ? (
        <section className="console-card" aria-labelledby="edit-title">
          <h2 id="edit-title">{t.editTitle}</h2>
          <Form method="post" className="stack" noValidate>
            <CsrfField />
            <div className="field">
              <label htmlFor="webhook-description">{t.description}</label>
              <input
                id="webhook-description"
                name="description"
                type="text"
                maxLength={200}
                defaultValue={values?.description ?? endpoint.description}
                {...invalid("description", errors)}
              />
              <FieldError name="description" errors={errors} />
            </div>
            <EventChoices legend={t.eventsLegend} chosen={values?.events ?? endpoint.events} errors={errors} />
            <div className="actions">
              <button type="submit" name="intent" value="update" className="button" disabled={busy}>
                {t.save}
              </button>
              <button type="submit" name="intent" value="test" className="button secondary" disabled={busy}>
                {t.test}
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      {deliveries.length === 0 ? (
        <p className="muted">{t.none}</p>
      ) : (
        <table className="table">
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.created}</th>
              <th scope="col">{t.event}</th>
              <th scope="col">{t.status}</th>
              <th scope="col" className="number">
                {t.attempts}
              </th>
              <th scope="col">{t.answer}</th>
              <th scope="col">{t.next}</th>
              {editor ? <th scope="col">{t.actions}</th> : null}
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id}>
                <td>{formatDateTime(locale, delivery.createdAt, timeZone)}</td>
                <th scope="row">
                  {eventName(locale, delivery.type)}
                  <br />
                  <code className="hint">{delivery.eventId}</code>
                </th>
                <td>{states[delivery.status]}</td>
                <td className="number">{delivery.attempts}</td>
                <td>
                  {delivery.attempts === 0
                    ? "—"
                    : `${delivery.lastStatus ?? t.unreachable}${delivery.lastError ? ` · ${delivery.lastError}` : ""}`}
                </td>
                <td>{delivery.nextAttemptAt ? formatDateTime(locale, delivery.nextAttemptAt, timeZone) : "—"}</td>
                {editor ? (
                  <td>
                    {delivery.status === "failed" ? (
                      <Form method="post" className="inline-form">
                        <CsrfField />
                        <input type="hidden" name="delivery" value={delivery.id} />
                        <button
                          type="submit"
                          name="intent"
                          value="redeliver"
                          className="button secondary"
                          disabled={busy}
                        >
                          {t.redeliver}
                          <span className="visually-hidden"> {delivery.eventId}</span>
                        </button>
                      </Form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ConsolePage>
  );
}
