import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { DEMO_SLUG, seedDemo } from "~/db/demo-seed.server";
import { getBrandBySlug } from "~/models/brand.server";
import { listTopics } from "~/models/topic.server";
import { createTestDatabase, testProvider, type TestDatabase } from "../support/database";

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = database.open().db;
});
afterAll(() => database.drop());

describe(`the demo brand (${testProvider})`, () => {
  it("is seeded once, even when several processes seed at the same moment", async () => {
    const results = await Promise.all([seedDemo(db), seedDemo(db)]);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await seedDemo(db)).toEqual({ created: false });
    expect(await db.brand.count({ where: { slug: DEMO_SLUG } })).toBe(1);
  });

  it("is a fashion marketplace with the five topics the product is shown with", async () => {
    const brand = (await getBrandBySlug(db, DEMO_SLUG))!;
    const topics = Object.fromEntries((await listTopics(db, brand.id)).map((topic) => [topic.key, topic]));
    expect(Object.keys(topics).sort()).toEqual([
      "back-in-stock",
      "newsletter",
      "order-updates",
      "partner-offers",
      "price-drop",
    ]);
    expect(topics["newsletter"]).toMatchObject({ kind: "marketing", defaultFrequency: "weekly" });
    expect(topics["price-drop"]!.kind).toBe("alert");
    expect(topics["price-drop"]!.filterFields.map((field) => [field.key, field.type])).toEqual([
      ["designer", "set"],
      ["category", "set"],
      ["size", "set"],
      ["price", "range"],
    ]);
    expect(topics["back-in-stock"]!.kind).toBe("alert");
    expect(topics["order-updates"]!.kind).toBe("transactional");
    expect(topics["partner-offers"]).toMatchObject({ kind: "marketing", defaultOn: false });
  });

  it("has customers in several time zones, with varied settings, and a consent event for each choice", async () => {
    const brand = (await getBrandBySlug(db, DEMO_SLUG))!;
    const customers = await db.customer.findMany({
      where: { brandId: brand.id },
      select: { id: true, timezone: true, locale: true },
    });
    expect(customers.length).toBeGreaterThanOrEqual(5);
    expect(new Set(customers.map((customer) => customer.timezone))).toEqual(
      new Set(["Europe/Paris", "America/New_York", "Pacific/Auckland", "Asia/Tokyo"]),
    );
    expect(new Set(customers.map((customer) => customer.locale))).toEqual(new Set(["fr", "en"]));
    const preferences = await db.customerPreference.findMany({
      where: { brandId: brand.id },
      select: { pausedUntil: true, contextMode: true, excludedTags: true },
    });
    expect(preferences.some((preference) => preference.pausedUntil)).toBe(true);
    expect(new Set(preferences.map((preference) => preference.contextMode))).toEqual(
      new Set(["none", "looking", "browsing"]),
    );
    expect(preferences.some((preference) => preference.excludedTags !== "[]")).toBe(true);
    expect(await db.subscription.count({ where: { brandId: brand.id, status: "pending" } })).toBe(1);
    expect(await db.alertFilter.count({ where: { brandId: brand.id } })).toBe(3);
    const subscriptions = await db.subscription.count({ where: { brandId: brand.id } });
    expect(await db.consentEvent.count({ where: { brandId: brand.id, kind: "subscription" } })).toBeGreaterThanOrEqual(
      subscriptions,
    );
  });
});
