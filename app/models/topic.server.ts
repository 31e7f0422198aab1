// Topics: what a brand sends about, with the channels it offers them on and the typed fields
// an alert on them may filter by.
import { z } from "zod";
import { transact, type Recorder } from "~/db/changes.server";
import type { Db, Tx } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { fromJson, toJson } from "~/lib/json-column";
import { AlertCriteria, Channel, FilterField, Frequency, TopicKey, TopicKind } from "~/lib/vocabulary";

export const TopicInput = z
  .object({
    key: TopicKey,
    nameFr: z.string().trim().min(1, "is required").max(120),
    nameEn: z.string().trim().min(1, "is required").max(120),
    descriptionFr: z.string().trim().max(500).default(""),
    descriptionEn: z.string().trim().max(500).default(""),
    kind: TopicKind,
    channels: z
      .array(Channel)
      .min(1, "needs at least one channel")
      .refine((list) => new Set(list).size === list.length, "must not repeat a channel"),
    defaultFrequency: Frequency.default("instant"),
    defaultOn: z.boolean().default(false),
    doubleOptIn: z.boolean().default(false),
    filterFields: z.array(FilterField).default([]),
    position: z.number().int().min(0).default(0),
    weeklyVolume: z.number().min(0, "must be 0 or more").max(200, "must be at most 200").default(1),
  })
  .superRefine((topic, ctx) => {
    if (topic.kind === "transactional" && topic.defaultFrequency !== "instant") {
      ctx.addIssue({
        code: "custom",
        path: ["defaultFrequency"],
        message: "must be instant for a transactional topic",
      });
    }
    if (topic.kind !== "alert" && topic.filterFields.length > 0) {
      ctx.addIssue({ code: "custom", path: ["filterFields"], message: "are only for alert topics" });
    }
    const keys = topic.filterFields.map((field) => field.key);
    if (new Set(keys).size !== keys.length) {
      ctx.addIssue({ code: "custom", path: ["filterFields"], message: "must not repeat a field key" });
    }
  });
export type TopicInput = z.input<typeof TopicInput>;

const topicSelect = {
  id: true,
  key: true,
  nameFr: true,
  nameEn: true,
  descriptionFr: true,
  descriptionEn: true,
  kind: true,
  channels: true,
  defaultFrequency: true,
  defaultOn: true,
  doubleOptIn: true,
  filterFields: true,
  position: true,
  weeklyVolume: true,
} as const;

type TopicRow = {
  id: string;
  key: string;
  nameFr: string;
  nameEn: string;
  descriptionFr: string;
  descriptionEn: string;
  kind: string;
  channels: string;
  defaultFrequency: string;
  defaultOn: boolean;
  doubleOptIn: boolean;
  filterFields: string;
  position: number;
  weeklyVolume: number;
};

function toTopic(row: TopicRow) {
  return {
    ...row,
    kind: TopicKind.parse(row.kind),
    channels: fromJson(z.array(Channel), row.channels, "Topic.channels"),
    defaultFrequency: Frequency.parse(row.defaultFrequency),
    filterFields: fromJson(z.array(FilterField), row.filterFields, "Topic.filterFields"),
  };
}
export type Topic = ReturnType<typeof toTopic>;

export class TopicKeyTakenError extends Error {
  constructor(key: string) {
    super(`This brand already has a topic with key "${key}"`);
  }
}

export async function createTopic(db: Db, brandId: string, input: TopicInput): Promise<Topic> {
  const data = TopicInput.parse(input);
  const existing = await db.topic.findUnique({
    where: { brandId_key: { brandId, key: data.key } },
    select: { id: true },
  });
  if (existing) throw new TopicKeyTakenError(data.key);
  try {
    return await transact(db, (tx, record) => insertTopic(tx, record, brandId, data));
  } catch (error) {
    if (isUniqueViolation(error)) throw new TopicKeyTakenError(data.key);
    throw error;
  }
}

export async function listTopics(db: Tx, brandId: string): Promise<Topic[]> {
  const rows = await db.topic.findMany({
    where: { brandId, archivedAt: null },
    orderBy: [{ position: "asc" }, { key: "asc" }],
    select: topicSelect,
  });
  return rows.map(toTopic);
}

export async function getTopic(db: Tx, input: { brandId: string; key: string }): Promise<Topic | null> {
  const row = await db.topic.findUnique({
    where: { brandId_key: { brandId: input.brandId, key: input.key } },
    select: topicSelect,
  });
  return row ? toTopic(row) : null;
}

export async function getTopicById(db: Tx, brandId: string, id: string): Promise<Topic | null> {
  const row = await db.topic.findFirst({ where: { id, brandId }, select: topicSelect });
  return row && toTopic(row);
}

/**
 * Creates a topic inside the caller's transaction (the console audits it in the same one). The
 * database's unique key refuses a taken key: the caller catches it (isUniqueViolation).
 */
export async function insertTopic(tx: Tx, record: Recorder, brandId: string, input: TopicInput): Promise<Topic> {
  const data = TopicInput.parse(input);
  // The decision snapshot and the portal's topic lists must learn of it.
  await record({ brandId, scope: "brand", subjectId: brandId });
  const row = await tx.topic.create({
    data: { ...data, brandId, channels: toJson(data.channels), filterFields: toJson(data.filterFields) },
    select: topicSelect,
  });
  return toTopic(row);
}

const consoleTopicSelect = { ...topicSelect, archivedAt: true } as const;

/** A topic as the console shows it: archived ones included, with when they were archived. */
export type ConsoleTopic = Topic & { archivedAt: Date | null };

/** Every topic of the brand, archived ones last. */
export async function listAllTopics(db: Tx, brandId: string): Promise<ConsoleTopic[]> {
  const rows = await db.topic.findMany({
    where: { brandId },
    orderBy: [{ position: "asc" }, { key: "asc" }],
    select: consoleTopicSelect,
  });
  const topics = rows.map((row) => ({ ...toTopic(row), archivedAt: row.archivedAt }));
  return [...topics.filter((topic) => !topic.archivedAt), ...topics.filter((topic) => topic.archivedAt)];
}

export async function getConsoleTopic(db: Tx, input: { brandId: string; key: string }): Promise<ConsoleTopic | null> {
  const row = await db.topic.findUnique({
    where: { brandId_key: { brandId: input.brandId, key: input.key } },
    select: consoleTopicSelect,
  });
  return row ? { ...toTopic(row), archivedAt: row.archivedAt } : null;
}

/** Everything a topic says and offers but its key, which customers' choices and the API name it by. */
export type TopicChanges = Omit<TopicInput, "key">;

/**
 * Replaces a topic's names, kind, channels, defaults and filter fields, inside the caller's
 * transaction; null when the brand has no such topic. Customers' subscriptions stay as they
 * are: a channel taken off the topic simply stops being offered and sent on.
 */
export async function writeTopic(
  tx: Tx,
  record: Recorder,
  input: { brandId: string; key: string },
  changes: TopicChanges,
): Promise<Topic | null> {
  const data = TopicInput.parse({ ...changes, key: input.key });
  const existing = await tx.topic.findUnique({
    where: { brandId_key: { brandId: input.brandId, key: input.key } },
    select: { id: true },
  });
  if (!existing) return null;
  await record({ brandId: input.brandId, scope: "brand", subjectId: input.brandId });
  const row = await tx.topic.update({
    where: { id: existing.id },
    data: {
      nameFr: data.nameFr,
      nameEn: data.nameEn,
      descriptionFr: data.descriptionFr,
      descriptionEn: data.descriptionEn,
      kind: data.kind,
      channels: toJson(data.channels),
      defaultFrequency: data.defaultFrequency,
      defaultOn: data.defaultOn,
      doubleOptIn: data.doubleOptIn,
      filterFields: toJson(data.filterFields),
      weeklyVolume: data.weeklyVolume,
    },
    select: topicSelect,
  });
  return toTopic(row);
}

/**
 * Archives a topic (no longer offered, sent on or decided for; customers' past choices kept) or
 * brings it back. False when the brand has no such topic or it already was in that state.
 */
export async function writeTopicArchived(
  tx: Tx,
  record: Recorder,
  input: { brandId: string; key: string },
  archived: boolean,
  now = new Date(),
): Promise<boolean> {
  const { count } = await tx.topic.updateMany({
    where: { brandId: input.brandId, key: input.key, archivedAt: archived ? null : { not: null } },
    data: { archivedAt: archived ? now : null },
  });
  if (count > 0) await record({ brandId: input.brandId, scope: "brand", subjectId: input.brandId });
  return count > 0;
}

/**
 * How many customers' alert filters on the topic use each field: a field taken away (or whose
 * key changed) leaves those filters asking for an attribute messages no longer carry.
 */
export async function countFilterFieldUses(
  db: Tx,
  input: { brandId: string; topicId: string },
  keys: string[],
): Promise<Record<string, number>> {
  const uses: Record<string, number> = {};
  for (const key of keys) {
    // The JSON text narrows the rows in the database; parsing tells a key from a value.
    const rows = await db.alertFilter.findMany({
      where: { brandId: input.brandId, topicId: input.topicId, criteria: { contains: `"${key}":` } },
      select: { criteria: true },
    });
    uses[key] = rows.filter((row) => key in fromJson(AlertCriteria, row.criteria, "AlertFilter.criteria")).length;
  }
  return uses;
}
