// A customer's last 90 days: the messages that reached them, and beside them the ones Mesure
// held back, deferred or folded into a digest on their behalf, each with its reasons.
import { z } from "zod";
import type { Tx } from "~/db/client.server";
import { fromJson } from "~/lib/json-column";
import { Channel, type Channel as ChannelType } from "~/lib/vocabulary";
import { reasonCodes, type ReasonCode } from "~/policy";

export const HISTORY_DAYS = 90;

export type HistoryEntry = {
  id: string;
  at: string;
  topicKey: string;
  channel: ChannelType | null;
  /** sent | denied | deferred | digested | queued | failed */
  status: string;
  reasons: ReasonCode[];
  /** For a delivered message: the "why did I get this?" page. */
  deliveryId: string | null;
};

const Reasons = z.array(z.string());

export async function readHistory(db: Tx, owner: { brandId: string; customerId: string }, now = new Date()) {
  const since = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
  const [deliveries, held] = await Promise.all([
    db.delivery.findMany({
      where: { brandId: owner.brandId, customerId: owner.customerId, sentAt: { gt: since } },
      orderBy: { sentAt: "desc" },
      take: 300,
      select: { id: true, sentAt: true, topicKey: true, channel: true, status: true },
    }),
    db.message.findMany({
      where: {
        brandId: owner.brandId,
        customerId: owner.customerId,
        createdAt: { gt: since },
        status: { in: ["denied", "deferred", "digested", "queued"] },
      },
      orderBy: { createdAt: "desc" },
      take: 300,
      select: {
        id: true,
        createdAt: true,
        status: true,
        topic: { select: { key: true } },
        events: { orderBy: { at: "desc" }, take: 1, select: { reasons: true, channel: true, at: true } },
      },
    }),
  ]);
  const known = new Set<string>(reasonCodes);
  const entries: HistoryEntry[] = [
    ...deliveries.map((row) => ({
      id: `d-${row.id}`,
      at: row.sentAt.toISOString(),
      topicKey: row.topicKey,
      channel: Channel.parse(row.channel),
      status: row.status === "sent" ? "sent" : row.status,
      reasons: [],
      deliveryId: row.id,
    })),
    ...held.map((row) => {
      const event = row.events[0];
      const reasons = event ? fromJson(Reasons, event.reasons, "MessageEvent.reasons") : [];
      const channel = Channel.safeParse(event?.channel);
      return {
        id: `m-${row.id}`,
        at: (event?.at ?? row.createdAt).toISOString(),
        topicKey: row.topic.key,
        channel: channel.success ? channel.data : null,
        status: row.status,
        reasons: reasons.filter((reason): reason is ReasonCode => known.has(reason)),
        deliveryId: null,
      };
    }),
  ];
  return entries.sort((a, b) => (a.at < b.at ? 1 : -1));
}
