// /console/topics/<key>: one topic's names, kind, channels and defaults, the fields customers'
// alerts on it may filter by (one row per field, an empty row to add one, a box to remove
// one), and archiving. Saving reaches the decision API at once (a brand change).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { ConsolePage, useConsoleMember } from "~/components/console/page";
import { CsrfField, errorId, FieldError, invalid, Status } from "~/components/portal/form";
import { channelTitle, frequencyName } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { consoleForm } from "~/console/form.server";
import { filterFieldTypes, isBlankFieldRow, nextRow, type FieldRowDraft } from "~/console/settings/drafts";
import { textOf } from "~/console/settings/rows";
import { draftOfForm, draftOfTopic, parseTopicChanges, type TopicDraft } from "~/console/settings/topic-form.server";
import { archiveTopicFromConsole, saveTopicFromConsole } from "~/console/settings/topics.server";
import { kindName } from "~/console/settings/words";
import { bilingual, format, plural } from "~/lib/bilingual";
import { channels, frequencies, topicKinds, type Locale } from "~/lib/vocabulary";
import { countFilterFieldUses, getConsoleTopic } from "~/models/topic.server";

const text = bilingual(
  {
    title: "Sujet « {key} »",
    back: "Tous les sujets",
    lead: "L'identifiant {key} est le nom du sujet pour l'API ; il ne change pas.",
    archivedNote: "Ce sujet est archivé : le portail ne le propose plus et aucun message n'est envoyé à son sujet.",
    names: "Noms et descriptions",
    nameFr: "Nom en français",
    nameEn: "Nom en anglais",
    descriptionFr: "Description en français",
    descriptionEn: "Description en anglais",
    sending: "Envoi",
    kind: "Type",
    kindHint: "Transactionnel : messages de service, sans consentement marketing. Alerte : filtrable par le client.",
    frequency: "Rythme par défaut",
    weeklyVolume: "Messages par semaine, en moyenne",
    weeklyVolumeHint: "Une estimation (0 à 200) : le portail s'en sert pour annoncer le volume attendu.",
    channels: "Canaux proposés",
    channelsHint: "Retirer un canal arrête aussitôt les envois de ce sujet sur ce canal.",
    defaultOn: "Coché par défaut dans les formulaires",
    defaultOnHint: "Ne remplace jamais le consentement : un sujet marketing demande toujours l'accord du client.",
    doubleOptIn: "Double confirmation (un e-mail à valider avant tout envoi)",
    fields: "Champs de filtre des alertes",
    fieldsHint:
      "Ce que les clients peuvent préciser dans une alerte sur ce sujet. Les messages portent ces champs dans leurs attributs. Seuls les sujets d'alerte en ont. Laissez la dernière ligne vide si vous n'ajoutez rien.",
    field: "Champ {key}",
    newField: "Nouveau champ",
    fieldKey: "Identifiant (attribut des messages)",
    fieldType: "Type",
    labelFr: "Libellé en français",
    labelEn: "Libellé en anglais",
    options: "Valeurs possibles, une par ligne",
    optionsHint: "Pour un ensemble de valeurs seulement.",
    unit: "Unité",
    unitHint: "Pour une plage seulement, par exemple EUR.",
    remove: "Supprimer ce champ",
    unused: "Aucune alerte de client ne l'utilise.",
    usedOne: "{count} alerte de client l'utilise : elle ne correspondra plus à aucun message.",
    usedMany: "{count} alertes de clients l'utilisent : elles ne correspondront plus à aucun message.",
    type_set: "Ensemble de valeurs",
    type_range: "Plage numérique",
    type_text: "Texte exact",
    save: "Enregistrer",
    saving: "Enregistrement…",
    saved: "C'est enregistré ; les décisions en tiennent compte dès maintenant.",
    created: "Le sujet est créé. Complétez-le ici.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
    archive: "Archiver le sujet",
    archiveHint:
      "Le sujet disparaît du portail et plus rien n'est envoyé à son sujet ; les choix des clients sont gardés.",
    unarchive: "Rétablir le sujet",
    archived: "Le sujet est archivé.",
    unarchived: "Le sujet est rétabli.",
    readOnly: "Votre rôle permet de consulter ce sujet, pas de le modifier.",
  },
  {
    title: "Topic “{key}”",
    back: "All topics",
    lead: "The key {key} is the topic's name in the API; it does not change.",
    archivedNote: "This topic is archived: the portal no longer offers it and no message is sent about it.",
    names: "Names and descriptions",
    nameFr: "Name in French",
    nameEn: "Name in English",
    descriptionFr: "Description in French",
    descriptionEn: "Description in English",
    sending: "Sending",
    kind: "Kind",
    kindHint: "Transactional: service messages, no marketing consent. Alert: customers can filter it.",
    frequency: "Default pace",
    weeklyVolume: "Messages per week, on average",
    weeklyVolumeHint: "An estimate (0 to 200): the portal uses it to announce the expected volume.",
    channels: "Channels offered",
    channelsHint: "Taking a channel away stops this topic's sends on it at once.",
    defaultOn: "Ticked by default in forms",
    defaultOnHint: "Never replaces consent: a marketing topic always needs the customer's agreement.",
    doubleOptIn: "Double opt-in (an email to confirm before anything is sent)",
    fields: "Alert filter fields",
    fieldsHint:
      "What customers may specify in an alert on this topic. Messages carry these fields in their attributes. Only alert topics have them. Leave the last row empty if you add nothing.",
    field: "Field {key}",
    newField: "New field",
    fieldKey: "Key (message attribute)",
    fieldType: "Type",
    labelFr: "Label in French",
    labelEn: "Label in English",
    options: "Possible values, one per line",
    optionsHint: "For a set of values only.",
    unit: "Unit",
    unitHint: "For a range only, e.g. EUR.",
    remove: "Remove this field",
    unused: "No customer's alert uses it.",
    usedOne: "{count} customer's alert uses it: it will no longer match any message.",
    usedMany: "{count} customers' alerts use it: they will no longer match any message.",
    type_set: "Set of values",
    type_range: "Numeric range",
    type_text: "Exact text",
    save: "Save",
    saving: "Saving…",
    saved: "Saved; decisions take it into account from now on.",
    created: "The topic is created. Complete it here.",
    fix: "Some fields need fixing; nothing was saved.",
    archive: "Archive the topic",
    archiveHint: "The topic leaves the portal and nothing more is sent about it; customers' choices are kept.",
    unarchive: "Restore the topic",
    archived: "The topic is archived.",
    unarchived: "The topic is restored.",
    readOnly: "Your role lets you read this topic, not change it.",
  },
);

export const meta: MetaFunction<typeof loader> = ({ data: loaded, matches }) => {
  const root = matches.find((match) => match.id === "root")?.data as { locale?: Locale } | undefined;
  return [{ title: format(text[root?.locale ?? "fr"].title, { key: loaded?.key ?? "" }) }];
};

async function findTopic(context: LoaderFunctionArgs["context"], brandId: string, key: string | undefined) {
  const topic = await getConsoleTopic(context.services.db, { brandId, key: key ?? "" });
  if (!topic) throw data(null, { status: 404 });
  return topic;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const topic = await findTopic(context, visit.brand.id, params.key);
  const uses = await countFilterFieldUses(
    context.services.db,
    { brandId: visit.brand.id, topicId: topic.id },
    topic.filterFields.map((field) => field.key),
  );
  return { key: topic.key, archived: topic.archivedAt !== null, draft: draftOfTopic(topic), uses };
}

type Outcome = "saved" | "archived" | "unarchived";

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { visit, form, locale } = await consoleForm(request, context, "editor");
  const topic = await findTopic(context, visit.brand.id, params.key);
  const { db } = context.services;
  const intent = textOf(form, "intent") || "save";
  if (intent === "archive" || intent === "unarchive") {
    await archiveTopicFromConsole(db, visit, topic.key, intent === "archive");
    return { outcome: (intent === "archive" ? "archived" : "unarchived") as Outcome, errors: {}, draft: null };
  }
  if (intent !== "save") {
    const unknown = locale === "fr" ? "Action inconnue." : "Unknown action.";
    return data({ outcome: null, errors: { form: unknown }, draft: null }, { status: 400 });
  }
  const draft = draftOfForm(form);
  const parsed = parseTopicChanges(draft, topic.filterFields, locale);
  if (!parsed.ok) return data({ outcome: null, errors: parsed.errors, draft }, { status: 400 });
  await saveTopicFromConsole(db, visit, topic.key, parsed.data);
  return { outcome: "saved" as Outcome, errors: {}, draft: null };
}

export default function TopicPage() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const { can } = useConsoleMember();
  const locale = useLocale();
  const t = text[locale];
  const editable = can("editor");
  const errors: Record<string, string> = result?.errors ?? {};
  const draft: TopicDraft = result?.draft ?? loaded.draft;
  const failed = Boolean(result?.draft) || Boolean(errors.form);
  const outcome = result?.outcome ?? (searchParams.get("saved") === "created" ? "created" : null);
  const busy = navigation.state === "submitting";
  return (
    <ConsolePage
      title={format(t.title, { key: loaded.key })}
      lead={format(t.lead, { key: loaded.key })}
      actions={<Link to="/console/topics">{t.back}</Link>}
    >
      {loaded.archived ? <p className="notice">{t.archivedNote}</p> : null}
      {failed ? (
        <Status message={errors.form ?? t.fix} tone="error" />
      ) : (
        <Status message={outcome ? t[outcome] : null} />
      )}
      {editable ? null : <p>{t.readOnly}</p>}
      {/* Keyed by what it shows: after a save, the fields start again from what was stored. */}
      <Form method="post" className="stack" noValidate key={JSON.stringify(draft)}>
        <CsrfField />
        <input type="hidden" name="intent" value="save" />
        <fieldset className="console-card" disabled={!editable}>
          <legend>{t.names}</legend>
          <div className="console-grid">
            {(["nameFr", "nameEn"] as const).map((name) => (
              <div className="field" key={name}>
                <label htmlFor={name}>{t[name]}</label>
                <input
                  id={name}
                  name={name}
                  defaultValue={draft[name]}
                  lang={name.slice(-2).toLowerCase()}
                  {...invalid(name, errors)}
                />
                <FieldError name={name} errors={errors} />
              </div>
            ))}
            {(["descriptionFr", "descriptionEn"] as const).map((name) => (
              <div className="field" key={name}>
                <label htmlFor={name}>{t[name]}</label>
                <textarea
                  id={name}
                  name={name}
                  rows={3}
                  defaultValue={draft[name]}
                  lang={name.slice(-2).toLowerCase()}
                  {...invalid(name, errors)}
                />
                <FieldError name={name} errors={errors} />
              </div>
            ))}
          </div>
        </fieldset>

        <fieldset className="console-card" disabled={!editable}>
          <legend>{t.sending}</legend>
          <div className="console-grid">
            <div className="field">
              <label htmlFor="kind">{t.kind}</label>
              <p className="hint" id="kind-hint">
                {t.kindHint}
              </p>
              <select id="kind" name="kind" defaultValue={draft.kind} aria-describedby="kind-hint">
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
                {frequencies.map((frequency) => (
                  <option key={frequency} value={frequency}>
                    {frequencyName(locale, frequency)}
                  </option>
                ))}
              </select>
              <FieldError name="defaultFrequency" errors={errors} />
            </div>
            <div className="field">
              <label htmlFor="weeklyVolume">{t.weeklyVolume}</label>
              <p className="hint" id="weeklyVolume-hint">
                {t.weeklyVolumeHint}
              </p>
              <input
                id="weeklyVolume"
                name="weeklyVolume"
                type="number"
                inputMode="decimal"
                min={0}
                max={200}
                step="any"
                defaultValue={draft.weeklyVolume}
                aria-describedby={errors.weeklyVolume ? errorId("weeklyVolume") : "weeklyVolume-hint"}
                aria-invalid={errors.weeklyVolume ? true : undefined}
              />
              <FieldError name="weeklyVolume" errors={errors} />
            </div>
          </div>
          <fieldset aria-describedby={errors.channels ? errorId("channels") : "channels-hint"}>
            <legend>{t.channels}</legend>
            <p className="hint" id="channels-hint">
              {t.channelsHint}
            </p>
            <FieldError name="channels" errors={errors} />
            {channels.map((channel) => (
              <div className="field checkbox" key={channel}>
                <input
                  type="checkbox"
                  id={`channel-${channel}`}
                  name="channels"
                  value={channel}
                  defaultChecked={draft.channels.includes(channel)}
                />
                <label htmlFor={`channel-${channel}`}>{channelTitle(locale, channel)}</label>
              </div>
            ))}
          </fieldset>
          <div className="field checkbox">
            <input
              type="checkbox"
              id="defaultOn"
              name="defaultOn"
              defaultChecked={draft.defaultOn}
              aria-describedby="defaultOn-hint"
            />
            <label htmlFor="defaultOn">{t.defaultOn}</label>
          </div>
          <p className="hint" id="defaultOn-hint">
            {t.defaultOnHint}
          </p>
          <div className="field checkbox">
            <input type="checkbox" id="doubleOptIn" name="doubleOptIn" defaultChecked={draft.doubleOptIn} />
            <label htmlFor="doubleOptIn">{t.doubleOptIn}</label>
          </div>
        </fieldset>

        <fieldset
          className="console-card"
          disabled={!editable}
          aria-describedby={errors.filterFields ? `${errorId("filterFields")} fields-hint` : "fields-hint"}
        >
          <legend>{t.fields}</legend>
          <p className="hint" id="fields-hint">
            {t.fieldsHint}
          </p>
          <FieldError name="filterFields" errors={errors} />
          {draft.fields
            .filter((row) => !isBlankFieldRow(row))
            .map((row) => (
              <FilterFieldRow key={row.n} row={row} errors={errors} uses={loaded.uses[row.key] ?? 0} />
            ))}
          {editable ? (
            <FilterFieldRow
              row={{
                n: nextRow(draft.fields),
                key: "",
                type: "set",
                labelFr: "",
                labelEn: "",
                options: "",
                unit: "",
                existing: false,
                remove: false,
              }}
              errors={errors}
              uses={0}
            />
          ) : null}
        </fieldset>
        {editable ? (
          <button type="submit" className="button" disabled={busy}>
            {busy ? t.saving : t.save}
          </button>
        ) : null}
      </Form>

      {editable ? (
        <section className="console-card" aria-labelledby="archive-title">
          <h2 id="archive-title">{loaded.archived ? t.unarchive : t.archive}</h2>
          {loaded.archived ? null : <p className="hint">{t.archiveHint}</p>}
          <Form method="post">
            <CsrfField />
            <input type="hidden" name="intent" value={loaded.archived ? "unarchive" : "archive"} />
            <button type="submit" className="button secondary" disabled={busy}>
              {loaded.archived ? t.unarchive : t.archive}
            </button>
          </Form>
        </section>
      ) : null}
    </ConsolePage>
  );
}

/** One filter field: an existing one keeps its key and type (customers' alerts name them). */
function FilterFieldRow({ row, errors, uses }: { row: FieldRowDraft; errors: Record<string, string>; uses: number }) {
  const locale = useLocale();
  const t = text[locale];
  const name = (field: string) => `fields.${row.n}.${field}`;
  const id = (field: string) => `fields-${row.n}-${field}`;
  const typeName = (type: string) => t[`type_${type}` as `type_${(typeof filterFieldTypes)[number]}`] ?? type;
  return (
    <fieldset className="console-card filter-field-row">
      <legend>{row.existing ? format(t.field, { key: row.key }) : t.newField}</legend>
      <div className="console-grid">
        {row.existing ? (
          <div>
            <input type="hidden" name={name("existing")} value="1" />
            <input type="hidden" name={name("key")} value={row.key} />
            <input type="hidden" name={name("type")} value={row.type} />
            <dl className="facts">
              <dt>{t.fieldKey}</dt>
              <dd>
                <code>{row.key}</code>
              </dd>
              <dt>{t.fieldType}</dt>
              <dd>{typeName(row.type)}</dd>
            </dl>
            <FieldError name={name("type")} errors={errors} />
            <FieldError name={name("key")} errors={errors} />
          </div>
        ) : (
          <>
            <div className="field">
              <label htmlFor={id("key")}>{t.fieldKey}</label>
              <input
                id={id("key")}
                name={name("key")}
                defaultValue={row.key}
                autoComplete="off"
                spellCheck={false}
                {...invalid(name("key"), errors)}
              />
              <FieldError name={name("key")} errors={errors} />
            </div>
            <div className="field">
              <label htmlFor={id("type")}>{t.fieldType}</label>
              <select id={id("type")} name={name("type")} defaultValue={row.type} {...invalid(name("type"), errors)}>
                {filterFieldTypes.map((type) => (
                  <option key={type} value={type}>
                    {typeName(type)}
                  </option>
                ))}
              </select>
              <FieldError name={name("type")} errors={errors} />
            </div>
          </>
        )}
        {(["labelFr", "labelEn"] as const).map((field) => (
          <div className="field" key={field}>
            <label htmlFor={id(field)}>{t[field]}</label>
            <input
              id={id(field)}
              name={name(field)}
              defaultValue={row[field]}
              lang={field.slice(-2).toLowerCase()}
              {...invalid(name(field), errors)}
            />
            <FieldError name={name(field)} errors={errors} />
          </div>
        ))}
        {row.existing && row.type !== "set" ? (
          <input type="hidden" name={name("options")} value="" />
        ) : (
          <div className="field">
            <label htmlFor={id("options")}>{t.options}</label>
            <p className="hint" id={id("options-hint")}>
              {t.optionsHint}
            </p>
            <textarea
              id={id("options")}
              name={name("options")}
              rows={4}
              defaultValue={row.options}
              aria-describedby={errors[name("options")] ? errorId(name("options")) : id("options-hint")}
              aria-invalid={errors[name("options")] ? true : undefined}
            />
            <FieldError name={name("options")} errors={errors} />
          </div>
        )}
        {row.existing && row.type !== "range" ? null : (
          <div className="field">
            <label htmlFor={id("unit")}>{t.unit}</label>
            <p className="hint" id={id("unit-hint")}>
              {t.unitHint}
            </p>
            <input
              id={id("unit")}
              name={name("unit")}
              defaultValue={row.unit}
              aria-describedby={errors[name("unit")] ? errorId(name("unit")) : id("unit-hint")}
              aria-invalid={errors[name("unit")] ? true : undefined}
            />
            <FieldError name={name("unit")} errors={errors} />
          </div>
        )}
      </div>
      {row.existing ? (
        <div className="field checkbox">
          <input
            type="checkbox"
            id={id("remove")}
            name={name("remove")}
            defaultChecked={row.remove}
            aria-describedby={id("uses")}
          />
          <label htmlFor={id("remove")}>{t.remove}</label>
          <p className="hint" id={id("uses")}>
            {uses === 0 ? t.unused : plural(locale, uses, t.usedOne, t.usedMany)}
          </p>
        </div>
      ) : null}
    </fieldset>
  );
}
