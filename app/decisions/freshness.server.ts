// How a process learns that another one changed something it holds in memory. Every change
// writes a ChangeLog row in its own transaction (app/db/changes.server.ts); this reads the
// rows it has not seen yet:
// - SQLite: before a decision, a synchronous `PRAGMA data_version` on a read-only connection
//   of its own tells whether any other connection committed since the last look; only then are
//   the new rows read. It costs ≈ 10 µs, so under load it runs at most once per millisecond:
//   a decision may use a state one millisecond old, never older (committed decisions re-check
//   inside their transaction, so caps hold regardless).
// - PostgreSQL: a dedicated connection LISTENs; a trigger NOTIFYs at each commit. Between a
//   commit elsewhere and the notification (a few milliseconds) a decision may use the previous
//   state; committed decisions re-check inside their transaction, so caps still hold.
import Sqlite from "better-sqlite3";
import pg from "pg";
import type { Db } from "~/db/client.server";
import { processOrigin, type Change, type ChangeScope } from "~/db/changes.server";
import type { DatabaseTarget } from "~/db/database-url";
import { log } from "~/lib/log.server";

type Row = { id: number; brandId: string; scope: ChangeScope; subjectId: string; origin: string };

export interface Freshness {
  /** Applies changes committed elsewhere since the last call; cheap when there are none. */
  catchUp(): void;
  close(): Promise<void>;
}

export async function watchChanges(
  target: DatabaseTarget,
  db: Db,
  apply: (change: Change) => void,
  forgetEverything: () => void,
): Promise<Freshness> {
  const start = await db.changeLog.aggregate({ _max: { id: true } });
  let lastId = start._max.id ?? 0;
  const consume = (rows: Row[]) => {
    for (const row of rows) {
      lastId = Math.max(lastId, row.id);
      // This process announced its own changes to itself when they committed.
      if (row.origin !== processOrigin) apply({ brandId: row.brandId, scope: row.scope, subjectId: row.subjectId });
    }
  };

  if (target.provider === "sqlite") {
    const raw = new Sqlite(target.file, { readonly: true, fileMustExist: true, timeout: 10_000 });
    const newer = raw.prepare(
      `SELECT "id", "brandId", "scope", "subjectId", "origin" FROM "ChangeLog" WHERE "id" > ? ORDER BY "id"`,
    );
    // Prepared once: raw.pragma() would compile the statement again on every call (≈ 20 µs,
    // a tenth of a decision's cost).
    const dataVersion = raw.prepare("PRAGMA data_version").pluck();
    let version = dataVersion.get();
    let lookedAt = 0;
    return {
      catchUp() {
        const now = performance.now();
        if (now - lookedAt < 1) return;
        lookedAt = now;
        const current = dataVersion.get();
        if (current === version) return;
        version = current;
        consume(newer.all(lastId) as Row[]);
      },
      async close() {
        raw.close();
      },
    };
  }

  let client: pg.Client | null = null;
  let closed = false;
  let reading = Promise.resolve();
  const readNewer = () => {
    reading = reading
      .then(async () => {
        const rows = await db.changeLog.findMany({ where: { id: { gt: lastId } }, orderBy: { id: "asc" } });
        consume(rows as Row[]);
      })
      .catch((error: Error) => log.error(`reading changes: ${error.message}`));
  };
  const connect = async () => {
    const listener = new pg.Client({ connectionString: target.url });
    listener.on("notification", readNewer);
    listener.on("error", (error) => {
      log.error(`change listener lost its connection (${error.message}); reconnecting`);
      listener.end().catch(() => {});
      if (closed) return;
      // While disconnected we may miss notifications: drop every snapshot, then reconnect.
      forgetEverything();
      setTimeout(() => void connect().catch(() => {}), 1_000).unref();
    });
    await listener.connect();
    await listener.query("LISTEN mesure_changes");
    client = listener;
    readNewer();
  };
  await connect();
  return {
    catchUp() {},
    async close() {
      closed = true;
      await client?.end().catch(() => {});
      await reading;
    },
  };
}
