// What the worker records once a channel has answered: sent; failed for now (the reservation is
// released and the message waits with backoff); or failed for good (a hard bounce or complaint
// suppresses the address, and the message tries its next channel, if it has one).
import { transact } from "~/db/changes.server";
import type { Db, Prisma, Tx } from "~/db/client.server";
import { fromJson } from "~/lib/json-column";
import { Channel } from "~/lib/vocabulary";
import { addSuppression } from "~/models/suppression.server";
import { z } from "zod";
import { retryDelay, shouldGiveUp } from "./backoff";
import type { SendResult, Withdrawn } from "./channels/types";
import type { Job } from "./reserve.server";

const Channels = z.array(Channel);

function membersOf(job: Job) {
  return job.kind === "single" ? [job.message] : job.members;
}

export type Sent = { job: Job; providerId: string };

/**
 * Records deliveries the channels took, many at once: one transaction for a round's successes
 * instead of one per message (the worker flushes them every WORKER_CONCURRENCY sends).
 */
export async function recordSent(db: Db, sent: Sent[], now: number): Promise<void> {
  if (sent.length) await transact(db, (tx) => recordSentIn(tx, sent, now));
}

async function recordSentIn(tx: Tx, sent: Sent[], now: number): Promise<void> {
  const at = new Date(now);
  const byChannel = new Map<string, string[]>();
  const events: Prisma.MessageEventCreateManyInput[] = [];
  for (const { job, providerId } of sent) {
    await tx.delivery.update({
      where: { id: job.deliveryId },
      data: { status: "sent", providerId },
      select: { id: true },
    });
    const members = membersOf(job);
    byChannel.set(job.channel, [...(byChannel.get(job.channel) ?? []), ...members.map((member) => member.id)]);
    const detail = job.kind === "digest" ? `in a digest of ${members.length}` : null;
    for (const member of members) {
      events.push({ messageId: member.id, status: "sent", reasons: "[]", channel: job.channel, detail, at });
    }
  }
  for (const [channel, ids] of byChannel) {
    await tx.message.updateMany({
      where: { id: { in: ids } },
      data: { status: "sent", channel, leaseOwner: null, leaseUntil: null },
    });
  }
  await tx.messageEvent.createMany({ data: events });
}

/** Records what became of one delivery the channel answered. */
export async function finish(
  db: Db,
  job: Job,
  result: Exclude<SendResult, Withdrawn>,
  now: number,
  random = Math.random(),
): Promise<void> {
  const members = membersOf(job);
  const ids = members.map((member) => member.id);
  const first = members[0]!;
  const at = new Date(now);
  const events = (status: string, detail: string | null, until: Date | null = null) =>
    ids.map((messageId) => ({ messageId, status, reasons: "[]", channel: job.channel, detail, until, at }));
  const done = { leaseOwner: null, leaseUntil: null };

  await transact(
    db,
    async (tx, record) => {
      if (result.ok) return recordSentIn(tx, [{ job, providerId: result.providerId }], now);
      // A failed delivery no longer counts against the caps.
      await record({ brandId: first.brandId, scope: "sends", subjectId: first.customerId });
      const attempts = Math.max(...members.map((member) => member.attempts)) + 1;
      if (result.transient && !shouldGiveUp(attempts)) {
        const retryAt = now + retryDelay(attempts, random, result.retryAfterMs);
        // The reservation goes; the next attempt decides afresh (the caps may have moved).
        await tx.delivery.delete({ where: { id: job.deliveryId }, select: { id: true } });
        const status = job.kind === "digest" ? "digested" : "queued";
        await tx.message.updateMany({
          where: { id: { in: ids } },
          data: { status, dueAt: new Date(retryAt), attempts, digestDeliveryId: null, ...done },
        });
        await tx.messageEvent.createMany({
          data: events(status, `attempt ${attempts} failed (${result.error})`, new Date(retryAt)),
        });
        return;
      }
      const suppress = result.transient ? undefined : result.suppress;
      await tx.delivery.update({
        where: { id: job.deliveryId },
        data: {
          status: suppress === "hard_bounce" ? "bounced" : suppress === "complaint" ? "complained" : "failed",
          error: result.error.slice(0, 1000),
        },
        select: { id: true },
      });
      const { email, phone } = first.customer;
      if (suppress && job.channel === "email" && email)
        await addSuppression(tx, record, first.brandId, { kind: "email", value: email }, suppress);
      if (suppress && job.channel === "sms" && phone)
        await addSuppression(tx, record, first.brandId, { kind: "phone", value: phone }, suppress);

      // A single message may still go on its next channel; a digest has only its own.
      const tried = await tx.delivery.findMany({
        where: { messageId: first.id, status: { in: ["failed", "bounced", "complained"] } },
        select: { channel: true },
      });
      const left =
        job.kind === "single" && !result.transient
          ? fromJson(Channels, first.channels, "Message.channels").filter(
              (channel) => !tried.some((row) => row.channel === channel),
            )
          : [];
      const why = result.transient ? `gave up after ${attempts} attempts: ${result.error}` : result.error;
      if (left.length > 0) {
        await tx.message.update({
          where: { id: first.id },
          data: { status: "queued", dueAt: at, channel: left[0], ...done },
          select: { id: true },
        });
        await tx.messageEvent.createMany({
          data: events("queued", `${job.channel} failed (${why}); trying ${left[0]}`),
        });
        return;
      }
      await tx.message.updateMany({ where: { id: { in: ids } }, data: { status: "failed", attempts, ...done } });
      await tx.messageEvent.createMany({ data: events("failed", why) });
    },
    { awaitBegunSends: false },
  );
}
