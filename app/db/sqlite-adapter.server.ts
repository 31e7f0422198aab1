// The SQLite driver adapter, with transactions that take the write lock when they begin, and a
// connection that overwrites what it frees.
//
// Prisma's better-sqlite3 adapter opens every transaction with a plain (deferred) `BEGIN`. Our
// transactions read first and write after (look the row up, then change it); in WAL mode a
// deferred transaction that has read cannot wait for the write lock: if another process (the
// worker, the CLI, a test) is writing at that moment, SQLite answers SQLITE_BUSY at once, without
// calling the busy handler, and Prisma reports "Operation has timed out". `BEGIN IMMEDIATE` takes
// the write lock up front, so the busy timeout applies and the transaction waits its turn.
// SQLite has one writer at a time anyway: taking the lock at the start costs nothing in
// concurrency.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { Database as SqliteConnection } from "better-sqlite3";

export class ImmediateTransactionsSQLite3 extends PrismaBetterSQLite3 {
  /** The adapter's one connection once Prisma has opened it, for what Prisma cannot run (scrub.server.ts). */
  connection: SqliteConnection | null = null;

  override async connect() {
    const adapter = await super.connect();
    // The adapter keeps its connection in a public field and begins with `prepare("BEGIN")`.
    const connection = (adapter as unknown as { client: SqliteConnection }).client;
    // secure_delete is per connection, and the old copy of a row is freed by whichever connection
    // updates or deletes it (the worker moving a message on, the CLI, an import), long before an
    // erasure: set on each from the start, freed cells and pages are zeroed instead of left in the
    // file. It costs little (bench/erasure-scrub.ts) and is not enough alone: see scrub.server.ts.
    connection.pragma("secure_delete = ON");
    const prepare = connection.prepare.bind(connection);
    connection.prepare = ((source: string) =>
      prepare(source === "BEGIN" ? "BEGIN IMMEDIATE" : source)) as SqliteConnection["prepare"];
    this.connection = connection;
    return adapter;
  }
}
