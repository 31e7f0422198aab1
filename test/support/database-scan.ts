// Searches every column of every table of a test database for strings, case-insensitively, the
// way an auditor would: straight SQL, not through the app, so nothing the app forgets to read
// can hide. SQLite: sqlite_master and table_info; PostgreSQL: information_schema.columns.
import path from "node:path";
import pg from "pg";
import type { TestDatabase } from "./database";

export type ScanResult = {
  /** "table.column: needle" for each column holding a needle. */
  hits: string[];
  /** Every column looked at, as "table.column", so a test can check none was skipped. */
  columns: string[];
};

/** Looks for each of `needles` in every column of every table. */
export async function scanDatabase(database: TestDatabase, needles: string[]): Promise<ScanResult> {
  const hits: string[] = [];
  const scanned: string[] = [];
  if (database.provider === "sqlite") {
    const { default: Sqlite } = await import("better-sqlite3");
    const db = new Sqlite(path.join(database.dir, "mesure.db"), { readonly: true });
    try {
      const tables = db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
        .all() as { name: string }[];
      for (const { name: table } of tables) {
        const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[];
        for (const { name: column } of columns) {
          scanned.push(`${table}.${column}`);
          for (const needle of needles) {
            // SQLite's lower() folds ASCII only: compare both the text as given and lowered.
            const row = db
              .prepare(
                `SELECT COUNT(*) AS n FROM "${table}" WHERE instr(lower(CAST("${column}" AS TEXT)), lower(?)) > 0
                   OR instr(CAST("${column}" AS TEXT), ?) > 0`,
              )
              .get(needle, needle) as { n: number };
            if (row.n > 0) hits.push(`${table}.${column}: ${needle}`);
          }
        }
      }
    } finally {
      db.close();
    }
    return { hits, columns: scanned };
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows: columns } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`,
    );
    for (const { table_name: table, column_name: column } of columns) {
      scanned.push(`${table}.${column}`);
      for (const needle of needles) {
        const { rows } = await client.query<{ n: string }>(
          `SELECT COUNT(*) AS n FROM "${table}" WHERE position(lower($1) in lower("${column}"::text)) > 0`,
          [needle],
        );
        if (Number(rows[0]!.n) > 0) hits.push(`${table}.${column}: ${needle}`);
      }
    }
  } finally {
    await client.end();
  }
  return { hits, columns: scanned };
}
