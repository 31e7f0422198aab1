// The process's one Prisma client, for whichever database DATABASE_URL names.
//
// Both generated clients come from the same model (prisma/tools derives the PostgreSQL schema
// from the SQLite one), so the SQLite client's type describes either; code elsewhere imports
// `Db` and never knows which database it talks to.
import { PrismaPg } from "@prisma/adapter-pg";
import type { Database as SqliteConnection } from "better-sqlite3";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { parseDatabaseUrl, type DatabaseTarget } from "./database-url";
import { ImmediateTransactionsSQLite3 } from "./sqlite-adapter.server";

export type Db = SqliteClient;
export type { Prisma } from "./generated/sqlite/client";
/** An interactive transaction's client; the full client is one too, so read-only model
 * functions take a `Tx` and can be called inside or outside a transaction. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export type Database = { db: Db; target: DatabaseTarget; close(): Promise<void> };

/** Opens a client on a database URL. Most code wants `getDb()`; tests and tools open their own. */
export function openDatabase(url: string): Database {
  const target = parseDatabaseUrl(url);
  const db =
    target.provider === "sqlite"
      ? openSqlite(target.file)
      : (new PostgresClient({
          adapter: new PrismaPg({ connectionString: target.url, max: 10 }),
        }) as unknown as Db);
  providers.set(db, target.provider);
  return { db, target, close: () => db.$disconnect() };
}

const providers = new WeakMap<Db, DatabaseTarget["provider"]>();
const sqliteAdapters = new WeakMap<Db, ImmediateTransactionsSQLite3>();

function openSqlite(file: string): Db {
  // busy timeout: a second process (CLI, worker) writing at the same moment waits
  // instead of failing with SQLITE_BUSY (transactions too: see sqlite-adapter.server.ts).
  const adapter = new ImmediateTransactionsSQLite3({ url: file, timeout: 10_000 });
  const db = new SqliteClient({ adapter });
  sqliteAdapters.set(db, adapter);
  return db;
}

/** A SQLite client's one connection (opened first if need be), for the statements Prisma cannot run; null on PostgreSQL. */
export async function sqliteConnectionOf(db: Db): Promise<SqliteConnection | null> {
  const adapter = sqliteAdapters.get(db);
  if (!adapter) return null;
  if (!adapter.connection) await db.$connect();
  return adapter.connection;
}

/** Which database a client talks to, for the rare statement that only one of them has. */
export function providerOf(db: Db): DatabaseTarget["provider"] | undefined {
  return providers.get(db);
}

// Kept on globalThis so dev rebuilds (which re-evaluate this module) reuse one pool.
const holder = globalThis as typeof globalThis & { __mesureDatabase?: Database };

/** Opens the process-wide client; call once at start-up. */
export function connectDatabase(url: string): Database {
  holder.__mesureDatabase ??= openDatabase(url);
  return holder.__mesureDatabase;
}

export function getDatabase(): Database {
  if (!holder.__mesureDatabase) {
    throw new Error("The database is not connected yet: call connectDatabase() at start-up");
  }
  return holder.__mesureDatabase;
}

export function getDb(): Db {
  return getDatabase().db;
}

export async function disconnectDatabase(): Promise<void> {
  const current = holder.__mesureDatabase;
  holder.__mesureDatabase = undefined;
  await current?.close();
}
