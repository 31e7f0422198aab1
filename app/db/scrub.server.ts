// After an erasure, makes the erased rows unreadable in the SQLite file and its write-ahead log.
//
// Deleting or updating a row in SQLite frees its old cell but leaves the bytes where they were.
// Every connection zeroes what it frees (secure_delete, sqlite-adapter.server.ts), but that
// reaches neither the stale copies of cells a page keeps in its unused middle when SQLite
// rebuilds it (as cells move between pages), nor the old page images in the write-ahead log. So
// after an erasure the file is rebuilt from the live rows alone (VACUUM), then the log is folded
// back and emptied (wal_checkpoint(TRUNCATE)); what it costs is in bench/erasure-scrub.ts.
// PostgreSQL keeps its files to itself and vacuums dead tuples away on its own: nothing to do.
import { log } from "~/lib/log.server";
import { sqliteConnectionOf, type Db } from "./client.server";

/** Where a scrub starts: the whole of it, or (the rebuild done) emptying the log alone. */
export type ScrubStep = "rebuild" | "empty-log";

/** How long to wait for the shared connection to be out of a transaction (VACUUM cannot run inside one). */
const IDLE_WAIT_MS = 5_000;
/** Busy timeouts while scrubbing: these calls are synchronous, so the process waits with them. */
const REBUILD_BUSY_MS = 1_000;
const EMPTY_LOG_BUSY_MS = 200;

/**
 * Rebuilds the SQLite file from its live rows and empties the write-ahead log. Null once done
 * (at once on PostgreSQL); when another process held the file up (logged), the step to start
 * from next time.
 */
export async function scrubDeletedRows(db: Db, from: ScrubStep = "rebuild"): Promise<ScrubStep | null> {
  const connection = await sqliteConnectionOf(db);
  if (!connection) return null;
  // Prisma runs every transaction of the process on this one connection: wait for a moment when
  // none is open. From the check on, everything is synchronous, so none can begin meanwhile.
  const deadline = Date.now() + IDLE_WAIT_MS;
  while (connection.inTransaction) {
    if (Date.now() > deadline) return failed(from, "the connection stayed in a transaction");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const busyTimeout = Number(connection.pragma("busy_timeout", { simple: true }));
  try {
    if (from === "rebuild") {
      connection.pragma(`busy_timeout = ${REBUILD_BUSY_MS}`);
      try {
        connection.exec("VACUUM");
      } catch (error) {
        return failed("rebuild", (error as Error).message);
      }
    }
    // Not done while a reader in another process still uses older pages of the log.
    connection.pragma(`busy_timeout = ${EMPTY_LOG_BUSY_MS}`);
    try {
      const [result] = connection.pragma("wal_checkpoint(TRUNCATE)") as { busy: number | bigint }[];
      if (Number(result?.busy) !== 0) return failed("empty-log", "another process is reading the write-ahead log");
    } catch (error) {
      return failed("empty-log", (error as Error).message);
    }
    return null;
  } finally {
    connection.pragma(`busy_timeout = ${busyTimeout}`);
  }
}

function failed(step: ScrubStep, why: string): ScrubStep {
  log.error(`erased rows may still be readable in the SQLite file (${why}): trying again in the next round`);
  return step;
}
