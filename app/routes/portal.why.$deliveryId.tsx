// "Why did I get this?": for one message, the subscription or alert that caused it, when and
// how it was given (from the consent ledger), and a one-click way to change it.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Status } from "~/components/portal/form";
import { channelName, formatDateTime, frequencyName, topicName } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { bilingual, format } from "~/lib/bilingual";
import { readForm } from "~/lib/forms.server";
import { z } from "zod";
import { fromJson } from "~/lib/json-column";
import { requireVisit } from "~/lib/portal-auth.server";
import { AlertCriteria, Channel, Frequency } from "~/lib/vocabulary";
import { editPreferences } from "~/models/preferences.server";
import { getTopic } from "~/models/topic.server";
import { criteriaMatch, type MessageAttributes } from "~/policy";

const text = bilingual(
  {
    title: "Pourquoi ai-je reçu ce message ?",
    message: "« {topic} » par {channel}, le {date}.",
    transactional:
      "C'est un message de service : il concerne une commande, votre compte ou votre sécurité, et part quels que soient vos choix marketing.",
    subscribed: "Vous êtes inscrit·e à « {topic} » par {channel}, à la fréquence « {frequency} ».",
    given: "Accord donné le {date}, depuis {source}.",
    alert: "Il correspondait à votre alerte « {name} ».",
    alertAny: "Il correspondait à l'une de vos alertes sur ce sujet.",
    stop: "Ne plus recevoir « {topic} » par {channel}",
    stopped:
      "C'est fait : vous ne recevrez plus « {topic} » par {channel}. Vous pouvez revenir sur ce choix dans vos abonnements.",
    change: "Changer la fréquence ou les canaux",
    alerts: "Modifier mes alertes",
    notFound: "Ce message n'est pas dans votre historique.",
    untitled: "sans nom",
    source_portal: "ce portail",
    source_api: "le site ou l'application de la marque",
    source_seed: "l'inscription initiale",
    source_double_opt_in: "votre confirmation par e-mail",
    source_import: "un import de la marque",
    source_other: "{source}",
  },
  {
    title: "Why did I get this message?",
    message: "\u201c{topic}\u201d by {channel}, on {date}.",
    transactional:
      "It is a service message: it is about an order, your account or your security, and goes out whatever your marketing choices.",
    subscribed: "You are subscribed to \u201c{topic}\u201d by {channel}, at the pace \u201c{frequency}\u201d.",
    given: "Agreement given on {date}, from {source}.",
    alert: "It matched your alert \u201c{name}\u201d.",
    alertAny: "It matched one of your alerts on this topic.",
    stop: "Stop receiving \u201c{topic}\u201d by {channel}",
    stopped:
      "Done: you will no longer receive \u201c{topic}\u201d by {channel}. You can change this back in your subscriptions.",
    change: "Change the pace or the channels",
    alerts: "Change my alerts",
    notFound: "This message is not in your history.",
    untitled: "untitled",
    source_portal: "this portal",
    source_api: "the brand's website or app",
    source_seed: "the initial sign-up",
    source_double_opt_in: "your confirmation by email",
    source_import: "an import by the brand",
    source_other: "{source}",
  },
);

async function load(request: Request, context: LoaderFunctionArgs["context"], deliveryId: string) {
  const visit = await requireVisit(request, context);
  const { db } = context.services;
  const delivery = await db.delivery.findFirst({
    where: { id: deliveryId, customerId: visit.customer.id, brandId: visit.brand.id },
    select: { id: true, sentAt: true, topicKey: true, channel: true, message: { select: { attributes: true } } },
  });
  const topic = delivery ? await getTopic(db, { brandId: visit.brand.id, key: delivery.topicKey }) : null;
  return { visit, delivery, topic };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { visit, delivery, topic } = await load(request, context, params.deliveryId ?? "");
  if (!delivery || !topic) throw data(null, { status: 404 });
  const { db } = context.services;
  const channel = Channel.parse(delivery.channel);
  const [subscription, consent, filters] = await Promise.all([
    db.subscription.findUnique({
      where: { customerId_topicId_channel: { customerId: visit.customer.id, topicId: topic.id, channel } },
      select: { status: true, frequency: true },
    }),
    db.consentEvent.findFirst({
      where: { customerId: visit.customer.id, kind: "subscription", subject: `${topic.key}:${channel}` },
      orderBy: { seq: "desc" },
      select: { createdAt: true, source: true, after: true },
    }),
    topic.kind === "alert"
      ? db.alertFilter.findMany({
          where: { customerId: visit.customer.id, topicId: topic.id, channel },
          select: { label: true, criteria: true },
        })
      : [],
  ]);
  const attributes = delivery.message
    ? (fromJson(
        z.record(z.string(), z.unknown()),
        delivery.message.attributes,
        "Message.attributes",
      ) as MessageAttributes)
    : null;
  const matched = attributes
    ? filters.find((filter) => criteriaMatch(fromJson(AlertCriteria, filter.criteria, "criteria"), attributes))
    : undefined;
  return {
    timezone: visit.customer.timezone,
    sentAt: delivery.sentAt.toISOString(),
    channel,
    topic: { key: topic.key, nameFr: topic.nameFr, nameEn: topic.nameEn, kind: topic.kind },
    subscription: subscription && { status: subscription.status, frequency: Frequency.parse(subscription.frequency) },
    consent: consent && { at: consent.createdAt.toISOString(), source: consent.source },
    alert: topic.kind === "alert" && filters.length ? { name: matched?.label ?? null, known: Boolean(matched) } : null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  await readForm(request, context.csrf);
  const { visit, delivery, topic } = await load(request, context, params.deliveryId ?? "");
  if (!delivery || !topic || topic.kind === "transactional") return data({ stopped: false }, { status: 404 });
  await editPreferences(
    context.services.db,
    { brandId: visit.brand.id, customerId: visit.customer.id },
    { source: "portal" },
    (editor) => editor.setSubscription({ topic, channel: Channel.parse(delivery.channel), status: "unsubscribed" }),
  );
  return { stopped: true };
}

export default function Why() {
  const why = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const locale = useLocale();
  const t = text[locale];
  const words = {
    topic: topicName(locale, why.topic),
    channel: channelName(locale, why.channel),
    date: formatDateTime(locale, why.sentAt, why.timezone),
  };
  const sourceKey = `source_${why.consent?.source}` as keyof typeof t;
  const source = why.consent
    ? sourceKey in t
      ? t[sourceKey]
      : format(t.source_other, { source: why.consent.source })
    : "";
  const subscribed = why.subscription?.status === "subscribed";
  return (
    <>
      <h1>{t.title}</h1>
      <p className="lead">{format(t.message, words)}</p>
      <section className="card">
        {why.topic.kind === "transactional" ? (
          <p>{t.transactional}</p>
        ) : (
          <>
            {why.subscription ? (
              <p>{format(t.subscribed, { ...words, frequency: frequencyName(locale, why.subscription.frequency) })}</p>
            ) : null}
            {why.alert ? (
              <p>{why.alert.known ? format(t.alert, { name: why.alert.name || t.untitled }) : t.alertAny}</p>
            ) : null}
            {why.consent ? (
              <p>{format(t.given, { date: formatDateTime(locale, why.consent.at, why.timezone), source })}</p>
            ) : null}
          </>
        )}
      </section>
      {result?.stopped ? <Status message={format(t.stopped, words)} /> : null}
      <div className="actions">
        {why.topic.kind !== "transactional" && subscribed && !result?.stopped ? (
          <Form method="post">
            <CsrfField />
            <button type="submit" className="button">
              {format(t.stop, words)}
            </button>
          </Form>
        ) : null}
        <Link to="/portal/subscriptions" className="button secondary">
          {t.change}
        </Link>
        {why.topic.kind === "alert" ? (
          <Link to="/portal/alerts" className="button secondary">
            {t.alerts}
          </Link>
        ) : null}
      </div>
    </>
  );
}
