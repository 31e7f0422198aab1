// On SQLite, a transaction that reads before it writes must wait for another process's write,
// not fail: the web process, the worker and the CLI write to the same file. (Prisma's adapter
// begins deferred transactions, which SQLite refuses at once in that case; see
// app/db/sqlite-adapter.server.ts.)
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { createBrand } from "~/models/brand.server";
import { createTestDatabase, testProvider, type TestDatabase } from "../support/database";

// Another process writing in short transactions, back to back, until told to stop.
const WRITER = `
const Sqlite = require("better-sqlite3");
const db = new Sqlite(process.argv[1], { timeout: 10000 });
db.exec("CREATE TABLE IF NOT EXISTS writer_probe (n INTEGER)");
const pause = new Int32Array(new SharedArrayBuffer(4));
let n = 0;
process.stdout.write("ready\\n");
const stopAt = Date.now() + 20000;
while (Date.now() < stopAt) {
  db.exec("BEGIN IMMEDIATE");
  db.prepare("INSERT INTO writer_probe (n) VALUES (?)").run(n++);
  Atomics.wait(pause, 0, 0, 3); // holds the write lock a little while
  db.exec("COMMIT");
  Atomics.wait(pause, 0, 0, 1);
}
`;

describe.runIf(testProvider === "sqlite")("SQLite transactions", () => {
  let database: TestDatabase;
  let db: Db;
  let writer: ChildProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.open().db;
  });

  afterAll(async () => {
    writer?.kill();
    await database.drop();
  });

  it("that read before they write wait for another process's writes instead of failing", async () => {
    const file = database.url.replace(/^file:/, "");
    writer = spawn(process.execPath, ["-e", WRITER, file], {
      cwd: path.resolve(__dirname, "../.."),
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      writer!.stdout!.once("data", () => resolve());
      writer!.once("exit", (code) => reject(new Error(`the writer stopped (${code})`)));
    });
    // createBrand looks the slug up, then inserts: the read-then-write shape of most of our
    // transactions. Without immediate transactions about one in three of these failed here.
    const failures: string[] = [];
    for (let i = 0; i < 60; i += 1) {
      try {
        await createBrand(db, { slug: `brand-${i}`, name: `Brand ${i}` });
      } catch (error) {
        failures.push(error instanceof Error ? error.message.split("\n").at(-1)! : String(error));
      }
    }
    writer.kill();
    expect(failures).toEqual([]);
    expect(await db.brand.count({ where: { slug: { startsWith: "brand-" } } })).toBe(60);
  });
});
