// What it costs to leave no byte of an erased person in the SQLite file, and what each part buys.
// Two copies of one database, filled the same way (messages queued, leased and sent as the
// worker does, 1 to 2 KB each, quoting their customer's address), one by connections with
// secure_delete off (as before), one with it on (as every connection now has it):
// - the cost of secure_delete where it does cost: the fill (insert, two updates a message) and a
//   retention-style delete of a tenth of the messages;
// - the cost of an erasure (the transaction, app/privacy/erasure.server.ts) and of the scrub after
//   it (VACUUM, then wal_checkpoint(TRUNCATE), app/db/scrub.server.ts);
// - how many of the erased customers can still be read in the file's bytes at each step.
// `npm run bench:erasure-scrub -- [messages, default 50000]`
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, sqliteConnectionOf, type Db } from "~/db/client.server";
import { migrate } from "~/db/migrate.server";
import { createBrand } from "~/models/brand.server";
import { createTopic } from "~/models/topic.server";
import { scrubDeletedRows } from "~/db/scrub.server";
import { executeErasure, requestErasure } from "~/privacy/erasure.server";

const MESSAGES = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 50_000);
const CUSTOMERS = Math.max(100, Math.round(MESSAGES / 25));
const ERASED = 10;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesure-bench-scrub-"));

const ms = (start: number) => performance.now() - start;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const email = (i: number) => `bench.customer.${String(i).padStart(6, "0")}@example.org`;

async function setUp(secureDelete: boolean) {
  const file = path.join(dir, `${secureDelete ? "on" : "off"}-${crypto.randomUUID()}.db`);
  await migrate({ provider: "sqlite", file });
  const { db, close } = openDatabase(`file:${file}`);
  const connection = (await sqliteConnectionOf(db))!;
  connection.pragma(`secure_delete = ${secureDelete ? "ON" : "OFF"}`);
  const brand = await createBrand(db, { slug: "bench", name: "Bench" });
  const topic = await createTopic(db, brand.id, {
    key: "news",
    nameFr: "Nouveautés",
    nameEn: "News",
    kind: "marketing",
    channels: ["email"],
  });
  const addCustomer = connection.prepare(
    `INSERT INTO "Customer" ("id", "brandId", "externalId", "email", "updatedAt") VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)`,
  );
  connection.transaction(() => {
    for (let i = 0; i < CUSTOMERS; i++) addCustomer.run(`c${i}`, brand.id, `cust-${i}`, email(i));
  })();

  // The worker's life cycle, in the worker's batches: queued, leased (sending), sent.
  const insert = connection.prepare(
    `INSERT INTO "Message" ("id", "brandId", "customerId", "topicId", "channels", "content", "updatedAt")
     VALUES (?, ?, ?, ?, '["email"]', ?, CURRENT_TIMESTAMP)`,
  );
  const lease = connection.prepare(
    `UPDATE "Message" SET "status" = 'sending', "leaseOwner" = ?, "leaseUntil" = CURRENT_TIMESTAMP WHERE "id" = ?`,
  );
  const sent = connection.prepare(
    `UPDATE "Message" SET "status" = 'sent', "channel" = 'email', "leaseOwner" = NULL, "leaseUntil" = NULL WHERE "id" = ?`,
  );
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const started = performance.now();
  for (let done = 0; done < MESSAGES; done += 100) {
    const batch: string[] = [];
    connection.transaction(() => {
      for (let i = done; i < Math.min(MESSAGES, done + 100); i++) {
        const customer = Math.floor(random() * CUSTOMERS);
        const text = `Bonjour, nous écrivons à ${email(customer)}. `.repeat(20 + Math.floor(random() * 20));
        insert.run(`m${i}`, brand.id, `c${customer}`, topic.id, JSON.stringify({ email: { subject: "News", text } }));
        batch.push(`m${i}`);
      }
    })();
    connection.transaction(() => batch.forEach((id) => lease.run(`host:1234:${id}`, id)))();
    connection.transaction(() => batch.forEach((id) => sent.run(id)))();
  }
  const fillMs = ms(started);
  const pruneStarted = performance.now();
  connection.prepare(`DELETE FROM "Message" WHERE CAST(substr("id", 2) AS INTEGER) % 10 = 3`).run();
  const pruneMs = ms(pruneStarted);
  connection.pragma("wal_checkpoint(TRUNCATE)");
  return { db, close, file, fillMs, pruneMs, brandId: brand.id };
}

/** How many of the erased customers' addresses the file and its log still hold. */
function readable(file: string): number {
  const bytes = Buffer.concat(
    [file, `${file}-wal`].filter((name) => fs.existsSync(name)).map((name) => fs.readFileSync(name)),
  );
  let count = 0;
  for (let i = 0; i < ERASED; i++) if (bytes.includes(Buffer.from(email(i)))) count++;
  return count;
}

async function erase(db: Db, brandId: string) {
  const times: number[] = [];
  // The first one warms Prisma up and is not counted (nor looked for afterwards).
  for (let i = ERASED; i >= 0; i--) {
    const { status } = await requestErasure(db, { brandId, customerId: `c${i}`, via: "cli" });
    const started = performance.now();
    const outcome = await executeErasure(db, "k".repeat(64), status.id, new Date());
    if (i < ERASED) times.push(ms(started));
    if (outcome !== "erased") throw new Error(`erasure ${i}: ${outcome}`);
  }
  return times.reduce((sum, time) => sum + time, 0) / times.length;
}

const rows: string[][] = [];
// Each twice, taking turns, so that neither gains from going second (a warm disk cache).
for (const secureDelete of [false, true, false, true]) {
  const run = await setUp(secureDelete);
  const size = fs.statSync(run.file).size;
  const erasureMs = await erase(run.db, run.brandId);
  const connection = (await sqliteConnectionOf(run.db))!;
  connection.pragma("wal_checkpoint(TRUNCATE)");
  const afterErasure = readable(run.file);
  const scrubStarted = performance.now();
  if (await scrubDeletedRows(run.db)) throw new Error("the scrub did not complete");
  const scrubMs = ms(scrubStarted);
  const afterScrub = readable(run.file);
  rows.push([
    `secure_delete ${secureDelete ? "on" : "off"}`,
    `${(run.fillMs / 1000).toFixed(2)} s`,
    `${run.pruneMs.toFixed(0)} ms`,
    mb(size),
    `${erasureMs.toFixed(1)} ms`,
    `${afterErasure}/${ERASED}`,
    `${scrubMs.toFixed(0)} ms`,
    `${afterScrub}/${ERASED}`,
    mb(fs.statSync(run.file).size),
  ]);
  await run.close();
}

console.log(`${MESSAGES} messages of ${CUSTOMERS} customers; ${ERASED} erased, one at a time, then one scrub`);
const header = [
  "connections",
  "fill",
  "delete 1/10",
  "file",
  "erasure (mean)",
  "readable after",
  "scrub (VACUUM + checkpoint)",
  "readable after",
  "file after",
];
for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(i === 0 ? 18 : 14)).join(" "));
fs.rmSync(dir, { recursive: true, force: true });
