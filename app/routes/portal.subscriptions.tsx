// Subscriptions: every topic the brand offers, by channel, with how often. One form for the
// whole grid (it works without JavaScript); saving applies every change in one transaction,
// each with its consent event (models/subscription-grid.server.ts). Topics that need a double opt-in stay pending until the
// confirmation email is answered; transactional ones are always on, and the page says why.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CsrfField, Status } from "~/components/portal/form";
import { channelName, channelTitle, frequencyName, topicDescription, topicName } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { bilingual, format } from "~/lib/bilingual";
import { readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { requireVisit } from "~/lib/portal-auth.server";
import { confirmSubscriptions } from "~/lib/portal-mail.server";
import { channels, Frequency, frequencies, type Channel } from "~/lib/vocabulary";
import { readSubscriptionGrid, saveSubscriptionGrid } from "~/models/subscription-grid.server";

const text = bilingual(
  {
    title: "Abonnements",
    lead: "Choisissez les sujets qui vous intéressent, sur quels canaux et à quel rythme. Rien de marketing ne vous est envoyé sans votre accord.",
    topic: "Sujet",
    frequency: "Fréquence",
    receiveOn: "Recevoir « {topic} » par {channel}",
    frequencyOf: "Fréquence pour « {topic} »",
    alwaysOn: "Toujours actif : ce sont des messages de service (commande, compte, sécurité) dont vous avez besoin.",
    pending: "En attente de votre confirmation par e-mail",
    save: "Enregistrer mes abonnements",
    saving: "Enregistrement…",
    saved: "C'est enregistré. Les prochains messages en tiennent compte dès maintenant.",
    confirmSent:
      "Nous vous avons envoyé un e-mail de confirmation pour : {topics}. L'inscription prendra effet quand vous l'aurez confirmée.",
    needsEmail: "Ce sujet demande une confirmation par e-mail, et nous ne connaissons pas d'adresse pour vous.",
    notOffered: "non proposé",
    kind_transactional: "Service",
    kind_marketing: "Marketing",
    kind_alert: "Alertes",
  },
  {
    title: "Subscriptions",
    lead: "Choose the topics you care about, on which channels and how often. Nothing marketing is sent to you without your agreement.",
    topic: "Topic",
    frequency: "Frequency",
    receiveOn: "Receive \u201c{topic}\u201d by {channel}",
    frequencyOf: "Frequency for \u201c{topic}\u201d",
    alwaysOn: "Always on: these are service messages (orders, account, security) you need.",
    pending: "Waiting for your confirmation by email",
    save: "Save my subscriptions",
    saving: "Saving…",
    saved: "Saved. The next messages follow it from now on.",
    confirmSent:
      "We sent you a confirmation email for: {topics}. The subscription takes effect once you have confirmed it.",
    needsEmail: "This topic needs a confirmation by email, and we have no address for you.",
    notOffered: "not offered",
    kind_transactional: "Service",
    kind_marketing: "Marketing",
    kind_alert: "Alerts",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const { topics, subscriptions } = await readSubscriptionGrid(context.services.db, {
    brandId: visit.brand.id,
    customerId: visit.customer.id,
  });
  const offered = channels.filter((channel) => topics.some((topic) => topic.channels.includes(channel)));
  return {
    channels: offered,
    topics: topics.map((topic) => {
      const mine = subscriptions.filter((row) => row.topic.key === topic.key);
      return {
        key: topic.key,
        nameFr: topic.nameFr,
        nameEn: topic.nameEn,
        descriptionFr: topic.descriptionFr,
        descriptionEn: topic.descriptionEn,
        kind: topic.kind,
        offered: topic.channels,
        frequency: Frequency.parse(mine[0]?.frequency ?? topic.defaultFrequency),
        status: Object.fromEntries(mine.map((row) => [row.channel, row.status])) as Partial<Record<Channel, string>>,
      };
    }),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const { locale } = resolveLocale(request);
  const visit = await requireVisit(request, context);
  const { needsEmail, confirmations } = await saveSubscriptionGrid(
    context.services.db,
    { brandId: visit.brand.id, customerId: visit.customer.id },
    {
      wants: (topic, channel) => form.get(`sub:${topic}:${channel}`) === "on",
      pace: (topic) => Frequency.safeParse(form.get(`freq:${topic}`)).data ?? null,
    },
    { hasEmail: Boolean(visit.customer.email) },
  );
  if (needsEmail.length) {
    const errors = Object.fromEntries(needsEmail.map((field) => [field, text[locale].needsEmail]));
    return data({ ok: false, errors, confirmations: [] as string[] }, { status: 400 });
  }
  await confirmSubscriptions(context.services, visit.brand, visit.customer, confirmations);
  return {
    ok: true,
    errors: {} as Record<string, string>,
    confirmations: confirmations.map(({ topic }) => topicName(locale, topic)),
  };
}

export default function Subscriptions() {
  const { topics, channels: offered } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const errors = result?.errors ?? {};
  return (
    <>
      <h1>{t.title}</h1>
      <p>{t.lead}</p>
      {result?.ok ? (
        <Status
          message={
            result.confirmations.length
              ? format(t.confirmSent, { topics: [...new Set(result.confirmations)].join(", ") })
              : t.saved
          }
        />
      ) : null}
      <Form method="post" className="subscriptions" preventScrollReset>
        <CsrfField />
        <div className="table-scroll" tabIndex={0} role="region" aria-label={t.title}>
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">{t.topic}</th>
                {offered.map((channel) => (
                  <th scope="col" key={channel}>
                    {channelTitle(locale, channel)}
                  </th>
                ))}
                <th scope="col">{t.frequency}</th>
              </tr>
            </thead>
            <tbody>
              {topics.map((topic) => {
                const name = topicName(locale, topic);
                const transactional = topic.kind === "transactional";
                return (
                  <tr key={topic.key}>
                    <th scope="row">
                      <span className="topic-name">{name}</span>{" "}
                      <span className={`tag tag-${topic.kind}`}>{t[`kind_${topic.kind}`]}</span>
                      <span className="topic-description">{topicDescription(locale, topic)}</span>
                      {transactional ? <span className="hint">{t.alwaysOn}</span> : null}
                    </th>
                    {offered.map((channel) => {
                      const field = `sub:${topic.key}:${channel}`;
                      if (!topic.offered.includes(channel)) {
                        return (
                          <td key={channel} className="not-offered">
                            <span className="visually-hidden">{t.notOffered}</span>
                            <span aria-hidden="true">—</span>
                          </td>
                        );
                      }
                      const status = topic.status[channel];
                      const label = format(t.receiveOn, { topic: name, channel: channelName(locale, channel) });
                      return (
                        <td key={channel}>
                          <input
                            type="checkbox"
                            id={field}
                            name={field}
                            aria-label={label}
                            defaultChecked={transactional || status === "subscribed" || status === "pending"}
                            disabled={transactional}
                            aria-describedby={errors[field] ? `${field}-error` : undefined}
                          />
                          {status === "pending" ? <span className="pending">{t.pending}</span> : null}
                          {errors[field] ? (
                            <span className="field-error" id={`${field}-error`}>
                              {errors[field]}
                            </span>
                          ) : null}
                        </td>
                      );
                    })}
                    <td>
                      {transactional ? (
                        frequencyName(locale, "instant")
                      ) : (
                        <select
                          name={`freq:${topic.key}`}
                          aria-label={format(t.frequencyOf, { topic: name })}
                          defaultValue={topic.frequency}
                        >
                          {frequencies.map((frequency) => (
                            <option key={frequency} value={frequency}>
                              {frequencyName(locale, frequency)}
                            </option>
                          ))}
                        </select>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? t.saving : t.save}
        </button>
      </Form>
    </>
  );
}
