// /console/connectors: the brand's systems that must hear of every erasure. Everyone on the team
// sees them and what they still owe; editors add them (the signing secret is shown once), switch
// them on and off, rotate the secret, send a signed test call and remove them (refused while
// erasures wait on them, unless the member says they handled those by hand).
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ConsolePage, useConsoleMember } from "~/components/console/page";
import { OutcomeStatus, SecretOnce, TextField } from "~/components/console/fields";
import { CsrfField, FieldError, invalid } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { intentForm } from "~/console/actions.server";
import { getBrandTimezone } from "~/models/brand.server";
import {
  addConnector,
  deleteConnector,
  rotateSecret,
  sendConnectorTest,
  switchConnector,
  type ConnectorTestOutcome,
} from "~/console/team/connectors.server";
import { ruleErrors } from "~/console/team/rule-messages";
import { bilingual, format, plural } from "~/lib/bilingual";
import type { FieldErrors } from "~/lib/forms.server";
import {
  ConnectorBusyError,
  ConnectorName,
  ConnectorNameTakenError,
  connectorUrl,
  listConnectorsWithPending,
} from "~/models/connector.server";

const text = bilingual(
  {
    title: "Connecteurs",
    lead: "Les systèmes de votre marque (CRM, outil d'e-mailing, entrepôt de données) que Mesure prévient de chaque demande d'effacement, par un appel signé (Standard Webhooks). Un effacement n'est terminé que lorsque chacun a répondu.",
    readOnly: "Votre rôle permet de consulter ces réglages, pas de les modifier.",
    caption: "Connecteurs d'effacement",
    name: "Nom",
    url: "Adresse appelée",
    state: "État",
    pending: "Effacements en attente",
    since: "Ajouté le",
    actions: "Actions",
    on: "Actif",
    off: "Désactivé : ses appels attendent",
    none: "Aucun connecteur pour l'instant. Sans connecteur, un effacement n'atteint que les données gardées par Mesure.",
    enable: "Activer",
    disable: "Désactiver",
    rotate: "Nouveau secret",
    test: "Envoyer un test",
    remove: "Retirer…",
    addTitle: "Ajouter un connecteur",
    nameHint: "Montré aux clients à côté de l'avancement de leur effacement, par exemple « CRM ».",
    urlField: "Adresse (https)",
    urlHint: "Mesure y envoie un POST JSON signé pour chaque effacement.",
    add: "Ajouter",
    added: "Connecteur « {name} » ajouté.",
    secretTitle: "Secret de signature de « {name} »",
    secretOnce:
      "Copiez-le maintenant dans le système qui reçoit les appels : il ne sera plus jamais affiché. Il sert à vérifier la signature de chaque appel (en-tête webhook-signature).",
    rotated: "Nouveau secret pour « {name} » : l'ancien ne fonctionne plus.",
    nowOn: "« {name} » est activé.",
    nowOff: "« {name} » est désactivé : ses appels en attente sont retenus jusqu'à sa réactivation.",
    removed: "« {name} » est retiré.",
    confirmTitle: "Retirer « {name} » ?",
    confirmBody:
      "Il ne sera plus prévenu des prochains effacements. Ce qu'il a déjà reçu reste visible dans les demandes passées.",
    pendingOne: "{count} effacement attend encore sa réponse.",
    pendingMany: "{count} effacements attendent encore sa réponse.",
    abandon: "Abandonner les appels en attente : j'ai effacé ces personnes dans ce système moi-même",
    abandonHint: "Sinon, désactivez-le plutôt : ses appels attendront sa réactivation.",
    abandonNeeded: "Cochez cette case pour retirer un connecteur que des effacements attendent encore.",
    confirm: "Oui, retirer",
    cancel: "Annuler",
    testOk: "« {name} » a répondu {status} en {ms} ms : il reçoit bien les appels signés.",
    testFailed: "Le test de « {name} » a échoué ({ms} ms). Réponse : {error}",
    taken: "Cette marque a déjà un connecteur de ce nom.",
    notFound: "Ce connecteur n'existe pas, ou plus.",
    unknown: "Cette action n'est pas reconnue.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
  },
  {
    title: "Connectors",
    lead: "Your brand's systems (CRM, mailing tool, data warehouse) that Mesure tells of every erasure request, by a signed call (Standard Webhooks). An erasure is complete only once each of them has answered.",
    readOnly: "Your role lets you read these settings, not change them.",
    caption: "Erasure connectors",
    name: "Name",
    url: "Address called",
    state: "State",
    pending: "Erasures waiting",
    since: "Added on",
    actions: "Actions",
    on: "On",
    off: "Off: its calls wait",
    none: "No connector yet. Without one, an erasure reaches only the data Mesure keeps.",
    enable: "Switch on",
    disable: "Switch off",
    rotate: "New secret",
    test: "Send a test",
    remove: "Remove…",
    addTitle: "Add a connector",
    nameHint: "Shown to customers beside their erasure's progress, e.g. “CRM”.",
    urlField: "Address (https)",
    urlHint: "Mesure POSTs signed JSON there for every erasure.",
    add: "Add",
    added: "Connector “{name}” added.",
    secretTitle: "Signing secret of “{name}”",
    secretOnce:
      "Copy it now into the system that receives the calls: it will never be shown again. It checks the signature of every call (webhook-signature header).",
    rotated: "New secret for “{name}”: the old one no longer works.",
    nowOn: "“{name}” is on.",
    nowOff: "“{name}” is off: its waiting calls are held until it is on again.",
    removed: "“{name}” is removed.",
    confirmTitle: "Remove “{name}”?",
    confirmBody: "It will not hear of future erasures. What it already received stays visible in past requests.",
    pendingOne: "{count} erasure is still waiting for its answer.",
    pendingMany: "{count} erasures are still waiting for its answer.",
    abandon: "Abandon the waiting calls: I erased these people in that system myself",
    abandonHint: "Otherwise switch it off instead: its calls will wait until it is on again.",
    abandonNeeded: "Tick this box to remove a connector that erasures still wait on.",
    confirm: "Yes, remove",
    cancel: "Cancel",
    testOk: "“{name}” answered {status} in {ms} ms: it receives signed calls.",
    testFailed: "The test of “{name}” failed ({ms} ms). Answer: {error}",
    taken: "This brand already has a connector with this name.",
    notFound: "This connector does not exist, or no longer does.",
    unknown: "This action is not recognised.",
    fix: "Some fields need fixing; nothing was saved.",
  },
);

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { db } = context.services;
  const [connectors, timeZone] = await Promise.all([
    listConnectorsWithPending(db, visit.brand.id),
    getBrandTimezone(db, visit.brand.id),
  ]);
  const removing = new URL(request.url).searchParams.get("remove");
  return {
    timeZone,
    connectors: connectors.map((connector) => ({
      name: connector.name,
      url: connector.url,
      enabled: connector.enabled,
      pending: connector.pending,
      createdAt: connector.createdAt.toISOString(),
    })),
    confirm: connectors.find((connector) => connector.name === removing)?.name ?? null,
  };
}

const Intent = z.enum(["add", "enable", "disable", "rotate", "remove", "test"]);
type Intent = z.infer<typeof Intent>;

type Outcome = {
  intent: Intent | null;
  name?: string;
  errors?: FieldErrors;
  values?: { name: string; url: string };
  /** A new signing secret: in this one answer only. */
  secret?: string;
  test?: ConnectorTestOutcome;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { visit, fields, locale, who, intent } = await intentForm(request, context, "editor", Intent);
  const t = text[locale];
  const { db, secret, publicUrl } = context.services;
  if (!intent) return data<Outcome>({ intent: null, errors: { form: t.unknown } }, { status: 400 });

  if (intent === "add") {
    const values = { name: fields.name ?? "", url: fields.url ?? "" };
    const name = ConnectorName.safeParse(values.name);
    const url = connectorUrl(publicUrl).safeParse(values.url);
    if (!name.success || !url.success) {
      return data<Outcome>({ intent: "add", values, errors: ruleErrors(locale, { name, url }) }, { status: 400 });
    }
    try {
      const created = await addConnector(db, secret, { ...who, name: name.data, url: url.data, publicUrl });
      return data<Outcome>({ intent: "add", name: created.connector.name, secret: created.secret });
    } catch (error) {
      if (!(error instanceof ConnectorNameTakenError)) throw error;
      return data<Outcome>({ intent: "add", values, errors: { name: t.taken } }, { status: 400 });
    }
  }

  // Every other action names one of the brand's connectors.
  const name = ConnectorName.safeParse(fields.name ?? "");
  const missing = data<Outcome>({ intent: intent, errors: { form: t.notFound } }, { status: 404 });
  if (!name.success) return missing;
  const base = { intent: intent, name: name.data };
  switch (intent) {
    case "enable":
    case "disable": {
      const enabled = intent === "enable";
      return (await switchConnector(db, { ...who, name: name.data, enabled })) ? data<Outcome>(base) : missing;
    }
    case "rotate": {
      const rotated = await rotateSecret(db, secret, { ...who, name: name.data });
      return rotated ? data<Outcome>({ ...base, secret: rotated }) : missing;
    }
    case "test": {
      const test = await sendConnectorTest(db, secret, { ...who, brandSlug: visit.brand.slug, name: name.data });
      return test ? data<Outcome>({ ...base, test }) : missing;
    }
    case "remove": {
      try {
        const abandonPending = fields.abandon === "on";
        return (await deleteConnector(db, { ...who, name: name.data, abandonPending })) ? data<Outcome>(base) : missing;
      } catch (error) {
        if (!(error instanceof ConnectorBusyError)) throw error;
        return data<Outcome>({ ...base, errors: { abandon: t.abandonNeeded } }, { status: 400 });
      }
    }
  }
}

/** What the last action did, in a sentence (null when it has nothing to say). */
function outcomeMessage(t: (typeof text)["fr"], result: Outcome | undefined): { message: string; ok: boolean } | null {
  if (!result) return null;
  if (result.errors?.form) return { message: result.errors.form, ok: false };
  if (result.errors) return { message: t.fix, ok: false };
  const name = result.name ?? "";
  if (result.test) {
    const { test } = result;
    return test.ok
      ? { message: format(t.testOk, { name, status: test.status ?? "", ms: test.durationMs }), ok: true }
      : { message: format(t.testFailed, { name, ms: test.durationMs, error: test.error }), ok: false };
  }
  const done: Record<Intent, string> = {
    add: t.added,
    rotate: t.rotated,
    enable: t.nowOn,
    disable: t.nowOff,
    remove: t.removed,
    test: "",
  };
  return result.intent ? { message: format(done[result.intent], { name }), ok: true } : null;
}

export default function ConsoleConnectors() {
  const { connectors, confirm, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Outcome | undefined;
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const { can } = useConsoleMember();
  const editor = can("editor");
  const said = outcomeMessage(t, result);
  const addErrors = result?.intent === "add" ? (result.errors ?? null) : null;
  const removing = connectors.find((connector) => connector.name === confirm);
  const busy = navigation.state === "submitting";

  return (
    <ConsolePage title={t.title} lead={t.lead}>
      <OutcomeStatus said={said} />
      {result?.secret ? (
        <SecretOnce
          id="secret-title"
          title={format(t.secretTitle, { name: result.name ?? "" })}
          body={t.secretOnce}
          secret={result.secret}
        />
      ) : null}
      {editor ? null : <p className="notice">{t.readOnly}</p>}

      {connectors.length === 0 ? (
        <p className="muted">{t.none}</p>
      ) : (
        <table className="table">
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.url}</th>
              <th scope="col">{t.state}</th>
              <th scope="col" className="number">
                {t.pending}
              </th>
              <th scope="col">{t.since}</th>
              {editor ? <th scope="col">{t.actions}</th> : null}
            </tr>
          </thead>
          <tbody>
            {connectors.map((connector) => (
              <tr key={connector.name}>
                <th scope="row">{connector.name}</th>
                <td>
                  <code>{connector.url}</code>
                </td>
                <td>{connector.enabled ? t.on : t.off}</td>
                <td className="number">{connector.pending}</td>
                <td>{formatDateTime(locale, connector.createdAt, timeZone)}</td>
                {editor ? (
                  <td>
                    <div className="row-actions">
                      <RowAction name={connector.name} intent="test" label={t.test} disabled={busy} />
                      <RowAction
                        name={connector.name}
                        intent={connector.enabled ? "disable" : "enable"}
                        label={connector.enabled ? t.disable : t.enable}
                        disabled={busy}
                      />
                      <RowAction name={connector.name} intent="rotate" label={t.rotate} disabled={busy} />
                      <Link
                        to={`?remove=${encodeURIComponent(connector.name)}#confirm-remove`}
                        className="button danger"
                        preventScrollReset
                      >
                        {t.remove}
                        <span className="visually-hidden"> {connector.name}</span>
                      </Link>
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {editor && removing ? (
        <section className="console-card console-confirm" id="confirm-remove" aria-labelledby="confirm-remove-title">
          <h2 id="confirm-remove-title">{format(t.confirmTitle, { name: removing.name })}</h2>
          <p>{t.confirmBody}</p>
          <Form method="post" className="stack">
            <CsrfField />
            <input type="hidden" name="intent" value="remove" />
            <input type="hidden" name="name" value={removing.name} />
            {removing.pending > 0 ? (
              <>
                <p className="notice">{plural(locale, removing.pending, t.pendingOne, t.pendingMany)}</p>
                <div className="field checkbox">
                  <input
                    id="abandon"
                    name="abandon"
                    type="checkbox"
                    {...invalid("abandon", result?.intent === "remove" ? result.errors : null)}
                  />
                  <label htmlFor="abandon">{t.abandon}</label>
                </div>
                <p className="hint">{t.abandonHint}</p>
                <FieldError name="abandon" errors={result?.intent === "remove" ? result.errors : null} />
              </>
            ) : null}
            <div className="actions">
              <button type="submit" className="button danger" disabled={busy}>
                {t.confirm}
              </button>
              <Link to="." className="button secondary">
                {t.cancel}
              </Link>
            </div>
          </Form>
        </section>
      ) : null}

      {editor ? (
        <section className="console-card" aria-labelledby="add-title">
          <h2 id="add-title">{t.addTitle}</h2>
          {/* A new key after each connector added: the fields start empty again. */}
          <Form
            method="post"
            className="stack"
            noValidate
            key={result?.intent === "add" ? (result.secret ?? "add") : "add"}
          >
            <CsrfField />
            <input type="hidden" name="intent" value="add" />
            <TextField
              id="connector-name"
              name="name"
              label={t.name}
              hint={t.nameHint}
              hintId="connector-name-hint"
              errors={addErrors}
              type="text"
              required
              maxLength={60}
              defaultValue={result?.intent === "add" ? result.values?.name : undefined}
            />
            <TextField
              id="connector-url"
              name="url"
              label={t.urlField}
              hint={t.urlHint}
              hintId="connector-url-hint"
              errors={addErrors}
              type="text"
              required
              inputMode="url"
              autoComplete="off"
              placeholder="https://crm.example.com/hooks/mesure"
              defaultValue={result?.intent === "add" ? result.values?.url : undefined}
            />
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

/** One button acting on one connector, as its own small form (works without JavaScript). */
function RowAction({
  name,
  intent,
  label,
  disabled,
}: {
  name: string;
  intent: Intent;
  label: string;
  disabled: boolean;
}) {
  return (
    <Form method="post" className="inline-form">
      <CsrfField />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="name" value={name} />
      <button type="submit" className="button secondary" disabled={disabled}>
        {label}
        <span className="visually-hidden"> {name}</span>
      </button>
    </Form>
  );
}
