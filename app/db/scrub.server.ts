// Deleting a row in SQLite only marks its space free: the bytes stay in the file (and in the
// write-ahead log) until reused, readable by anyone with a copy. Around an erasure, SQLite is
// told to overwrite what it frees and to fold the log back into the file, so the erased person
// cannot be read back from either. PostgreSQL's dead tuples are vacuumed away on their own.
import { providerOf, type Db } from "./client.server";

/** Call before the deleting transaction: freed space is overwritten with zeros from then on. */
export async function overwriteOnDelete(db: Db): Promise<void> {
  // Per connection, and the SQLite adapter keeps one: setting it again costs nothing.
  if (providerOf(db) === "sqlite") await db.$queryRawUnsafe("PRAGMA secure_delete = ON");
}

/** Call after it: copies the log into the file and empties it (old page images included). */
export async function foldWriteAheadLog(db: Db): Promise<void> {
  if (providerOf(db) === "sqlite") await db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
}
