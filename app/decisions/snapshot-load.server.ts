// Reading the policy engine's inputs from the database: a brand's rules and topics, and one
// customer's preferences, contact points, suppression and recent sends. These are the reads
// the snapshot store makes on a cache miss; a cache hit makes none.
import crypto from "node:crypto";
import { z } from "zod";
import type { Tx } from "~/db/client.server";
import { generalSettingsSelect } from "~/models/preferences.server";
import { fromJson } from "~/lib/json-column";
import { AlertCriteria, Channel, channels, Frequency, Priority, SendWindow, TopicKind } from "~/lib/vocabulary";
import type { BrandPolicy, CustomerSnapshot, SendRecord, TopicPolicy } from "~/policy";
import { WEEK } from "~/policy/time";

export type BrandEntry = {
  id: string;
  policy: BrandPolicy;
  topics: Map<string, TopicPolicy & { id: string }>;
};

export type CustomerEntry = {
  id: string;
  brandId: string;
  externalId: string;
  snapshot: CustomerSnapshot;
  /** Non-expired sends of the last 7 days (critical ones included: caps skip them). */
  recentSends: SendRecord[];
  /** Every campaign key that reached this customer. */
  campaigns: Set<string>;
  /** CustomerPreference.sendSeq when the sends above were read. */
  sendSeq: number;
};

/** The salted hash under which an address or number is kept on the suppression list. */
export function suppressionHash(brandId: string, kind: "email" | "phone", value: string): string {
  const normalised = kind === "email" ? value.trim().toLowerCase() : value.replace(/[^\d+]/g, "");
  return crypto.createHash("sha256").update(`mesure-suppression:${brandId}:${kind}:${normalised}`).digest("hex");
}

export async function loadBrand(db: Tx, brandId: string): Promise<BrandEntry | null> {
  const brand = await db.brand.findUnique({
    where: { id: brandId },
    select: {
      id: true,
      globalWeeklyCap: true,
      highPriorityReserve: true,
      channelPolicies: { select: { channel: true, enabled: true, dailyCap: true, weeklyCap: true, sendWindows: true } },
      topics: {
        where: { archivedAt: null },
        select: { id: true, key: true, kind: true, channels: true, defaultFrequency: true },
      },
    },
  });
  if (!brand) return null;
  const rules = Object.fromEntries(
    channels.map((channel) => {
      const row = brand.channelPolicies.find((policy) => policy.channel === channel);
      return [
        channel,
        row
          ? {
              enabled: row.enabled,
              dailyCap: row.dailyCap,
              weeklyCap: row.weeklyCap,
              sendWindows: fromJson(z.array(SendWindow), row.sendWindows, "BrandChannelPolicy.sendWindows"),
            }
          : { enabled: true, dailyCap: null, weeklyCap: null, sendWindows: [] },
      ];
    }),
  ) as BrandPolicy["channels"];
  return {
    id: brand.id,
    policy: {
      channels: rules,
      globalWeeklyCap: brand.globalWeeklyCap,
      highPriorityReservePercent: brand.highPriorityReserve,
    },
    topics: new Map(
      brand.topics.map((topic) => [
        topic.key,
        {
          id: topic.id,
          key: topic.key,
          kind: TopicKind.parse(topic.kind),
          channels: fromJson(z.array(Channel), topic.channels, "Topic.channels"),
          defaultFrequency: Frequency.parse(topic.defaultFrequency),
        },
      ]),
    ),
  };
}

export async function loadRecentSends(db: Tx, customerId: string, now: number): Promise<SendRecord[]> {
  const rows = await db.delivery.findMany({
    where: { customerId, sentAt: { gt: new Date(now - WEEK) }, status: { not: "failed" } },
    select: { sentAt: true, channel: true, priority: true },
  });
  return rows.map((row) => ({
    at: row.sentAt.getTime(),
    channel: Channel.parse(row.channel),
    priority: Priority.parse(row.priority),
  }));
}

export async function loadCampaigns(db: Tx, customerId: string): Promise<Set<string>> {
  const rows = await db.delivery.findMany({
    where: { customerId, campaign: { not: null } },
    distinct: ["campaign"],
    select: { campaign: true },
  });
  return new Set(rows.map((row) => row.campaign!));
}

export async function loadCustomer(
  db: Tx,
  brandId: string,
  externalId: string,
  now: number,
): Promise<CustomerEntry | null> {
  const customer = await db.customer.findUnique({
    where: { brandId_externalId: { brandId, externalId } },
    select: {
      id: true,
      email: true,
      phone: true,
      locale: true,
      timezone: true,
      erasedAt: true,
      preference: {
        select: { ...generalSettingsSelect, sendSeq: true },
      },
      channelPreferences: {
        select: { channel: true, enabled: true, quietStart: true, quietEnd: true, dailyCap: true, weeklyCap: true },
      },
      subscriptions: { select: { channel: true, status: true, frequency: true, topic: { select: { key: true } } } },
      alertFilters: { select: { channel: true, frequency: true, criteria: true, topic: { select: { key: true } } } },
    },
  });
  if (!customer || customer.erasedAt) return null;
  const hashes = [
    customer.email ? suppressionHash(brandId, "email", customer.email) : null,
    customer.phone ? suppressionHash(brandId, "phone", customer.phone) : null,
  ].filter((hash): hash is string => hash !== null);
  const suppressed = hashes.length
    ? await db.suppression.findMany({ where: { brandId, valueHash: { in: hashes } }, select: { kind: true } })
    : [];
  const preference = customer.preference;
  const [recentSends, campaigns] = await Promise.all([
    loadRecentSends(db, customer.id, now),
    loadCampaigns(db, customer.id),
  ]);
  const snapshot: CustomerSnapshot = {
    timezone: customer.timezone,
    locale: customer.locale === "en" ? "en" : "fr",
    // Push needs a subscription from the portal's service worker (scheduler issue); until a
    // customer has one, push cannot reach them.
    reachable: { email: Boolean(customer.email), sms: Boolean(customer.phone), push: false, in_app: true },
    suppressed: {
      email: suppressed.some((row) => row.kind === "email"),
      sms: suppressed.some((row) => row.kind === "phone"),
    },
    channels: Object.fromEntries(customer.channelPreferences.map((row) => [row.channel, { ...row }])),
    subscriptions: Object.fromEntries(
      customer.subscriptions.map((row) => [
        `${row.topic.key}:${row.channel}`,
        { status: row.status as "subscribed" | "pending" | "unsubscribed", frequency: Frequency.parse(row.frequency) },
      ]),
    ),
    alertFilters: customer.alertFilters.map((row) => ({
      topicKey: row.topic.key,
      channel: Channel.parse(row.channel),
      frequency: Frequency.parse(row.frequency),
      criteria: fromJson(AlertCriteria, row.criteria, "AlertFilter.criteria"),
    })),
    pausedUntil: preference?.pausedUntil?.getTime() ?? null,
    context: {
      mode: (preference?.contextMode ?? "none") as "none" | "looking" | "browsing",
      until: preference?.contextUntil?.getTime() ?? null,
      topics: preference
        ? fromJson(z.array(z.string()), preference.contextTopics, "CustomerPreference.contextTopics")
        : [],
    },
    excludedTags: preference
      ? fromJson(z.array(z.string()), preference.excludedTags, "CustomerPreference.excludedTags")
      : [],
    globalWeeklyCap: preference?.globalWeeklyCap ?? null,
    digestHour: preference?.digestHour ?? 9,
    digestWeekday: preference?.digestWeekday ?? 1,
  };
  return { id: customer.id, brandId, externalId, snapshot, recentSends, campaigns, sendSeq: preference?.sendSeq ?? 0 };
}
