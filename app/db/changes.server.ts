// Changes that in-memory snapshots must learn of. A write records what it changed in the
// ChangeLog table inside its own transaction; after the commit, this process is told at once,
// and the others read the log (SQLite: when the file's data version moves; PostgreSQL: on the
// NOTIFY a trigger sends at commit). See app/decisions/snapshot.server.ts.
import crypto from "node:crypto";
import { EventEmitter } from "node:events";
import { providerOf, type Db, type Tx } from "./client.server";
import { awaitBegunSends, withdrawUnstartedSends } from "./in-flight.server";

/** customer: preferences or contact points; sends: a committed decision; brand: rules or topics. */
export type ChangeScope = "customer" | "sends" | "brand" | "api_key";
export type Change = { brandId: string; scope: ChangeScope; subjectId: string; origin?: string };

const holder = globalThis as typeof globalThis & { __mesureChanges?: EventEmitter; __mesureOrigin?: string };
/** This process's name in the change log, so it can skip the changes it made itself. */
export const processOrigin: string = (holder.__mesureOrigin ??= crypto.randomBytes(8).toString("hex"));
/** Emits "change" with a Change, after the transaction that made it has committed. */
export const localChanges: EventEmitter = (holder.__mesureChanges ??= new EventEmitter().setMaxListeners(50));

export type Recorder = (change: Change) => Promise<void>;

/**
 * Runs `work` in one transaction, recording the changes it declares; announces them after commit.
 * A change to a customer withdraws the sends not yet begun for them, and returns once those
 * begun before it have left (app/db/in-flight.server.ts); the worker, which is the one sending
 * them, does not wait for itself (`awaitBegunSends: false`).
 */
export async function transact<T>(
  db: Db,
  work: (tx: Tx, record: Recorder) => Promise<T>,
  options: { awaitBegunSends?: boolean } = {},
): Promise<T> {
  const changes: Change[] = [];
  const result = await db.$transaction(
    async (tx) => {
      const record: Recorder = async (change) => {
        if (changes.some((seen) => seen.scope === change.scope && seen.subjectId === change.subjectId)) return;
        changes.push({ ...change, origin: processOrigin });
      };
      const result = await work(tx, record);
      await withdrawUnstartedSends(tx, providerOf(db), changes, processOrigin);
      // One insert for all of them, still inside the transaction that made them.
      if (changes.length) await tx.changeLog.createMany({ data: changes });
      return result;
    },
    // Commits queue behind each other's locks; give them time rather than fail under load.
    { maxWait: 15_000, timeout: 15_000 },
  );
  for (const change of changes) localChanges.emit("change", change);
  if (options.awaitBegunSends !== false) await awaitBegunSends(db, changes);
  return result;
}
