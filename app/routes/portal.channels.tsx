// Channels: where messages reach the customer, each channel on or off, quiet hours and limits
// per channel, and one limit across all of them. Validation errors appear beside each field;
// nothing is saved unless everything is valid.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CsrfField, FieldError, invalid, Status } from "~/components/portal/form";
import { channelTitle } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { bilingual, format } from "~/lib/bilingual";
import { fieldErrors, readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { requireVisit } from "~/lib/portal-auth.server";
import { channels, LocalTime, type Channel } from "~/lib/vocabulary";
import { editPreferences } from "~/models/preferences.server";

const text = bilingual(
  {
    title: "Canaux",
    lead: "Où et quand nous pouvons vous joindre. Les heures de silence et les limites s'appliquent à tous les messages, sauf les messages de service essentiels.",
    contact: "Vos coordonnées",
    email: "E-mail",
    phone: "Téléphone",
    none: "aucune",
    enabled: "Recevoir des messages par ce canal",
    quiet: "Heures de silence",
    quietStart: "De",
    quietEnd: "À",
    quietHint: "Laissez vide pour ne pas en avoir. Par exemple de 21:00 à 08:00.",
    dailyCap: "Au plus, par jour",
    weeklyCap: "Au plus, par semaine",
    capHint: "Laissez vide pour aucune limite.",
    global: "Tous canaux confondus",
    globalCap: "Au plus, par semaine, tous canaux confondus",
    save: "Enregistrer",
    saving: "Enregistrement…",
    saved: "C'est enregistré.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
    channelLegend: "{channel}",
  },
  {
    title: "Channels",
    lead: "Where and when we may reach you. Quiet hours and limits apply to every message except essential service messages.",
    contact: "Your contact details",
    email: "Email",
    phone: "Phone",
    none: "none",
    enabled: "Receive messages on this channel",
    quiet: "Quiet hours",
    quietStart: "From",
    quietEnd: "To",
    quietHint: "Leave empty for none. For example from 21:00 to 08:00.",
    dailyCap: "At most, per day",
    weeklyCap: "At most, per week",
    capHint: "Leave empty for no limit.",
    global: "All channels together",
    globalCap: "At most, per week, all channels together",
    save: "Save",
    saving: "Saving…",
    saved: "Saved.",
    fix: "Some fields need fixing; nothing was saved.",
    channelLegend: "{channel}",
  },
);

const optionalCap = (max: number) =>
  z.preprocess(
    (value) => (value === "" || value === null || value === undefined ? null : Number(value)),
    z.number().int("integer").min(0).max(max).nullable(),
  );
const optionalTime = z.preprocess((value) => (value === "" || value == null ? null : value), LocalTime.nullable());

const ChannelForm = z
  .object({
    enabled: z.boolean(),
    quietStart: optionalTime,
    quietEnd: optionalTime,
    dailyCap: optionalCap(100),
    weeklyCap: optionalCap(500),
  })
  .superRefine((value, ctx) => {
    if ((value.quietStart === null) !== (value.quietEnd === null)) {
      ctx.addIssue({
        code: "custom",
        path: [value.quietStart === null ? "quietStart" : "quietEnd"],
        message: "quietPair",
      });
    }
  });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const { db } = context.services;
  const [rows, preference, policies] = await Promise.all([
    db.channelPreference.findMany({
      where: { customerId: visit.customer.id },
      select: { channel: true, enabled: true, quietStart: true, quietEnd: true, dailyCap: true, weeklyCap: true },
    }),
    db.customerPreference.findUnique({ where: { customerId: visit.customer.id }, select: { globalWeeklyCap: true } }),
    db.brandChannelPolicy.findMany({ where: { brandId: visit.brand.id, enabled: true }, select: { channel: true } }),
  ]);
  const used = channels.filter((channel) => policies.some((policy) => policy.channel === channel));
  return {
    contact: { email: visit.customer.email, phone: visit.customer.phone },
    channels: used.map((channel) => {
      const row = rows.find((r) => r.channel === channel);
      return {
        channel,
        enabled: row?.enabled ?? true,
        quietStart: row?.quietStart ?? "",
        quietEnd: row?.quietEnd ?? "",
        dailyCap: row?.dailyCap ?? null,
        weeklyCap: row?.weeklyCap ?? null,
      };
    }),
    globalWeeklyCap: preference?.globalWeeklyCap ?? null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const visit = await requireVisit(request, context);
  const { locale } = resolveLocale(request);
  const errors: Record<string, string> = {};
  const settings: [Channel, z.infer<typeof ChannelForm>][] = [];
  const present = channels.filter((channel) => form.has(`${channel}.present`));
  for (const channel of present) {
    const parsed = ChannelForm.safeParse({
      enabled: form.get(`${channel}.enabled`) === "on",
      quietStart: form.get(`${channel}.quietStart`),
      quietEnd: form.get(`${channel}.quietEnd`),
      dailyCap: form.get(`${channel}.dailyCap`),
      weeklyCap: form.get(`${channel}.weeklyCap`),
    });
    if (parsed.success) settings.push([channel, parsed.data]);
    else
      for (const [field, message] of Object.entries(fieldErrors(parsed.error, locale)))
        errors[`${channel}.${field}`] = message;
  }
  const global = optionalCap(1000).safeParse(form.get("globalWeeklyCap"));
  if (!global.success) errors.globalWeeklyCap = fieldErrors(global.error, locale).form!;
  if (Object.keys(errors).length || !global.success) {
    // What was typed comes back with the errors, so a page rendered without JavaScript keeps it.
    const values = Object.fromEntries(
      [...form].filter(([key]) => key !== "csrf").map(([key, value]) => [key, String(value)]),
    );
    return data({ ok: false, errors, values }, { status: 400 });
  }
  await editPreferences(
    context.services.db,
    { brandId: visit.brand.id, customerId: visit.customer.id },
    { source: "portal" },
    async (editor) => {
      for (const [channel, value] of settings) await editor.setChannelSettings(channel, value);
      await editor.setGeneralSettings({ globalWeeklyCap: global.data });
    },
  );
  return { ok: true, errors: {} as Record<string, string>, values: null };
}

export default function Channels() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const errors = result?.errors ?? {};
  const typed = result?.values ?? null;
  const initial = (field: string, saved: string | number | null) => typed?.[field] ?? saved ?? "";
  return (
    <>
      <h1>{t.title}</h1>
      <p>{t.lead}</p>
      <section className="card" aria-labelledby="contact-title">
        <h2 id="contact-title">{t.contact}</h2>
        <dl className="facts">
          <dt>{t.email}</dt>
          <dd>{loaded.contact.email ?? t.none}</dd>
          <dt>{t.phone}</dt>
          <dd>{loaded.contact.phone ?? t.none}</dd>
        </dl>
      </section>
      {result?.ok ? <Status message={t.saved} /> : null}
      {result && !result.ok ? <Status message={t.fix} tone="error" /> : null}
      <Form method="post" className="stack" noValidate preventScrollReset>
        <CsrfField />
        {loaded.channels.map((row) => {
          const name = (field: string) => `${row.channel}.${field}`;
          return (
            <fieldset key={row.channel} className="card">
              <legend>{format(t.channelLegend, { channel: channelTitle(locale, row.channel) })}</legend>
              <input type="hidden" name={name("present")} value="1" />
              <div className="field checkbox">
                <input
                  type="checkbox"
                  id={name("enabled")}
                  name={name("enabled")}
                  defaultChecked={typed ? typed[name("enabled")] === "on" : row.enabled}
                />
                <label htmlFor={name("enabled")}>{t.enabled}</label>
              </div>
              <fieldset className="inline-fields">
                <legend>{t.quiet}</legend>
                <p className="hint" id={`${row.channel}-quiet-hint`}>
                  {t.quietHint}
                </p>
                {(["quietStart", "quietEnd"] as const).map((field) => (
                  <div className="field" key={field}>
                    <label htmlFor={name(field)}>{t[field]}</label>
                    <input
                      type="time"
                      id={name(field)}
                      name={name(field)}
                      defaultValue={initial(name(field), row[field])}
                      {...invalid(name(field), errors)}
                    />
                    <FieldError name={name(field)} errors={errors} />
                  </div>
                ))}
              </fieldset>
              <div className="inline-fields">
                {(["dailyCap", "weeklyCap"] as const).map((field) => (
                  <div className="field" key={field}>
                    <label htmlFor={name(field)}>{t[field]}</label>
                    <input
                      type="number"
                      inputMode="numeric"
                      min={0}
                      id={name(field)}
                      name={name(field)}
                      defaultValue={initial(name(field), row[field])}
                      {...invalid(name(field), errors)}
                    />
                    <FieldError name={name(field)} errors={errors} />
                  </div>
                ))}
              </div>
              <p className="hint">{t.capHint}</p>
            </fieldset>
          );
        })}
        <fieldset className="card">
          <legend>{t.global}</legend>
          <div className="field">
            <label htmlFor="globalWeeklyCap">{t.globalCap}</label>
            <input
              type="number"
              inputMode="numeric"
              min={0}
              id="globalWeeklyCap"
              name="globalWeeklyCap"
              defaultValue={initial("globalWeeklyCap", loaded.globalWeeklyCap)}
              {...invalid("globalWeeklyCap", errors)}
            />
            <FieldError name="globalWeeklyCap" errors={errors} />
          </div>
        </fieldset>
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? t.saving : t.save}
        </button>
      </Form>
    </>
  );
}
