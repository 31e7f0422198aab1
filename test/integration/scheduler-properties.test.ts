// The scheduler's invariants as properties, on a real database and a real SMTP server, with the
// worker in this process so fast-check can interleave its rounds with the customer's changes:
// whatever the sequence of intakes, consent withdrawals and worker rounds,
//   - a customer never gets more emails in a day than the cap,
//   - no email is sent while its consent is withdrawn (the send-time decision reads afresh),
//   - no message is delivered twice, and every message ends in exactly one state.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localChanges } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { SnapshotStore } from "~/decisions/snapshot.server";
import { MessageRequest } from "~/lib/api/message-schemas";
import { editPreferences } from "~/models/preferences.server";
import { SmtpEmailAdapter } from "~/scheduler/channels/email.server";
import { enqueueMessages } from "~/scheduler/intake.server";
import { Renderer } from "~/scheduler/render.server";
import { Worker } from "~/scheduler/worker.server";
import { createTestDatabase, testProvider, type TestDatabase } from "../support/database";
import { startSmtpSink, type SmtpSink } from "../support/smtp";
import { createShop } from "../support/shop";

let database: TestDatabase;
let db: Db;
let smtp: SmtpSink;
let store: SnapshotStore;
let email: SmtpEmailAdapter;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.open().db;
  smtp = await startSmtpSink();
  store = new SnapshotStore(db);
  localChanges.on("change", (change) => store.apply(change));
  email = new SmtpEmailAdapter({ smtpUrl: smtp.url, from: "shop@example.com", publicUrl: "http://localhost" });
});
afterAll(async () => {
  await email?.close();
  await smtp?.stop();
  await database?.drop();
});

type Op = { kind: "enqueue"; count: number } | { kind: "withdraw" } | { kind: "resubscribe" } | { kind: "tick" };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("enqueue" as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.constant({ kind: "withdraw" as const }),
  fc.constant({ kind: "resubscribe" as const }),
  fc.constant({ kind: "tick" as const }),
  fc.constant({ kind: "tick" as const }),
);

let run = 0;

describe(`scheduler invariants (${testProvider})`, () => {
  it("holds caps, consent and once-only delivery under any interleaving", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 1, max: 3 }),
        async (ops, cap) => {
          run++;
          const shop = await createShop(db, `prop-${run}`);
          await db.brandChannelPolicy.upsert({
            where: { brandId_channel: { brandId: shop.brandId, channel: "email" } },
            create: { brandId: shop.brandId, channel: "email", dailyCap: cap },
            update: { dailyCap: cap },
          });
          const customer = await shop.customer(`c-${run}`, { subscribe: [["news", "email"]] });
          const owner = { brandId: shop.brandId, customerId: customer.id };
          const worker = new Worker({
            db,
            provider: database.provider,
            store,
            renderer: new Renderer({ secret: "k".repeat(64), publicUrl: "http://localhost" }),
            channels: new Map([["email", email]]),
            concurrency: 2,
            leaseMs: 30_000,
          });
          const withdrawn: [number, number][] = [];
          let since: number | null = null;
          const setStatus = (status: "subscribed" | "unsubscribed") =>
            editPreferences(db, owner, { source: "test" }, (editor) =>
              editor.setSubscription({ topic: shop.topics.news, channel: "email", status }),
            );
          for (const step of ops) {
            if (step.kind === "enqueue") {
              const items = Array.from({ length: step.count }, (_, n) =>
                MessageRequest.parse({
                  customer: customer.externalId,
                  topic: "news",
                  channel: "email",
                  content: { email: { subject: `run ${run} #${n}`, text: "Bonjour" } },
                }),
              );
              await enqueueMessages({ db, store }, shop.brandId, items, Date.now(), { shape: "batch" });
            } else if (step.kind === "withdraw" && since === null) {
              await setStatus("unsubscribed");
              since = Date.now();
            } else if (step.kind === "resubscribe" && since !== null) {
              await setStatus("subscribed");
              withdrawn.push([since, Date.now()]);
              since = null;
            } else if (step.kind === "tick") {
              await worker.tick(Date.now());
            }
          }
          if (since !== null) withdrawn.push([since, Infinity]);
          // Drain: every message due now is decided and, if it may go, sent.
          for (let round = 0; round < 20 && (await worker.tick(Date.now())) > 0; round++);

          const messages = await db.message.findMany({
            where: { brandId: shop.brandId },
            select: {
              id: true,
              status: true,
              deliveries: { select: { status: true, sentAt: true, providerId: true } },
            },
          });
          const sent = messages.filter((message) => message.status === "sent");
          // Caps: the first day's sends never exceed the cap.
          expect(sent.length).toBeLessThanOrEqual(cap);
          for (const message of messages) {
            expect(["sent", "denied", "digested", "deferred"]).toContain(message.status);
            expect(message.deliveries.length).toBeLessThanOrEqual(1);
            if (message.status === "sent") expect(message.deliveries[0]?.status).toBe("sent");
            else expect(message.deliveries).toEqual([]);
          }
          // Consent: no send was decided while the subscription was withdrawn.
          for (const message of sent) {
            const at = message.deliveries[0]!.sentAt.getTime();
            for (const [from, to] of withdrawn) expect(at < from || at >= to).toBe(true);
          }
          // Once only: each sent message reached the SMTP server exactly once.
          for (const message of sent) {
            const copies = smtp.messages.filter((mail) => mail.messageId === message.deliveries[0]!.providerId);
            expect(copies).toHaveLength(1);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
