// A fresh database for one test file: a SQLite file in a temporary folder, or, with
// MESURE_TEST_DB=postgresql, a new PostgreSQL database (dropped afterwards) on the server named
// by TEST_POSTGRES_URL. Migrations are applied by the same runner as production.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "~/db/client.server";
import { parseDatabaseUrl } from "~/db/database-url";
import { migrate } from "~/db/migrate.server";

export const testProvider: "sqlite" | "postgresql" =
  process.env.MESURE_TEST_DB === "postgresql" ? "postgresql" : "sqlite";
const postgresAdminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export type TestDatabase = {
  url: string;
  provider: "sqlite" | "postgresql";
  /** A folder of its own for files the test writes (data dir, secrets). */
  dir: string;
  /** Runs SQL directly, bypassing Prisma (for checks the app must not be able to do). */
  raw(sql: string): Promise<void>;
  open(): Database;
  drop(): Promise<void>;
};

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesure-test-"));
  const opened: Database[] = [];
  let url: string;
  let dropDatabase: () => Promise<void>;
  let raw: (sql: string) => Promise<void>;

  if (testProvider === "postgresql") {
    const name = `mesure_test_${crypto.randomBytes(6).toString("hex")}`;
    await adminQuery(`CREATE DATABASE "${name}"`);
    const admin = new URL(postgresAdminUrl);
    admin.pathname = `/${name}`;
    url = admin.toString();
    raw = async (sql) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    dropDatabase = () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } else {
    url = `file:${path.join(dir, "mesure.db")}`;
    raw = async (sql) => {
      const { default: Sqlite } = await import("better-sqlite3");
      const db = new Sqlite(path.join(dir, "mesure.db"));
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    };
    dropDatabase = async () => {};
  }
  if (options.migrate !== false) await migrate(parseDatabaseUrl(url));

  return {
    url,
    provider: testProvider,
    dir,
    raw,
    open() {
      const database = openDatabase(url);
      opened.push(database);
      return database;
    },
    async drop() {
      await Promise.all(opened.map((database) => database.close()));
      await dropDatabase();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
