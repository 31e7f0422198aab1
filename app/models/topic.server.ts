// Topics: what a brand sends about, with the channels it offers them on and the typed fields
// an alert on them may filter by.
import { z } from "zod";
import { transact } from "~/db/changes.server";
import type { Db, Tx } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { fromJson, toJson } from "~/lib/json-column";
import { Channel, FilterField, Frequency, TopicKey, TopicKind } from "~/lib/vocabulary";

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
    const row = await transact(db, async (tx, record) => {
      await record({ brandId, scope: "brand", subjectId: brandId });
      return tx.topic.create({
        data: { ...data, brandId, channels: toJson(data.channels), filterFields: toJson(data.filterFields) },
        select: topicSelect,
      });
    });
    return toTopic(row);
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
