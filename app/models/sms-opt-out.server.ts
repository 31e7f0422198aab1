// What an inbound SMS keyword needs from the database: the brand a number belongs to, the
// customers holding the sender's number, and the opt-out itself, recorded as consent events.
import { z } from "zod";
import type { Db } from "~/db/client.server";
import { Locale, LocalizedText, Slug } from "~/lib/vocabulary";
import { editPreferences } from "~/models/preferences.server";
import { listTopics } from "~/models/topic.server";

/**
 * Opts the customer out of every topic the brand offers by SMS, but those needed to serve them
 * (transactional), each change a consent event. A row is written even where there was none,
 * so the opt-out is on record for topics they never joined; topics already left are skipped,
 * so a repeated webhook records nothing twice.
 */
export async function unsubscribeFromSms(db: Db, brandId: string, customerId: string): Promise<void> {
  const topics = (await listTopics(db, brandId)).filter(
    (topic) => topic.kind !== "transactional" && topic.channels.includes("sms"),
  );
  const left = await db.subscription.findMany({
    where: { brandId, customerId, channel: "sms", status: "unsubscribed" },
    select: { topicId: true },
  });
  const leftIds = new Set(left.map((row) => row.topicId));
  const pending = topics.filter((topic) => !leftIds.has(topic.id));
  if (!pending.length) return;
  await editPreferences(
    db,
    { brandId, customerId },
    { source: "sms_keyword", unsubscribeVia: "sms_keyword" },
    async (editor) => {
      for (const topic of pending) await editor.setSubscription({ topic, channel: "sms", status: "unsubscribed" });
    },
  );
}

export async function findSmsBrand(db: Db, slug: string | undefined) {
  const parsed = Slug.safeParse(slug);
  if (!parsed.success) return null;
  const row = await db.brand.findUnique({
    where: { slug: parsed.data },
    select: { id: true, slug: true, name: true, locales: true, smsHelpText: true },
  });
  if (!row) return null;
  return {
    ...row,
    locales: readJson(z.array(Locale), row.locales, []),
    smsHelpText: readJson(LocalizedText, row.smsHelpText, {}),
  };
}

/** A brand's JSON column, or `fallback` when it holds something else: a reply must still go. */
function readJson<T extends z.ZodType>(schema: T, value: string, fallback: z.infer<T>): z.infer<T> {
  try {
    return schema.safeParse(JSON.parse(value)).data ?? fallback;
  } catch {
    return fallback;
  }
}

export function customersWithPhone(db: Db, brandId: string, phone: string) {
  return db.customer.findMany({
    where: { brandId, phone, erasedAt: null },
    orderBy: { createdAt: "asc" },
    select: { id: true, locale: true },
  });
}
