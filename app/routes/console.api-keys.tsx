// /console/api-keys: the keys a brand's systems call the API with. Everyone on the team sees
// them (name, visible prefix, when made and last used, revoked or not); editors create one (the
// key is shown once, in the answer to that form, and only its hash is kept) and revoke one after
// a confirmation, which takes effect on the very next API call.
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
import { issueApiKey, withdrawApiKey } from "~/console/team/api-keys.server";
import { getBrandTimezone } from "~/models/brand.server";
import { ruleErrors } from "~/console/team/rule-messages";
import { bilingual, format } from "~/lib/bilingual";
import type { FieldErrors } from "~/lib/forms.server";
import { ApiKeyName, listApiKeys } from "~/models/api-key.server";

const text = bilingual(
  {
    title: "Clés d'API",
    lead: "Les clés avec lesquelles les systèmes de votre marque appellent l'API de Mesure (décisions, préférences, effacements). Mesure ne garde qu'une empreinte de chaque clé : elle n'est affichée qu'une fois, à sa création.",
    readOnly: "Votre rôle permet de consulter ces clés, pas d'en créer ni d'en révoquer.",
    caption: "Clés de la marque",
    name: "Nom",
    prefix: "Début de la clé",
    created: "Créée le",
    lastUsed: "Dernier usage",
    state: "État",
    actions: "Actions",
    never: "Jamais",
    active: "Active",
    revokedOn: "Révoquée le {date}",
    none: "Aucune clé pour l'instant.",
    revoke: "Révoquer…",
    createTitle: "Créer une clé",
    nameHint: "Pour s'y retrouver : le système qui s'en sert, par exemple « CRM production ».",
    create: "Créer la clé",
    created1: "Clé « {name} » créée.",
    keyTitle: "La clé « {name} »",
    keyOnce:
      "Copiez-la maintenant dans la configuration du système qui l'utilise : elle ne sera plus jamais affichée. Envoyez-la dans l'en-tête Authorization: Bearer <clé>.",
    confirmTitle: "Révoquer la clé « {name} » ({prefix}…) ?",
    confirmBody:
      "Les appels faits avec cette clé seront refusés (401) dès maintenant. Cela ne peut pas être annulé : il faudra créer une autre clé.",
    confirm: "Oui, révoquer",
    cancel: "Annuler",
    revoked: "La clé « {name} » est révoquée : elle ne fonctionne plus.",
    already: "La clé « {name} » était déjà révoquée.",
    notFound: "Cette clé n'existe pas.",
    unknown: "Cette action n'est pas reconnue.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
  },
  {
    title: "API keys",
    lead: "The keys your brand's systems call Mesure's API with (decisions, preferences, erasures). Mesure keeps only a fingerprint of each key: it is shown once, when it is created.",
    readOnly: "Your role lets you read these keys, not create or revoke them.",
    caption: "The brand's keys",
    name: "Name",
    prefix: "Key begins with",
    created: "Created on",
    lastUsed: "Last used",
    state: "State",
    actions: "Actions",
    never: "Never",
    active: "Active",
    revokedOn: "Revoked on {date}",
    none: "No key yet.",
    revoke: "Revoke…",
    createTitle: "Create a key",
    nameHint: "To tell keys apart: the system that uses it, e.g. “CRM production”.",
    create: "Create the key",
    created1: "Key “{name}” created.",
    keyTitle: "The key “{name}”",
    keyOnce:
      "Copy it now into the configuration of the system that uses it: it will never be shown again. Send it in the header Authorization: Bearer <key>.",
    confirmTitle: "Revoke the key “{name}” ({prefix}…)?",
    confirmBody:
      "Calls made with this key will be refused (401) from now on. This cannot be undone: another key will have to be created.",
    confirm: "Yes, revoke",
    cancel: "Cancel",
    revoked: "The key “{name}” is revoked: it no longer works.",
    already: "The key “{name}” was already revoked.",
    notFound: "This key does not exist.",
    unknown: "This action is not recognised.",
    fix: "Some fields need fixing; nothing was saved.",
  },
);

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { db } = context.services;
  const [keys, timeZone] = await Promise.all([listApiKeys(db, visit.brand.id), getBrandTimezone(db, visit.brand.id)]);
  const revoking = new URL(request.url).searchParams.get("revoke");
  const rows = keys.map((key) => ({
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  }));
  return { timeZone, keys: rows, confirm: rows.find((key) => key.id === revoking && !key.revokedAt)?.id ?? null };
}

const Intent = z.enum(["create", "revoke"]);

type Outcome = {
  intent: z.infer<typeof Intent> | null;
  name?: string;
  errors?: FieldErrors;
  values?: { name: string };
  /** The new key in clear: in this one answer only. */
  key?: string;
  already?: boolean;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { fields, locale, who, intent } = await intentForm(request, context, "editor", Intent);
  const t = text[locale];
  const { db } = context.services;
  if (!intent) return data<Outcome>({ intent: null, errors: { form: t.unknown } }, { status: 400 });

  if (intent === "create") {
    const values = { name: fields.name ?? "" };
    const name = ApiKeyName.safeParse(values.name);
    if (!name.success)
      return data<Outcome>({ intent: "create", values, errors: ruleErrors(locale, { name }) }, { status: 400 });
    const { key, record } = await issueApiKey(db, { ...who, name: name.data });
    return data<Outcome>({ intent: "create", name: record.name, key });
  }

  const id = z.string().trim().min(1).max(64).safeParse(fields.id);
  const revoked = id.success ? await withdrawApiKey(db, { ...who, id: id.data }) : null;
  if (!revoked) return data<Outcome>({ intent: "revoke", errors: { form: t.notFound } }, { status: 404 });
  return data<Outcome>({ intent: "revoke", name: revoked.name, already: revoked.already });
}

function outcomeMessage(t: (typeof text)["fr"], result: Outcome | undefined): { message: string; ok: boolean } | null {
  if (!result) return null;
  if (result.errors) return { message: result.errors.form ?? t.fix, ok: false };
  const name = result.name ?? "";
  if (result.intent === "create") return { message: format(t.created1, { name }), ok: true };
  if (result.intent === "revoke")
    return { message: format(result.already ? t.already : t.revoked, { name }), ok: true };
  return null;
}

export default function ConsoleApiKeys() {
  const { keys, confirm, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Outcome | undefined;
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const editor = useConsoleMember().can("editor");
  const said = outcomeMessage(t, result);
  const createErrors = result?.intent === "create" ? (result.errors ?? null) : null;
  const revoking = keys.find((key) => key.id === confirm);
  const busy = navigation.state === "submitting";
  const when = (iso: string) => formatDateTime(locale, iso, timeZone);

  return (
    <ConsolePage title={t.title} lead={t.lead}>
      <OutcomeStatus said={said} />
      {result?.key ? (
        <SecretOnce
          id="key-title"
          title={format(t.keyTitle, { name: result.name ?? "" })}
          body={t.keyOnce}
          secret={result.key}
        />
      ) : null}
      {editor ? null : <p className="notice">{t.readOnly}</p>}

      {keys.length === 0 ? (
        <p className="muted">{t.none}</p>
      ) : (
        <table className="table">
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.prefix}</th>
              <th scope="col">{t.created}</th>
              <th scope="col">{t.lastUsed}</th>
              <th scope="col">{t.state}</th>
              {editor ? <th scope="col">{t.actions}</th> : null}
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <th scope="row">{key.name}</th>
                <td>
                  <code>{`${key.prefix}…`}</code>
                </td>
                <td>{when(key.createdAt)}</td>
                <td>{key.lastUsedAt ? when(key.lastUsedAt) : t.never}</td>
                <td>{key.revokedAt ? format(t.revokedOn, { date: when(key.revokedAt) }) : t.active}</td>
                {editor ? (
                  <td>
                    {key.revokedAt ? null : (
                      <Link
                        to={`?revoke=${encodeURIComponent(key.id)}#confirm-revoke`}
                        className="button danger"
                        preventScrollReset
                      >
                        {t.revoke}
                        <span className="visually-hidden">
                          {" "}
                          {key.name} ({key.prefix}…)
                        </span>
                      </Link>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {editor && revoking ? (
        <ConfirmCard
          id="confirm-revoke"
          title={format(t.confirmTitle, { name: revoking.name, prefix: revoking.prefix })}
          body={t.confirmBody}
          action="/console/api-keys"
          fields={{ intent: "revoke", id: revoking.id }}
          confirm={t.confirm}
          cancel={t.cancel}
          busy={busy}
        />
      ) : null}

      {editor ? (
        <section className="console-card" aria-labelledby="create-title">
          <h2 id="create-title">{t.createTitle}</h2>
          {/* A new key after each key created: the field starts empty again. */}
          <Form method="post" action="/console/api-keys" className="stack" noValidate key={result?.key ?? "create"}>
            <CsrfField />
            <input type="hidden" name="intent" value="create" />
            <TextField
              id="key-name"
              name="name"
              label={t.name}
              hint={t.nameHint}
              hintId="key-name-hint"
              errors={createErrors}
              type="text"
              required
              maxLength={80}
              autoComplete="off"
              defaultValue={result?.intent === "create" ? result.values?.name : undefined}
            />
            <div>
              <button type="submit" className="button" disabled={busy}>
                {t.create}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </ConsolePage>
  );
}
