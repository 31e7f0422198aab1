// Alerts: the customer's filters on alert topics, with fields typed from each topic's
// definition (a set of designers, a price range, a product reference…), a channel and a pace
// per alert, and how many of the brand's recent alerts each would have matched. Creating an
// alert also opts in to its topic on that channel: asking for alerts is asking to receive them.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState, type FormEvent } from "react";
import { CsrfField, FieldError, invalid, Status } from "~/components/portal/form";
import { channelName, frequencyName, topicName } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import type { Db } from "~/db/client.server";
import { bilingual, format, plural } from "~/lib/bilingual";
import { readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { fromJson } from "~/lib/json-column";
import { requireVisit } from "~/lib/portal-auth.server";
import { AlertCriteria, Channel, Frequency, frequencies, type FilterField, type Locale } from "~/lib/vocabulary";
import { countMatches, criteriaFromForm, recentAlerts, RECENT_DAYS } from "~/models/alerts.server";
import { editPreferences } from "~/models/preferences.server";
import { listTopics } from "~/models/topic.server";
import { confirmSubscriptions } from "~/lib/portal-mail.server";

const text = bilingual(
  {
    title: "Alertes",
    lead: "Soyez prévenu·e seulement de ce qui vous intéresse vraiment. Chaque alerte précise ce que vous cherchez ; un message ne part que s'il correspond à l'une d'elles.",
    none: "Aucune alerte pour ce sujet.",
    newAlert: "Nouvelle alerte : {topic}",
    editAlert: "Modifier l'alerte",
    label: "Nom de l'alerte (facultatif)",
    channel: "Canal",
    frequency: "Rythme",
    min: "minimum",
    max: "maximum",
    any: "Laissez vide pour tout accepter.",
    create: "Créer l'alerte",
    save: "Enregistrer",
    cancel: "Annuler",
    edit: "Modifier",
    delete: "Supprimer",
    deleteLabel: "Supprimer l'alerte « {name} »",
    editLabel: "Modifier l'alerte « {name} »",
    preview: "Compter les correspondances",
    matches: "A correspondu à {count} alerte des {days} derniers jours.",
    matchesMany: "A correspondu à {count} alertes des {days} derniers jours.",
    created: "Alerte créée. Vous êtes aussi inscrit·e à ce sujet sur ce canal.",
    pendingCreated: "Alerte créée. Ce sujet demande une confirmation : regardez vos e-mails.",
    saved: "Alerte enregistrée.",
    deleted: "Alerte supprimée.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
    needOne: "Choisissez au moins un critère.",
    number: "Doit être un nombre positif.",
    range: "Le maximum doit être au moins le minimum.",
    option: "Choisissez parmi les options proposées.",
    tooLong: "Doit faire au plus 120 caractères.",
    labelTooLong: "Doit faire au plus 80 caractères.",
    untitled: "Alerte sans nom",
    criteria: "Critères",
    anything: "tout",
    between: "de {min} à {max}",
    atLeast: "au moins {min}",
    atMost: "au plus {max}",
  },
  {
    title: "Alerts",
    lead: "Hear only about what you really want. Each alert says what you are after; a message goes out only if it matches one of them.",
    none: "No alert on this topic.",
    newAlert: "New alert: {topic}",
    editAlert: "Edit the alert",
    label: "Alert name (optional)",
    channel: "Channel",
    frequency: "Pace",
    min: "minimum",
    max: "maximum",
    any: "Leave empty to accept anything.",
    create: "Create the alert",
    save: "Save",
    cancel: "Cancel",
    edit: "Edit",
    delete: "Delete",
    deleteLabel: "Delete the alert \u201c{name}\u201d",
    editLabel: "Edit the alert \u201c{name}\u201d",
    preview: "Count the matches",
    matches: "Matched {count} alert of the last {days} days.",
    matchesMany: "Matched {count} alerts of the last {days} days.",
    created: "Alert created. You are also subscribed to this topic on this channel.",
    pendingCreated: "Alert created. This topic needs a confirmation: check your email.",
    saved: "Alert saved.",
    deleted: "Alert deleted.",
    fix: "Some fields need fixing; nothing was saved.",
    needOne: "Choose at least one criterion.",
    number: "Must be a positive number.",
    range: "The maximum must be at least the minimum.",
    option: "Choose among the options offered.",
    tooLong: "Must be at most 120 characters.",
    labelTooLong: "Must be at most 80 characters.",
    untitled: "Untitled alert",
    criteria: "Criteria",
    anything: "anything",
    between: "{min} to {max}",
    atLeast: "at least {min}",
    atMost: "at most {max}",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const { db } = context.services;
  const topics = (await listTopics(db, visit.brand.id)).filter((topic) => topic.kind === "alert");
  const filters = await db.alertFilter.findMany({
    where: { customerId: visit.customer.id },
    orderBy: { createdAt: "asc" },
    select: { id: true, label: true, channel: true, frequency: true, criteria: true, topicId: true },
  });
  return {
    // Constants of .server modules do not reach the browser: hand them over as data.
    recentDays: RECENT_DAYS,
    topics: await Promise.all(
      topics.map(async (topic) => {
        const alerts = await recentAlerts(db, { brandId: visit.brand.id, topicId: topic.id });
        return {
          key: topic.key,
          nameFr: topic.nameFr,
          nameEn: topic.nameEn,
          channels: topic.channels,
          fields: topic.filterFields,
          filters: filters
            .filter((filter) => filter.topicId === topic.id)
            .map((filter) => {
              const criteria = fromJson(AlertCriteria, filter.criteria, "AlertFilter.criteria");
              return {
                id: filter.id,
                label: filter.label,
                channel: Channel.parse(filter.channel),
                frequency: Frequency.parse(filter.frequency),
                criteria,
                matches: countMatches(alerts, criteria),
              };
            }),
        };
      }),
    ),
  };
}

type Errors = Record<string, string>;

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const visit = await requireVisit(request, context);
  const { locale } = resolveLocale(request);
  const t = text[locale];
  const { db } = context.services;
  const owner = { brandId: visit.brand.id, customerId: visit.customer.id };
  const intent = String(form.get("intent") ?? "");
  const topics = await listTopics(db, visit.brand.id);

  if (intent === "delete") {
    const id = String(form.get("id") ?? "");
    // Someone else's alert, or one already gone: a 404 that changes nothing, not even the version.
    const removed =
      (await isOwnAlert(db, owner, id)) &&
      (await editPreferences(db, owner, { source: "portal" }, (editor) => editor.removeAlertFilter(id)));
    return data(
      {
        ok: removed,
        message: removed ? t.deleted : null,
        errors: {} as Errors,
        topic: null,
        matches: null,
        values: null,
      },
      { status: removed ? 200 : 404 },
    );
  }

  const topic = topics.find((candidate) => candidate.key === form.get("topic") && candidate.kind === "alert");
  if (!topic)
    return data(
      { ok: false, message: null, errors: { form: t.fix } as Errors, topic: null, matches: null, values: null },
      { status: 400 },
    );
  const { criteria, errors } = criteriaFromForm(topic.filterFields, form, t);
  const channel = Channel.safeParse(form.get("channel"));
  if (!channel.success || !topic.channels.includes(channel.data)) errors.channel = t.option;
  const frequency = Frequency.safeParse(form.get("frequency"));
  if (!frequency.success) errors.frequency = t.option;
  const label = String(form.get("label") ?? "").trim();
  if (label.length > 80) errors.label = t.labelTooLong;
  const values = valuesOf(form);

  if (intent === "preview") {
    const alerts = await recentAlerts(db, { brandId: visit.brand.id, topicId: topic.id });
    return { ok: true, message: null, errors, topic: topic.key, matches: countMatches(alerts, criteria), values };
  }
  if (Object.keys(criteria).length === 0 && Object.keys(errors).length === 0) errors.form = t.needOne;
  if (Object.keys(errors).length) {
    return data({ ok: false, message: t.fix, errors, topic: topic.key, matches: null, values }, { status: 400 });
  }
  const editing = intent === "update" ? String(form.get("id") ?? "") : null;
  if (editing !== null && !(await isOwnAlert(db, owner, editing)))
    return data(
      { ok: false, message: null, errors: {} as Errors, topic: null, matches: null, values: null },
      { status: 404 },
    );
  const pending = await editPreferences(db, owner, { source: "portal" }, async (editor) => {
    if (editing && !(await editor.removeAlertFilter(editing))) return null;
    await editor.addAlertFilter({ topic, label, criteria, channel: channel.data!, frequency: frequency.data! });
    return editor.ensureSubscribed(topic, channel.data!);
  });
  if (pending?.started && pending.status === "pending") {
    await confirmSubscriptions(context.services, visit.brand, visit.customer, [{ topic, channel: channel.data! }]);
  }
  if (pending === null)
    return data(
      { ok: false, message: null, errors: {} as Errors, topic: null, matches: null, values: null },
      { status: 404 },
    );
  return {
    ok: true,
    message: editing ? t.saved : pending.status === "pending" ? t.pendingCreated : t.created,
    errors: {} as Errors,
    topic: null,
    matches: null,
    values: null,
  };
}

async function isOwnAlert(db: Db, owner: { customerId: string }, id: string): Promise<boolean> {
  const found = await db.alertFilter.findFirst({ where: { id, customerId: owner.customerId }, select: { id: true } });
  return found !== null;
}

function valuesOf(form: FormData): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (const [key, value] of form) if (key !== "csrf") (values[key] ??= []).push(String(value));
  return values;
}

function describe(locale: Locale, fields: FilterField[], criteria: AlertCriteria): string {
  const t = text[locale];
  const parts = fields.flatMap((field) => {
    const criterion = criteria[field.key];
    if (!criterion) return [];
    const label = locale === "fr" ? field.labelFr : field.labelEn;
    const unit = field.type === "range" && field.unit ? ` ${field.unit}` : "";
    if ("in" in criterion) return [`${label} : ${criterion.in.join(", ")}`];
    if ("eq" in criterion) return [`${label} : ${criterion.eq}`];
    const { min, max } = criterion;
    const range =
      min !== undefined && max !== undefined
        ? format(t.between, { min, max })
        : min !== undefined
          ? format(t.atLeast, { min })
          : format(t.atMost, { max: max! });
    return [`${label} : ${range}${unit}`];
  });
  return parts.join(" · ") || t.anything;
}

type LoadedTopic = Awaited<ReturnType<typeof loader>>["topics"][number];
type LoadedFilter = LoadedTopic["filters"][number];

export default function Alerts() {
  const { topics } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const editing = params.get("edit");
  const locale = useLocale();
  const t = text[locale];
  return (
    <>
      <h1>{t.title}</h1>
      <p>{t.lead}</p>
      {result?.message ? <Status message={result.message} tone={result.ok ? "ok" : "error"} /> : null}
      {topics.map((topic) => (
        <section key={topic.key} className="card" aria-labelledby={`topic-${topic.key}`}>
          <h2 id={`topic-${topic.key}`}>{topicName(locale, topic)}</h2>
          {topic.filters.length === 0 ? <p>{t.none}</p> : null}
          <ul className="alerts">
            {topic.filters.map((filter) =>
              editing === filter.id ? (
                <li key={filter.id}>
                  <AlertForm topic={topic} filter={filter} />
                </li>
              ) : (
                <AlertRow key={filter.id} topic={topic} filter={filter} />
              ),
            )}
          </ul>
          {editing ? null : <AlertForm topic={topic} filter={null} />}
        </section>
      ))}
    </>
  );
}

function AlertRow({ topic, filter }: { topic: LoadedTopic; filter: LoadedFilter }) {
  const { recentDays } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  const name = filter.label || t.untitled;
  return (
    <li className="alert-row">
      <div>
        <strong>{name}</strong>
        <p>{describe(locale, topic.fields, filter.criteria)}</p>
        <p className="hint">
          {channelName(locale, filter.channel)} · {frequencyName(locale, filter.frequency)} ·{" "}
          {format(plural(locale, filter.matches, t.matches, t.matchesMany), { days: recentDays })}
        </p>
      </div>
      <div className="row-actions">
        <Link to={`?edit=${filter.id}`} aria-label={format(t.editLabel, { name })} className="button secondary">
          {t.edit}
        </Link>
        <Form method="post">
          <CsrfField />
          <input type="hidden" name="intent" value="delete" />
          <input type="hidden" name="id" value={filter.id} />
          <button type="submit" className="button danger" aria-label={format(t.deleteLabel, { name })}>
            {t.delete}
          </button>
        </Form>
      </div>
    </li>
  );
}

/** Create (filter null) or edit an alert. With JavaScript the match count follows each change. */
function AlertForm({ topic, filter }: { topic: LoadedTopic; filter: LoadedFilter | null }) {
  const { recentDays } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const counter = useFetcher<typeof action>();
  const [touched, setTouched] = useState(false);
  const mine = result?.topic === topic.key;
  const errors = mine ? result.errors : {};
  const values = mine ? result.values : null;
  const id = (name: string) => `${topic.key}-${filter?.id ?? "new"}-${name}`;
  const matches = counter.data?.topic === topic.key ? counter.data.matches : mine ? result.matches : null;
  const checked = (field: string, option: string) =>
    values
      ? (values[field] ?? []).includes(option)
      : Boolean(
          filter &&
          "in" in (filter.criteria[field] ?? {}) &&
          (filter.criteria[field] as { in: string[] }).in.includes(option),
        );
  const valueOf = (name: string, saved: string | number | undefined) =>
    values?.[name]?.[0] ?? (saved === undefined ? "" : String(saved));
  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const form = new FormData(event.currentTarget);
    form.set("intent", "preview");
    setTouched(true);
    counter.submit(form, { method: "post" });
  };
  return (
    <Form method="post" className="stack alert-form" noValidate onChange={onChange}>
      <CsrfField />
      <input type="hidden" name="topic" value={topic.key} />
      {filter ? <input type="hidden" name="id" value={filter.id} /> : null}
      <h3>{filter ? t.editAlert : format(t.newAlert, { topic: topicName(locale, topic) })}</h3>
      {errors.form ? <p className="field-error">{errors.form}</p> : null}
      <div className="field">
        <label htmlFor={id("label")}>{t.label}</label>
        <input
          id={id("label")}
          name="label"
          maxLength={80}
          defaultValue={valueOf("label", filter?.label)}
          {...invalid("label", errors)}
        />
        <FieldError name="label" errors={errors} />
      </div>
      {topic.fields.map((field) => {
        const label = locale === "fr" ? field.labelFr : field.labelEn;
        const saved = filter?.criteria[field.key];
        if (field.type === "set") {
          return (
            <fieldset key={field.key} className="options" {...invalid(field.key, errors)}>
              <legend>{label}</legend>
              <p className="hint">{t.any}</p>
              {field.options.map((option) => (
                <span className="option" key={option}>
                  <input
                    type="checkbox"
                    id={id(`${field.key}-${option}`)}
                    name={field.key}
                    value={option}
                    defaultChecked={checked(field.key, option)}
                  />
                  <label htmlFor={id(`${field.key}-${option}`)}>{option}</label>
                </span>
              ))}
              <FieldError name={field.key} errors={errors} />
            </fieldset>
          );
        }
        if (field.type === "range") {
          const range = saved && "min" in saved ? saved : saved && "max" in saved ? saved : undefined;
          return (
            <fieldset key={field.key} className="inline-fields">
              <legend>
                {label}
                {field.unit ? ` (${field.unit})` : ""}
              </legend>
              {(["min", "max"] as const).map((end) => (
                <div className="field" key={end}>
                  <label htmlFor={id(`${field.key}-${end}`)}>{t[end]}</label>
                  <input
                    id={id(`${field.key}-${end}`)}
                    name={`${field.key}.${end}`}
                    inputMode="decimal"
                    defaultValue={valueOf(
                      `${field.key}.${end}`,
                      range && end in range ? (range as Record<string, number>)[end] : undefined,
                    )}
                    {...invalid(`${field.key}.${end}`, errors)}
                  />
                  <FieldError name={`${field.key}.${end}`} errors={errors} />
                </div>
              ))}
            </fieldset>
          );
        }
        return (
          <div className="field" key={field.key}>
            <label htmlFor={id(field.key)}>{label}</label>
            <input
              id={id(field.key)}
              name={field.key}
              defaultValue={valueOf(field.key, saved && "eq" in saved ? saved.eq : undefined)}
              {...invalid(field.key, errors)}
            />
            <FieldError name={field.key} errors={errors} />
          </div>
        );
      })}
      <div className="inline-fields">
        <div className="field">
          <label htmlFor={id("channel")}>{t.channel}</label>
          <select
            id={id("channel")}
            name="channel"
            defaultValue={valueOf("channel", filter?.channel ?? topic.channels[0])}
            {...invalid("channel", errors)}
          >
            {topic.channels.map((channel) => (
              <option key={channel} value={channel}>
                {channelName(locale, channel)}
              </option>
            ))}
          </select>
          <FieldError name="channel" errors={errors} />
        </div>
        <div className="field">
          <label htmlFor={id("frequency")}>{t.frequency}</label>
          <select
            id={id("frequency")}
            name="frequency"
            defaultValue={valueOf("frequency", filter?.frequency ?? "instant")}
            {...invalid("frequency", errors)}
          >
            {frequencies.map((frequency) => (
              <option key={frequency} value={frequency}>
                {frequencyName(locale, frequency)}
              </option>
            ))}
          </select>
          <FieldError name="frequency" errors={errors} />
        </div>
      </div>
      <p className="match-count" aria-live="polite">
        {matches !== null && matches !== undefined && (touched || mine)
          ? format(plural(locale, matches, t.matches, t.matchesMany), { days: recentDays })
          : ""}
      </p>
      <div className="row-actions">
        <button
          type="submit"
          name="intent"
          value={filter ? "update" : "create"}
          className="button"
          disabled={navigation.state === "submitting"}
        >
          {filter ? t.save : t.create}
        </button>
        <button type="submit" name="intent" value="preview" className="button secondary">
          {t.preview}
        </button>
        {filter ? (
          <Link to="." className="button secondary">
            {t.cancel}
          </Link>
        ) : null}
      </div>
    </Form>
  );
}
