// A customer's preferences as the API shows them: one JSON document a brand can store, diff
// and send back in part with PATCH.
import { z } from "zod";
import type { Tx } from "~/db/client.server";
import { generalSettingsSelect } from "~/models/preferences.server";
import { fromJson } from "~/lib/json-column";
import { AlertCriteria } from "~/lib/vocabulary";

export async function readPreferences(db: Tx, owner: { brandId: string; customerId: string }) {
  const customer = await db.customer.findFirstOrThrow({
    where: { id: owner.customerId, brandId: owner.brandId },
    select: {
      externalId: true,
      email: true,
      phone: true,
      locale: true,
      timezone: true,
      preference: {
        select: { ...generalSettingsSelect, version: true },
      },
      channelPreferences: {
        orderBy: { channel: "asc" },
        select: { channel: true, enabled: true, quietStart: true, quietEnd: true, dailyCap: true, weeklyCap: true },
      },
      subscriptions: {
        orderBy: [{ topic: { key: "asc" } }, { channel: "asc" }],
        select: { channel: true, status: true, frequency: true, confirmedAt: true, topic: { select: { key: true } } },
      },
      alertFilters: {
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          label: true,
          channel: true,
          frequency: true,
          criteria: true,
          topic: { select: { key: true } },
        },
      },
    },
  });
  const preference = customer.preference;
  return {
    customer: {
      externalId: customer.externalId,
      email: customer.email,
      phone: customer.phone,
      locale: customer.locale,
      timezone: customer.timezone,
    },
    subscriptions: customer.subscriptions.map((row) => ({
      topic: row.topic.key,
      channel: row.channel,
      status: row.status,
      frequency: row.frequency,
      confirmedAt: row.confirmedAt?.toISOString() ?? null,
    })),
    alertFilters: customer.alertFilters.map((row) => ({
      id: row.id,
      topic: row.topic.key,
      label: row.label,
      channel: row.channel,
      frequency: row.frequency,
      criteria: fromJson(AlertCriteria, row.criteria, "AlertFilter.criteria"),
    })),
    channels: Object.fromEntries(
      customer.channelPreferences.map((row) => [
        row.channel,
        {
          enabled: row.enabled,
          quietHours: row.quietStart && row.quietEnd ? { start: row.quietStart, end: row.quietEnd } : null,
          dailyCap: row.dailyCap,
          weeklyCap: row.weeklyCap,
        },
      ]),
    ),
    pausedUntil: preference?.pausedUntil?.toISOString() ?? null,
    context: {
      mode: preference?.contextMode ?? "none",
      until: preference?.contextUntil?.toISOString() ?? null,
      topics: preference ? fromJson(z.array(z.string()), preference.contextTopics, "contextTopics") : [],
    },
    excludedTags: preference ? fromJson(z.array(z.string()), preference.excludedTags, "excludedTags") : [],
    globalWeeklyCap: preference?.globalWeeklyCap ?? null,
    digest: { hour: preference?.digestHour ?? 9, weekday: preference?.digestWeekday ?? 1 },
    version: preference?.version ?? 1,
  };
}
export type PreferencesView = Awaited<ReturnType<typeof readPreferences>>;
