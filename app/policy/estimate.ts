// What a customer will receive in a typical week with their current settings, for the portal's
// overview ("about 3 emails and 1 SMS a week"). Not a formula beside the engine but the engine
// itself: four weeks of the brand's usual traffic are run through decide(), sends recorded as
// they would be, deferred messages retried when they may leave, and each digest counted once.
import { decide } from "./decide";
import { WEEK } from "./time";
import type {
  AlertFilterState,
  BrandPolicy,
  Channel,
  CustomerSnapshot,
  MessageAttributes,
  SendRecord,
  TopicPolicy,
} from "./types";

export type VolumeTopic = TopicPolicy & {
  /** Messages a week a subscriber usually gets on it (per alert, for alert topics). */
  weeklyVolume: number;
};

export type WeeklyEstimate = Record<Channel, { messages: number; digests: number }>;

const WEEKS = 4;

type Pending = { at: number; topic: VolumeTopic; channel: Channel; attributes: MessageAttributes; tries: number };

/** Attributes that an alert filter accepts: the alerts the customer asked for. */
function matchingAttributes(filter: AlertFilterState): MessageAttributes {
  const attributes: MessageAttributes = {};
  for (const [key, criterion] of Object.entries(filter.criteria)) {
    if ("in" in criterion) attributes[key] = criterion.in[0] ?? "";
    else if ("eq" in criterion) attributes[key] = criterion.eq;
    else attributes[key] = criterion.min ?? criterion.max ?? 0;
  }
  return attributes;
}

/** A small fixed offset per topic, so topics do not all arrive at the same instant. */
function phase(key: string): number {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return (hash % 360) * 60_000;
}

export function estimateWeek(input: {
  brand: BrandPolicy;
  customer: CustomerSnapshot;
  topics: VolumeTopic[];
  start: number;
}): WeeklyEstimate {
  const { brand, customer, start } = input;
  const span = WEEKS * WEEK;
  const queue: Pending[] = [];
  for (const topic of input.topics) {
    const count = Math.round(topic.weeklyVolume * WEEKS);
    if (count <= 0) continue;
    for (const channel of topic.channels) {
      const filters = customer.alertFilters.filter((f) => f.topicKey === topic.key && f.channel === channel);
      const variants = topic.kind === "alert" && filters.length ? filters.map(matchingAttributes) : [{}];
      for (const attributes of variants) {
        for (let i = 0; i < count; i++) {
          queue.push({
            at: start + phase(topic.key) + ((i + 0.5) * span) / count,
            topic,
            channel,
            attributes,
            tries: 0,
          });
        }
      }
    }
  }

  const sends: SendRecord[] = [];
  const digests = new Set<string>();
  const result = Object.fromEntries(
    (["email", "sms", "push", "in_app"] as const).map((channel) => [channel, { messages: 0, digests: 0 }]),
  ) as WeeklyEstimate;

  while (queue.length) {
    queue.sort((a, b) => a.at - b.at);
    const next = queue.shift()!;
    if (next.at >= start + span) break;
    const priority = next.topic.kind === "transactional" ? "critical" : "normal";
    const decision = decide({
      brand,
      customer,
      message: {
        topic: next.topic,
        channel: next.channel,
        priority,
        tags: [],
        attributes: next.attributes,
        campaign: null,
        expiresAt: null,
      },
      recentSends: sends.filter((send) => send.at > next.at - WEEK),
      campaignAlreadySent: false,
      now: next.at,
    });
    if (decision.verdict === "send") {
      sends.push({ at: next.at, channel: next.channel, priority });
      result[next.channel].messages++;
    } else if (decision.verdict === "digest" && decision.digestAt !== null) {
      // Each digest counted once, even when it leaves after the window: the messages it folds
      // arrived within it.
      const slot = `${next.channel}:${decision.digestAt}`;
      if (!digests.has(slot)) {
        digests.add(slot);
        result[next.channel].digests++;
      }
    } else if (decision.verdict === "defer" && decision.notBefore !== null && next.tries < 8) {
      // A bounded number of retries: a rule that kept deferring would otherwise loop.
      queue.push({ ...next, at: decision.notBefore, tries: next.tries + 1 });
    }
  }
  for (const channel of Object.keys(result) as Channel[]) {
    result[channel].messages /= WEEKS;
    result[channel].digests /= WEEKS;
  }
  return result;
}
