// Every row of every table of a test database, fingerprinted table by table with straight SQL, so
// a test can say "nothing changed" about a request that was refused, whichever table it might
// have touched.
import crypto from "node:crypto";
import path from "node:path";
import pg from "pg";
import type { TestDatabase } from "./database";

export type Snapshot = Record<string, string>;

function fingerprint(rows: unknown[]): string {
  // Rows in no particular order: sorted by their text, so only their contents count.
  const lines = rows.map((row) =>
    JSON.stringify(row, (_, value) => (typeof value === "bigint" ? String(value) : value)),
  );
  lines.sort();
  return `${rows.length}:${crypto.createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16)}`;
}

/** Each table's row count and a hash of its rows, leaving out `ignore` (tables reads touch). */
export async function snapshotDatabase(database: TestDatabase, ignore: string[] = []): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  if (database.provider === "sqlite") {
    const { default: Sqlite } = await import("better-sqlite3");
    const db = new Sqlite(path.join(database.dir, "mesure.db"), { readonly: true });
    try {
      const tables = db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
        .all() as { name: string }[];
      for (const { name } of tables) {
        if (!ignore.includes(name)) snapshot[name] = fingerprint(db.prepare(`SELECT * FROM "${name}"`).all());
      }
    } finally {
      db.close();
    }
    return snapshot;
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    for (const { table_name: name } of tables) {
      if (!ignore.includes(name)) snapshot[name] = fingerprint((await client.query(`SELECT * FROM "${name}"`)).rows);
    }
  } finally {
    await client.end();
  }
  return snapshot;
}

/** The tables whose rows differ between two snapshots. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((name) => before[name] !== after[name]);
}
