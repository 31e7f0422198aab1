import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { databaseIsReachable } from "~/db/health.server";
import { openDatabase } from "~/db/client.server";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "~/models/api-key.server";
import { createBrand, getBrandBySlug, SlugTakenError, type Brand } from "~/models/brand.server";
import { consentEventHash, genesisHash } from "~/models/consent.server";
import { getCustomer, upsertCustomer } from "~/models/customer.server";
import {
  addAlertFilter,
  PreferenceRuleError,
  setChannelSettings,
  setGeneralSettings,
  setSubscription,
} from "~/models/preferences.server";
import { createTopic, getTopic, listTopics, TopicKeyTakenError, type Topic } from "~/models/topic.server";
import { createTestDatabase, testProvider, type TestDatabase } from "../support/database";

let database: TestDatabase;
let db: Db;
let acme: Brand;
let globex: Brand;
let news: Topic;
let receipts: Topic;
let drops: Topic;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.open().db;
  acme = await createBrand(db, { slug: "acme", name: "Acme" });
  globex = await createBrand(db, {
    slug: "globex",
    name: "Globex",
    locales: ["en"],
    defaultTimezone: "America/New_York",
  });
  news = await createTopic(db, acme.id, {
    key: "news",
    nameFr: "Nouvelles",
    nameEn: "News",
    kind: "marketing",
    channels: ["email", "sms"],
    defaultFrequency: "weekly",
  });
  receipts = await createTopic(db, acme.id, {
    key: "receipts",
    nameFr: "Reçus",
    nameEn: "Receipts",
    kind: "transactional",
    channels: ["email"],
  });
  drops = await createTopic(db, acme.id, {
    key: "drops",
    nameFr: "Baisses",
    nameEn: "Drops",
    kind: "alert",
    channels: ["email", "push"],
    filterFields: [{ key: "size", type: "set", labelFr: "Taille", labelEn: "Size", options: ["S", "M"] }],
  });
});
afterAll(() => database.drop());

describe(`brands and topics (${testProvider})`, () => {
  it("creates a brand with its channel defaults: SMS only 08:00–20:00, not on Sundays", async () => {
    const policies = await db.brandChannelPolicy.findMany({
      where: { brandId: acme.id },
      select: { channel: true, sendWindows: true },
    });
    expect(policies.map((policy) => policy.channel).sort()).toEqual(["email", "in_app", "push", "sms"]);
    expect(JSON.parse(policies.find((policy) => policy.channel === "sms")!.sendWindows)).toEqual([
      { days: [1, 2, 3, 4, 5, 6], start: "08:00", end: "20:00" },
    ]);
    expect(await getBrandBySlug(db, "globex")).toMatchObject({
      locales: ["en"],
      defaultTimezone: "America/New_York",
      embedOrigins: [],
    });
  });

  it("refuses a second brand with the same slug, and changes nothing", async () => {
    await expect(createBrand(db, { slug: "acme", name: "Other" })).rejects.toBeInstanceOf(SlugTakenError);
    expect(await db.brand.count({ where: { slug: "acme" } })).toBe(1);
  });

  it("scopes topics to their brand", async () => {
    expect((await listTopics(db, acme.id)).map((topic) => topic.key)).toEqual(["drops", "news", "receipts"]);
    expect(await listTopics(db, globex.id)).toEqual([]);
    expect(await getTopic(db, { brandId: globex.id, key: "news" })).toBeNull();
    // The same key is free in another brand.
    await createTopic(db, globex.id, { key: "news", nameFr: "N", nameEn: "N", kind: "marketing", channels: ["email"] });
    await expect(
      createTopic(db, acme.id, { key: "news", nameFr: "N", nameEn: "N", kind: "marketing", channels: ["email"] }),
    ).rejects.toBeInstanceOf(TopicKeyTakenError);
  });

  it("refuses topics that make no sense", async () => {
    await expect(
      createTopic(db, acme.id, {
        key: "x",
        nameFr: "X",
        nameEn: "X",
        kind: "transactional",
        channels: ["email"],
        defaultFrequency: "weekly",
      }),
    ).rejects.toThrow(/instant/);
    await expect(
      createTopic(db, acme.id, { key: "y", nameFr: "Y", nameEn: "Y", kind: "marketing", channels: [] }),
    ).rejects.toThrow(/at least one channel/);
    expect(await getTopic(db, { brandId: acme.id, key: "x" })).toBeNull();
  });
});

describe(`API keys (${testProvider})`, () => {
  it("authenticates an active key to its brand only, and never after revocation", async () => {
    const { key, record } = await createApiKey(db, { brandId: acme.id, name: "ci" });
    const stored = await db.apiKey.findUnique({ where: { id: record.id }, select: { hash: true, prefix: true } });
    expect(stored!.hash).not.toContain(key.slice(4));
    expect(key.startsWith(stored!.prefix)).toBe(true);

    expect(await authenticateApiKey(db, key)).toEqual({ keyId: record.id, brandId: acme.id });
    expect((await listApiKeys(db, acme.id)).find((k) => k.id === record.id)!.lastUsedAt).not.toBeNull();
    // Another brand cannot revoke it.
    expect(await revokeApiKey(db, { brandId: globex.id, idOrPrefix: record.id })).toBeNull();
    expect(await authenticateApiKey(db, key)).not.toBeNull();
    expect(await revokeApiKey(db, { brandId: acme.id, idOrPrefix: record.prefix })).toMatchObject({ id: record.id });
    expect(await authenticateApiKey(db, key)).toBeNull();
    expect(await authenticateApiKey(db, key.slice(0, -1) + (key.endsWith("A") ? "B" : "A"))).toBeNull();
  });
});

describe(`customers, preferences and the consent ledger (${testProvider})`, () => {
  it("creates then updates a customer by the brand's external id", async () => {
    const created = await upsertCustomer(db, acme.id, {
      externalId: "u-1",
      email: "Ada@Example.com",
      timezone: "Pacific/Auckland",
    });
    expect(created.email).toBe("ada@example.com");
    const updated = await upsertCustomer(db, acme.id, {
      externalId: "u-1",
      email: "ada@example.com",
      phone: "+64211234567",
      locale: "en",
    });
    expect(updated.id).toBe(created.id);
    expect(updated).toMatchObject({ phone: "+64211234567", locale: "en" });
    expect(await getCustomer(db, { brandId: globex.id, externalId: "u-1" })).toBeNull();
    await expect(upsertCustomer(db, acme.id, { externalId: "u-2", phone: "0612345678" })).rejects.toThrow(/E\.164/);
  });

  it("records every change with its consent event, and refuses what the topic does not allow", async () => {
    const customer = await upsertCustomer(db, acme.id, { externalId: "u-3", email: "u3@example.com" });
    const owner = { brandId: acme.id, customerId: customer.id };
    await setSubscription(db, owner, { topic: news, channel: "email", status: "subscribed" }, { source: "api" });
    await setSubscription(
      db,
      owner,
      { topic: news, channel: "email", status: "unsubscribed" },
      { source: "portal", policyVersion: "2" },
    );
    await expect(
      setSubscription(db, owner, { topic: receipts, channel: "email", status: "unsubscribed" }, { source: "portal" }),
    ).rejects.toBeInstanceOf(PreferenceRuleError);
    await expect(
      setSubscription(db, owner, { topic: news, channel: "push", status: "subscribed" }, { source: "portal" }),
    ).rejects.toThrow(/not offered on push/);
    await expect(
      addAlertFilter(
        db,
        owner,
        { topic: drops, criteria: { size: { in: ["XXL"] } }, channel: "email" },
        { source: "portal" },
      ),
    ).rejects.toThrow(/unknown values: XXL/);
    await addAlertFilter(
      db,
      owner,
      { topic: drops, criteria: { size: { in: ["M"] } }, channel: "push" },
      { source: "portal" },
    );
    await setChannelSettings(
      db,
      owner,
      "sms",
      { quietStart: "21:00", quietEnd: "08:00", dailyCap: 1 },
      { source: "portal" },
    );
    await expect(
      setChannelSettings(db, owner, "sms", { quietStart: "21:00", quietEnd: null }, { source: "portal" }),
    ).rejects.toThrow(/both a start and an end/);
    await setGeneralSettings(
      db,
      owner,
      { excludedTags: ["Bereavement", "bereavement"], pausedUntil: new Date("2030-01-01T00:00:00Z") },
      { source: "portal" },
    );

    const events = await db.consentEvent.findMany({
      where: { customerId: customer.id },
      orderBy: { seq: "asc" },
      select: { kind: true, subject: true, before: true, after: true, source: true, policyVersion: true },
    });
    expect(events.map((event) => `${event.kind} ${event.subject} ${event.source}`)).toEqual([
      "subscription news:email api",
      "subscription news:email portal",
      `alert drops:${(await db.alertFilter.findFirstOrThrow({ where: { customerId: customer.id }, select: { id: true } })).id} portal`,
      "channel sms portal",
      "preference general portal",
    ]);
    expect(JSON.parse(events[1]!.before)).toEqual({ status: "subscribed", frequency: "weekly" });
    expect(JSON.parse(events[1]!.after)).toEqual({ status: "unsubscribed", frequency: "weekly" });
    expect(events[1]!.policyVersion).toBe("2");
    expect(JSON.parse(events[4]!.after).excludedTags).toBe('["bereavement"]');
    const preference = await db.customerPreference.findUniqueOrThrow({
      where: { customerId: customer.id },
      select: { version: true },
    });
    expect(preference.version).toBeGreaterThanOrEqual(5);
  });

  it("chains a brand's consent events by hash, even when written concurrently", async () => {
    const customers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => upsertCustomer(db, globex.id, { externalId: `c-${i}` })),
    );
    const topic = (await getTopic(db, { brandId: globex.id, key: "news" }))!;
    await Promise.all(
      customers.flatMap((customer) =>
        (["subscribed", "unsubscribed", "subscribed"] as const).map((status) =>
          setSubscription(
            db,
            { brandId: globex.id, customerId: customer.id },
            { topic, channel: "email", status },
            { source: "api" },
          ),
        ),
      ),
    );
    const chain = await db.consentEvent.findMany({ where: { brandId: globex.id }, orderBy: { seq: "asc" } });
    expect(chain).toHaveLength(24);
    let previous = genesisHash(globex.id);
    chain.forEach((event, index) => {
      expect(event.seq).toBe(index + 1);
      expect(event.prevHash).toBe(previous);
      expect(consentEventHash(event)).toBe(event.hash);
      previous = event.hash;
    });
    const head = await db.consentChain.findUniqueOrThrow({ where: { brandId: globex.id } });
    expect(head).toMatchObject({ length: 24, headHash: previous });
  });

  it("refuses to alter or delete consent events, at the database level", async () => {
    const before = await db.consentEvent.count();
    expect(before).toBeGreaterThan(0);
    await expect(database.raw(`UPDATE "ConsentEvent" SET "source" = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(database.raw(`DELETE FROM "ConsentEvent"`)).rejects.toThrow(/append-only/);
    expect(await db.consentEvent.count()).toBe(before);
    expect(await db.consentEvent.count({ where: { source: "forged" } })).toBe(0);
  });
});

describe(`the outbox (${testProvider})`, () => {
  it("keeps an idempotency key unique per brand, not across brands", async () => {
    const a = await upsertCustomer(db, acme.id, { externalId: "out-1", email: "o@example.com" });
    const g = await upsertCustomer(db, globex.id, { externalId: "out-1", email: "o@example.com" });
    const gNews = (await getTopic(db, { brandId: globex.id, key: "news" }))!;
    const message = (brandId: string, customerId: string, topicId: string) => ({
      brandId,
      customerId,
      topicId,
      idempotencyKey: "order-42",
      channels: '["email"]',
      content: '{"subject":"Hi"}',
    });
    await db.message.create({ data: message(acme.id, a.id, news.id) });
    await expect(db.message.create({ data: message(acme.id, a.id, news.id) })).rejects.toMatchObject({ code: "P2002" });
    await db.message.create({ data: message(globex.id, g.id, gNews.id) });
    expect(await db.message.count({ where: { idempotencyKey: "order-42" } })).toBe(2);
  });
});

describe(`health (${testProvider})`, () => {
  it("says the database is reachable when it is, and not when it is not", async () => {
    expect(await databaseIsReachable(db)).toBe(true);
    const broken = openDatabase(
      testProvider === "postgresql"
        ? "postgresql://postgres@127.0.0.1:5432/mesure_no_such_database"
        : "file:/nonexistent-dir/mesure.db",
    );
    try {
      expect(await databaseIsReachable(broken.db, 3_000)).toBe(false);
    } finally {
      await broken.close().catch(() => {});
    }
  });
});
