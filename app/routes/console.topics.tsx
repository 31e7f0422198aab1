// /console/topics: every topic of the brand (archived ones last) and a short form that creates
// one; the rest of a topic (descriptions, defaults, alert filter fields) is edited on its page.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ConsolePage, useConsoleMember } from "~/components/console/page";
import { CsrfField, errorId, FieldError, invalid, Status } from "~/components/portal/form";
import { channelTitle, frequencyName } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { consoleForm } from "~/console/form.server";
import { settingsMessage } from "~/console/settings/errors.server";
import { newTopicDraft, parseNewTopic, type NewTopicDraft } from "~/console/settings/topic-form.server";
import { createTopicFromConsole } from "~/console/settings/topics.server";
import { kindName, yesNo } from "~/console/settings/words";
import { bilingual } from "~/lib/bilingual";
import { channels, frequencies, topicKinds, type Channel, type Frequency } from "~/lib/vocabulary";
import { listAllTopics } from "~/models/topic.server";

const text = bilingual(
  {
    title: "Sujets",
    lead: "Ce dont la marque parle à ses clients : chaque sujet est proposé sur certains canaux, avec un rythme par défaut. Le portail les montre dans cet ordre.",
    caption: "Les sujets de la marque",
    key: "Identifiant",
    names: "Nom (fr / en)",
    kind: "Type",
    channels: "Canaux",
    frequency: "Rythme par défaut",
    defaultOn: "Coché par défaut",
    doubleOptIn: "Double confirmation",
    archived: "Archivé",
    none: "Aucun sujet pour l'instant.",
    newTitle: "Nouveau sujet",
    newLead:
      "Donnez l'essentiel ; le reste (descriptions, champs de filtre des alertes…) se règle ensuite sur la page du sujet.",
    keyHint: "Le nom du sujet pour l'API (« topic »). Il ne pourra plus changer.",
    nameFr: "Nom en français",
    nameEn: "Nom en anglais",
    create: "Créer le sujet",
    creating: "Création…",
    fix: "Certains champs sont à corriger ; rien n'a été créé.",
    readOnly: "Votre rôle permet de consulter les sujets, pas de les modifier.",
    edit: "Modifier {key}",
  },
  {
    title: "Topics",
    lead: "What the brand talks to its customers about: each topic is offered on some channels, with a default pace. The portal lists them in this order.",
    caption: "The brand's topics",
    key: "Key",
    names: "Name (fr / en)",
    kind: "Kind",
    channels: "Channels",
    frequency: "Default pace",
    defaultOn: "Ticked by default",
    doubleOptIn: "Double opt-in",
    archived: "Archived",
    none: "No topic yet.",
    newTitle: "New topic",
    newLead:
      "Give the essentials; the rest (descriptions, alert filter fields…) is set afterwards on the topic's page.",
    keyHint: "The topic's name in the API (“topic”). It cannot change later.",
    nameFr: "Name in French",
    nameEn: "Name in English",
    create: "Create the topic",
    creating: "Creating…",
    fix: "Some fields need fixing; nothing was created.",
    readOnly: "Your role lets you read the topics, not change them.",
    edit: "Edit {key}",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const topics = await listAllTopics(context.services.db, visit.brand.id);
  return {
    topics: topics.map((topic) => ({
      key: topic.key,
      nameFr: topic.nameFr,
      nameEn: topic.nameEn,
      kind: topic.kind,
      channels: topic.channels,
      defaultFrequency: topic.defaultFrequency,
      defaultOn: topic.defaultOn,
      doubleOptIn: topic.doubleOptIn,
      archived: topic.archivedAt !== null,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { visit, form, locale } = await consoleForm(request, context, "editor");
  const draft = newTopicDraft(form);
  const parsed = parseNewTopic(draft, locale);
  if (!parsed.ok) return data({ errors: parsed.errors, draft }, { status: 400 });
  const created = await createTopicFromConsole(context.services.db, visit, parsed.data);
  if (created === "taken") {
    return data({ errors: { key: settingsMessage(locale, "keyTaken") }, draft }, { status: 400 });
  }
  return redirect(`/console/topics/${created.key}?saved=created`);
}

const emptyDraft: NewTopicDraft = {
  key: "",
  nameFr: "",
  nameEn: "",
  kind: "marketing",
  channels: ["email"],
  defaultFrequency: "instant",
};

export default function Topics() {
  const { topics } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { can } = useConsoleMember();
  const locale = useLocale();
  const t = text[locale];
  const errors = result?.errors ?? {};
  const draft = result?.draft ?? emptyDraft;
  return (
    <ConsolePage title={t.title} lead={t.lead}>
      <div className="table-scroll">
        <table className="table">
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.key}</th>
              <th scope="col">{t.names}</th>
              <th scope="col">{t.kind}</th>
              <th scope="col">{t.channels}</th>
              <th scope="col">{t.frequency}</th>
              <th scope="col">{t.defaultOn}</th>
              <th scope="col">{t.doubleOptIn}</th>
              <th scope="col">{t.archived}</th>
            </tr>
          </thead>
          <tbody>
            {topics.length === 0 ? (
              <tr>
                <td colSpan={8}>{t.none}</td>
              </tr>
            ) : null}
            {topics.map((topic) => (
              <tr key={topic.key} className={topic.archived ? "muted" : undefined}>
                <th scope="row">
                  <Link to={`/console/topics/${topic.key}`} aria-label={t.edit.replace("{key}", topic.key)}>
                    <code>{topic.key}</code>
                  </Link>
                </th>
                <td>
                  <span lang="fr">{topic.nameFr}</span> / <span lang="en">{topic.nameEn}</span>
                </td>
                <td>{kindName(locale, topic.kind)}</td>
                <td>{topic.channels.map((channel) => channelTitle(locale, channel)).join(", ")}</td>
                <td>{frequencyName(locale, topic.defaultFrequency)}</td>
                <td>{yesNo(locale, topic.defaultOn)}</td>
                <td>{yesNo(locale, topic.doubleOptIn)}</td>
                <td>{yesNo(locale, topic.archived)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section className="console-card" aria-labelledby="new-topic">
        <h2 id="new-topic">{t.newTitle}</h2>
        {can("editor") ? (
          <>
            <p className="hint">{t.newLead}</p>
            {result ? <Status message={t.fix} tone="error" /> : null}
            <Form method="post" className="stack" noValidate>
              <CsrfField />
              <NewTopicFields draft={draft} errors={errors} />
              <button type="submit" className="button" disabled={navigation.state === "submitting"}>
                {navigation.state === "submitting" ? t.creating : t.create}
              </button>
            </Form>
          </>
        ) : (
          <p>{t.readOnly}</p>
        )}
      </section>
    </ConsolePage>
  );
}

function NewTopicFields({ draft, errors }: { draft: NewTopicDraft; errors: Record<string, string> }) {
  const locale = useLocale();
  const t = text[locale];
  return (
    <>
      <div className="field">
        <label htmlFor="key">{t.key}</label>
        <p className="hint" id="key-hint">
          {t.keyHint}
        </p>
        <input
          id="key"
          name="key"
          defaultValue={draft.key}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="key-hint"
          {...invalid("key", errors)}
        />
        <FieldError name="key" errors={errors} />
      </div>
      <div className="inline-fields">
        {(["nameFr", "nameEn"] as const).map((name) => (
          <div className="field" key={name}>
            <label htmlFor={name}>{t[name]}</label>
            <input
              id={name}
              name={name}
              defaultValue={draft[name]}
              lang={name === "nameFr" ? "fr" : "en"}
              {...invalid(name, errors)}
            />
            <FieldError name={name} errors={errors} />
          </div>
        ))}
      </div>
      <div className="inline-fields">
        <div className="field">
          <label htmlFor="kind">{t.kind}</label>
          <select id="kind" name="kind" defaultValue={draft.kind} {...invalid("kind", errors)}>
            {topicKinds.map((kind) => (
              <option key={kind} value={kind}>
                {kindName(locale, kind)}
              </option>
            ))}
          </select>
          <FieldError name="kind" errors={errors} />
        </div>
        <div className="field">
          <label htmlFor="defaultFrequency">{t.frequency}</label>
          <select
            id="defaultFrequency"
            name="defaultFrequency"
            defaultValue={draft.defaultFrequency}
            {...invalid("defaultFrequency", errors)}
          >
            {frequencies.map((frequency: Frequency) => (
              <option key={frequency} value={frequency}>
                {frequencyName(locale, frequency)}
              </option>
            ))}
          </select>
          <FieldError name="defaultFrequency" errors={errors} />
        </div>
      </div>
      <fieldset aria-describedby={errors.channels ? errorId("channels") : undefined}>
        <legend>{t.channels}</legend>
        <FieldError name="channels" errors={errors} />
        {channels.map((channel: Channel) => (
          <div className="field checkbox" key={channel}>
            <input
              type="checkbox"
              id={`new-channel-${channel}`}
              name="channels"
              value={channel}
              defaultChecked={draft.channels.includes(channel)}
            />
            <label htmlFor={`new-channel-${channel}`}>{channelTitle(locale, channel)}</label>
          </div>
        ))}
      </fieldset>
    </>
  );
}
