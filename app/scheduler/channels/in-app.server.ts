// In-app notifications: the item appears in the customer's portal inbox. Writing it is the
// delivery, so a retry after a crash finds the item already there instead of adding a second.
import type { Db } from "~/db/client.server";
import { withdrawn, type ChannelAdapter, type ChannelJob, type SendResult } from "./types";

export class InboxAdapter implements ChannelAdapter {
  readonly channel = "in_app" as const;

  constructor(private readonly db: Db) {}

  async send(job: ChannelJob): Promise<SendResult> {
    const existing = await this.db.inboxItem.findFirst({
      where: { brandId: job.brand.id, customerId: job.recipient.customerId, messageId: job.messageId },
      select: { id: true },
    });
    if (existing) return { ok: true, providerId: existing.id };
    if (!(await job.begin())) return withdrawn;
    const item = await this.db.inboxItem.create({
      data: {
        brandId: job.brand.id,
        customerId: job.recipient.customerId,
        messageId: job.messageId,
        topicKey: job.topicKey,
        title: job.short.title,
        body: job.short.url ? `${job.short.text}\n${job.short.url}` : job.short.text,
      },
      select: { id: true },
    });
    return { ok: true, providerId: item.id };
  }

  async close(): Promise<void> {}
}
