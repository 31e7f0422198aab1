// Pause and context: stop everything until a date, or say what kind of moment this is.
// "Looking for something" makes the chosen alerts instant for N days; "just browsing" sends
// everything non-essential to the weekly digest for N days. The overview's quick actions post
// here too (intent), and come back to where they were.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CsrfField, FieldError, invalid, Status } from "~/components/portal/form";
import { formatDate, topicName } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { bilingual, format } from "~/lib/bilingual";
import { fieldErrors, readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { fromJson } from "~/lib/json-column";
import { requireVisit } from "~/lib/portal-auth.server";
import { DAY, localMidnightAfter, localParts } from "~/policy/time";
import { editPreferences } from "~/models/preferences.server";
import { listTopics } from "~/models/topic.server";

const text = bilingual(
  {
    title: "Pause et contexte",
    pauseTitle: "Faire une pause",
    pauseLead:
      "Plus aucun message jusqu'à la date choisie, sauf les messages de service essentiels (commande, sécurité).",
    pausedUntil: "En pause jusqu'au {date} inclus.",
    notPaused: "Pas de pause en cours.",
    until: "Jusqu'au (inclus)",
    pause: "Mettre en pause",
    resume: "Reprendre maintenant",
    contextTitle: "Votre moment",
    contextLead:
      "Dites-nous ce que vous cherchez en ce moment : nous adaptons le rythme, pour quelques jours seulement.",
    none: "Rien de particulier",
    noneHint: "Vos réglages habituels s'appliquent.",
    looking: "Je cherche quelque chose",
    lookingHint:
      "Les alertes choisies ci-dessous arrivent tout de suite, même celles que vous recevez d'habitude en résumé.",
    browsing: "Je regarde seulement",
    browsingHint: "Tout ce qui n'est pas essentiel attend votre résumé hebdomadaire.",
    days: "Pendant combien de jours",
    topics: "Alertes à recevoir tout de suite",
    save: "Appliquer",
    saved: "C'est fait. Les prochains messages en tiennent compte dès maintenant.",
    current: "Mode actuel : {mode}, jusqu'au {date}.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
  },
  {
    title: "Pause and context",
    pauseTitle: "Take a break",
    pauseLead: "No message at all until the date you choose, except essential service messages (orders, security).",
    pausedUntil: "Paused until {date} included.",
    notPaused: "No pause under way.",
    until: "Until (included)",
    pause: "Pause",
    resume: "Resume now",
    contextTitle: "Your moment",
    contextLead: "Tell us what you are after right now: we adapt the pace, for a few days only.",
    none: "Nothing in particular",
    noneHint: "Your usual settings apply.",
    looking: "I'm looking for something",
    lookingHint: "The alerts chosen below arrive at once, even those you usually get in a digest.",
    browsing: "Just browsing",
    browsingHint: "Everything that is not essential waits for your weekly digest.",
    days: "For how many days",
    topics: "Alerts to get at once",
    save: "Apply",
    saved: "Done. The next messages follow it from now on.",
    current: "Current mode: {mode}, until {date}.",
    fix: "Some fields need fixing; nothing was saved.",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const { db } = context.services;
  const [preference, topics] = await Promise.all([
    db.customerPreference.findUnique({
      where: { customerId: visit.customer.id },
      select: { pausedUntil: true, contextMode: true, contextUntil: true, contextTopics: true },
    }),
    listTopics(db, visit.brand.id),
  ]);
  const now = Date.now();
  const live = (date: Date | null | undefined) => (date && date.getTime() > now ? date.toISOString() : null);
  const contextUntil = live(preference?.contextUntil);
  return {
    timezone: visit.customer.timezone,
    pausedUntil: live(preference?.pausedUntil),
    context: {
      mode: contextUntil ? (preference!.contextMode as "none" | "looking" | "browsing") : "none",
      until: contextUntil,
      topics: preference ? fromJson(z.array(z.string()), preference.contextTopics, "contextTopics") : [],
    },
    alertTopics: topics
      .filter((topic) => topic.kind === "alert")
      .map((topic) => ({ key: topic.key, nameFr: topic.nameFr, nameEn: topic.nameEn })),
  };
}

/** The first instant of the day after `date` (YYYY-MM-DD) in the customer's time zone. */
function endOfLocalDay(date: string, timeZone: string): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return localMidnightAfter(timeZone, { year, month, day }, 1);
}

const PauseForm = z.object({
  until: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "date")
    .refine((value) => !Number.isNaN(Date.parse(value)), "date"),
});
const ContextForm = z.object({
  mode: z.enum(["none", "looking", "browsing"]),
  days: z.coerce.number().int("integer").min(1).max(90),
  topics: z.array(z.string()),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const visit = await requireVisit(request, context);
  const { locale } = resolveLocale(request);
  const tz = visit.customer.timezone;
  const now = Date.now();
  const intent = String(form.get("intent") ?? "");
  const returnTo = String(form.get("returnTo") ?? "");
  let settings: Parameters<typeof editPreferences>[3] | null = null;
  const inDays = (days: number) => new Date(localMidnightAfter(tz, localParts(now, tz), days));

  if (intent === "pause-week" || intent === "pause-month") {
    const until = inDays(intent === "pause-week" ? 7 : 30);
    settings = (editor) => editor.setGeneralSettings({ pausedUntil: until });
  } else if (intent === "resume") {
    settings = (editor) => editor.setGeneralSettings({ pausedUntil: null });
  } else if (intent === "browse") {
    settings = (editor) =>
      editor.setGeneralSettings({ contextMode: "browsing", contextUntil: inDays(14), contextTopics: [] });
  } else if (intent === "context-end") {
    settings = (editor) => editor.setGeneralSettings({ contextMode: "none", contextUntil: null, contextTopics: [] });
  } else if (intent === "pause") {
    const parsed = PauseForm.safeParse({ until: form.get("until") });
    const until = parsed.success ? endOfLocalDay(parsed.data.until, tz) : NaN;
    if (!parsed.success || until <= now || until > now + 366 * DAY) {
      const errors = parsed.success
        ? {
            until:
              locale === "fr" ? "Choisissez une date dans l'année à venir." : "Choose a date within the coming year.",
          }
        : fieldErrors(parsed.error, locale);
      return data({ ok: false, errors, intent }, { status: 400 });
    }
    settings = (editor) => editor.setGeneralSettings({ pausedUntil: new Date(until) });
  } else if (intent === "context") {
    const parsed = ContextForm.safeParse({
      mode: form.get("mode"),
      days: form.get("days"),
      topics: form.getAll("topics").map(String),
    });
    if (!parsed.success) return data({ ok: false, errors: fieldErrors(parsed.error, locale), intent }, { status: 400 });
    const { mode, days } = parsed.data;
    const alertKeys = new Set(
      (await listTopics(context.services.db, visit.brand.id)).filter((t) => t.kind === "alert").map((t) => t.key),
    );
    const topics = parsed.data.topics.filter((key) => alertKeys.has(key));
    settings = (editor) =>
      editor.setGeneralSettings(
        mode === "none"
          ? { contextMode: "none", contextUntil: null, contextTopics: [] }
          : { contextMode: mode, contextUntil: inDays(days), contextTopics: mode === "looking" ? topics : [] },
      );
  } else {
    return data({ ok: false, errors: { form: "intent" }, intent }, { status: 400 });
  }

  await editPreferences(
    context.services.db,
    { brandId: visit.brand.id, customerId: visit.customer.id },
    { source: "portal" },
    settings,
  );
  // Only back to a portal page: never an open redirect.
  if (/^\/portal(\/[a-z-]*)?$/.test(returnTo)) return redirect(returnTo);
  return { ok: true, errors: {} as Record<string, string>, intent };
}

export default function PauseAndContext() {
  const { pausedUntil, context, alertTopics, timezone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const errors = result?.errors ?? {};
  const modes = [
    ["none", t.none, t.noneHint],
    ["looking", t.looking, t.lookingHint],
    ["browsing", t.browsing, t.browsingHint],
  ] as const;
  const busy = navigation.state === "submitting";
  return (
    <>
      <h1>{t.title}</h1>
      {result?.ok ? <Status message={t.saved} /> : null}
      {result && !result.ok ? <Status message={t.fix} tone="error" /> : null}
      <section className="card" aria-labelledby="pause-title">
        <h2 id="pause-title">{t.pauseTitle}</h2>
        <p>{t.pauseLead}</p>
        <p className="notice">
          {pausedUntil
            ? format(t.pausedUntil, {
                date: formatDate(locale, new Date(Date.parse(pausedUntil) - 1).toISOString(), timezone),
              })
            : t.notPaused}
        </p>
        <Form method="post" className="inline-fields" noValidate>
          <CsrfField />
          <input type="hidden" name="intent" value="pause" />
          <div className="field">
            <label htmlFor="until">{t.until}</label>
            <input type="date" id="until" name="until" required {...invalid("until", errors)} />
            <FieldError name="until" errors={errors} />
          </div>
          <button type="submit" className="button" disabled={busy}>
            {t.pause}
          </button>
        </Form>
        {pausedUntil ? (
          <Form method="post">
            <CsrfField />
            <input type="hidden" name="intent" value="resume" />
            <button type="submit" className="button secondary" disabled={busy}>
              {t.resume}
            </button>
          </Form>
        ) : null}
      </section>
      <section className="card" aria-labelledby="context-title">
        <h2 id="context-title">{t.contextTitle}</h2>
        <p>{t.contextLead}</p>
        {context.until && context.mode !== "none" ? (
          <p className="notice">
            {format(t.current, {
              mode: context.mode === "looking" ? t.looking : t.browsing,
              date: formatDate(locale, context.until, timezone),
            })}
          </p>
        ) : null}
        <Form method="post" className="stack" noValidate>
          <CsrfField />
          <input type="hidden" name="intent" value="context" />
          <fieldset>
            <legend className="visually-hidden">{t.contextTitle}</legend>
            {modes.map(([mode, label, hint]) => (
              <div className="field radio" key={mode}>
                <input
                  type="radio"
                  id={`mode-${mode}`}
                  name="mode"
                  value={mode}
                  defaultChecked={context.mode === mode}
                  aria-describedby={`mode-${mode}-hint`}
                />
                <label htmlFor={`mode-${mode}`}>{label}</label>
                <p className="hint" id={`mode-${mode}-hint`}>
                  {hint}
                </p>
              </div>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="days">{t.days}</label>
            <input type="number" id="days" name="days" min={1} max={90} defaultValue={7} {...invalid("days", errors)} />
            <FieldError name="days" errors={errors} />
          </div>
          {alertTopics.length ? (
            <fieldset>
              <legend>{t.topics}</legend>
              {alertTopics.map((topic) => (
                <div className="field checkbox" key={topic.key}>
                  <input
                    type="checkbox"
                    id={`topic-${topic.key}`}
                    name="topics"
                    value={topic.key}
                    defaultChecked={context.topics.includes(topic.key)}
                  />
                  <label htmlFor={`topic-${topic.key}`}>{topicName(locale, topic)}</label>
                </div>
              ))}
            </fieldset>
          ) : null}
          <button type="submit" className="button" disabled={busy}>
            {t.save}
          </button>
        </Form>
      </section>
    </>
  );
}
