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
  return rows.map(toSendRecord);
}

export async function loadCampaigns(db: Tx, customerId: string): Promise<Set<string>> {
  const rows = await db.delivery.findMany({
    where: { customerId, campaign: { not: null } },
    distinct: ["campaign"],
    select: { campaign: true },
  });
  return new Set(rows.map((row) => row.campaign!));
}

/** Customers read per round of queries: far below SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

/**
 * Many customers' snapshots in a fixed number of queries (six per 500 customers, whatever
 * their history), so that a batch of uncached customers costs a few reads, not thousands.
 * Unknown and erased customers are absent from the result.
 */
export async function loadCustomers(
  db: Tx,
  brandId: string,
  externalIds: string[],
  now: number,
): Promise<Map<string, CustomerEntry>> {
  const loaded = new Map<string, CustomerEntry>();
  for (let start = 0; start < externalIds.length; start += CHUNK) {
    for (const entry of await loadChunk(db, brandId, externalIds.slice(start, start + CHUNK), now)) {
      loaded.set(entry.externalId, entry);
    }
  }
  return loaded;
}

export async function loadCustomer(
  db: Tx,
  brandId: string,
  externalId: string,
  now: number,
): Promise<CustomerEntry | null> {
  return (await loadCustomers(db, brandId, [externalId], now)).get(externalId) ?? null;
}

async function loadChunk(db: Tx, brandId: string, externalIds: string[], now: number): Promise<CustomerEntry[]> {
  const customers = (
    await db.customer.findMany({
      where: { brandId, externalId: { in: externalIds } },
      select: {
        id: true,
        externalId: true,
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
        // The ids, not a _count: Prisma counts with an aggregate over the whole table, joined;
        // this is one indexed read of the chunk's rows (at most 20 per customer).
        pushSubscriptions: { select: { id: true } },
      },
    })
  ).filter((customer) => !customer.erasedAt);
  if (customers.length === 0) return [];
  const ids = customers.map((customer) => customer.id);
  // Several customers of a brand may share an address: each hash names all of its owners.
  const hashOf = new Map<string, { customerId: string; kind: "email" | "phone" }[]>();
  const own = (hash: string, owner: { customerId: string; kind: "email" | "phone" }) =>
    hashOf.set(hash, [...(hashOf.get(hash) ?? []), owner]);
  for (const customer of customers) {
    if (customer.email)
      own(suppressionHash(brandId, "email", customer.email), { customerId: customer.id, kind: "email" });
    if (customer.phone)
      own(suppressionHash(brandId, "phone", customer.phone), { customerId: customer.id, kind: "phone" });
  }
  const [suppressions, sends, campaignRows] = await Promise.all([
    hashOf.size
      ? db.suppression.findMany({
          where: { brandId, valueHash: { in: [...hashOf.keys()] } },
          select: { valueHash: true },
        })
      : [],
    db.delivery.findMany({
      where: { customerId: { in: ids }, sentAt: { gt: new Date(now - WEEK) }, status: { not: "failed" } },
      select: { customerId: true, sentAt: true, channel: true, priority: true },
    }),
    db.delivery.findMany({
      where: { customerId: { in: ids }, campaign: { not: null } },
      distinct: ["customerId", "campaign"],
      select: { customerId: true, campaign: true },
    }),
  ]);
  const suppressed = new Set<string>();
  for (const row of suppressions) {
    for (const owner of hashOf.get(row.valueHash) ?? []) suppressed.add(`${owner.customerId}:${owner.kind}`);
  }
  const sendsOf = groupBy(sends, (row) => row.customerId);
  const campaignsOf = groupBy(campaignRows, (row) => row.customerId);

  return customers.map((customer): CustomerEntry => {
    const preference = customer.preference;
    const snapshot: CustomerSnapshot = {
      timezone: customer.timezone,
      locale: customer.locale === "en" ? "en" : "fr",
      // Push needs a subscription made in the portal (models/push-subscription.server.ts, which
      // records every addition and removal, so this stays exact); the push service's 404 or 410
      // removes a dead one.
      reachable: {
        email: Boolean(customer.email),
        sms: Boolean(customer.phone),
        push: customer.pushSubscriptions.length > 0,
        in_app: true,
      },
      suppressed: {
        email: suppressed.has(`${customer.id}:email`),
        sms: suppressed.has(`${customer.id}:phone`),
      },
      channels: Object.fromEntries(customer.channelPreferences.map((row) => [row.channel, { ...row }])),
      subscriptions: Object.fromEntries(
        customer.subscriptions.map((row) => [
          `${row.topic.key}:${row.channel}`,
          {
            status: row.status as "subscribed" | "pending" | "unsubscribed",
            frequency: Frequency.parse(row.frequency),
          },
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
    return {
      id: customer.id,
      brandId,
      externalId: customer.externalId,
      snapshot,
      recentSends: (sendsOf.get(customer.id) ?? []).map(toSendRecord),
      campaigns: new Set((campaignsOf.get(customer.id) ?? []).map((row) => row.campaign!)),
      sendSeq: preference?.sendSeq ?? 0,
    };
  });
}

function toSendRecord(row: { sentAt: Date; channel: string; priority: string }): SendRecord {
  return { at: row.sentAt.getTime(), channel: Channel.parse(row.channel), priority: Priority.parse(row.priority) };
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
