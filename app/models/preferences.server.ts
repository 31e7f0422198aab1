// A customer's choices: subscriptions per topic and channel, channel settings, alert filters and
// the settings that span everything (pause, context mode, excluded tags, digest time). Every
// change is written together with its consent event, in one transaction.
import { z } from "zod";
import type { Db, Tx } from "~/db/client.server";
import { toJson } from "~/lib/json-column";
import { appendConsentEvent } from "~/models/consent.server";
import type { Topic } from "~/models/topic.server";
import {
  AlertCriteria,
  type Channel,
  ContextMode,
  Frequency,
  LocalTime,
  type SubscriptionStatus,
  TopicKey,
  type FilterField,
} from "~/lib/vocabulary";

/** Where a change came from, recorded in the consent ledger. */
export type ChangeSource = { source: string; policyVersion?: string; shownTextHash?: string | null; at?: Date };
type Owner = { brandId: string; customerId: string };

export class PreferenceRuleError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export async function setSubscription(
  db: Db,
  owner: Owner,
  input: { topic: Topic; channel: Channel; status: SubscriptionStatus; frequency?: z.input<typeof Frequency> },
  change: ChangeSource,
) {
  const { topic, channel, status } = input;
  if (!topic.channels.includes(channel)) {
    throw new PreferenceRuleError("channel", `Topic ${topic.key} is not offered on ${channel}`);
  }
  if (topic.kind === "transactional" && status !== "subscribed") {
    throw new PreferenceRuleError("status", `Topic ${topic.key} is transactional and cannot be unsubscribed`);
  }
  const frequency = Frequency.parse(input.frequency ?? topic.defaultFrequency);
  return db.$transaction(async (tx) => {
    const key = { customerId_topicId_channel: { customerId: owner.customerId, topicId: topic.id, channel } };
    const before = await tx.subscription.findUnique({ where: key, select: { status: true, frequency: true } });
    const confirmedAt = status === "subscribed" ? (change.at ?? new Date()) : null;
    const after = await tx.subscription.upsert({
      where: key,
      create: { ...owner, topicId: topic.id, channel, status, frequency, confirmedAt },
      update: { status, frequency, confirmedAt },
      select: { id: true, status: true, frequency: true },
    });
    await appendConsentEvent(tx, {
      ...owner,
      ...change,
      kind: "subscription",
      subject: `${topic.key}:${channel}`,
      before,
      after: { status: after.status, frequency: after.frequency },
    });
    await bumpVersion(tx, owner);
    return after;
  });
}

export const ChannelSettings = z
  .object({
    enabled: z.boolean(),
    quietStart: LocalTime.nullable(),
    quietEnd: LocalTime.nullable(),
    dailyCap: z.number().int().min(0).max(100).nullable(),
    weeklyCap: z.number().int().min(0).max(500).nullable(),
  })
  .partial()
  .refine((s) => (s.quietStart == null) === (s.quietEnd == null), {
    message: "quiet hours need both a start and an end",
    path: ["quietEnd"],
  });

export async function setChannelSettings(
  db: Db,
  owner: Owner,
  channel: Channel,
  input: z.input<typeof ChannelSettings>,
  change: ChangeSource,
) {
  const settings = ChannelSettings.parse(input);
  return db.$transaction(async (tx) => {
    const key = { customerId_channel: { customerId: owner.customerId, channel } };
    const select = { enabled: true, quietStart: true, quietEnd: true, dailyCap: true, weeklyCap: true } as const;
    const before = await tx.channelPreference.findUnique({ where: key, select });
    const after = await tx.channelPreference.upsert({
      where: key,
      create: { ...owner, channel, ...settings },
      update: settings,
      select,
    });
    await appendConsentEvent(tx, { ...owner, ...change, kind: "channel", subject: channel, before, after });
    await bumpVersion(tx, owner);
    return after;
  });
}

export const GeneralSettings = z
  .object({
    pausedUntil: z.date().nullable(),
    contextMode: ContextMode,
    contextUntil: z.date().nullable(),
    contextTopics: z.array(TopicKey),
    excludedTags: z.array(z.string().trim().toLowerCase().min(1).max(60)).max(50),
    globalWeeklyCap: z.number().int().min(0).max(1000).nullable(),
    digestHour: z.number().int().min(0).max(23),
    digestWeekday: z.number().int().min(1).max(7),
  })
  .partial();

export async function setGeneralSettings(
  db: Db,
  owner: Owner,
  input: z.input<typeof GeneralSettings>,
  change: ChangeSource,
) {
  const settings = GeneralSettings.parse(input);
  return db.$transaction(async (tx) => {
    const select = {
      pausedUntil: true,
      contextMode: true,
      contextUntil: true,
      contextTopics: true,
      excludedTags: true,
      globalWeeklyCap: true,
      digestHour: true,
      digestWeekday: true,
    } as const;
    const before = await tx.customerPreference.findUnique({ where: { customerId: owner.customerId }, select });
    const data = {
      ...settings,
      contextTopics: settings.contextTopics && toJson(settings.contextTopics),
      excludedTags: settings.excludedTags && toJson([...new Set(settings.excludedTags)]),
    };
    const after = await tx.customerPreference.upsert({
      where: { customerId: owner.customerId },
      create: { ...owner, ...data },
      update: { ...data, version: { increment: 1 } },
      select,
    });
    await appendConsentEvent(tx, { ...owner, ...change, kind: "preference", subject: "general", before, after });
    return after;
  });
}

/** Checks alert criteria against the typed fields the topic declares. */
export function validateCriteria(fields: FilterField[], criteria: AlertCriteria): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const [key, criterion] of Object.entries(criteria)) {
    const field = fields.find((candidate) => candidate.key === key);
    if (!field) {
      problems.push({ path: `criteria.${key}`, message: "is not a field of this topic" });
    } else if (field.type === "set" && !("in" in criterion)) {
      problems.push({ path: `criteria.${key}`, message: "must be a list of values ({ in: [...] })" });
    } else if (field.type === "set" && "in" in criterion) {
      const unknown = criterion.in.filter((value) => !field.options.includes(value));
      if (unknown.length)
        problems.push({ path: `criteria.${key}`, message: `has unknown values: ${unknown.join(", ")}` });
    } else if (field.type === "range" && !("min" in criterion || "max" in criterion)) {
      problems.push({ path: `criteria.${key}`, message: "must be a range ({ min, max })" });
    } else if (field.type === "text" && !("eq" in criterion)) {
      problems.push({ path: `criteria.${key}`, message: "must be a text ({ eq })" });
    }
  }
  if (Object.keys(criteria).length === 0) problems.push({ path: "criteria", message: "needs at least one field" });
  return problems;
}

export async function addAlertFilter(
  db: Db,
  owner: Owner,
  input: {
    topic: Topic;
    label?: string;
    criteria: AlertCriteria;
    channel: Channel;
    frequency?: z.input<typeof Frequency>;
  },
  change: ChangeSource,
) {
  const { topic } = input;
  if (topic.kind !== "alert") throw new PreferenceRuleError("topic", `Topic ${topic.key} does not take alerts`);
  if (!topic.channels.includes(input.channel)) {
    throw new PreferenceRuleError("channel", `Topic ${topic.key} is not offered on ${input.channel}`);
  }
  const criteria = AlertCriteria.parse(input.criteria);
  const problem = validateCriteria(topic.filterFields, criteria)[0];
  if (problem) throw new PreferenceRuleError(problem.path, `${problem.path} ${problem.message}`);
  const frequency = Frequency.parse(input.frequency ?? "instant");
  return db.$transaction(async (tx) => {
    const filter = await tx.alertFilter.create({
      data: {
        ...owner,
        topicId: topic.id,
        label: input.label ?? "",
        criteria: toJson(criteria),
        channel: input.channel,
        frequency,
      },
      select: { id: true },
    });
    await appendConsentEvent(tx, {
      ...owner,
      ...change,
      kind: "alert",
      subject: `${topic.key}:${filter.id}`,
      before: null,
      after: { criteria, channel: input.channel, frequency },
    });
    await bumpVersion(tx, owner);
    return filter;
  });
}

/** Marks the customer's preferences changed, so cached snapshots know to reload. */
async function bumpVersion(tx: Tx, owner: Owner) {
  await tx.customerPreference.upsert({
    where: { customerId: owner.customerId },
    create: { ...owner },
    update: { version: { increment: 1 } },
    select: { id: true },
  });
}
