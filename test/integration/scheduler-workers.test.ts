// Workers as separate processes against one database: a worker killed with SIGKILL mid-batch
// loses nothing (another takes over its expired leases) and records nothing twice; a worker
// stopped with SIGTERM finishes its sends and gives its leases back; two workers sending at
// once never exceed a customer's cap.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startApi, type ApiFixture } from "../support/api";
import { testProvider } from "../support/database";
import { startWorker, type RunningWorker } from "../support/processes";
import { startSmtpSink, type SmtpSink } from "../support/smtp";
import { createShop, eventually, type Shop } from "../support/shop";

let api: ApiFixture;
let smtp: SmtpSink;
let shop: Shop;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  // Each message takes the sink 15 ms, so a batch is still being sent when the test strikes.
  smtp = await startSmtpSink({ delayMs: 15 });
  api = await startApi({ SMTP_URL: smtp.url, WORKER: "false" });
  shop = await createShop(api.db);
});
// Each test starts its own workers: those of the test before are stopped first.
afterEach(async () => {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGTERM");
    await worker.exited;
  }
});
afterAll(async () => {
  await api?.stop();
  await smtp?.stop();
});

function worker(extra: Record<string, string> = {}) {
  return startWorker({ ...api.env, SMTP_URL: smtp.url, LEASE_SECONDS: "5", WORKER_CONCURRENCY: "4", ...extra }).then(
    (started) => {
      workers.push(started);
      return started;
    },
  );
}

/** Queues `perCustomer` instant emails for each of `count` new customers; returns the message ids. */
async function enqueue(prefix: string, count: number, perCustomer: number): Promise<string[]> {
  const items = [];
  for (let index = 0; index < count; index++) {
    const customer = await shop.customer(`${prefix}-${index}`, { subscribe: [["news", "email"]] });
    for (let n = 0; n < perCustomer; n++) {
      items.push({
        customer: customer.externalId,
        topic: "news",
        channel: "email",
        content: { email: { subject: `${prefix} ${n}`, text: "Bonjour" } },
      });
    }
  }
  const response = await api.call("POST", "/api/v1/messages/batch", { items }, { key: shop.key });
  expect(response.status).toBe(200);
  const results = response.body.results as { id: string; status: string }[];
  expect(results.every((result) => result.status === "queued")).toBe(true);
  return results.map((result) => result.id);
}

const received = (prefix: string) => smtp.messages.filter((mail) => mail.subject.startsWith(`${prefix} `));
const statusCount = async (ids: string[], status: string) =>
  api.db.message.count({ where: { id: { in: ids }, status } });

describe(`workers in their own processes (${testProvider})`, () => {
  it("sends nothing twice when a worker is killed mid-batch, and says which ones may not have arrived", async () => {
    const ids = await enqueue("kill", 40, 5);
    const first = await worker();
    await eventually(async () => received("kill").length >= 30, 20_000, "30 emails");
    first.child.kill("SIGKILL");
    await first.exited;
    const stranded = await api.db.message.count({ where: { id: { in: ids }, status: "sending" } });
    expect(stranded, "the kill should land mid-batch").toBeGreaterThan(0);

    await worker();
    await eventually(
      async () => (await statusCount(ids, "sent")) + (await statusCount(ids, "uncertain")) === ids.length,
      40_000,
      "every message sent or marked uncertain",
    );
    // No Message-ID reached the server twice, and each message has one delivery.
    const copies = new Map<string, number>();
    for (const mail of received("kill")) copies.set(mail.messageId, (copies.get(mail.messageId) ?? 0) + 1);
    expect([...copies.values()].filter((count) => count > 1)).toEqual([]);
    const deliveries = await api.db.delivery.findMany({
      where: { messageId: { in: ids } },
      select: { id: true, messageId: true, status: true },
    });
    expect(new Set(deliveries.map((row) => row.messageId)).size).toBe(ids.length);
    expect(deliveries).toHaveLength(ids.length);
    // The Message-ID names the delivery: <delivery id@host>.
    const arrived = new Set([...copies.keys()].map((messageId) => /^<([^@]+)@/.exec(messageId)?.[1]));
    // Every message recorded as sent reached the server.
    expect(deliveries.filter((row) => row.status === "sent" && !arrived.has(row.id))).toEqual([]);
    // The uncertain ones are those the dead worker had begun to hand over and not yet recorded:
    // the sends in flight (WORKER_CONCURRENCY, 4) and those that finished during its last write.
    const uncertain = deliveries.filter((row) => row.status === "uncertain");
    expect(uncertain.length).toBeLessThanOrEqual(8);
    expect(await statusCount(ids, "uncertain")).toBe(uncertain.length);
    const events = await api.db.messageEvent.findMany({
      where: { messageId: { in: uncertain.map((row) => row.messageId!) }, status: "uncertain" },
      select: { detail: true },
    });
    expect(events).toHaveLength(uncertain.length);
    expect(events.every((event) => /not sent again/.test(event.detail ?? ""))).toBe(true);
    // Lost: uncertain and never received. At most the sends in flight when it died.
    const lost = uncertain.filter((row) => !arrived.has(row.id));
    expect(lost.length).toBeLessThanOrEqual(4);
    expect(received("kill").length).toBe(ids.length - lost.length);
  });

  it("sends a critical message again under the same Message-ID rather than lose it", async () => {
    const items = [];
    for (let index = 0; index < 30; index++) {
      const customer = await shop.customer(`crit-${index}`);
      for (let n = 0; n < 4; n++)
        items.push({
          customer: customer.externalId,
          topic: "orders",
          channel: "email",
          priority: "critical",
          content: { email: { subject: `crit ${index}.${n}`, text: "Votre commande" } },
        });
    }
    const response = await api.call("POST", "/api/v1/messages/batch", { items }, { key: shop.key });
    expect(response.status).toBe(200);
    const ids = (response.body.results as { id: string }[]).map((result) => result.id);
    const first = await worker();
    await eventually(async () => received("crit").length >= 30, 20_000, "30 emails");
    first.child.kill("SIGKILL");
    await first.exited;
    await worker();
    await eventually(async () => (await statusCount(ids, "sent")) === ids.length, 40_000, "every message sent");
    // None lost; a repeat is only of what the dead worker had begun, and carries the same id.
    const subjects = new Set(received("crit").map((mail) => mail.subject));
    expect(subjects.size).toBe(ids.length);
    const messageIds = new Set(received("crit").map((mail) => mail.messageId));
    expect(messageIds.size).toBe(ids.length);
    expect(received("crit").length - ids.length).toBeLessThanOrEqual(8);
  });

  it("finishes its sends and gives its leases back on SIGTERM", async () => {
    const ids = await enqueue("term", 20, 5);
    const first = await worker();
    await eventually(async () => received("term").length >= 10, 20_000, "10 emails");
    first.child.kill("SIGTERM");
    expect(await first.exited, first.output()).toBe(0);
    expect(first.output()).toMatch(/SIGTERM: finishing the sends in flight/);
    const rows = await api.db.message.findMany({
      where: { id: { in: ids } },
      select: { status: true, leaseOwner: true },
    });
    expect(rows.filter((row) => row.status === "sending")).toEqual([]);
    expect(rows.filter((row) => row.leaseOwner !== null)).toEqual([]);
    // Every message it recorded as sent reached the server.
    expect(received("term").length).toBe(rows.filter((row) => row.status === "sent").length);

    await worker();
    await eventually(async () => (await statusCount(ids, "sent")) === ids.length, 30_000, "every message sent");
    expect(received("term").length).toBe(ids.length);
    expect(new Set(received("term").map((mail) => mail.messageId)).size).toBe(ids.length);
  });

  it("never lets two workers exceed a cap", async () => {
    await api.db.brandChannelPolicy.upsert({
      where: { brandId_channel: { brandId: shop.brandId, channel: "email" } },
      create: { brandId: shop.brandId, channel: "email", dailyCap: 3 },
      update: { dailyCap: 3 },
    });
    const ids = await enqueue("cap", 12, 8);
    await Promise.all([worker(), worker()]);
    await eventually(
      async () =>
        (await api.db.message.count({ where: { id: { in: ids }, status: { in: ["queued", "sending"] } } })) === 0,
      40_000,
      "every message decided",
    );
    const sent = await api.db.delivery.groupBy({
      by: ["customerId"],
      where: { messageId: { in: ids }, status: "sent" },
      _count: true,
    });
    expect(sent).toHaveLength(12);
    for (const row of sent) expect(row._count).toBe(3);
    // Over the cap, marketing waits for the next digest rather than queueing behind it.
    expect(await statusCount(ids, "digested")).toBe(12 * 5);
    const events = await api.db.messageEvent.findMany({
      where: { messageId: { in: ids }, status: "digested" },
      select: { reasons: true },
    });
    expect(events.every((event) => event.reasons.includes("cap.channel.day"))).toBe(true);
  });
});
