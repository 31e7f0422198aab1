// Applies the checked-in migrations (prisma/migrations for SQLite, prisma/postgresql/migrations
// for PostgreSQL) at start-up. Mesure runs them itself rather than through `prisma migrate
// deploy` because Prisma's PostgreSQL schema engine cannot run offline (prisma/orm#27403) and a
// start-up step should not depend on a CLI. Any number of processes may start together: on
// PostgreSQL they queue on an advisory lock, on SQLite on the write lock of BEGIN IMMEDIATE.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Sqlite from "better-sqlite3";
import pg from "pg";
import type { DatabaseTarget } from "./database-url";

export type Migration = { name: string; sql: string; checksum: string };
export type MigrationReport = { applied: string[]; alreadyApplied: number };

/** Any 64-bit number unique to Mesure's migrations, so the lock cannot clash with another app. */
const ADVISORY_LOCK_KEY = "4786213904512345";

export function migrationsFolder(provider: DatabaseTarget["provider"]): string {
  const relative = provider === "sqlite" ? "prisma/migrations" : "prisma/postgresql/migrations";
  // This module runs from app/db (tsx) or bundled into build/ (server): look upwards.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the ${relative} folder`);
    dir = parent;
  }
}

export function readMigrations(folder: string): Migration[] {
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(folder, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(folder, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

export async function migrate(target: DatabaseTarget): Promise<MigrationReport> {
  const migrations = readMigrations(migrationsFolder(target.provider));
  return target.provider === "sqlite"
    ? migrateSqlite(target.file, migrations)
    : migratePostgres(target.url, migrations);
}

function pending(migrations: Migration[], applied: Map<string, string>): Migration[] {
  for (const [name, checksum] of applied) {
    const local = migrations.find((migration) => migration.name === name);
    if (!local) {
      throw new Error(
        `The database has migration ${name}, which this version of Mesure does not know: is it older than the database?`,
      );
    }
    if (local.checksum !== checksum) {
      throw new Error(`Migration ${name} was changed after it was applied; write a new migration instead`);
    }
  }
  return migrations.filter((migration) => !applied.has(migration.name));
}

export function migrateSqlite(file: string, migrations: Migration[]): MigrationReport {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Sqlite(file, { timeout: 30_000 });
  try {
    // WAL is a property of the file, so setting it once here serves every later connection
    // (web, worker, CLI); without it concurrent writers crawl. NORMAL sync is safe in WAL.
    db.pragma("journal_mode = WAL");
    // A migration that rebuilds a table frees the old one's pages: zeroed, like every connection's
    // (sqlite-adapter.server.ts), so no copy of a customer's rows is left behind in them.
    db.pragma("secure_delete = ON");
    db.exec(`CREATE TABLE IF NOT EXISTS "_mesure_migrations" (
      "name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TEXT NOT NULL)`);
    const report: MigrationReport = { applied: [], alreadyApplied: 0 };
    // Prisma's SQLite migrations rebuild tables (create, copy, drop, rename). Dropping a table
    // with foreign keys on would run its ON DELETE CASCADE actions on every child row, and the
    // pragma has no effect inside a transaction: turn it off first, check the keys before
    // committing instead.
    db.pragma("foreign_keys = OFF");
    // IMMEDIATE takes the write lock now, so two processes starting together apply each
    // migration once: the second waits, then sees it applied.
    db.exec("BEGIN IMMEDIATE");
    try {
      const rows = db.prepare(`SELECT "name", "checksum" FROM "_mesure_migrations"`).all() as {
        name: string;
        checksum: string;
      }[];
      const applied = new Map(rows.map((row) => [row.name, row.checksum]));
      report.alreadyApplied = applied.size;
      const insert = db.prepare(`INSERT INTO "_mesure_migrations" VALUES (?, ?, ?)`);
      for (const migration of pending(migrations, applied)) {
        db.exec(migration.sql);
        insert.run(migration.name, migration.checksum, new Date().toISOString());
        report.applied.push(migration.name);
      }
      const broken = db.pragma("foreign_key_check") as { table: string }[];
      if (broken.length)
        throw new Error(`Migrations left ${broken.length} broken foreign key(s), in ${broken[0]!.table}`);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
    return report;
  } finally {
    db.close();
  }
}

export async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${ADVISORY_LOCK_KEY})`);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS "_mesure_migrations" (
        "name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ name: string; checksum: string }>(
        `SELECT "name", "checksum" FROM "_mesure_migrations"`,
      );
      const applied = new Map(rows.map((row) => [row.name, row.checksum]));
      const report: MigrationReport = { applied: [], alreadyApplied: applied.size };
      for (const migration of pending(migrations, applied)) {
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query(`INSERT INTO "_mesure_migrations" ("name", "checksum") VALUES ($1, $2)`, [
            migration.name,
            migration.checksum,
          ]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
        }
        report.applied.push(migration.name);
      }
      return report;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${ADVISORY_LOCK_KEY})`);
    }
  } finally {
    await client.end();
  }
}
