// The erased person cannot be read back from the database's files: after a real cycle (the
// built server as its own process, a customer made over the API, messages sent over SMTP by the
// server's worker and one still waiting for its digest, then an erasure over the API), the raw
// bytes of the SQLite file and of its write-ahead log hold none of the person's strings, while
// the server runs and after it has stopped. A scan of rows alone would miss what SQLite leaves in
// the file: old copies of updated rows, freed cells and pages, page images in the log.
// PostgreSQL keeps its files in the server's data directory, out of a client's reach: there the
// same cycle is checked by scanning every column (database-scan.ts), and the raw bytes are not.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteConnectionOf } from "~/db/client.server";
import { requestErasure } from "~/privacy/erasure.server";
import { PrivacyJobs } from "~/privacy/jobs.server";
import { startApi, type ApiFixture } from "../support/api";
import { createTestDatabase, testProvider } from "../support/database";
import { scanDatabase } from "../support/database-scan";
import { startSmtpSink, type SmtpSink } from "../support/smtp";
import { createShop, eventually, type Shop } from "../support/shop";

const person = {
  externalId: "ysq-ext-559713",
  email: "ysaline.querbouet@example.org",
  phone: "+33677889911",
  name: "Ysaline Quérbouët",
};
/** The person's strings as they would sit in the file (UTF-8): the phone also without its "+", the surname alone. */
const needles = [
  person.externalId,
  person.email,
  person.phone,
  person.phone.slice(1),
  person.name,
  person.name.split(" ")[1]!,
];
/** Someone who stays: found in the same bytes, so the search is shown to work. */
const bystander = { externalId: "byst-ext-220418", email: "bystander.kerlouan@example.org" };

let api: ApiFixture;
let smtp: SmtpSink;
let shop: Shop;

beforeAll(async () => {
  smtp = await startSmtpSink();
  api = await startApi({ SMTP_URL: smtp.url, WORKER_CONCURRENCY: "2" });
  // The brand, its topics and key (the brand's own data, nothing of the person's).
  shop = await createShop(api.db);
});
afterAll(async () => {
  await api?.stop();
  await smtp?.stop();
});

const call = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  api.call(method, url, body, { key: shop.key, headers });

/** The database's files as they are on disk now: the file, its write-ahead log, its shared index. */
function databaseFiles(dir = api.database.dir): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of fs.readdirSync(dir).filter((name) => name.startsWith("mesure.db"))) {
    files.set(name, fs.readFileSync(path.join(dir, name)));
  }
  return files;
}

/** "file: needle" for every needle found in the raw bytes. */
function found(files: Map<string, Buffer>, strings: string[]): string[] {
  const hits: string[] = [];
  for (const [name, bytes] of files) {
    for (const needle of strings) if (bytes.includes(Buffer.from(needle, "utf8"))) hits.push(`${name}: ${needle}`);
  }
  return hits;
}

const messageIn = (id: string, statuses: string[]) =>
  eventually(
    async () => {
      const view = (await call("GET", `/api/v1/messages/${id}`)).body;
      return statuses.includes(view.status) ? view : undefined;
    },
    20_000,
    `message ${id} to be ${statuses.join(" or ")}`,
  );

describe(`erasure leaves no byte of the person (${testProvider})`, () => {
  it("after a send-then-erase cycle, neither the file nor its log holds the person, running or stopped", async () => {
    // Everything about the person goes through the API, so only the server's connection writes it.
    const { externalId, ...contact } = person;
    expect((await call("PUT", `/api/v1/customers/${externalId}`, contact)).status).toBe(201);
    expect((await call("PUT", `/api/v1/customers/${bystander.externalId}`, { email: bystander.email })).status).toBe(
      201,
    );
    const subscribed = await call("PATCH", `/api/v1/customers/${person.externalId}/preferences`, {
      subscriptions: [
        { topic: "news", channel: "email", status: "subscribed" },
        { topic: "news", channel: "in_app", status: "subscribed" },
        { topic: "weekly", channel: "email", status: "subscribed" },
      ],
    });
    expect(subscribed.status).toBe(200);

    const send = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const answer = await call("POST", "/api/v1/messages", { customer: person.externalId, ...body }, headers);
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      return answer.body.id as string;
    };
    const hello = await send(
      {
        topic: "news",
        channel: "email",
        attributes: { recipient: person.name },
        content: {
          email: {
            subject: `Bonjour ${person.name}`,
            text: `Nous écrivons à ${person.email} ou au ${person.phone} (client ${person.externalId}).`,
          },
        },
      },
      { "Idempotency-Key": `welcome-${person.externalId}` },
    );
    // Longer than a page: its content spills onto overflow pages.
    const long = await send({
      topic: "news",
      channel: "email",
      content: {
        email: {
          subject: `Votre sélection, ${person.name}`,
          text: Array.from(
            { length: 60 },
            (_, i) => `Paragraphe ${i} pour ${person.name}, ${person.email}, ${person.phone}.`,
          ).join("\n\n"),
        },
      },
    });
    const inbox = await send({
      topic: "news",
      channel: "in_app",
      content: { inApp: { title: `${person.name}, une nouveauté`, text: `Pour ${person.email}` } },
    });
    // Weekly: it waits for the digest, so it is still queued when the erasure comes.
    const waiting = await send({
      topic: "weekly",
      channel: "email",
      content: { email: { subject: `La lettre de ${person.name}`, text: `Pour ${person.email}, ${person.phone}` } },
    });
    for (const id of [hello, long, inbox]) await messageIn(id, ["sent"]);
    await messageIn(waiting, ["digested", "queued", "deferred"]);
    await smtp.waitFor((mail) => mail.to.includes(person.email) && mail.subject.startsWith("Votre sélection"));
    expect(smtp.messages.filter((mail) => mail.to.includes(person.email))).toHaveLength(2);

    // Before the erasure the person is in the bytes, so the search below can fail.
    if (api.database.provider === "sqlite") {
      const before = found(databaseFiles(), needles).map((hit) => hit.split(": ")[1]);
      expect(new Set(before)).toEqual(new Set(needles));
    }

    const asked = await call("POST", `/api/v1/customers/${person.externalId}/erasure`);
    expect(asked.status).toBe(202);
    await eventually(
      async () => (await call("GET", `/api/v1/erasure-requests/${asked.body.id}`)).body.status === "completed",
      20_000,
      "the erasure to complete",
    );

    const scan = await scanDatabase(api.database, [...needles, bystander.email]);
    expect(scan.hits).toEqual([`Customer.email: ${bystander.email}`]);
    // PostgreSQL: the rows are all a client can see (its files are the server's); SQLite: the bytes.
    if (api.database.provider !== "sqlite") return;

    // While the server runs (its connection open, the log in use)...
    const running = databaseFiles();
    expect(found(running, needles)).toEqual([]);
    expect(found(running, [bystander.email])).not.toEqual([]);

    // ...and once it has stopped: closing folds what is left of the log into the file.
    expect(await api.server.stop()).toBe(0);
    const stopped = databaseFiles();
    expect(found(stopped, needles)).toEqual([]);
    expect(found(stopped, [bystander.email])).not.toEqual([]);
  });

  // Zeroing what is freed (secure_delete, on every connection) is not enough: when cells move
  // between pages, SQLite may rebuild a page and leave stale copies of its cells in the unused
  // middle, which no later delete reaches. A few thousand messages moved the way the worker moves
  // them show it: without the rebuild of the file after the erasure (VACUUM), some of the erased
  // people's addresses stay readable (2 of these 20 with this seed, 1 to 4 with each of 8 seeds
  // tried). Skipped on PostgreSQL: it is about SQLite's page layout.
  it.skipIf(testProvider !== "sqlite")(
    "leaves no stale copy from pages SQLite rebuilt while the worker moved messages on",
    async () => {
      const database = await createTestDatabase();
      const { db } = database.open();
      try {
        const churn = await createShop(db, "churn");
        const people: { id: string; email: string }[] = [];
        for (let i = 0; i < 40; i++) {
          const email = `churn.person.${String(i).padStart(3, "0")}@example.org`;
          people.push({ ...(await churn.customer(`churn-${i}`, { email })), email });
        }
        // Straight on the app's own connection (its pragmas), for speed: queued, leased, sent.
        const connection = (await sqliteConnectionOf(db))!;
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
        let seed = 7;
        const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
        const queued: string[] = [];
        for (let i = 0; i < 3000; i++) {
          const person = people[Math.floor(random() * people.length)]!;
          const text = `Bonjour, nous écrivons à ${person.email}. `.repeat(
            1 + Math.floor(random() * (random() < 0.1 ? 120 : 12)),
          );
          insert.run(`churn-${i}`, churn.brandId, person.id, churn.topics.news.id, JSON.stringify({ email: { text } }));
          queued.push(`churn-${i}`);
          if (queued.length > 5 + random() * 20) {
            const batch = queued.splice(0, Math.ceil(random() * queued.length));
            for (const id of batch) lease.run(`worker-${Math.floor(random() * 1e9).toString(36)}`, id);
            for (const id of batch) sent.run(id);
          }
        }

        const erased = people.slice(0, 20);
        for (const person of erased) {
          await requestErasure(db, { brandId: churn.brandId, customerId: person.id, via: "api" });
        }
        const jobs = new PrivacyJobs({ db, secret: "k".repeat(64), mailer: null });
        expect(await jobs.tick(new Date(Date.now() + 1_000))).toMatchObject({ erased: 20, completed: 20 });

        const files = databaseFiles(database.dir);
        const addresses = erased.map((person) => person.email);
        expect(found(files, addresses)).toEqual([]);
        expect(found(files, [people[39]!.email])).not.toEqual([]);
      } finally {
        await database.drop();
      }
    },
  );
});
