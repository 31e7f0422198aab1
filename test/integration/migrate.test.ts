import { afterEach, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "~/db/database-url";
import {
  migrate,
  migratePostgres,
  migrateSqlite,
  migrationsFolder,
  readMigrations,
  type Migration,
} from "~/db/migrate.server";
import { createTestDatabase, testProvider, type TestDatabase } from "../support/database";

describe(`migrations (${testProvider})`, () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it("applies every migration to an empty database, then nothing the second time", async () => {
    database = await createTestDatabase({ migrate: false });
    const target = parseDatabaseUrl(database.url);
    const all = readMigrations(migrationsFolder(testProvider)).map((migration) => migration.name);
    expect(await migrate(target)).toEqual({ applied: all, alreadyApplied: 0 });
    expect(await migrate(target)).toEqual({ applied: [], alreadyApplied: all.length });
    const { db } = database.open();
    expect(await db.brand.count()).toBe(0);
  });

  it("applies each migration once when several processes start together", async () => {
    database = await createTestDatabase({ migrate: false });
    const target = parseDatabaseUrl(database.url);
    const reports = await Promise.all([migrate(target), migrate(target), migrate(target)]);
    const applied = reports.flatMap((report) => report.applied);
    expect(applied).toEqual(readMigrations(migrationsFolder(testProvider)).map((migration) => migration.name));
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    database = await createTestDatabase();
    await database.raw(`UPDATE "_mesure_migrations" SET "checksum" = 'edited'`);
    await expect(migrate(parseDatabaseUrl(database.url))).rejects.toThrow(/was changed after it was applied/);
  });

  it("refuses to run against a database migrated by a newer version", async () => {
    database = await createTestDatabase();
    await database.raw(
      `INSERT INTO "_mesure_migrations" ("name", "checksum", "appliedAt") VALUES ('99999999999999_future', 'x', '2030-01-01')`,
    );
    await expect(migrate(parseDatabaseUrl(database.url))).rejects.toThrow(/does not know/);
  });
});

/** Applies only `migrations`, as an older version of Mesure would have left the database. */
async function migrateOnly(url: string, migrations: Migration[]): Promise<void> {
  const target = parseDatabaseUrl(url);
  if (target.provider === "sqlite") migrateSqlite(target.file, migrations);
  else await migratePostgres(target.url, migrations);
}

describe(`migrating a database that holds data (${testProvider})`, () => {
  it("gives webhook events written before it the customer they name, so an erasure finds them", async () => {
    const all = readMigrations(migrationsFolder(testProvider));
    const at = all.findIndex((migration) => migration.name.endsWith("_webhook_delivery_customer"));
    expect(at).toBeGreaterThan(0);
    const database = await createTestDatabase({ migrate: false });
    try {
      const target = parseDatabaseUrl(database.url);
      await migrateOnly(database.url, all.slice(0, at));
      const payload = (customer: unknown) =>
        JSON.stringify({ type: "consent.changed", timestamp: "2026-12-01T00:00:00.000Z", data: { customer } }).replace(
          /'/g,
          "''",
        );
      const delivery = (id: string, brand: string, customer: unknown) =>
        `INSERT INTO "WebhookDelivery" ("id","brandId","endpointId","eventId","type","payload") ` +
        `VALUES ('${id}','${brand}','e-${brand}','evt-${id}','consent.changed','${payload(customer)}');`;
      await database.raw(
        `INSERT INTO "Brand" ("id","slug","name","updatedAt") VALUES ('b1','one','One',CURRENT_TIMESTAMP);` +
          `INSERT INTO "Brand" ("id","slug","name","updatedAt") VALUES ('b2','two','Two',CURRENT_TIMESTAMP);` +
          `INSERT INTO "Customer" ("id","brandId","externalId","updatedAt") VALUES ('c1','b1','u1',CURRENT_TIMESTAMP);` +
          `INSERT INTO "Customer" ("id","brandId","externalId","updatedAt") VALUES ('c2','b2','u1',CURRENT_TIMESTAMP);` +
          `INSERT INTO "Customer" ("id","brandId","externalId","erasedAt","updatedAt") VALUES ('c3','b1','gone',CURRENT_TIMESTAMP,CURRENT_TIMESTAMP);` +
          `INSERT INTO "WebhookEndpoint" ("id","brandId","url","events","secretCiphertext","updatedAt") VALUES ('e-b1','b1','https://one.example/h','[]','v1.x',CURRENT_TIMESTAMP);` +
          `INSERT INTO "WebhookEndpoint" ("id","brandId","url","events","secretCiphertext","updatedAt") VALUES ('e-b2','b2','https://two.example/h','[]','v1.x',CURRENT_TIMESTAMP);` +
          delivery("d1", "b1", { externalId: "u1" }) +
          delivery("d2", "b2", { externalId: "u1" }) +
          delivery("d3", "b1", { externalId: "gone" }) +
          delivery("d4", "b1", null) +
          delivery("d5", "b1", { externalId: "it's nobody" }),
      );
      await migrate(target);
      const { db } = database.open();
      const rows = await db.webhookDelivery.findMany({
        select: { id: true, customerId: true },
        orderBy: { id: "asc" },
      });
      // Each brand's own customer, by its external id; nobody for an erased one, none, or an unknown one.
      expect(rows).toEqual([
        { id: "d1", customerId: "c1" },
        { id: "d2", customerId: "c2" },
        { id: "d3", customerId: null },
        { id: "d4", customerId: null },
        { id: "d5", customerId: null },
      ]);
    } finally {
      await database.drop();
    }
  });

  it("keeps every row when later migrations run over the first one's tables", async () => {
    const { createBrand } = await import("~/models/brand.server");
    const { createTopic } = await import("~/models/topic.server");
    const { upsertCustomer } = await import("~/models/customer.server");
    const all = readMigrations(migrationsFolder(testProvider));
    const database = await createTestDatabase({ migrate: false });
    try {
      const target = parseDatabaseUrl(database.url);
      // Only the first migration, then data shaped by it, then the rest.
      await migrateOnly(database.url, all.slice(0, 1));
      await database.raw(
        `INSERT INTO "Brand" ("id","slug","name","updatedAt") VALUES ('b1','kept','Kept',CURRENT_TIMESTAMP);` +
          `INSERT INTO "ConsentChain" ("brandId","length","headHash") VALUES ('b1',0,'x');` +
          `INSERT INTO "Topic" ("id","brandId","key","nameFr","nameEn","kind","channels","updatedAt") VALUES ('t1','b1','news','N','N','marketing','["email"]',CURRENT_TIMESTAMP);` +
          `INSERT INTO "Customer" ("id","brandId","externalId","updatedAt") VALUES ('c1','b1','u1',CURRENT_TIMESTAMP);`,
      );
      const report = await migrate(target);
      expect(report.applied).toEqual(all.slice(1).map((migration) => migration.name));
      const { db } = database.open();
      expect(await db.brand.count()).toBe(1);
      expect(await db.topic.count()).toBe(1);
      expect(await db.customer.count()).toBe(1);
      // And the migrated database works with today's code.
      const brand = await createBrand(db, { slug: "after", name: "After" });
      await createTopic(db, brand.id, {
        key: "news",
        nameFr: "N",
        nameEn: "N",
        kind: "marketing",
        channels: ["email"],
      });
      await upsertCustomer(db, brand.id, { externalId: "u1" });
    } finally {
      await database.drop();
    }
  });
});
