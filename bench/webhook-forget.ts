// What an erasure pays to find the webhook events that name the person, over a brand with many
// deliveries kept (30 days of them), on SQLite: by the indexed customer id written beside each
// payload (what Mesure does) against reading every payload with LIKE (the baseline: how it was
// done before that column), in the same run and database. Both answer the same rows.
// `npm run bench:webhook-forget -- [deliveries, default 200000]`
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { migrate } from "~/db/migrate.server";

const DELIVERIES = Number(process.argv[2] ?? 200_000);
const CUSTOMERS = 20_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesure-bench-forget-"));
const file = path.join(dir, "bench.db");
await migrate({ provider: "sqlite", file });
const db = new Sqlite(file);
db.pragma("journal_mode = WAL");
db.exec(
  `INSERT INTO "Brand" ("id","slug","name","updatedAt") VALUES ('b1','bench','Bench',CURRENT_TIMESTAMP);` +
    `INSERT INTO "WebhookEndpoint" ("id","brandId","url","events","secretCiphertext","updatedAt") ` +
    `VALUES ('e1','b1','https://crm.example/hooks','[]','v1.x',CURRENT_TIMESTAMP);`,
);

// consent.changed events as Mesure writes them, a tenth of a customer's events each.
const insert = db.prepare(
  `INSERT INTO "WebhookDelivery" ("id","brandId","endpointId","eventId","type","payload","customerId","status") ` +
    `VALUES (?, 'b1', 'e1', ?, 'consent.changed', ?, ?, 'delivered')`,
);
const at = new Date().toISOString();
db.transaction(() => {
  for (let i = 0; i < DELIVERIES; i++) {
    const customer = i % CUSTOMERS;
    const payload = JSON.stringify({
      type: "consent.changed",
      timestamp: at,
      data: {
        brand: "bench",
        customer: { externalId: `cust-${customer}` },
        visitorId: null,
        changes: [
          {
            kind: "subscription",
            subject: "news:email",
            before: null,
            after: { status: "subscribed", frequency: "instant" },
            source: "portal",
            policyVersion: "1",
            at,
            ledger: { seq: i, hash: "ab".repeat(32) },
          },
        ],
      },
    });
    insert.run(`d${i}`, `evt${i}`, payload, `c${customer}`);
  }
})();

const byPayload = db.prepare(`SELECT "id" FROM "WebhookDelivery" WHERE "brandId" = 'b1' AND "payload" LIKE ?`);
const byCustomer = db.prepare(
  `SELECT "id" FROM "WebhookDelivery" WHERE "brandId" = 'b1' AND "customerId" = ? ` +
    `AND NOT ("type" = 'erasure.requested' AND "status" = 'pending')`,
);

function perErasure(runs: number, find: (customer: number) => unknown[]): number {
  const start = process.hrtime.bigint();
  for (let run = 0; run < runs; run++) {
    const customer = (run * 7919) % CUSTOMERS;
    if (find(customer).length !== DELIVERIES / CUSTOMERS) throw new Error("the two lookups disagree");
  }
  return Number(process.hrtime.bigint() - start) / 1e6 / runs;
}

const baseline = perErasure(10, (customer) => byPayload.all(`%"externalId":"cust-${customer}"%`));
const indexed = perErasure(1_000, (customer) => byCustomer.all(`c${customer}`));
db.close();
fs.rmSync(dir, { recursive: true, force: true });

console.log(
  `${DELIVERIES.toLocaleString("en")} deliveries of one brand, ${CUSTOMERS.toLocaleString("en")} customers (SQLite)\n`,
);
console.log("| finding one customer's events                | ms per erasure | vs baseline |");
console.log("| -------------------------------------------- | -------------: | ----------: |");
console.log(`| baseline: LIKE over every payload            | ${baseline.toFixed(3).padStart(14)} |       1.000 |`);
console.log(
  `| Mesure: (brandId, customerId) index          | ${indexed.toFixed(3).padStart(14)} | ${(indexed / baseline).toFixed(5).padStart(11)} |`,
);
