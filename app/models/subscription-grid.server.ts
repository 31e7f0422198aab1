// The portal's subscription grid as one change: the topic × channel choices and a pace per
// topic, compared with what the customer has, then saved in one transaction (a consent event
// per subscription that changes). Topics needing a double opt-in start pending.
import type { Db, Tx } from "~/db/client.server";
import type { Channel, Frequency, SubscriptionStatus } from "~/lib/vocabulary";
import { editPreferences } from "./preferences.server";
import { listTopics, type Topic } from "./topic.server";

type Owner = { brandId: string; customerId: string };

export async function readSubscriptionGrid(db: Tx, owner: Owner) {
  const [topics, subscriptions] = await Promise.all([
    listTopics(db, owner.brandId),
    db.subscription.findMany({
      where: { customerId: owner.customerId, brandId: owner.brandId },
      select: { channel: true, status: true, frequency: true, topic: { select: { key: true } } },
    }),
  ]);
  return { topics, subscriptions };
}

export type GridChoice = {
  /** Whether the box for this topic and channel is ticked. */
  wants: (topic: string, channel: Channel) => boolean;
  /** The pace chosen for a topic, or null to keep the topic's default. */
  pace: (topic: string) => Frequency | null;
};

/**
 * Saves the grid. Fields that cannot be saved come back by name ("sub:<topic>:<channel>") with
 * nothing saved; otherwise the subscriptions that now wait for a confirmation email.
 */
export async function saveSubscriptionGrid(
  db: Db,
  owner: Owner,
  choice: GridChoice,
  input: { hasEmail: boolean },
): Promise<{ needsEmail: string[]; confirmations: { topic: Topic; channel: Channel }[] }> {
  const { topics, subscriptions } = await readSubscriptionGrid(db, owner);
  const current = new Map(subscriptions.map((row) => [`${row.topic.key}:${row.channel}`, row]));
  const needsEmail: string[] = [];
  const changes: { topic: Topic; channel: Channel; status: SubscriptionStatus; frequency: Frequency }[] = [];
  for (const topic of topics) {
    // Service topics are always on: the grid cannot change them.
    if (topic.kind === "transactional") continue;
    const frequency = choice.pace(topic.key) ?? topic.defaultFrequency;
    for (const channel of topic.channels) {
      const before = current.get(`${topic.key}:${channel}`);
      const was = (before?.status ?? "unsubscribed") as SubscriptionStatus;
      const on = was === "subscribed" || was === "pending";
      const wanted = choice.wants(topic.key, channel);
      if (wanted && !on) {
        // The confirmation goes by email, whatever the channel subscribed to.
        if (topic.doubleOptIn && !input.hasEmail) needsEmail.push(`sub:${topic.key}:${channel}`);
        else changes.push({ topic, channel, status: topic.doubleOptIn ? "pending" : "subscribed", frequency });
      } else if (!wanted && on) {
        changes.push({ topic, channel, status: "unsubscribed", frequency });
      } else if (before && before.frequency !== frequency) {
        changes.push({ topic, channel, status: was, frequency });
      }
    }
  }
  if (needsEmail.length) return { needsEmail, confirmations: [] };
  if (changes.length) {
    await editPreferences(db, owner, { source: "portal" }, async (editor) => {
      for (const change of changes) await editor.setSubscription(change);
    });
  }
  const started = changes.filter(
    (change) =>
      change.status === "pending" && current.get(`${change.topic.key}:${change.channel}`)?.status !== "pending",
  );
  return { needsEmail, confirmations: started.map(({ topic, channel }) => ({ topic, channel })) };
}
