// One-click unsubscribe (RFC 8058): mail clients POST `List-Unsubscribe=One-Click` to the link in
// the List-Unsubscribe header, with no cookie and no sign-in; the signed token in the address is
// the credential. People who follow the footer link get a page: one button to leave, then an
// undo. Every change is a consent event and reaches the next decision.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Status } from "~/components/portal/form";
import { channelName, topicName } from "~/components/portal/words";
import { bilingual, format } from "~/lib/bilingual";
import { readUnsubscribeToken } from "~/lib/unsubscribe-link.server";
import { Channel, type Locale } from "~/lib/vocabulary";
import { editPreferences } from "~/models/preferences.server";
import { getTopic, type Topic } from "~/models/topic.server";

const text = bilingual(
  {
    title: "Se désabonner",
    ask: "Ne plus recevoir « {topic} » par {channel} ?",
    leave: "Me désabonner",
    done: "C'est fait : vous ne recevrez plus « {topic} » par {channel}.",
    already: "Vous ne recevez déjà plus « {topic} » par {channel}.",
    undo: "Annuler, je veux continuer à le recevoir",
    undone: "C'est noté : vous continuez à recevoir « {topic} » par {channel}.",
    resubscribe: "Me réabonner",
    service:
      "« {topic} » regroupe des messages de service (commande, compte, sécurité) : ils ne peuvent pas être désactivés.",
    invalid: "Ce lien de désabonnement n'est pas valable. Utilisez celui d'un message récent, ou vos préférences.",
    more: "Gérer toutes mes préférences",
  },
  {
    title: "Unsubscribe",
    ask: "Stop receiving \u201c{topic}\u201d by {channel}?",
    leave: "Unsubscribe me",
    done: "Done: you will no longer receive \u201c{topic}\u201d by {channel}.",
    already: "You already no longer receive \u201c{topic}\u201d by {channel}.",
    undo: "Undo, I want to keep receiving it",
    undone: "Noted: you keep receiving \u201c{topic}\u201d by {channel}.",
    resubscribe: "Subscribe me again",
    service: "\u201c{topic}\u201d holds service messages (orders, account, security): they cannot be turned off.",
    invalid: "This unsubscribe link is not valid. Use the one in a recent message, or your preferences.",
    more: "Manage all my preferences",
  },
);

export const meta: MetaFunction = () => [{ title: "Mesure" }, { name: "robots", content: "noindex" }];

/**
 * The subscriptions the link names (one topic, or every topic of a digest), or null when the
 * link cannot be trusted or no longer applies.
 */
async function resolve(request: Request, context: LoaderFunctionArgs["context"]) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const link = readUnsubscribeToken(context.services.secret, token);
  const channel = Channel.safeParse(link?.channel);
  if (!link || !channel.success) return null;
  const { db } = context.services;
  const [customer, ...found] = await Promise.all([
    db.customer.findFirst({
      where: { id: link.customerId, brandId: link.brandId, erasedAt: null },
      select: { id: true, locale: true },
    }),
    ...link.topics.slice(0, 50).map((key) => getTopic(db, { brandId: link.brandId, key })),
  ]);
  const topics = found.filter((topic): topic is Topic => Boolean(topic && topic.channels.includes(channel.data)));
  if (!customer || topics.length === 0) return null;
  const subscriptions = await db.subscription.findMany({
    where: { customerId: customer.id, topicId: { in: topics.map((topic) => topic.id) }, channel: channel.data },
    select: { status: true, topicId: true },
  });
  const active = new Set(
    subscriptions.filter((row) => row.status === "subscribed" || row.status === "pending").map((row) => row.topicId),
  );
  const locale: Locale = customer.locale === "en" ? "en" : "fr";
  // Service topics cannot be left; a digest's link leaves the others.
  const leavable = topics.filter((topic) => topic.kind !== "transactional");
  return {
    owner: { brandId: link.brandId, customerId: customer.id },
    topics: leavable.length ? leavable : topics,
    service: leavable.length === 0,
    channel: channel.data,
    locale,
    subscribed: active.size > 0,
    /** The topics the customer still receives on this channel. */
    active: topics.filter((topic) => active.has(topic.id)).map((topic) => topic.key),
  };
}

function words(found: NonNullable<Awaited<ReturnType<typeof resolve>>>) {
  return {
    // « A », « B »: the sentence's own quotation marks go around the whole list.
    topic: found.topics
      .map((topic) => topicName(found.locale, topic))
      .join(found.locale === "fr" ? " », « " : "\u201d, \u201c"),
    channel: channelName(found.locale, found.channel),
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const found = await resolve(request, context);
  if (!found) return data({ state: "invalid" as const, locale: null, words: null }, { status: 400 });
  const state = found.service ? "service" : found.subscribed ? "ask" : "already";
  // "Subscribe me again" on the already-left page names the link's topics.
  return { state, locale: found.locale, words: words(found), topicKeys: found.topics.map((topic) => topic.key) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const found = await resolve(request, context);
  if (!found) return data({ state: "invalid" as const, locale: null, words: null }, { status: 400 });
  if (found.service) return { state: "service" as const, locale: found.locale, words: words(found) };
  const form = await request.formData();
  // RFC 8058: the mail client's POST carries exactly this field; our own page sends an intent.
  const oneClick = form.get("List-Unsubscribe") === "One-Click";
  const undo = !oneClick && form.get("intent") === "undo";
  // Undo restores only what this link's click stopped (the keys the done page carries), never
  // a topic of the digest the customer had left before.
  const restore = new Set(form.getAll("topic").map(String));
  const changing = undo
    ? found.topics.filter((topic) => restore.has(topic.key) && !found.active.includes(topic.key))
    : found.topics.filter((topic) => found.active.includes(topic.key));
  if (changing.length > 0) {
    await editPreferences(
      context.services.db,
      found.owner,
      {
        source: oneClick ? "one_click_unsubscribe" : undo ? "unsubscribe_undo" : "unsubscribe_page",
        unsubscribeVia: undo ? undefined : oneClick ? "one_click" : "unsubscribe_page",
      },
      async (editor) => {
        for (const topic of changing) {
          await editor.setSubscription({ topic, channel: found.channel, status: undo ? "subscribed" : "unsubscribed" });
        }
      },
    );
  }
  return {
    state: undo ? ("undone" as const) : ("done" as const),
    locale: found.locale,
    words: words(found),
    stopped: undo ? [] : changing.map((topic) => topic.key),
  };
}

/** What the undo (or "subscribe me again") button restores: what this page's click stopped. */
function restorable(shown: object): string[] {
  if ("stopped" in shown && Array.isArray(shown.stopped)) return shown.stopped as string[];
  if ("topicKeys" in shown && Array.isArray(shown.topicKeys)) return shown.topicKeys as string[];
  return [];
}

export default function Unsubscribe() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const shown = result ?? loaded;
  // The link's owner's language: the page is theirs even when the browser says otherwise.
  const t = text[shown.locale ?? "fr"];
  const w = shown.words ?? { topic: "", channel: "" };
  return (
    <main id="main" className="page narrow" lang={shown.locale ?? undefined}>
      <h1>{t.title}</h1>
      {shown.state === "invalid" ? (
        <p>{t.invalid}</p>
      ) : shown.state === "service" ? (
        <p>{format(t.service, w)}</p>
      ) : shown.state === "done" || shown.state === "already" ? (
        <>
          <Status message={format(shown.state === "done" ? t.done : t.already, w)} />
          <Form method="post" replace>
            <input type="hidden" name="intent" value="undo" />
            {restorable(shown).map((key) => (
              <input key={key} type="hidden" name="topic" value={key} />
            ))}
            <button type="submit" className="button secondary">
              {shown.state === "done" ? t.undo : t.resubscribe}
            </button>
          </Form>
        </>
      ) : shown.state === "undone" ? (
        <Status message={format(t.undone, w)} />
      ) : (
        <>
          <p>{format(t.ask, w)}</p>
          <Form method="post" replace>
            <input type="hidden" name="intent" value="unsubscribe" />
            <button type="submit" className="button">
              {t.leave}
            </button>
          </Form>
        </>
      )}
      <p>
        <Link to="/portal">{t.more}</Link>
      </p>
    </main>
  );
}
