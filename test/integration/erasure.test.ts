// Erasure over real HTTP, a real database and a real SMTP server: a customer with everything a
// person can leave behind (contact points, name, choices, messages sent by email and in-app,
// failures quoting their address, a push subscription, a linked browser with a cookie choice,
// idempotency records, a portal session) is erased, and then a scan of every column of every
// table finds none of their email, phone, name or external id, while it still finds another
// customer's. The address stays suppressed for a later import; the grace period holds and can
// be cancelled; another brand sees nothing; bad input is refused and changes nothing.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transact } from "~/db/changes.server";
import { appendConsentEvent } from "~/models/consent.server";
import { createPortalSession } from "~/models/portal-session.server";
import { addAlertFilter, setChannelSettings } from "~/models/preferences.server";
import { createTopic } from "~/models/topic.server";
import { verifyConsentChain } from "~/privacy/consent-ledger.server";
import { PrivacyJobs } from "~/privacy/jobs.server";
import { startApi, type ApiFixture } from "../support/api";
import { testProvider } from "../support/database";
import { scanDatabase } from "../support/database-scan";
import { startSmtpSink, type SmtpSink } from "../support/smtp";
import { createShop, eventually, type Shop } from "../support/shop";

let api: ApiFixture;
let smtp: SmtpSink;
let shop: Shop;

const zephyrine = {
  externalId: "cust-7731",
  email: "zephyrine.q@example.net",
  phone: "+33698765432",
  name: "Zéphyrine Quillebeuf",
};
const barnabe = {
  externalId: "cust-8842",
  email: "barnabe.k@example.net",
  phone: "+33655554444",
  name: "Barnabé Kervella",
};
/** What must be gone: the phone also without its "+", and the surname alone. */
const needles = (person: typeof zephyrine) => [
  person.email,
  person.phone.slice(1),
  person.name,
  person.name.split(" ")[1]!,
  person.externalId,
];

beforeAll(async () => {
  smtp = await startSmtpSink();
  api = await startApi({ SMTP_URL: smtp.url, WORKER_CONCURRENCY: "2" });
  shop = await createShop(api.db);
});
afterAll(async () => {
  await api?.stop();
  await smtp?.stop();
});

const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  api.call(method, path, body, { key: shop.key, headers });

const settled = (id: string) =>
  eventually(
    async () => {
      const view = (await call("GET", `/api/v1/messages/${id}`)).body;
      return view.status === "sent" ? view : undefined;
    },
    20_000,
    `message ${id} to be sent`,
  );

/** A customer with every kind of row a person can leave behind. */
async function fillCustomer(person: typeof zephyrine) {
  const { db } = api;
  const made = await shop.customer(person.externalId, {
    email: person.email,
    phone: person.phone,
    subscribe: [
      ["news", "email"],
      ["news", "in_app"],
    ],
  });
  const owner = { brandId: shop.brandId, customerId: made.id };
  await db.customer.update({
    where: { id: made.id },
    data: { name: person.name, fieldSources: '{"name":"portal","email":"api"}' },
  });
  const restock = await createTopic(db, shop.brandId, {
    key: "restock",
    nameFr: "Retour en stock",
    nameEn: "Back in stock",
    kind: "alert",
    channels: ["email"],
    filterFields: [{ key: "size", type: "set", labelFr: "Taille", labelEn: "Size", options: ["S", "M", "L"] }],
  });
  await addAlertFilter(
    db,
    owner,
    { topic: restock, label: `Pour ${person.name}`, criteria: { size: { in: ["M"] } }, channel: "email" },
    { source: "test" },
  );
  await setChannelSettings(db, owner, "sms", { enabled: false, dailyCap: 1 }, { source: "test" });

  // Messages through the API, delivered by the server's worker: by email and in the inbox.
  const email = await call(
    "POST",
    "/api/v1/messages",
    {
      customer: person.externalId,
      topic: "news",
      channel: "email",
      attributes: { recipient: person.name },
      content: {
        email: { subject: `Bonjour ${person.name}`, text: `Nous écrivons à ${person.email} au sujet des nouveautés.` },
      },
    },
    { "Idempotency-Key": `welcome-${person.email}` },
  );
  expect(email.status).toBe(202);
  const inbox = await call("POST", "/api/v1/messages", {
    customer: person.externalId,
    topic: "news",
    channel: "in_app",
    content: { inApp: { title: `${person.name}, une nouveauté`, text: `Pour ${person.email}` } },
  });
  expect(inbox.status).toBe(202);
  await settled(email.body.id);
  await settled(inbox.body.id);
  await smtp.waitFor((mail) => mail.to.includes(person.email));

  // What the worker writes when a provider refuses an address: it quotes it.
  const topic = shop.topics.news;
  const failed = await db.message.create({
    data: {
      ...owner,
      topicId: topic.id,
      channels: '["sms"]',
      content: JSON.stringify({ sms: { text: `Code pour ${person.name}` } }),
      status: "failed",
      events: { create: [{ status: "failed", channel: "sms", detail: `21211: invalid 'To' number ${person.phone}` }] },
    },
    select: { id: true },
  });
  await db.delivery.create({
    data: {
      ...owner,
      messageId: failed.id,
      topicKey: "news",
      channel: "sms",
      priority: "normal",
      status: "failed",
      error: `The 'To' number ${person.phone} is not a valid phone number.`,
    },
  });
  await db.pushSubscription.create({
    data: {
      ...owner,
      endpoint: `https://push.example.net/send/${person.externalId}`,
      p256dh: "BPk".padEnd(87, "x"),
      auth: "auth-secret",
      userAgent: `Firefox — ordinateur de ${person.name}`,
    },
  });
  // A browser linked to them, with a cookie choice (as the banner and the link endpoint record them).
  // Random, as the banner makes them: the ledger keeps it, and it names nobody.
  const visitorId = crypto.randomBytes(16).toString("base64url");
  await db.visitorLink.create({ data: { ...owner, visitorId } });
  await transact(db, async (tx) => {
    await appendConsentEvent(tx, {
      ...owner,
      visitorId,
      kind: "cookies",
      subject: "cookies",
      before: null,
      after: { categories: { necessary: true, analytics: false }, method: "custom", gpc: false },
      source: "banner",
      shownTextHash: "a".repeat(64),
    });
  });
  await createPortalSession(db, { ...owner, via: "link" });
  return made;
}

describe(`erasure (${testProvider})`, () => {
  let customerId: string;

  it("erases every trace of the person, while the same scan still finds someone else", async () => {
    const made = await fillCustomer(zephyrine);
    customerId = made.id;
    // A key of the brand's naming the person by their id alone (the answer stored under it does not).
    await api.db.idempotencyRecord.create({
      data: {
        brandId: shop.brandId,
        key: `order-${zephyrine.externalId}`,
        requestHash: "0".repeat(64),
        status: 202,
        body: '{"id":"m-1","status":"queued"}',
      },
    });
    await shop.customer(barnabe.externalId, { email: barnabe.email, phone: barnabe.phone });
    await api.db.customer.updateMany({ where: { externalId: barnabe.externalId }, data: { name: barnabe.name } });

    // The scan finds the person everywhere they are before the erasure: it can fail.
    const before = await scanDatabase(api.database, needles(zephyrine));
    for (const place of [
      `Customer.email: ${zephyrine.email}`,
      `Customer.name: ${zephyrine.name}`,
      `Customer.phone: ${zephyrine.phone.slice(1)}`,
      `Message.content: ${zephyrine.email}`,
      `Message.attributes: ${zephyrine.name}`,
      `MessageEvent.detail: ${zephyrine.phone.slice(1)}`,
      `Delivery.error: ${zephyrine.phone.slice(1)}`,
      `InboxItem.title: ${zephyrine.name}`,
      `IdempotencyRecord.key: ${zephyrine.email}`,
      `IdempotencyRecord.key: ${zephyrine.externalId}`,
      `AlertFilter.label: ${zephyrine.name}`,
      `PushSubscription.userAgent: ${zephyrine.name}`,
      `PushSubscription.endpoint: ${zephyrine.externalId}`,
    ]) {
      expect(before.hits).toContain(place);
    }

    const asked = await call("POST", `/api/v1/customers/${zephyrine.externalId}/erasure`);
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ via: "api", systems: [{ name: "Mesure" }] });
    // The brand has no connector: the server's jobs erase at once and the request completes.
    const done = await eventually(
      async () => {
        const view = await call("GET", `/api/v1/erasure-requests/${asked.body.id}`);
        return view.body.status === "completed" ? view.body : undefined;
      },
      15_000,
      "the erasure to complete",
    );
    expect(done.systems).toEqual([
      expect.objectContaining({ name: "Mesure", status: "acknowledged", acknowledgedAt: done.erasedAt }),
    ]);
    expect(Date.parse(done.deadlineAt) - Date.parse(done.requestedAt)).toBeGreaterThanOrEqual(28 * 86_400_000);

    const after = await scanDatabase(api.database, [...needles(zephyrine), ...needles(barnabe)]);
    expect(after.hits.filter((hit) => needles(zephyrine).some((needle) => hit.endsWith(`: ${needle}`)))).toEqual([]);
    // The other customer, scanned the same way at the same moment, is still there.
    expect(after.hits).toEqual(
      expect.arrayContaining([
        `Customer.email: ${barnabe.email}`,
        `Customer.phone: ${barnabe.phone.slice(1)}`,
        `Customer.name: ${barnabe.name}`,
      ]),
    );
    if (api.database.provider === "sqlite") {
      // Nor can the erased bytes be read back from the file or its write-ahead log, where SQLite
      // would otherwise leave deleted rows until their space is reused.
      const bytes = ["mesure.db", "mesure.db-wal"]
        .map((file) => path.join(api.database.dir, file))
        .filter((file) => fs.existsSync(file))
        .map((file) => fs.readFileSync(file).toString("latin1"))
        .join("");
      expect(bytes.includes(zephyrine.email)).toBe(false);
      expect(bytes.includes(zephyrine.name)).toBe(false);
      expect(bytes.includes(barnabe.email)).toBe(true);
    }
    // Every table was looked at, those the erasure must not touch included.
    const tables = new Set(after.columns.map((column) => column.split(".")[0]));
    for (const table of ["ConsentEvent", "IdempotencyRecord", "ErasureRequest", "ErasureDispatch", "ChangeLog"]) {
      expect(tables).toContain(table);
    }

    // What stays: a tombstone the consent ledger still points at, the ledger whole with one
    // more event proving the erasure, and two salted hashes on the suppression list.
    const tombstone = await api.db.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(tombstone).toMatchObject({
      externalId: `erased:${customerId}`,
      email: null,
      phone: null,
      name: null,
      fieldSources: "{}",
    });
    expect(tombstone.erasedAt).not.toBeNull();
    const events = await api.db.consentEvent.findMany({ where: { customerId }, orderBy: { seq: "asc" } });
    expect(events.at(-1)).toMatchObject({ kind: "erasure", subject: "customer", source: "erasure" });
    expect(JSON.parse(events.at(-1)!.after)).toEqual({ erased: true });
    expect(await verifyConsentChain(api.db, shop.brandId)).toMatchObject({ intact: true });
    expect(await api.db.visitorLink.count({ where: { customerId } })).toBe(0);
    expect(await api.db.portalSession.count({ where: { customerId } })).toBe(0);
    const suppressed = await api.db.suppression.findMany({ where: { brandId: shop.brandId, reason: "erased" } });
    expect(suppressed.map((row) => row.kind).sort()).toEqual(["email", "phone"]);
    // The old external id is unknown now.
    expect((await call("GET", `/api/v1/customers/${zephyrine.externalId}`)).status).toBe(404);
  });

  it("keeps the address suppressed when the brand imports the person again, and refuses a second erasure", async () => {
    const again = await call("PUT", "/api/v1/customers/cust-7731-bis", {
      email: zephyrine.email,
      phone: zephyrine.phone,
    });
    expect(again.status).toBe(201);
    for (const channel of ["email", "sms"]) {
      const decision = await call("POST", "/api/v1/decisions", { customer: "cust-7731-bis", topic: "orders", channel });
      expect(decision.status).toBe(200);
      expect(decision.body.verdict).toBe("deny");
      expect(decision.body.reasons).toContain("suppressed");
    }
    // The tombstone cannot be reached: not to erase again, nor to write contact data back into it.
    const tombstone = `/api/v1/customers/${encodeURIComponent(`erased:${customerId}`)}`;
    expect((await call("POST", `${tombstone}/erasure`)).status).toBe(404);
    expect((await call("PUT", tombstone, { email: "back@example.net" })).status).toBe(404);
    expect((await call("GET", tombstone)).status).toBe(404);
    expect((await api.db.customer.findUniqueOrThrow({ where: { id: customerId } })).email).toBeNull();
  });

  it("sweeps away a message that raced the erasure onto the tombstone", async () => {
    const jobs = new PrivacyJobs({ db: api.db, secret: api.env.MESURE_SECRET!, mailer: null });
    const person = await shop.customer("racer-1", { email: "racer.one@example.net" });
    const asked = await call("POST", "/api/v1/customers/racer-1/erasure");
    expect(asked.status).toBe(202);
    const erasedAt = await eventually(
      async () =>
        (await api.db.erasureRequest.findUniqueOrThrow({ where: { id: asked.body.id } })).erasedAt ?? undefined,
      15_000,
      "the erasure to run",
    );
    // What intake commits when it planned from a snapshot taken just before the erasure.
    const raced = () =>
      api.db.message.create({
        data: {
          brandId: shop.brandId,
          customerId: person.id,
          topicId: shop.topics.news.id,
          channels: '["email"]',
          content: JSON.stringify({ text: "Bonjour racer.one@example.net" }),
        },
        select: { id: true },
      });
    const late = await raced();
    // This runner, or the server's own, deletes it.
    await jobs.tick(new Date(erasedAt.getTime() + 5_000));
    expect(await api.db.message.findUnique({ where: { id: late.id } })).toBeNull();
    expect(await api.db.messageEvent.count({ where: { messageId: late.id } })).toBe(0);
  });

  it("waits out the grace period, can be cancelled until then, and not after", async () => {
    await api.db.brand.update({ where: { id: shop.brandId }, data: { erasureGraceDays: 14 } });
    const jobs = new PrivacyJobs({ db: api.db, secret: api.env.MESURE_SECRET!, mailer: null });
    try {
      const person = await shop.customer("grace-1", { email: "grace.one@example.net" });
      const first = await call("POST", "/api/v1/customers/grace-1/erasure", {});
      expect(first.status).toBe(202);
      expect(first.body.status).toBe("scheduled");
      const requestedAt = new Date(first.body.requestedAt);
      expect(Date.parse(first.body.executeAt) - requestedAt.getTime()).toBe(14 * 86_400_000);
      expect(first.body.systems[0]).toMatchObject({
        name: "Mesure",
        status: "waiting",
        nextAttemptAt: first.body.executeAt,
      });
      // Asking again while it is open gives the same request.
      const twice = await call("POST", "/api/v1/customers/grace-1/erasure");
      expect(twice.status).toBe(200);
      expect(twice.body.id).toBe(first.body.id);

      const days = (n: number) => new Date(requestedAt.getTime() + n * 86_400_000);
      expect((await jobs.tick(days(13))).erased).toBe(0);
      expect(await api.db.customer.findUniqueOrThrow({ where: { id: person.id } })).toMatchObject({
        email: "grace.one@example.net",
        erasedAt: null,
      });

      const cancelled = await call("DELETE", `/api/v1/erasure-requests/${first.body.id}`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: first.body.id, status: "cancelled" });
      expect(cancelled.body.cancelledAt).not.toBeNull();
      expect((await jobs.tick(days(15))).erased).toBe(0);
      expect((await api.db.customer.findUniqueOrThrow({ where: { id: person.id } })).email).toBe(
        "grace.one@example.net",
      );
      expect((await call("DELETE", `/api/v1/erasure-requests/${first.body.id}`)).status).toBe(409);

      // Asked again, and left to run: erased once the grace period is over, then not cancellable.
      const second = await call("POST", "/api/v1/customers/grace-1/erasure");
      expect(second.status).toBe(202);
      expect(second.body.id).not.toBe(first.body.id);
      const runAt = new Date(Date.parse(second.body.executeAt) + 1000);
      expect((await jobs.tick(new Date(runAt.getTime() - 2000))).erased).toBe(0);
      expect((await jobs.tick(runAt)).erased).toBe(1);
      expect(await api.db.customer.findUniqueOrThrow({ where: { id: person.id } })).toMatchObject({
        email: null,
        externalId: `erased:${person.id}`,
      });
      const late = await call("DELETE", `/api/v1/erasure-requests/${second.body.id}`);
      expect(late.status).toBe(409);
      expect(late.body.error).toMatchObject({ code: "not_cancellable", issues: [{ path: "status" }] });
      expect((await call("GET", `/api/v1/erasure-requests/${second.body.id}`)).body).toMatchObject({
        status: "completed",
        erasedAt: runAt.toISOString(),
      });
    } finally {
      await api.db.brand.update({ where: { id: shop.brandId }, data: { erasureGraceDays: 0 } });
    }
  });

  it("waits for a worker to finish sending the person's message before erasing", async () => {
    await api.db.brand.update({ where: { id: shop.brandId }, data: { erasureGraceDays: 1 } });
    const jobs = new PrivacyJobs({ db: api.db, secret: api.env.MESURE_SECRET!, mailer: null });
    try {
      const person = await shop.customer("busy-1", { email: "busy.one@example.net" });
      const asked = await call("POST", "/api/v1/customers/busy-1/erasure");
      const runAt = new Date(Date.parse(asked.body.executeAt) + 1_000);
      // A worker (in another process) holds one of their messages for a minute.
      await api.db.message.create({
        data: {
          brandId: shop.brandId,
          customerId: person.id,
          topicId: shop.topics.news.id,
          channels: '["email"]',
          content: JSON.stringify({ email: { subject: "Hello", text: "busy.one@example.net" } }),
          status: "sending",
          leaseOwner: "another-worker",
          leaseUntil: new Date(runAt.getTime() + 60_000),
        },
      });
      expect(await jobs.tick(runAt)).toMatchObject({ erased: 0, busy: 1 });
      expect((await api.db.customer.findUniqueOrThrow({ where: { id: person.id } })).email).toBe(
        "busy.one@example.net",
      );
      expect((await call("GET", `/api/v1/erasure-requests/${asked.body.id}`)).body.status).toBe("scheduled");
      // Tried again a few seconds later; once the lease is over, erased with the message.
      expect(await jobs.tick(new Date(runAt.getTime() + 6_000))).toMatchObject({ erased: 0, busy: 1 });
      expect(await jobs.tick(new Date(runAt.getTime() + 61_000))).toMatchObject({ erased: 1, busy: 0 });
      expect(await api.db.message.count({ where: { customerId: person.id } })).toBe(0);
      expect((await api.db.customer.findUniqueOrThrow({ where: { id: person.id } })).email).toBeNull();
    } finally {
      await api.db.brand.update({ where: { id: shop.brandId }, data: { erasureGraceDays: 0 } });
    }
  });

  it("keeps brands apart: another brand's key can neither see, cancel nor ask for this brand's erasures", async () => {
    await api.db.brand.update({ where: { id: shop.brandId }, data: { erasureGraceDays: 30 } });
    try {
      await shop.customer("tenant-1", { email: "tenant.one@example.net" });
      const asked = await call("POST", "/api/v1/customers/tenant-1/erasure");
      expect(asked.status).toBe(202);
      const other = { key: api.otherKey };
      const seen = await api.call("GET", `/api/v1/erasure-requests/${asked.body.id}`, undefined, other);
      expect(seen.status).toBe(404);
      const cancel = await api.call("DELETE", `/api/v1/erasure-requests/${asked.body.id}`, undefined, other);
      expect(cancel.status).toBe(404);
      const foreign = await api.call("POST", "/api/v1/customers/tenant-1/erasure", undefined, other);
      expect(foreign.status).toBe(404);
      expect((await call("GET", `/api/v1/erasure-requests/${asked.body.id}`)).body.status).toBe("scheduled");
      expect(await api.db.erasureRequest.count({ where: { brandId: { not: shop.brandId } } })).toBe(0);
      expect(
        (await api.call("GET", `/api/v1/erasure-requests/${asked.body.id}`, undefined, { key: null })).status,
      ).toBe(401);
      await call("DELETE", `/api/v1/erasure-requests/${asked.body.id}`);
    } finally {
      await api.db.brand.update({ where: { id: shop.brandId }, data: { erasureGraceDays: 0 } });
    }
  });

  it("refuses bad input with the field at fault, and changes nothing", async () => {
    await shop.customer("bad-1", { email: "bad.one@example.net" });
    const count = () => api.db.erasureRequest.count();
    const before = await count();
    const unknownField = await call("POST", "/api/v1/customers/bad-1/erasure", { reason: "because" });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.issues).toEqual([{ path: "reason", message: "is not a known field" }]);
    const notJson = await api.call("POST", "/api/v1/customers/bad-1/erasure", "please", {
      key: shop.key,
      headers: { "Content-Type": "text/plain" },
    });
    expect(notJson.status).toBe(415);
    const broken = await call("POST", "/api/v1/customers/bad-1/erasure", "{not json");
    expect(broken.status).toBe(400);
    const unknown = await call("POST", "/api/v1/customers/nobody-here/erasure");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.issues[0].path).toBe("externalId");
    expect((await call("POST", `/api/v1/customers/${"x".repeat(201)}/erasure`)).status).toBe(404);
    expect((await call("GET", "/api/v1/customers/bad-1/erasure")).status).toBe(405);
    expect((await call("GET", "/api/v1/erasure-requests/no-such-request")).status).toBe(404);
    expect((await call("DELETE", `/api/v1/erasure-requests/${"y".repeat(300)}`)).status).toBe(404);
    const wrongMethod = await call("POST", "/api/v1/erasure-requests/anything");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, DELETE");
    expect(await count()).toBe(before);
    expect((await api.db.customer.findFirstOrThrow({ where: { externalId: "bad-1" } })).email).toBe(
      "bad.one@example.net",
    );
  });

  it("describes the erasure endpoints in the OpenAPI document", async () => {
    const document = (await api.call("GET", "/api/v1/openapi.json", undefined, { key: null })).body;
    expect(document.paths["/api/v1/customers/{externalId}/erasure"].post.operationId).toBe("requestErasure");
    expect(Object.keys(document.paths["/api/v1/erasure-requests/{id}"]).sort()).toEqual(["delete", "get"]);
    expect(document.components.schemas.ErasureStatus.properties.systems.type).toBe("array");
  });
});
