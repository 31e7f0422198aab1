// /console/webhooks: the addresses where the brand's own systems hear of changes (preferences,
// consents, unsubscribes, erasure requests) by signed calls. Everyone on the team sees them and
// how their events fare; editors add them (the signing secret is shown once), choose their
// events, switch them on and off, rotate the secret, send a test and remove them.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ConsolePage, useConsoleMember } from "~/components/console/page";
import { ConfirmCard, OutcomeStatus, SecretOnce, TextField } from "~/components/console/fields";
import { CsrfField } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { intentForm } from "~/console/actions.server";
import { getBrandTimezone } from "~/models/brand.server";
import { bilingual, format } from "~/lib/bilingual";
import type { FieldErrors } from "~/lib/forms.server";
import {
  countWebhookDeliveries,
  createWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  parseWebhookEndpoint,
  removeWebhookEndpoint,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhookEndpoint,
} from "~/models/webhook-endpoint.server";
import { WEBHOOK_EVENT_TYPES } from "~/webhooks/events";
import { EventChoices } from "~/webhooks/event-choices";
import { eventName, problemMessages } from "~/webhooks/words";

const text = bilingual(
  {
    title: "Webhooks",
    lead: "Les adresses où les systèmes de votre marque apprennent ce qui change : préférences, consentements, désabonnements, demandes d'effacement. Chaque appel est un POST JSON signé (Standard Webhooks) qui nomme le client par votre identifiant, jamais par son e-mail ou son téléphone ; un appel refusé est retenté pendant trois jours.",
    readOnly: "Votre rôle permet de consulter ces réglages, pas de les modifier.",
    caption: "Adresses de webhooks",
    url: "Adresse",
    events: "Événements",
    state: "État",
    deliveries: "Événements (30 jours)",
    counts: "{delivered} livrés · {pending} en attente · {failed} abandonnés",
    actions: "Actions",
    on: "Actif",
    off: "Désactivé : ses événements attendent",
    none: "Aucune adresse pour l'instant.",
    details: "Détails et événements",
    enable: "Activer",
    disable: "Désactiver",
    rotate: "Nouveau secret",
    test: "Envoyer un test",
    remove: "Retirer…",
    addTitle: "Ajouter une adresse",
    urlField: "Adresse (https)",
    urlHint: "Mesure y envoie un POST JSON signé pour chaque événement choisi.",
    description: "Description (facultative)",
    descriptionHint: "Pour vous y retrouver, par exemple « CRM — synchronisation des préférences ».",
    eventsLegend: "Événements à envoyer",
    add: "Ajouter",
    added: "Adresse ajoutée : {url}.",
    secretTitle: "Secret de signature de {url}",
    secretOnce:
      "Copiez-le maintenant dans le système qui reçoit les événements : il ne sera plus jamais affiché. Il sert à vérifier la signature de chaque appel (en-tête webhook-signature).",
    rotated: "Nouveau secret pour {url} : l'ancien ne fonctionne plus.",
    nowOn: "{url} est activée.",
    nowOff: "{url} est désactivée : ses événements sont retenus jusqu'à sa réactivation.",
    removed: "{url} est retirée, avec ses événements.",
    confirmTitle: "Retirer {url} ?",
    confirmBody: "Elle ne recevra plus rien, et ses événements en attente sont abandonnés.",
    confirm: "Oui, retirer",
    cancel: "Annuler",
    testOk: "{url} a répondu {status} : elle reçoit bien les événements signés.",
    testFailed: "Le test de {url} a échoué. Réponse : {error}",
    notFound: "Cette adresse n'existe pas, ou plus.",
    unknown: "Cette action n'est pas reconnue.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
  },
  {
    title: "Webhooks",
    lead: "The addresses where your brand's systems learn what changes: preferences, consents, unsubscribes, erasure requests. Each call is a signed JSON POST (Standard Webhooks) naming the customer by your id, never by their email or phone; a refused call is tried again for three days.",
    readOnly: "Your role lets you read these settings, not change them.",
    caption: "Webhook addresses",
    url: "Address",
    events: "Events",
    state: "State",
    deliveries: "Events (30 days)",
    counts: "{delivered} delivered · {pending} waiting · {failed} given up",
    actions: "Actions",
    on: "On",
    off: "Off: its events wait",
    none: "No address yet.",
    details: "Details and events",
    enable: "Switch on",
    disable: "Switch off",
    rotate: "New secret",
    test: "Send a test",
    remove: "Remove…",
    addTitle: "Add an address",
    urlField: "Address (https)",
    urlHint: "Mesure POSTs signed JSON there for every event chosen.",
    description: "Description (optional)",
    descriptionHint: "To find your way, e.g. “CRM — preference sync”.",
    eventsLegend: "Events to send",
    add: "Add",
    added: "Address added: {url}.",
    secretTitle: "Signing secret of {url}",
    secretOnce:
      "Copy it now into the system that receives the events: it will never be shown again. It checks the signature of every call (webhook-signature header).",
    rotated: "New secret for {url}: the old one no longer works.",
    nowOn: "{url} is on.",
    nowOff: "{url} is off: its events are held until it is on again.",
    removed: "{url} is removed, with its events.",
    confirmTitle: "Remove {url}?",
    confirmBody: "It will receive nothing more, and its waiting events are dropped.",
    confirm: "Yes, remove",
    cancel: "Cancel",
    testOk: "{url} answered {status}: it receives signed events.",
    testFailed: "The test of {url} failed. Answer: {error}",
    notFound: "This address does not exist, or no longer does.",
    unknown: "This action is not recognised.",
    fix: "Some fields need fixing; nothing was saved.",
  },
);

// The page may carry a signing secret: never cached.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { db } = context.services;
  const [endpoints, counts, timeZone] = await Promise.all([
    listWebhookEndpoints(db, visit.brand.id),
    countWebhookDeliveries(db, visit.brand.id),
    getBrandTimezone(db, visit.brand.id),
  ]);
  const removing = new URL(request.url).searchParams.get("remove");
  return {
    timeZone,
    endpoints: endpoints.map((endpoint) => ({
      id: endpoint.id,
      url: endpoint.url,
      description: endpoint.description,
      events: endpoint.events,
      enabled: endpoint.enabled,
      createdAt: endpoint.createdAt.toISOString(),
      counts: counts.get(endpoint.id) ?? { pending: 0, delivered: 0, failed: 0 },
    })),
    confirm: endpoints.find((endpoint) => endpoint.id === removing)?.id ?? null,
  };
}

const Intent = z.enum(["add", "enable", "disable", "rotate", "remove", "test"]);
type Intent = z.infer<typeof Intent>;

type Outcome = {
  intent: Intent | null;
  url?: string;
  errors?: FieldErrors;
  values?: { url: string; description: string; events: string[] };
  /** A new signing secret: in this one answer only. */
  secret?: string;
  test?: { ok: boolean; status: number | null; error: string | null };
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { visit, form, fields, locale, who, intent } = await intentForm(request, context, "editor", Intent);
  const t = text[locale];
  const { db, secret, publicUrl } = context.services;
  if (!intent) return data<Outcome>({ intent: null, errors: { form: t.unknown } }, { status: 400 });

  if (intent === "add") {
    const values = {
      url: fields.url ?? "",
      description: fields.description ?? "",
      events: form.getAll("events").map(String),
    };
    const parsed = parseWebhookEndpoint(values, publicUrl);
    if (!parsed.ok) {
      return data<Outcome>(
        { intent: "add", values, errors: problemMessages(locale, parsed.problems) },
        { status: 400 },
      );
    }
    const created = await createWebhookEndpoint(db, secret, { ...who, ...parsed.data, publicUrl });
    return data<Outcome>({ intent: "add", url: created.endpoint.url, secret: created.secret });
  }

  // Every other action names one of the brand's endpoints.
  const id = fields.id ?? "";
  const missing = data<Outcome>({ intent: intent, errors: { form: t.notFound } }, { status: 404 });
  const endpoint = await getWebhookEndpoint(db, { brandId: visit.brand.id, id });
  if (!endpoint) return missing;
  const base = { intent: intent, url: endpoint.url };
  switch (intent) {
    case "enable":
    case "disable": {
      const enabled = intent === "enable";
      return (await updateWebhookEndpoint(db, { ...who, id, enabled })) ? data<Outcome>(base) : missing;
    }
    case "rotate": {
      const rotated = await rotateWebhookSecret(db, secret, { ...who, id });
      return rotated ? data<Outcome>({ ...base, secret: rotated }) : missing;
    }
    case "test": {
      const sent = await sendTestWebhook(db, secret, { ...who, id });
      if (!sent) return missing;
      return data<Outcome>({
        ...base,
        test: { ok: sent.outcome === "delivered", status: sent.status, error: sent.error },
      });
    }
    case "remove":
      return (await removeWebhookEndpoint(db, { ...who, id })) ? data<Outcome>(base) : missing;
  }
}

/** What the last action did, in a sentence (null when it has nothing to say). */
function outcomeMessage(t: (typeof text)["fr"], result: Outcome | undefined): { message: string; ok: boolean } | null {
  if (!result) return null;
  if (result.errors?.form) return { message: result.errors.form, ok: false };
  if (result.errors) return { message: t.fix, ok: false };
  const url = result.url ?? "";
  if (result.test) {
    const { test } = result;
    return test.ok
      ? { message: format(t.testOk, { url, status: test.status ?? "" }), ok: true }
      : { message: format(t.testFailed, { url, error: test.error ?? "" }), ok: false };
  }
  const said: Record<Intent, string> = {
    add: t.added,
    rotate: t.rotated,
    enable: t.nowOn,
    disable: t.nowOff,
    remove: t.removed,
    test: "",
  };
  return result.intent ? { message: format(said[result.intent], { url }), ok: true } : null;
}

export default function ConsoleWebhooks() {
  const { endpoints, confirm, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Outcome | undefined;
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const { can } = useConsoleMember();
  const editor = can("editor");
  const said = outcomeMessage(t, result);
  const addErrors = result?.intent === "add" ? (result.errors ?? null) : null;
  const chosen = result?.intent === "add" && result.values ? result.values.events : [...WEBHOOK_EVENT_TYPES];
  const removing = endpoints.find((endpoint) => endpoint.id === confirm);
  const busy = navigation.state === "submitting";

  return (
    <ConsolePage title={t.title} lead={t.lead}>
      <OutcomeStatus said={said} />
      {result?.secret ? (
        <SecretOnce
          id="secret-title"
          title={format(t.secretTitle, { url: result.url ?? "" })}
          body={t.secretOnce}
          secret={result.secret}
        />
      ) : null}
      {editor ? null : <p className="notice">{t.readOnly}</p>}

      {endpoints.length === 0 ? (
        <p className="muted">{t.none}</p>
      ) : (
        <table className="table">
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.url}</th>
              <th scope="col">{t.events}</th>
              <th scope="col">{t.state}</th>
              <th scope="col">{t.deliveries}</th>
              {editor ? <th scope="col">{t.actions}</th> : null}
            </tr>
          </thead>
          <tbody>
            {endpoints.map((endpoint) => (
              <tr key={endpoint.id}>
                <th scope="row">
                  <Link to={`/console/webhooks/${endpoint.id}`}>
                    <code>{endpoint.url}</code>
                    <span className="visually-hidden"> — {t.details}</span>
                  </Link>
                  {endpoint.description ? <p className="hint">{endpoint.description}</p> : null}
                  <p className="hint">{formatDateTime(locale, endpoint.createdAt, timeZone)}</p>
                </th>
                <td>{endpoint.events.map((type) => eventName(locale, type)).join(", ")}</td>
                <td>{endpoint.enabled ? t.on : t.off}</td>
                <td>{format(t.counts, endpoint.counts)}</td>
                {editor ? (
                  <td>
                    {/* One form per row, one button per action: works without JavaScript. */}
                    <Form method="post" className="row-actions">
                      <CsrfField />
                      <input type="hidden" name="id" value={endpoint.id} />
                      {(
                        [
                          ["test", t.test],
                          endpoint.enabled ? ["disable", t.disable] : ["enable", t.enable],
                          ["rotate", t.rotate],
                        ] as const
                      ).map(([intent, label]) => (
                        <button
                          key={intent}
                          type="submit"
                          name="intent"
                          value={intent}
                          className="button secondary"
                          disabled={busy}
                        >
                          {label}
                          <span className="visually-hidden"> {endpoint.url}</span>
                        </button>
                      ))}
                      <Link
                        to={`?remove=${encodeURIComponent(endpoint.id)}#confirm-remove`}
                        className="button danger"
                        preventScrollReset
                      >
                        {t.remove}
                        <span className="visually-hidden"> {endpoint.url}</span>
                      </Link>
                    </Form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {editor && removing ? (
        <ConfirmCard
          id="confirm-remove"
          title={format(t.confirmTitle, { url: removing.url })}
          body={t.confirmBody}
          fields={{ id: removing.id }}
          intent="remove"
          confirm={t.confirm}
          cancel={t.cancel}
          busy={busy}
        />
      ) : null}

      {editor ? (
        <section className="console-card" aria-labelledby="add-title">
          <h2 id="add-title">{t.addTitle}</h2>
          <Form method="post" className="stack" noValidate>
            <CsrfField />
            <input type="hidden" name="intent" value="add" />
            <TextField
              id="webhook-url"
              name="url"
              label={t.urlField}
              hint={t.urlHint}
              hintId="webhook-url-hint"
              errors={addErrors}
              type="text"
              required
              inputMode="url"
              autoComplete="off"
              placeholder="https://crm.example.com/hooks/mesure"
              defaultValue={result?.intent === "add" ? result.values?.url : undefined}
            />
            <TextField
              id="webhook-description"
              name="description"
              label={t.description}
              hint={t.descriptionHint}
              hintId="webhook-description-hint"
              errors={addErrors}
              type="text"
              maxLength={200}
              defaultValue={result?.intent === "add" ? result.values?.description : undefined}
            />
            <EventChoices legend={t.eventsLegend} chosen={chosen} errors={addErrors} />
            <div>
              <button type="submit" className="button" disabled={busy}>
                {t.add}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </ConsolePage>
  );
}
