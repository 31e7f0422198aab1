// The send-time decision. For a batch of one brand's leased messages, in one transaction:
// lock each customer (the same sendSeq bump the decision API's commits use, so workers and
// committed decisions take turns per customer), read the customers' preferences and sends
// afresh from the database (never a cached copy: a consent withdrawn a moment ago must win),
// decide every message again, and reserve a delivery for each one that may go now. The caps
// count reserved deliveries, so concurrent workers can never exceed them.
import crypto from "node:crypto";
import { z } from "zod";
import type { Recorder } from "~/db/changes.server";
import type { Prisma, Tx } from "~/db/client.server";
import { prepare } from "~/decisions/service.server";
import { loadCustomers, type BrandEntry, type CustomerEntry } from "~/decisions/snapshot-load.server";
import { countDecision } from "~/decisions/stats.server";
import { ApiError } from "~/lib/api/errors";
import { fromJson, toJson } from "~/lib/json-column";
import { Channel, Priority } from "~/lib/vocabulary";
import { decide, type MessageAttributes } from "~/policy";
import { leasedSelect, type LeasedMessage } from "./lease.server";
import { describeSkipped, planMessage, type ChannelDecision } from "./plan";

/** `resumed`: begun by a worker that died, and sent again (see Worker.recoverJobs). */
export type Job =
  | { kind: "single"; deliveryId: string; channel: Channel; message: LeasedMessage; resumed?: boolean }
  | { kind: "digest"; deliveryId: string; channel: Channel; members: LeasedMessage[]; resumed?: boolean };

const Strings = z.array(z.string());
const Attributes = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]));
const Channels = z.array(Channel);

function requestOf(message: LeasedMessage, channel: Channel) {
  return {
    customer: message.customer.externalId,
    topic: message.topic.key,
    channel,
    priority: Priority.parse(message.priority),
    tags: fromJson(Strings, message.tags, "Message.tags"),
    attributes: fromJson(Attributes, message.attributes, "Message.attributes") as MessageAttributes,
    campaign: message.campaign ?? undefined,
    expiresAt: message.expiresAt?.toISOString(),
    commit: false,
  };
}

type Event = {
  messageId: string;
  status: string;
  reasons: string[];
  channel: string | null;
  detail: string | null;
  until?: Date;
};

export async function reserve(
  tx: Tx,
  record: Recorder,
  input: { brand: BrandEntry; messages: LeasedMessage[]; owner: string; now: number; leaseUntil: number },
): Promise<{ jobs: Job[]; fresh: CustomerEntry[] }> {
  const { brand, owner, now } = input;
  const at = new Date(now);
  // Lock the customers in a fixed order, so two workers' batches cannot deadlock.
  const customerIds = [...new Set(input.messages.map((message) => message.customerId))].sort();
  for (const customerId of customerIds) {
    await tx.customerPreference.upsert({
      where: { customerId },
      create: { brandId: brand.id, customerId, sendSeq: 1 },
      update: { sendSeq: { increment: 1 } },
      select: { id: true },
    });
  }
  const externalIds = [...new Set(input.messages.map((message) => message.customer.externalId))];
  const byExternalId = await loadCustomers(tx, brand.id, externalIds, now);
  const entryOf = (message: LeasedMessage) => byExternalId.get(message.customer.externalId) ?? null;

  // Only messages still leased to this worker and still waiting: a worker whose lease ran out
  // may find its messages taken over, or already carried by another worker's digest.
  const ids = input.messages.map((message) => message.id);
  const still = new Set(
    (
      await tx.message.findMany({
        where: { id: { in: ids }, leaseOwner: owner, status: { in: ["queued", "deferred", "digested"] } },
        select: { id: true },
      })
    ).map((row) => row.id),
  );
  const mine = input.messages.filter((message) => still.has(message.id));
  const failedBefore = await tx.delivery.findMany({
    where: { messageId: { in: ids }, status: { in: ["failed", "bounced"] } },
    select: { messageId: true, channel: true },
  });
  const excluded = (messageId: string) =>
    new Set(failedBefore.filter((row) => row.messageId === messageId).map((row) => row.channel));

  const jobs: Job[] = [];
  const events: Event[] = [];
  const settle = async (message: LeasedMessage, data: Record<string, unknown>, event: Omit<Event, "messageId">) => {
    await tx.message.update({
      where: { id: message.id },
      data: { ...data, leaseOwner: null, leaseUntil: null },
      select: { id: true },
    });
    events.push({ messageId: message.id, ...event });
  };
  // Reservations and the messages they carry are written together at the end, a statement
  // each, rather than one per message: Prisma's per-query cost dominates the worker's time.
  const deliveries: Prisma.DeliveryCreateManyInput[] = [];
  const sending = new Map<Channel, string[]>();
  const reserveDelivery = async (entry: CustomerEntry, message: LeasedMessage | null, channel: Channel, items = 1) => {
    const priority = message ? Priority.parse(message.priority) : "low";
    const id = crypto.randomUUID();
    deliveries.push({
      id,
      brandId: brand.id,
      customerId: entry.id,
      messageId: message?.id ?? null,
      topicKey: message?.topic.key ?? "digest",
      channel,
      priority,
      campaign: message?.campaign ?? null,
      status: "sending",
      items,
      sentAt: at,
    });
    entry.recentSends.push({ at: now, channel, priority });
    if (message?.campaign) entry.campaigns.add(message.campaign);
    await record({ brandId: brand.id, scope: "sends", subjectId: entry.id });
    return id;
  };

  // Instant messages (queued, and deferred ones whose time has come).
  for (const message of mine.filter((message) => message.status !== "digested")) {
    const entry = entryOf(message);
    if (!entry) {
      await settle(
        message,
        { status: "denied" },
        { status: "denied", reasons: [], channel: null, detail: "the customer no longer exists" },
      );
      continue;
    }
    const skip = excluded(message.id);
    const channels = fromJson(Channels, message.channels, "Message.channels").filter((channel) => !skip.has(channel));
    if (channels.length === 0) {
      await settle(
        message,
        { status: "failed" },
        { status: "failed", reasons: [], channel: null, detail: "every channel failed" },
      );
      continue;
    }
    const decisions: ChannelDecision[] = [];
    let problem: ApiError | null = null;
    for (const channel of channels) {
      const prepared = prepare(brand, entry, requestOf(message, channel), now);
      if (prepared instanceof ApiError) {
        problem = prepared;
        break;
      }
      decisions.push({ channel, decision: decide(prepared) });
    }
    if (problem) {
      await settle(
        message,
        { status: "failed" },
        { status: "failed", reasons: [], channel: null, detail: problem.message },
      );
      continue;
    }
    const plan = planMessage(decisions);
    countDecision(
      brand.id,
      plan.verdict,
      plan.verdict === "deny" ? plan.reasons : plan.decision.reasons,
      "scheduler",
      now,
    );
    const detail = describeSkipped(plan.skipped);
    if (plan.verdict === "send") {
      const deliveryId = await reserveDelivery(entry, message, plan.channel);
      sending.set(plan.channel, [...(sending.get(plan.channel) ?? []), message.id]);
      jobs.push({ kind: "single", deliveryId, channel: plan.channel, message: { ...message, channel: plan.channel } });
    } else if (plan.verdict === "defer") {
      await settle(
        message,
        { status: "deferred", dueAt: new Date(plan.decision.notBefore!), channel: plan.channel },
        {
          status: "deferred",
          reasons: plan.decision.reasons,
          channel: plan.channel,
          detail,
          until: new Date(plan.decision.notBefore!),
        },
      );
    } else if (plan.verdict === "digest") {
      await settle(
        message,
        { status: "digested", dueAt: new Date(plan.decision.digestAt!), channel: plan.channel },
        {
          status: "digested",
          reasons: plan.decision.reasons,
          channel: plan.channel,
          detail,
          until: new Date(plan.decision.digestAt!),
        },
      );
    } else if (plan.verdict === "deny") {
      await settle(
        message,
        { status: "denied" },
        { status: "denied", reasons: plan.reasons, channel: plan.channel, detail },
      );
    }
  }

  // Digests: every digested message of the customer on that channel whose time has come goes
  // in one, whichever worker leased it (the customer lock makes this worker the only one
  // assembling this customer's digest now).
  const slots = new Map<string, { customerId: string; channel: Channel }>();
  for (const message of mine.filter((message) => message.status === "digested")) {
    const channel = Channel.parse(message.channel ?? fromJson(Channels, message.channels, "Message.channels")[0]);
    slots.set(`${message.customerId}:${channel}`, { customerId: message.customerId, channel });
  }
  if (slots.size) {
    const due = await tx.message.findMany({
      where: {
        customerId: { in: [...new Set([...slots.values()].map((slot) => slot.customerId))] },
        status: "digested",
        dueAt: { lte: at },
      },
      orderBy: { createdAt: "asc" },
      select: leasedSelect,
    });
    for (const { customerId, channel } of slots.values()) {
      const members = due.filter(
        (message) => message.customerId === customerId && (message.channel ?? channel) === channel,
      );
      const entry = members[0] && entryOf(members[0]);
      if (!entry) {
        for (const message of members)
          await settle(
            message,
            { status: "denied" },
            { status: "denied", reasons: [], channel, detail: "the customer no longer exists" },
          );
        continue;
      }
      const kept: LeasedMessage[] = [];
      for (const message of members) {
        const prepared = prepare(brand, entry, requestOf(message, channel), now);
        const decision = prepared instanceof ApiError ? null : decide(prepared);
        // At the digest's time only a hard stop keeps a message out: its pace is what made it wait.
        if (decision && decision.verdict !== "deny") kept.push(message);
        else
          await settle(
            message,
            { status: decision ? "denied" : "failed" },
            {
              status: decision ? "denied" : "failed",
              reasons: decision?.reasons ?? [],
              channel,
              detail: prepared instanceof ApiError ? prepared.message : null,
            },
          );
      }
      if (kept.length === 0) continue;
      const deliveryId = await reserveDelivery(entry, null, channel, kept.length);
      await tx.message.updateMany({
        where: { id: { in: kept.map((message) => message.id) } },
        data: {
          status: "sending",
          digestDeliveryId: deliveryId,
          leaseOwner: owner,
          leaseUntil: new Date(input.leaseUntil),
        },
      });
      jobs.push({ kind: "digest", deliveryId, channel, members: kept });
    }
  }

  if (deliveries.length) await tx.delivery.createMany({ data: deliveries });
  for (const [channel, ids] of sending) {
    await tx.message.updateMany({
      where: { id: { in: ids } },
      data: { status: "sending", channel, leaseUntil: new Date(input.leaseUntil) },
    });
  }
  if (events.length) {
    await tx.messageEvent.createMany({
      data: events.map((event) => ({ ...event, reasons: toJson(event.reasons), at })),
    });
  }
  return { jobs, fresh: [...byExternalId.values()] };
}
