// Inserting thousands of rows at once. Prisma's createMany costs about half a millisecond a row
// (its query compiler plans every value), many times what the database itself takes, and an
// import of 100,000 customers writes several hundred thousand rows; so bulk inserts are plain
// multi-row INSERT statements, still sent through Prisma, whose raw SQL binds each value the way
// the database at hand stores it (dates included), on SQLite and PostgreSQL alike. Table and
// column names come from this code only, never from input.
import crypto from "node:crypto";
import type { Tx } from "~/db/client.server";
import { Prisma } from "~/db/generated/sqlite/client";

/** Values bound per statement: below SQLite's 32,766 (and PostgreSQL's 65,535). */
const MAX_VALUES = 30_000;

export type SqlValue = string | number | Date | null;

/** `ignoreDuplicates`: a row whose key is already there is skipped (ON CONFLICT DO NOTHING, both databases). */
export async function insertRows(
  tx: Tx,
  table: string,
  columns: readonly string[],
  rows: readonly SqlValue[][],
  options: { ignoreDuplicates?: boolean } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const head = Prisma.raw(`INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES `);
  const tail = Prisma.raw(options.ignoreDuplicates ? " ON CONFLICT DO NOTHING" : "");
  const perStatement = Math.max(1, Math.floor(MAX_VALUES / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const tuples = rows.slice(start, start + perStatement).map((row) => Prisma.sql`(${Prisma.join(row)})`);
    await tx.$executeRaw`${head}${Prisma.join(tuples)}${tail}`;
  }
}

let counter = 0;

/**
 * An id shaped like the cuids Prisma makes (25 characters, "c", then time, a counter and
 * randomness), for rows inserted without Prisma making them.
 */
export function newId(): string {
  counter = (counter + 1) % 36 ** 4;
  const time = Date.now().toString(36).padStart(8, "0");
  const random = BigInt(`0x${crypto.randomBytes(8).toString("hex")}`)
    .toString(36)
    .padStart(12, "0")
    .slice(-12);
  return `c${time}${counter.toString(36).padStart(4, "0")}${random}`;
}
