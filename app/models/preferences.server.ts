// A customer's choices: subscriptions per topic and channel, channel settings, alert filters and
// the settings that span everything (pause, context mode, excluded tags, digest time). Changes
// go through one editing transaction: all of them, each with its consent event, or none; the
// in-memory snapshots of every process learn of them after the commit.
import { z } from "zod";
import { transact } from "~/db/changes.server";
import type { Db, Tx } from "~/db/client.server";
import { toJson } from "~/lib/json-column";
import {
  AlertCriteria,
  ContextMode,
  Frequency,
  LocalTime,
  TopicKey,
  type Channel,
  type FilterField,
  type SubscriptionStatus,
} from "~/lib/vocabulary";
import { appendConsentEvent } from "~/models/consent.server";
import type { Topic } from "~/models/topic.server";
import { startPreferenceAnnouncement } from "~/webhooks/announce.server";
import type { UnsubscribeVia } from "~/webhooks/events";

/** Where a change came from, recorded in the consent ledger. */
export type ChangeSource = {
  source: string;
  policyVersion?: string;
  shownTextHash?: string | null;
  at?: Date;
  /** Set by unsubscribe links and SMS STOP: the brand's webhooks then hear customer.unsubscribed. */
  unsubscribeVia?: UnsubscribeVia;
};
type Owner = { brandId: string; customerId: string };

/** A change the topic's definition does not allow; `path` names the field at fault. */
export class PreferenceRuleError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
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

/** The columns of CustomerPreference that hold the settings spanning every topic and channel. */
export const generalSettingsSelect = {
  pausedUntil: true,
  contextMode: true,
  contextUntil: true,
  contextTopics: true,
  excludedTags: true,
  globalWeeklyCap: true,
  digestHour: true,
  digestWeekday: true,
} as const;

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

type SubscriptionChange = {
  topic: Topic;
  channel: Channel;
  status: SubscriptionStatus;
  frequency?: z.input<typeof Frequency>;
};
type AlertFilterInput = {
  topic: Topic;
  label?: string;
  criteria: AlertCriteria;
  channel: Channel;
  frequency?: z.input<typeof Frequency>;
};

/** Applies several changes to one customer in one transaction. */
export async function editPreferences<T>(
  db: Db,
  owner: Owner,
  change: ChangeSource,
  edit: (editor: PreferenceEditor) => Promise<T>,
): Promise<T> {
  return transact(db, async (tx, record) => {
    // One webhook event of each kind for the whole edit, written as it ends.
    const announcement = startPreferenceAnnouncement(tx, owner, change);
    const result = await edit(new PreferenceEditor(tx, owner, change));
    await tx.customerPreference.upsert({
      where: { customerId: owner.customerId },
      create: { ...owner },
      update: { version: { increment: 1 } },
      select: { id: true },
    });
    await record({ brandId: owner.brandId, scope: "customer", subjectId: owner.customerId });
    await announcement.finish();
    return result;
  });
}

export class PreferenceEditor {
  constructor(
    private readonly tx: Tx,
    private readonly owner: Owner,
    private readonly change: ChangeSource,
  ) {}

  async setSubscription(input: SubscriptionChange) {
    const { tx, owner, change } = this;
    const { topic, channel, status } = input;
    if (!topic.channels.includes(channel)) {
      throw new PreferenceRuleError("channel", `Topic ${topic.key} is not offered on ${channel}`);
    }
    if (topic.kind === "transactional" && status !== "subscribed") {
      throw new PreferenceRuleError("status", `Topic ${topic.key} is transactional and cannot be unsubscribed`);
    }
    const key = { customerId_topicId_channel: { customerId: owner.customerId, topicId: topic.id, channel } };
    const before = await tx.subscription.findUnique({ where: key, select: { status: true, frequency: true } });
    const frequency = Frequency.parse(input.frequency ?? before?.frequency ?? topic.defaultFrequency);
    if (topic.kind === "transactional" && frequency !== "instant") {
      throw new PreferenceRuleError("frequency", `Topic ${topic.key} is transactional and always instant`);
    }
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
    return after;
  }

  /** Opts in to a topic on a channel unless already in or waiting for a confirmation (double
   * opt-in topics start pending). `started`: whether this call made the change. */
  async ensureSubscribed(topic: Topic, channel: Channel): Promise<{ status: SubscriptionStatus; started: boolean }> {
    const before = await this.tx.subscription.findUnique({
      where: { customerId_topicId_channel: { customerId: this.owner.customerId, topicId: topic.id, channel } },
      select: { status: true },
    });
    if (before?.status === "subscribed" || before?.status === "pending") {
      return { status: before.status, started: false };
    }
    const after = await this.setSubscription({ topic, channel, status: topic.doubleOptIn ? "pending" : "subscribed" });
    return { status: after.status as SubscriptionStatus, started: true };
  }

  async setChannelSettings(channel: Channel, input: z.input<typeof ChannelSettings>) {
    const { tx, owner, change } = this;
    const settings = ChannelSettings.parse(input);
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
    return after;
  }

  async setGeneralSettings(input: z.input<typeof GeneralSettings>) {
    const { tx, owner, change } = this;
    const settings = GeneralSettings.parse(input);
    const select = generalSettingsSelect;
    const before = await tx.customerPreference.findUnique({ where: { customerId: owner.customerId }, select });
    const data = {
      ...settings,
      contextTopics: settings.contextTopics && toJson(settings.contextTopics),
      excludedTags: settings.excludedTags && toJson([...new Set(settings.excludedTags)]),
    };
    const after = await tx.customerPreference.upsert({
      where: { customerId: owner.customerId },
      create: { ...owner, ...data },
      update: data,
      select,
    });
    await appendConsentEvent(tx, { ...owner, ...change, kind: "preference", subject: "general", before, after });
    return after;
  }

  async addAlertFilter(input: AlertFilterInput) {
    const { tx, owner, change } = this;
    const { topic } = input;
    if (topic.kind !== "alert") throw new PreferenceRuleError("topic", `Topic ${topic.key} does not take alerts`);
    if (!topic.channels.includes(input.channel)) {
      throw new PreferenceRuleError("channel", `Topic ${topic.key} is not offered on ${input.channel}`);
    }
    const criteria = AlertCriteria.parse(input.criteria);
    const problem = validateCriteria(topic.filterFields, criteria)[0];
    if (problem) throw new PreferenceRuleError(problem.path, `${problem.path} ${problem.message}`);
    const frequency = Frequency.parse(input.frequency ?? "instant");
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
    return filter;
  }

  /** Removes one of the customer's alert filters; false if they have no such filter. */
  async removeAlertFilter(filterId: string) {
    const { tx, owner, change } = this;
    const filter = await tx.alertFilter.findFirst({
      where: { id: filterId, customerId: owner.customerId },
      select: { id: true, criteria: true, channel: true, frequency: true, topic: { select: { key: true } } },
    });
    if (!filter) return false;
    await tx.alertFilter.delete({ where: { id: filter.id } });
    await appendConsentEvent(tx, {
      ...owner,
      ...change,
      kind: "alert",
      subject: `${filter.topic.key}:${filter.id}`,
      before: { criteria: JSON.parse(filter.criteria), channel: filter.channel, frequency: filter.frequency },
      after: null,
    });
    return true;
  }
}

export const setSubscription = (db: Db, owner: Owner, input: SubscriptionChange, change: ChangeSource) =>
  editPreferences(db, owner, change, (editor) => editor.setSubscription(input));

export const setChannelSettings = (
  db: Db,
  owner: Owner,
  channel: Channel,
  input: z.input<typeof ChannelSettings>,
  change: ChangeSource,
) => editPreferences(db, owner, change, (editor) => editor.setChannelSettings(channel, input));

export const setGeneralSettings = (
  db: Db,
  owner: Owner,
  input: z.input<typeof GeneralSettings>,
  change: ChangeSource,
) => editPreferences(db, owner, change, (editor) => editor.setGeneralSettings(input));

export const addAlertFilter = (db: Db, owner: Owner, input: AlertFilterInput, change: ChangeSource) =>
  editPreferences(db, owner, change, (editor) => editor.addAlertFilter(input));

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
      if (unknown.length) {
        problems.push({ path: `criteria.${key}`, message: `has unknown values: ${unknown.join(", ")}` });
      }
    } else if (field.type === "range" && !("min" in criterion || "max" in criterion)) {
      problems.push({ path: `criteria.${key}`, message: "must be a range ({ min, max })" });
    } else if (field.type === "text" && !("eq" in criterion)) {
      problems.push({ path: `criteria.${key}`, message: "must be a text ({ eq })" });
    }
  }
  if (Object.keys(criteria).length === 0) problems.push({ path: "criteria", message: "needs at least one field" });
  return problems;
}
