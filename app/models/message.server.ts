// Reading the outbox: one message with its status history, scoped to its brand.
import { z } from "zod";
import type { Tx } from "~/db/client.server";
import { messageStatuses, type MessageView } from "~/lib/api/message-schemas";
import { fromJson } from "~/lib/json-column";
import { Channel } from "~/lib/vocabulary";

const Status = z.enum(messageStatuses);
const Strings = z.array(z.string());

export async function getMessage(db: Tx, owner: { brandId: string; id: string }): Promise<MessageView | null> {
  const row = await db.message.findFirst({
    where: { id: owner.id, brandId: owner.brandId },
    select: {
      id: true,
      channels: true,
      priority: true,
      campaign: true,
      status: true,
      channel: true,
      dueAt: true,
      expiresAt: true,
      createdAt: true,
      customer: { select: { externalId: true } },
      topic: { select: { key: true } },
      events: {
        orderBy: { at: "asc" },
        select: { status: true, at: true, channel: true, reasons: true, detail: true, until: true },
      },
    },
  });
  if (!row) return null;
  const status = Status.parse(row.status);
  const channel = Channel.nullable().parse(row.channel);
  return {
    id: row.id,
    customer: row.customer.externalId,
    topic: row.topic.key,
    channels: fromJson(z.array(Channel), row.channels, "Message.channels"),
    priority: row.priority,
    campaign: row.campaign,
    status,
    channel,
    dueAt: status === "deferred" || status === "digested" || status === "queued" ? row.dueAt.toISOString() : null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    history: row.events.map((event) => ({
      status: Status.parse(event.status),
      at: event.at.toISOString(),
      channel: Channel.nullable().parse(event.channel),
      reasons: fromJson(Strings, event.reasons, "MessageEvent.reasons"),
      detail: event.detail,
      until: event.until?.toISOString() ?? null,
    })),
  };
}
