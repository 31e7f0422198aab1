// Double opt-in: the link in the confirmation email. Opening it shows a button rather than
// confirming at once, because mail scanners open links on their own; the press (a POST) turns
// the pending subscription into consent, with its consent event.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Status } from "~/components/portal/form";
import { channelName, topicName } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { bilingual, format } from "~/lib/bilingual";
import { readForm } from "~/lib/forms.server";
import { CONFIRM_PURPOSE } from "~/lib/portal-mail.server";
import { verifyToken } from "~/lib/signed-token.server";
import { Channel } from "~/lib/vocabulary";
import { editPreferences } from "~/models/preferences.server";
import { getTopicById } from "~/models/topic.server";

const text = bilingual(
  {
    title: "Confirmer votre inscription",
    ask: "Vous avez demandé à recevoir « {topic} » par {channel}. Confirmez-vous ?",
    confirm: "Je confirme",
    done: "C'est confirmé : vous recevrez « {topic} » par {channel}. Vous pouvez changer d'avis à tout moment depuis vos préférences.",
    already: "Cette inscription est déjà confirmée.",
    withdrawn: "Cette inscription a été annulée depuis ; rien n'est à confirmer.",
    invalid:
      "Ce lien de confirmation n'est pas valable ou a expiré. Vous pouvez vous réinscrire depuis vos préférences.",
    portal: "Mes préférences",
  },
  {
    title: "Confirm your subscription",
    ask: "You asked to receive \u201c{topic}\u201d by {channel}. Do you confirm?",
    confirm: "I confirm",
    done: "Confirmed: you will receive \u201c{topic}\u201d by {channel}. You can change your mind at any time in your preferences.",
    already: "This subscription is already confirmed.",
    withdrawn: "This subscription was cancelled since; there is nothing to confirm.",
    invalid: "This confirmation link is not valid or has expired. You can subscribe again from your preferences.",
    portal: "My preferences",
  },
);

export const meta: MetaFunction = () => [{ title: "Mesure" }, { name: "robots", content: "noindex" }];

async function read(request: Request, context: LoaderFunctionArgs["context"]) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const checked = verifyToken(context.services.secret, token, CONFIRM_PURPOSE);
  if (!checked.ok || !checked.payload.c) return null;
  const { b: brandId, c: customerId, d } = checked.payload;
  const channel = Channel.safeParse(d?.channel);
  const topicKey = typeof d?.topic === "string" ? d.topic : null;
  if (!channel.success || !topicKey) return null;
  const { db } = context.services;
  const topic = await db.topic.findUnique({ where: { brandId_key: { brandId, key: topicKey } }, select: { id: true } });
  const customer = await db.customer.findFirst({
    where: { id: customerId, brandId, erasedAt: null },
    select: { id: true },
  });
  if (!topic || !customer) return null;
  const subscription = await db.subscription.findUnique({
    where: { customerId_topicId_channel: { customerId, topicId: topic.id, channel: channel.data } },
    select: { status: true },
  });
  return {
    brandId,
    customerId,
    topicId: topic.id,
    channel: channel.data,
    status: subscription?.status ?? "unsubscribed",
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const found = await read(request, context);
  if (!found) return data({ state: "invalid" as const, topic: null, channel: null }, { status: 400 });
  const topic = (await getTopicById(context.services.db, found.brandId, found.topicId))!;
  const state = found.status === "pending" ? "ask" : found.status === "subscribed" ? "already" : "withdrawn";
  return { state, topic: { nameFr: topic.nameFr, nameEn: topic.nameEn }, channel: found.channel };
}

export async function action({ request, context }: ActionFunctionArgs) {
  await readForm(request, context.csrf);
  const found = await read(request, context);
  if (!found || found.status !== "pending") return data({ confirmed: false }, { status: 409 });
  const topic = (await getTopicById(context.services.db, found.brandId, found.topicId))!;
  await editPreferences(
    context.services.db,
    { brandId: found.brandId, customerId: found.customerId },
    { source: "double_opt_in" },
    (editor) => editor.setSubscription({ topic, channel: found.channel, status: "subscribed" }),
  );
  return { confirmed: true };
}

export default function Confirm() {
  const { state, topic, channel } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const locale = useLocale();
  const t = text[locale];
  const words = topic && channel ? { topic: topicName(locale, topic), channel: channelName(locale, channel) } : null;
  return (
    <main id="main" className="page narrow">
      <h1>{t.title}</h1>
      {result?.confirmed && words ? (
        <Status message={format(t.done, words)} />
      ) : state === "ask" && words ? (
        <>
          <p>{format(t.ask, words)}</p>
          <Form method="post">
            <CsrfField />
            <button type="submit" className="button">
              {t.confirm}
            </button>
          </Form>
        </>
      ) : (
        <p>{state === "already" ? t.already : state === "withdrawn" ? t.withdrawn : t.invalid}</p>
      )}
      <p>
        <Link to="/portal">{t.portal}</Link>
      </p>
    </main>
  );
}
