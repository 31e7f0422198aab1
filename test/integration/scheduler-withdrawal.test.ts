// A withdrawal stops what is already in the worker's hands. A worker in its own process drains
// a customer's queue of marketing emails to a real SMTP server; partway through, the customer
// withdraws (unsubscribes from the topic, pauses everything, or has their address removed)
// over the API. Property: once the API has answered, no SMTP transaction to that customer
// begins; every message is either sent (once, before the answer) or held back for the reason
// the withdrawal gives.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type ApiFixture } from "../support/api";
import { testProvider } from "../support/database";
import { startWorker, type RunningWorker } from "../support/processes";
import { createShop, eventually, type Shop } from "../support/shop";
import { startSmtpSink, type SmtpSink } from "../support/smtp";

let api: ApiFixture;
let smtp: SmtpSink;
let shop: Shop;
let worker: RunningWorker;

beforeAll(async () => {
  // A few milliseconds per message, so the queue is still draining when the customer withdraws.
  smtp = await startSmtpSink({ delayMs: 4 });
  api = await startApi({ SMTP_URL: smtp.url, WORKER: "false" });
  shop = await createShop(api.db);
  // The default concurrency: 16 sends in flight, and leases of 128 messages at a time.
  worker = await startWorker({ ...api.env, SMTP_URL: smtp.url, LEASE_SECONDS: "30" });
});
afterAll(async () => {
  if (worker && worker.child.exitCode === null) {
    worker.child.kill("SIGTERM");
    await worker.exited;
  }
  await api?.stop();
  await smtp?.stop();
});

const withdrawals = {
  unsubscribe: {
    reason: "topic.unsubscribed",
    held: "denied",
    run: (externalId: string) =>
      api.call(
        "PATCH",
        `/api/v1/customers/${externalId}/preferences`,
        { subscriptions: [{ topic: "news", channel: "email", status: "unsubscribed" }] },
        { key: shop.key },
      ),
  },
  pause: {
    reason: "paused",
    // Held until the pause ends.
    held: "deferred",
    run: (externalId: string) =>
      api.call(
        "PATCH",
        `/api/v1/customers/${externalId}/preferences`,
        { pausedUntil: new Date(Date.now() + 30 * 86_400_000).toISOString() },
        { key: shop.key },
      ),
  },
  "address removed": {
    reason: "channel.no_contact",
    held: "denied",
    run: (externalId: string) => api.call("PUT", `/api/v1/customers/${externalId}`, { email: null }, { key: shop.key }),
  },
} as const;

let run = 0;

describe(`a withdrawal and the messages in flight (${testProvider})`, () => {
  it("lets no SMTP transaction begin once the withdrawal has been answered", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          count: fc.integer({ min: 120, max: 240 }),
          after: fc.integer({ min: 1, max: 50 }),
          withdrawal: fc.constantFrom(...(Object.keys(withdrawals) as (keyof typeof withdrawals)[])),
        }),
        async ({ count, after, withdrawal }) => {
          const externalId = `withdraw-${++run}`;
          const email = `${externalId}@example.com`;
          await shop.customer(externalId, { subscribe: [["news", "email"]] });
          const items = Array.from({ length: count }, (_, n) => ({
            customer: externalId,
            topic: "news",
            channel: "email",
            content: { email: { subject: `${externalId} ${n}`, text: "Bonjour" } },
          }));
          const queued = await api.call("POST", "/api/v1/messages/batch", { items }, { key: shop.key });
          expect(queued.status).toBe(200);
          const ids = (queued.body.results as { id: string }[]).map((result) => result.id);
          const begun = () => smtp.transactions.filter((transaction) => transaction.to === email);
          await eventually(async () => begun().length >= after, 30_000, `${after} transactions to ${email}`);

          const answer = await withdrawals[withdrawal].run(externalId);
          const answeredAt = Date.now();
          expect(answer.status, JSON.stringify(answer.body)).toBe(200);

          await eventually(
            async () =>
              (await api.db.message.count({
                where: { id: { in: ids }, status: { in: ["queued", "sending"] } },
              })) === 0,
            30_000,
            "every message settled",
          );
          const late = begun().filter((transaction) => transaction.at > answeredAt);
          expect(late, `transactions begun after the answer (${answeredAt})`).toEqual([]);

          const rows = await api.db.message.findMany({
            where: { id: { in: ids } },
            select: { id: true, status: true, events: { orderBy: { at: "desc" }, take: 1, select: { reasons: true } } },
          });
          const sent = rows.filter((row) => row.status === "sent");
          const held = rows.filter((row) => row.status !== "sent");
          expect(held.every((row) => row.status === withdrawals[withdrawal].held)).toBe(true);
          for (const row of held) expect(JSON.parse(row.events[0]!.reasons)).toContain(withdrawals[withdrawal].reason);
          // Sent once each, and nothing held back reached the server.
          const received = smtp.messages.filter((mail) => mail.subject.startsWith(`${externalId} `));
          expect(received).toHaveLength(sent.length);
          expect(new Set(received.map((mail) => mail.messageId)).size).toBe(sent.length);
          expect(sent.length).toBeGreaterThanOrEqual(after);
          expect(sent.length).toBeLessThan(count);
        },
      ),
      { numRuns: 5 },
    );
  }, 240_000);
});
