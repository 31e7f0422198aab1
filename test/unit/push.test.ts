// The Web Push channel against a strict local push service that checks the VAPID signature and
// decrypts each message itself: what arrives is what was sent; gone subscriptions are removed
// (and decisions learn the customer is no longer reachable by push); failures are classed the
// way the worker needs them (permanent: try the next channel; transient: try again later).
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { localChanges, type Change } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { loadCustomer } from "~/decisions/snapshot-load.server";
import { vapidKeysCommand } from "~/cli/vapid-keys.server";
import { allowPrivateAddresses } from "~/lib/outbound.server";
import { generateVapidKeys, resolveVapidKeys, vapidPairMatches } from "~/lib/vapid.server";
import { createBrand } from "~/models/brand.server";
import { upsertCustomer } from "~/models/customer.server";
import {
  describeUserAgent,
  listPushSubscriptions,
  MAX_PUSH_SUBSCRIPTIONS,
  PushSubscriptionInput,
  removePushSubscription,
  savePushSubscription,
} from "~/models/push-subscription.server";
import { WebPushAdapter } from "~/scheduler/channels/push.server";
import type { ChannelJob } from "~/scheduler/channels/types";
import { createTestDatabase, testProvider, type TestDatabase } from "../support/database";
import { newBrowserSubscription, startPushService, type PushService } from "../support/push-service";

let database: TestDatabase;
let db: Db;
let service: PushService;
let brand: { id: string; slug: string; name: string };
const vapid = { ...generateVapidKeys(), subject: "mailto:ops@mesure.test" };
let adapter: WebPushAdapter;
let counter = 0;

beforeAll(async () => {
  // The push service under test listens on this machine (see outbound.server.ts).
  allowPrivateAddresses(true);
  database = await createTestDatabase();
  db = database.open().db;
  service = await startPushService();
  brand = await createBrand(db, { slug: "shop", name: "Shop" });
  adapter = new WebPushAdapter({ db, vapid, timeoutMs: 500 });
});
afterAll(async () => {
  await adapter?.close();
  await service?.stop();
  await database?.drop();
});
afterEach(() => {
  // Every request the adapter made must have been a valid one, whatever the answer.
  expect(service.refused).toEqual([]);
});

async function newCustomer() {
  const externalId = `c-${++counter}`;
  const customer = await upsertCustomer(db, brand.id, { externalId, locale: "en" });
  return { brandId: brand.id, customerId: customer.id, externalId };
}

function jobFor(
  customer: { brandId: string; customerId: string; externalId: string },
  short: ChannelJob["short"] = { title: "Price drop", text: "The boots you liked are now 180 €.", url: null },
): ChannelJob {
  const id = `delivery-${++counter}`;
  return {
    begin: async () => true,
    deliveryId: id,
    messageId: `message-${counter}`,
    brand: { ...brand },
    topicKey: "price-drop",
    recipient: {
      brandId: customer.brandId,
      customerId: customer.customerId,
      externalId: customer.externalId,
      email: null,
      phone: null,
      locale: "en",
    },
    email: null,
    short,
  };
}

async function subscribed(customer: { brandId: string; customerId: string }) {
  const browser = service.subscribe();
  const row = await savePushSubscription(db, customer, browser.json, { userAgent: "Mozilla/5.0 Firefox/128.0" });
  return { browser, row };
}

const pushReachable = async (customer: { brandId: string; externalId: string }) =>
  (await loadCustomer(db, customer.brandId, customer.externalId, Date.now()))!.snapshot.reachable.push;

describe(`the Web Push adapter (${testProvider})`, () => {
  it("delivers the short form, encrypted for the browser and signed with the VAPID key", async () => {
    const customer = await newCustomer();
    const { browser, row } = await subscribed(customer);
    const job = jobFor(customer, {
      title: "Baisse de prix",
      text: "Vos bottes : 180 € ✨",
      url: "https://shop.test/p/1",
    });

    const result = await adapter.send(job);

    expect(result).toMatchObject({ ok: true });
    const message = service.received.find((m) => m.id === browser.id)!;
    expect(JSON.parse(message.payload)).toEqual({
      title: "Baisse de prix",
      body: "Vos bottes : 180 € ✨",
      url: "https://shop.test/p/1",
      tag: job.deliveryId,
      lang: "en",
    });
    expect(result.ok && result.providerId).toMatch(new RegExp(`^${service.url}/message/`));
    expect(message.vapidKey).toBe(vapid.publicKey);
    expect(message.claims).toMatchObject({ aud: service.url, sub: "mailto:ops@mesure.test" });
    expect(message.ttl).toBe(86_400);
    expect(message.urgency).toBe("normal");
    expect(message.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const [after] = await listPushSubscriptions(db, customer);
    expect(after!.id).toBe(row.id);
    expect(after!.lastUsedAt).toBeInstanceOf(Date);
  });

  it("reaches every subscription of the customer, and only theirs", async () => {
    const customer = await newCustomer();
    const other = await newCustomer();
    const phone = await subscribed(customer);
    const laptop = await subscribed(customer);
    const stranger = await subscribed(other);

    expect(await adapter.send(jobFor(customer))).toMatchObject({ ok: true });

    const ids = service.received.map((m) => m.id);
    expect(ids).toContain(phone.browser.id);
    expect(ids).toContain(laptop.browser.id);
    expect(ids).not.toContain(stranger.browser.id);
  });

  it("410 removes the subscription; when it was the only one the result is a permanent failure", async () => {
    const customer = await newCustomer();
    const { browser } = await subscribed(customer);
    expect(await pushReachable(customer)).toBe(true);
    service.answer(browser.id, { status: 410 });
    const changes: Change[] = [];
    const listen = (change: Change) => changes.push(change);
    localChanges.on("change", listen);

    const result = await adapter.send(jobFor(customer));

    localChanges.off("change", listen);
    expect(result).toMatchObject({ ok: false, transient: false });
    expect(!result.ok && result.error).toContain("410");
    expect(await listPushSubscriptions(db, customer)).toEqual([]);
    // Removed through the model: every process's snapshot learns of it.
    expect(changes).toContainEqual(expect.objectContaining({ scope: "customer", subjectId: customer.customerId }));
    expect(await pushReachable(customer)).toBe(false);
    // Nothing left to send to: the worker falls back to the next channel, not to a retry.
    expect(await adapter.send(jobFor(customer))).toMatchObject({ ok: false, transient: false });
  });

  it("one subscription gone and one alive: delivered, and only the gone one is removed", async () => {
    const customer = await newCustomer();
    const gone = await subscribed(customer);
    const alive = await subscribed(customer);
    service.answer(gone.browser.id, { status: 404 });

    const result = await adapter.send(jobFor(customer));

    expect(result).toMatchObject({ ok: true });
    expect(service.received.map((m) => m.id)).toContain(alive.browser.id);
    const left = await listPushSubscriptions(db, customer);
    expect(left.map((row) => row.id)).toEqual([alive.row.id]);
    expect(left[0]!.lastUsedAt).toBeInstanceOf(Date);
    expect(await pushReachable(customer)).toBe(true);
  });

  it("500, 429 and no answer are transient and keep the subscription", async () => {
    const customer = await newCustomer();
    const { browser } = await subscribed(customer);

    service.answer(browser.id, { status: 500 });
    const failed = await adapter.send(jobFor(customer));
    expect(failed).toMatchObject({ ok: false, transient: true });
    expect(!failed.ok && failed.error).toContain("500");

    service.answer(browser.id, { status: 429, headers: { "Retry-After": "7" } });
    expect(await adapter.send(jobFor(customer))).toMatchObject({ ok: false, transient: true, retryAfterMs: 7000 });

    service.answer(browser.id, { status: 201, delayMs: 1500 });
    const slow = await adapter.send(jobFor(customer));
    expect(slow).toMatchObject({ ok: false, transient: true });
    expect(!slow.ok && slow.error).toContain("no answer in 500 ms");

    expect(await listPushSubscriptions(db, customer)).toHaveLength(1);
  });

  it("one gone and one failing for now: transient, so the worker tries again", async () => {
    const customer = await newCustomer();
    const gone = await subscribed(customer);
    const busy = await subscribed(customer);
    service.answer(gone.browser.id, { status: 410 });
    service.answer(busy.browser.id, { status: 503 });

    expect(await adapter.send(jobFor(customer))).toMatchObject({ ok: false, transient: true });
    expect((await listPushSubscriptions(db, customer)).map((row) => row.endpoint)).toEqual([
      busy.browser.json.endpoint,
    ]);
  });

  it("a push service that cannot be reached is transient", async () => {
    const customer = await newCustomer();
    const browser = newBrowserSubscription("http://127.0.0.1:9");
    await savePushSubscription(db, customer, browser.json);
    expect(await adapter.send(jobFor(customer))).toMatchObject({ ok: false, transient: true });
  });

  it("shortens a text too long for one push message, which still decrypts", async () => {
    const customer = await newCustomer();
    const { browser } = await subscribed(customer);
    const long = "é".repeat(5000);

    expect(await adapter.send(jobFor(customer, { title: "Long", text: long, url: null }))).toMatchObject({ ok: true });

    const body = (JSON.parse(service.received.find((m) => m.id === browser.id)!.payload) as { body: string }).body;
    expect(body.endsWith("…")).toBe(true);
    expect(long.startsWith(body.slice(0, -1))).toBe(true);
    expect(body.length).toBeGreaterThan(1000);
  });
});

describe(`push subscriptions (${testProvider})`, () => {
  it("makes the customer reachable by push, and removal (scoped to the owner) undoes it", async () => {
    const customer = await newCustomer();
    const other = await newCustomer();
    expect(await pushReachable(customer)).toBe(false);
    const { browser, row } = await subscribed(customer);
    expect(row).toMatchObject({ created: true, moved: false, userAgent: "Mozilla/5.0 Firefox/128.0" });
    expect(await pushReachable(customer)).toBe(true);

    expect(await removePushSubscription(db, other, { id: row.id })).toBe(false);
    expect(await removePushSubscription(db, { ...customer, brandId: "another-brand" }, { id: row.id })).toBe(false);
    expect(await pushReachable(customer)).toBe(true);
    expect(await removePushSubscription(db, customer, { endpoint: browser.json.endpoint })).toBe(true);
    expect(await pushReachable(customer)).toBe(false);
  });

  it("saving the same endpoint again refreshes it; another customer's save moves it to them", async () => {
    const first = await newCustomer();
    const second = await newCustomer();
    const { browser, row } = await subscribed(first);
    const again = await savePushSubscription(db, first, browser.json);
    expect(again).toMatchObject({ id: row.id, created: false, moved: false });

    const moved = await savePushSubscription(db, second, browser.json, { userAgent: "Chrome" });
    expect(moved).toMatchObject({ id: row.id, created: false, moved: true, userAgent: "Chrome" });
    expect(await listPushSubscriptions(db, first)).toEqual([]);
    expect(await pushReachable(first)).toBe(false);
    expect(await pushReachable(second)).toBe(true);
  });

  it("keeps at most MAX_PUSH_SUBSCRIPTIONS per customer, forgetting the least recently used", async () => {
    const customer = await newCustomer();
    const first = await subscribed(customer);
    const second = await subscribed(customer);
    // The first one just took a message: the second is now the least recently used.
    expect(await adapter.send(jobFor(customer))).toMatchObject({ ok: true });
    await db.pushSubscription.update({ where: { id: second.row.id }, data: { lastUsedAt: new Date(0) } });
    for (let i = 2; i < MAX_PUSH_SUBSCRIPTIONS + 1; i++) await subscribed(customer);

    const kept = (await listPushSubscriptions(db, customer)).map((row) => row.id);
    expect(kept).toHaveLength(MAX_PUSH_SUBSCRIPTIONS);
    expect(kept).toContain(first.row.id);
    expect(kept).not.toContain(second.row.id);
  });

  it("names devices from their User-Agent", () => {
    const names = {
      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0": ["Firefox", "Linux"],
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36":
        ["Chrome", "Android"],
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1":
        ["Safari", "iOS"],
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0":
        ["Edge", "Windows"],
      "": [null, null],
    };
    for (const [userAgent, [browser, system]] of Object.entries(names)) {
      expect(describeUserAgent(userAgent)).toEqual({ browser, system });
    }
  });

  it("accepts only what a browser sends", () => {
    const good = newBrowserSubscription("https://push.example").json;
    const fails = (input: unknown) => {
      const parsed = PushSubscriptionInput.safeParse(input);
      return parsed.success ? null : parsed.error.issues[0]!.path.join(".");
    };
    expect(fails(good)).toBeNull();
    expect(fails({ ...good, endpoint: "http://127.0.0.1:8080/push/x" })).toBeNull();
    expect(fails({ ...good, endpoint: "http://localhost/push/x" })).toBeNull();
    expect(fails({ ...good, endpoint: "http://push.example/x" })).toBe("endpoint");
    expect(fails({ ...good, endpoint: "ftp://push.example/x" })).toBe("endpoint");
    expect(fails({ ...good, endpoint: "not a url" })).toBe("endpoint");
    expect(fails({ ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 40) } })).toBe("keys.p256dh");
    // 65 bytes, but not a point on the curve.
    expect(fails({ ...good, keys: { ...good.keys, p256dh: Buffer.alloc(65, 4).toString("base64url") } })).toBe(
      "keys.p256dh",
    );
    expect(fails({ ...good, keys: { ...good.keys, auth: Buffer.alloc(15).toString("base64url") } })).toBe("keys.auth");
    expect(fails({ ...good, keys: { ...good.keys, auth: "not base64!" } })).toBe("keys.auth");
    expect(fails({ endpoint: good.endpoint })).toBe("keys");
  });

  it("refuses a push service on a private or loopback address unless the operator allows them", () => {
    const good = newBrowserSubscription("https://push.example").json;
    const message = (endpoint: string) =>
      PushSubscriptionInput.safeParse({ ...good, endpoint }).error?.issues[0]?.message;
    allowPrivateAddresses(false);
    try {
      expect(message("https://10.0.0.8/push/x")).toBe("must not be a private or loopback address");
      expect(message("https://169.254.169.254/latest")).toBe("must not be a private or loopback address");
      expect(message("http://127.0.0.1:8080/push/x")).toBe("must not be a private or loopback address");
      expect(message("https://push.example/x")).toBeUndefined();
    } finally {
      allowPrivateAddresses(true);
    }
  });
});

describe("VAPID keys", () => {
  it("are made once into DATA_DIR/vapid.json, readable by the owner only, and kept", () => {
    const dir = fs.mkdtempSync(path.join(database.dir, "vapid-"));
    const first = resolveVapidKeys({}, dir);
    expect(first.subject).toBe("mailto:no-reply@mesure.localhost");
    expect(first.publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
    expect(first.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(path.join(dir, "vapid.json")).mode & 0o777).toBe(0o600);
    expect(resolveVapidKeys({ subject: "https://shop.test/contact" }, dir)).toEqual({
      ...first,
      subject: "https://shop.test/contact",
    });
  });

  it("prefer configured keys, and refuse a public key that is not the private key's", () => {
    const dir = fs.mkdtempSync(path.join(database.dir, "vapid-"));
    const pair = generateVapidKeys();
    expect(resolveVapidKeys(pair, dir)).toEqual({ ...pair, subject: "mailto:no-reply@mesure.localhost" });
    expect(fs.existsSync(path.join(dir, "vapid.json"))).toBe(false);
    const stranger = generateVapidKeys();
    expect(() => resolveVapidKeys({ publicKey: stranger.publicKey, privateKey: pair.privateKey }, dir)).toThrow(
      /VAPID_PUBLIC_KEY/,
    );
  });

  it("`mesure vapid-keys` prints a fresh pair as environment lines", () => {
    const lines: string[] = [];
    vapidKeysCommand([], (line) => lines.push(line));
    expect(lines).toHaveLength(2);
    const [publicKey, privateKey] = [lines[0]!.split("=")[1]!, lines[1]!.split("=")[1]!];
    expect(lines[0]).toMatch(/^VAPID_PUBLIC_KEY=B[A-Za-z0-9_-]{86}$/);
    expect(lines[1]).toMatch(/^VAPID_PRIVATE_KEY=[A-Za-z0-9_-]{43}$/);
    expect(vapidPairMatches({ publicKey, privateKey })).toBe(true);
    const again: string[] = [];
    vapidKeysCommand([], (line) => again.push(line));
    expect(again).not.toEqual(lines);
    expect(() => vapidKeysCommand(["--force"], () => {})).toThrow(/--force/);
  });

  it("refuse a damaged key file rather than replacing it", () => {
    const dir = fs.mkdtempSync(path.join(database.dir, "vapid-"));
    fs.writeFileSync(path.join(dir, "vapid.json"), '{"publicKey":"x"}');
    expect(() => resolveVapidKeys({}, dir)).toThrow(/does not hold a VAPID key pair/);
  });
});
