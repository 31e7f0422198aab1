// Topic changes made in the console: each one in one transaction with its audit entry, and
// recorded as a brand change so the decision snapshot and the portal learn of it at once.
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import type { ConsoleVisit } from "~/console/auth.server";
import { recordAudit } from "~/models/audit.server";
import {
  getConsoleTopic,
  insertTopic,
  writeTopic,
  writeTopicArchived,
  type Topic,
  type TopicChanges,
  type TopicInput,
} from "~/models/topic.server";
import { changedFields } from "./audit-diff";

/** The topic, or "taken" when the brand already has one by that key. */
export async function createTopicFromConsole(db: Db, visit: ConsoleVisit, input: TopicInput): Promise<Topic | "taken"> {
  const brandId = visit.brand.id;
  try {
    return await transact(db, async (tx, record) => {
      if (await tx.topic.findUnique({ where: { brandId_key: { brandId, key: input.key } }, select: { id: true } })) {
        return "taken" as const;
      }
      // New topics go last in the portal's lists.
      const position = await tx.topic.count({ where: { brandId } });
      const topic = await insertTopic(tx, record, brandId, { ...input, position });
      await recordAudit(tx, {
        brandId,
        actor: visit.member.email,
        action: "topic.create",
        target: topic.key,
        detail: { kind: topic.kind, channels: topic.channels, defaultFrequency: topic.defaultFrequency },
      });
      return topic;
    });
  } catch (error) {
    // Two creations racing past the check: the database's unique key decides.
    if (isUniqueViolation(error)) return "taken";
    throw error;
  }
}

function comparable(topic: Topic) {
  return {
    nameFr: topic.nameFr,
    nameEn: topic.nameEn,
    descriptionFr: topic.descriptionFr,
    descriptionEn: topic.descriptionEn,
    kind: topic.kind,
    channels: topic.channels,
    defaultFrequency: topic.defaultFrequency,
    defaultOn: topic.defaultOn,
    doubleOptIn: topic.doubleOptIn,
    weeklyVolume: topic.weeklyVolume,
    filterFields: topic.filterFields,
  };
}

/** Saves the edit form; null when the brand has no such topic. Saving it unchanged adds no audit entry. */
export async function saveTopicFromConsole(
  db: Db,
  visit: ConsoleVisit,
  key: string,
  changes: TopicChanges,
): Promise<Topic | null> {
  const brandId = visit.brand.id;
  return transact(db, async (tx, record) => {
    const before = await getConsoleTopic(tx, { brandId, key });
    if (!before) return null;
    const after = await writeTopic(tx, record, { brandId, key }, changes);
    if (!after) return null;
    const diff = changedFields(comparable(before), comparable(after));
    if (Object.keys(diff).length === 0) return after;
    await recordAudit(tx, { brandId, actor: visit.member.email, action: "topic.update", target: key, detail: diff });
    return after;
  });
}

/** Archives or restores; false when there is no such topic or it already was so. */
export async function archiveTopicFromConsole(
  db: Db,
  visit: ConsoleVisit,
  key: string,
  archived: boolean,
): Promise<boolean> {
  const brandId = visit.brand.id;
  return transact(db, async (tx, record) => {
    const done = await writeTopicArchived(tx, record, { brandId, key }, archived);
    if (done) {
      await recordAudit(tx, {
        brandId,
        actor: visit.member.email,
        action: archived ? "topic.archive" : "topic.unarchive",
        target: key,
      });
    }
    return done;
  });
}
