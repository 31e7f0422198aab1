import { afterEach, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "~/db/database-url";
import { migrate, migrationsFolder, readMigrations } from "~/db/migrate.server";
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
