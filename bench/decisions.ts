// `npm run bench:decisions`: what a decision costs over HTTP, against a bare node:http server
// and a Remix resource route measured in the same run, on SQLite and PostgreSQL, with 100,000
// customers and a history of 100,000 then 1,000,000 past deliveries (the same measurements at
// both sizes show whether latency grows with the history).
//
// Each server runs in its own process; the load comes from this one (on a 2-core machine: one
// core each). The data set is written straight into the database with SQL while the server is
// stopped, then the server is started again and its snapshot warmed by one pass of batches
// over every customer (that cold pass is reported on its own row).
// Then, on the warm snapshot: single decisions at full load (autocannon, 50 connections), at
// half that rate (paced evenly by this process, and with autocannon's overallRate, which sends
// in bursts), batches of 1000, and committed single decisions. Latencies are measured here per
// response, to the microsecond; requests/s counts 2xx answers only.
//
// Environment: BENCH_SECONDS (8), BENCH_WARMUP_SECONDS (2), BENCH_COMMIT_SECONDS (5),
// BENCH_CONNECTIONS (50), BENCH_BATCH_CONNECTIONS (4), BENCH_CUSTOMERS (100000),
// BENCH_DELIVERIES ("100000,1000000"), BENCH_DATABASES ("sqlite,postgresql"),
// TEST_POSTGRES_URL (postgresql://postgres@127.0.0.1:5432/postgres), BENCH_SERVER_NODE_ARGS.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import Sqlite from "better-sqlite3";
import pg from "pg";
import buildOnce from "../test/support/build-once";
import { runCli, startServer, type RunningServer } from "../test/support/processes";

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const commitSeconds = Number(process.env.BENCH_COMMIT_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const batchConnections = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 4);
const customerCount = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const histories = (process.env.BENCH_DELIVERIES ?? "100000,1000000").split(",").map(Number);
const databases = (process.env.BENCH_DATABASES ?? "sqlite,postgresql").split(",") as Provider[];
const postgresAdminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const BATCH_SIZE = 1000;
/** The cold pass's batch size after a batch of BATCH_SIZE uncached customers fails. */
const COLD_FALLBACK = 400;
const DAY = 86_400_000;

type Provider = "sqlite" | "postgresql";

// ---------------------------------------------------------------------------------------------
// Load generation

type Row = {
  target: string;
  database: string;
  history: string;
  rps: number;
  perRequest: number;
  p50: number;
  p99: number;
  errors: number;
};

type Measured = { rps: number; p50: number; p99: number; errors: number; statuses: Record<number, number> };

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type LoadOptions = {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** Makes a request body (random customers). Each connection gets a pool of its own, built
   * before the run, and cycles through it: building each request as it goes (autocannon's
   * setupRequest) would cap this process near the rates being measured. */
  body?: () => string;
  /** Bodies per connection (default 1024). */
  pool?: number;
  connections: number;
  duration: number;
  overallRate?: number;
};

/** One autocannon run; latencies and throughput counted here, for 2xx responses only. */
function run(options: LoadOptions): Promise<Measured> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const next = options.body;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? "GET",
        headers: options.headers,
        connections: options.connections,
        duration: options.duration,
        overallRate: options.overallRate,
        body: next?.(),
        setupClient: next
          ? (client) => client.setRequests(Array.from({ length: options.pool ?? 1024 }, () => ({ body: next() })))
          : undefined,
      },
      (error, result) => {
        if (error) return reject(error as Error);
        const elapsed = (performance.now() - started) / 1000;
        const sorted = Float64Array.from(latencies).sort();
        const errors = result.errors + result.timeouts + result.non2xx;
        resolve({
          rps: latencies.length / elapsed,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          errors,
          statuses,
        });
      },
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/** A warm-up run (not counted), then the measured one. */
async function load(options: LoadOptions, warmup = warmupSeconds): Promise<Measured> {
  if (warmup > 0) await run({ ...options, duration: warmup });
  const measured = await run(options);
  const unexpected = Object.entries(measured.statuses).filter(([status]) => !status.startsWith("2"));
  if (unexpected.length) console.error(`  (unexpected statuses: ${JSON.stringify(Object.fromEntries(unexpected))})`);
  return measured;
}

/**
 * An open-loop load at a steady rate: requests leave on a fixed schedule (every 1/rate s,
 * checked each millisecond) whatever the answers, over up to 256 keep-alive sockets, and each
 * latency counts from the request's scheduled time, so a stall is not hidden by the requests it
 * delayed. autocannon's overallRate cannot do this: each connection sends its quota for the
 * second back to back, then waits for the next second, so the load comes in bursts.
 */
async function paced(
  options: { url: string; headers: Record<string, string>; body: () => string; rate: number; duration: number },
  warmup = 1,
): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(options.url);
  const bodies = Array.from({ length: 8192 }, options.body);
  const once = (duration: number) =>
    new Promise<Measured>((resolve) => {
      const latencies: number[] = [];
      const statuses: Record<number, number> = {};
      let errors = 0;
      let sent = 0;
      let pending = 0;
      let stopped = false;
      const started = performance.now();
      const total = Math.round(options.rate * duration);
      const finish = () => {
        const elapsed = (performance.now() - started) / 1000;
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          rps: latencies.length / elapsed,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          errors,
          statuses,
        });
      };
      const send = (scheduled: number) => {
        pending++;
        const body = bodies[sent % bodies.length]!;
        const request = http.request(
          {
            agent,
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: "POST",
            headers: { ...options.headers, "Content-Length": Buffer.byteLength(body) },
          },
          (response) => {
            response.resume();
            response.on("end", () => {
              const status = response.statusCode ?? 0;
              statuses[status] = (statuses[status] ?? 0) + 1;
              if (status >= 200 && status < 300) latencies.push(performance.now() - scheduled);
              else errors++;
              if (--pending === 0 && stopped) finish();
            });
          },
        );
        request.on("error", () => {
          errors++;
          if (--pending === 0 && stopped) finish();
        });
        request.end(body);
      };
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor(((now - started) / 1000) * options.rate));
        while (sent < due) send(started + (++sent / options.rate) * 1000);
        if (sent < total) setTimeout(tick, 1);
        else {
          stopped = true;
          if (pending === 0) finish();
        }
      };
      tick();
    });
  if (warmup > 0) await once(warmup);
  const measured = await once(options.duration);
  agent.destroy();
  return measured;
}

const bareSource = `
  const http = require("node:http");
  const body = JSON.stringify({ ok: true, service: "bare" });
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.listen(0, "127.0.0.1", () => console.log("listening on http://localhost:" + server.address().port));
`;

async function startBare(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ["-e", bareSource], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const match = /localhost:(\d+)/.exec(String(chunk));
      if (match) resolve(Number(match[1]));
    });
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

// ---------------------------------------------------------------------------------------------
// The data set

const externalId = (n: number) => `bench-${String(n).padStart(6, "0")}`;
const randomCustomer = () => externalId(1 + Math.floor(Math.random() * customerCount));

/** A small seeded generator, so every SQLite run writes the same history. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What one past delivery is, from one uniform number r: 60 % newsletter by email (with its
 * weekly campaign key), 25 % order updates (critical, email or SMS), 15 % price drops. */
function deliveryKind(r: number): { topic: string; channel: string; priority: string; newsletter: boolean } {
  if (r < 0.6) return { topic: "newsletter", channel: "email", priority: "normal", newsletter: true };
  if (r < 0.75) return { topic: "order-updates", channel: "email", priority: "critical", newsletter: false };
  if (r < 0.85) return { topic: "order-updates", channel: "sms", priority: "critical", newsletter: false };
  if (r < 0.95) return { topic: "price-drop", channel: "push", priority: "normal", newsletter: false };
  return { topic: "price-drop", channel: "email", priority: "normal", newsletter: false };
}

interface Dataset {
  readonly env: Record<string, string>;
  /** Adds the benchmark's customers (each subscribed to the newsletter by email, instantly). */
  addCustomers(): Promise<void>;
  /** Adds past deliveries, spread over the last 90 days, until the table holds `total`. */
  topUpDeliveries(total: number): Promise<number>;
  deliveries(): Promise<number>;
  drop(): Promise<void>;
}

/** The Prisma adapter's text form of a DateTime on SQLite. */
const sqliteDate = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

function sqliteDataset(): Dataset {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesure-bench-"));
  const file = path.join(dir, "mesure.db");
  let written = 0;
  const random = mulberry32(42);
  const open = () => {
    const db = new Sqlite(file, { timeout: 10_000 });
    const { brandId } = db.prepare(`SELECT "id" AS "brandId" FROM "Brand" WHERE "slug" = 'demo'`).get() as {
      brandId: string;
    };
    return { db, brandId };
  };
  return {
    env: { DATABASE_URL: `file:${file}`, DATA_DIR: dir },
    async addCustomers() {
      const { db, brandId } = open();
      try {
        const { topicId } = db
          .prepare(`SELECT "id" AS "topicId" FROM "Topic" WHERE "brandId" = ? AND "key" = 'newsletter'`)
          .get(brandId) as { topicId: string };
        const now = sqliteDate(Date.now());
        const customer = db.prepare(
          `INSERT INTO "Customer" ("id", "brandId", "externalId", "email", "locale", "timezone", "createdAt", "updatedAt")
           VALUES (?, ?, ?, ?, ?, 'Europe/Paris', ?, ?)`,
        );
        const preference = db.prepare(
          `INSERT INTO "CustomerPreference" ("id", "brandId", "customerId", "updatedAt") VALUES (?, ?, ?, ?)`,
        );
        const subscription = db.prepare(
          `INSERT INTO "Subscription" ("id", "brandId", "customerId", "topicId", "channel", "status", "frequency", "createdAt", "updatedAt")
           VALUES (?, ?, ?, ?, 'email', 'subscribed', 'instant', ?, ?)`,
        );
        db.transaction(() => {
          for (let n = 1; n <= customerCount; n++) {
            const id = `bc${n}`;
            customer.run(id, brandId, externalId(n), `c${n}@example.com`, n % 3 === 0 ? "en" : "fr", now, now);
            preference.run(`bp${n}`, brandId, id, now);
            subscription.run(`bs${n}`, brandId, id, topicId, now, now);
          }
        })();
        db.exec("ANALYZE");
      } finally {
        db.close();
      }
    },
    async topUpDeliveries(total) {
      const { db, brandId } = open();
      try {
        const { count } = db.prepare(`SELECT COUNT(*) AS "count" FROM "Delivery"`).get() as { count: number };
        const insert = db.prepare(
          `INSERT INTO "Delivery" ("id", "brandId", "customerId", "topicKey", "channel", "priority", "campaign", "status", "sentAt")
           VALUES (?, ?, ?, ?, ?, ?, ?, 'sent', ?)`,
        );
        const now = Date.now();
        const adding = Math.max(0, total - count);
        db.transaction(() => {
          for (let i = 0; i < adding; i++) {
            const kind = deliveryKind(random());
            const ageDays = random() * 90;
            const customer = 1 + Math.floor(random() * customerCount);
            insert.run(
              `bd${++written}`,
              brandId,
              `bc${customer}`,
              kind.topic,
              kind.channel,
              kind.priority,
              kind.newsletter ? `newsletter-w${Math.floor(ageDays / 7)}` : null,
              sqliteDate(now - ageDays * DAY),
            );
          }
        })();
        db.exec("ANALYZE");
        return adding;
      } finally {
        db.close();
      }
    },
    async deliveries() {
      const { db } = open();
      try {
        return (db.prepare(`SELECT COUNT(*) AS "count" FROM "Delivery"`).get() as { count: number }).count;
      } finally {
        db.close();
      }
    },
    async drop() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function postgresDataset(): Promise<Dataset> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesure-bench-"));
  const name = `mesure_bench_${crypto.randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  let written = 0;
  const withClient = async <T>(work: (client: pg.Client, brandId: string) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const brand = await client.query<{ id: string }>(`SELECT "id" FROM "Brand" WHERE "slug" = 'demo'`);
      return await work(client, brand.rows[0]!.id);
    } finally {
      await client.end();
    }
  };
  // Timestamps are stored as UTC wall-clock time in TIMESTAMP(3) columns.
  const utcNow = `(now() AT TIME ZONE 'UTC')`;
  const count = (client: pg.Client) =>
    client.query<{ count: string }>(`SELECT COUNT(*) AS "count" FROM "Delivery"`).then((r) => Number(r.rows[0]!.count));
  return {
    env: {
      DATABASE_URL: url.toString(),
      DATA_DIR: dir,
      MESURE_SECRET: crypto.randomBytes(32).toString("hex"),
    },
    addCustomers: () =>
      withClient(async (client, brandId) => {
        const topic = await client.query<{ id: string }>(
          `SELECT "id" FROM "Topic" WHERE "brandId" = $1 AND "key" = 'newsletter'`,
          [brandId],
        );
        await client.query("BEGIN");
        await client.query(
          `INSERT INTO "Customer" ("id", "brandId", "externalId", "email", "locale", "timezone", "createdAt", "updatedAt")
           SELECT 'bc' || n, $1, 'bench-' || lpad(n::text, 6, '0'), 'c' || n || '@example.com',
                  CASE WHEN n % 3 = 0 THEN 'en' ELSE 'fr' END, 'Europe/Paris', ${utcNow}, ${utcNow}
           FROM generate_series(1, $2::int) AS n`,
          [brandId, customerCount],
        );
        await client.query(
          `INSERT INTO "CustomerPreference" ("id", "brandId", "customerId", "updatedAt")
           SELECT 'bp' || n, $1, 'bc' || n, ${utcNow} FROM generate_series(1, $2::int) AS n`,
          [brandId, customerCount],
        );
        await client.query(
          `INSERT INTO "Subscription" ("id", "brandId", "customerId", "topicId", "channel", "status", "frequency", "createdAt", "updatedAt")
           SELECT 'bs' || n, $1, 'bc' || n, $3, 'email', 'subscribed', 'instant', ${utcNow}, ${utcNow}
           FROM generate_series(1, $2::int) AS n`,
          [brandId, customerCount, topic.rows[0]!.id],
        );
        await client.query("COMMIT");
        await client.query("ANALYZE");
      }),
    topUpDeliveries: (total) =>
      withClient(async (client, brandId) => {
        const adding = Math.max(0, total - (await count(client)));
        if (adding === 0) return 0;
        // The same mix as deliveryKind(), from one random number r per row.
        await client.query(
          `INSERT INTO "Delivery" ("id", "brandId", "customerId", "topicKey", "channel", "priority", "campaign", "status", "sentAt")
           SELECT 'bd' || g.n, $1, 'bc' || (1 + floor(g.c * $4::int))::int,
                  CASE WHEN g.r < 0.6 THEN 'newsletter' WHEN g.r < 0.85 THEN 'order-updates' ELSE 'price-drop' END,
                  CASE WHEN g.r < 0.75 THEN 'email' WHEN g.r < 0.85 THEN 'sms' WHEN g.r < 0.95 THEN 'push' ELSE 'email' END,
                  CASE WHEN g.r >= 0.6 AND g.r < 0.85 THEN 'critical' ELSE 'normal' END,
                  CASE WHEN g.r < 0.6 THEN 'newsletter-w' || floor(g.age / 7)::int ELSE NULL END,
                  'sent', ${utcNow} - g.age * interval '1 day'
           FROM (SELECT n, random() AS r, random() AS c, random() * 90 AS age
                 FROM generate_series($2::int, $3::int) AS n) AS g`,
          [brandId, written + 1, written + adding, customerCount],
        );
        written += adding;
        await client.query(`ANALYZE "Delivery"`);
        return adding;
      }),
    deliveries: () => withClient((client) => count(client)),
    async drop() {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The measurements

const serverEnv = (dataset: Dataset) => ({
  ...dataset.env,
  SEED_DEMO: "true",
  API_RATE_LIMIT: "10000000",
});

function rssMegabytes(server: RunningServer): number {
  try {
    const status = fs.readFileSync(`/proc/${server.child.pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

type Verdicts = Record<string, number>;

/** One pass of batches over every customer, in order: loads the whole snapshot. */
/** What the cold pass found on the way (batch sizes that failed, verdicts). */
type ColdPass = { measured: Measured; verdicts: Verdicts; batchSize: number; failures: string[]; perRequest: number };

/** One pass of batches over every customer, in order: loads the whole snapshot. A batch the
 * server cannot answer (HTTP 5xx) is retried in batches of COLD_FALLBACK, and reported. */
async function coldPass(url: string, headers: Record<string, string>): Promise<ColdPass> {
  const latencies: number[] = [];
  const verdicts: Verdicts = {};
  const failures: string[] = [];
  let size = BATCH_SIZE;
  let errors = 0;
  const started = performance.now();
  for (let from = 1; from <= customerCount;) {
    const items = [];
    for (let n = from; n < Math.min(from + size, customerCount + 1); n++) {
      items.push({ customer: externalId(n), topic: "newsletter", channel: "email" });
    }
    const sent = performance.now();
    const response = await fetch(`${url}/api/v1/decisions/batch`, {
      method: "POST",
      headers,
      body: JSON.stringify({ items }),
    });
    const text = await response.text();
    if (!response.ok) {
      errors++;
      failures.push(`${items.length} uncached customers: HTTP ${response.status} ${text.slice(0, 200)}`);
      if (response.status >= 500 && size > COLD_FALLBACK) {
        size = COLD_FALLBACK;
        continue;
      }
      throw new Error(`cold pass: HTTP ${response.status}: ${text.slice(0, 300)}`);
    }
    latencies.push(performance.now() - sent);
    for (const result of (JSON.parse(text) as { results: { verdict?: string; status?: number }[] }).results) {
      const key = result.verdict ?? `error ${result.status}`;
      verdicts[key] = (verdicts[key] ?? 0) + 1;
    }
    from += items.length;
  }
  const elapsed = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    measured: {
      rps: latencies.length / elapsed,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      errors,
      statuses: {},
    },
    verdicts,
    batchSize: size,
    failures,
    perRequest: customerCount / latencies.length,
  };
}

function batchBodies(count: number): string[] {
  return Array.from({ length: count }, () =>
    JSON.stringify({
      items: Array.from({ length: BATCH_SIZE }, () => ({
        customer: randomCustomer(),
        topic: "newsletter",
        channel: "email",
      })),
    }),
  );
}

const singleBody = () => `{"customer":"${randomCustomer()}","topic":"newsletter","channel":"email"}`;
const commitBody = () => `{"customer":"${randomCustomer()}","topic":"newsletter","channel":"email","commit":true}`;

const historyLabel = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

const rows: Row[] = [];
const notes: string[] = [];
const add = (target: string, database: string, history: string, m: Measured, perRequest = 1) =>
  rows.push({ target, database, history, rps: m.rps, perRequest, p50: m.p50, p99: m.p99, errors: m.errors });

async function benchDatabase(provider: Provider, ping: (server: RunningServer) => Promise<void>): Promise<void> {
  const dataset = provider === "sqlite" ? sqliteDataset() : await postgresDataset();
  const env = serverEnv(dataset);
  try {
    // The first start migrates and seeds the demo brand; then the data set goes in directly.
    await (await startServer(env)).stop();
    const created = await runCli(["api-key", "create", "--brand", "demo", "--name", "bench"], env);
    if (created.code !== 0) throw new Error(`api-key create failed: ${created.stderr}`);
    const key = created.stdout.trim();
    const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };

    let t = performance.now();
    await dataset.addCustomers();
    notes.push(
      `${provider}: inserted ${customerCount.toLocaleString("en")} customers (with preferences and subscriptions) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    for (const history of histories) {
      t = performance.now();
      const added = await dataset.topUpDeliveries(history);
      notes.push(
        `${provider}: added ${added.toLocaleString("en")} deliveries in ${((performance.now() - t) / 1000).toFixed(1)} s (table now ${(await dataset.deliveries()).toLocaleString("en")} rows)`,
      );
      const label = historyLabel(history);
      // BENCH_SERVER_NODE_ARGS go to the server's node only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
      const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
      const server = await startServer(env, 30_000, nodeArgs);
      try {
        const base = server.url;
        const cold = await coldPass(base, headers);
        add(
          `cold first pass, batches of ${cold.batchSize} (decisions/s = customers loaded/s)`,
          provider,
          label,
          cold.measured,
          cold.perRequest,
        );
        for (const failure of cold.failures) notes.push(`${provider} ${label}: cold pass, a batch of ${failure}`);
        notes.push(
          `${provider} ${label}: cold pass verdicts ${JSON.stringify(cold.verdicts)}; server RSS after warming ${Math.round(rssMegabytes(server))} MB`,
        );
        if (provider === "sqlite" && history === histories[0]) await ping(server);

        const url = `${base}/api/v1/decisions`;
        const single = await load({ url, method: "POST", headers, body: singleBody, connections, duration: seconds });
        add(`POST /decisions, single, max (${connections} conn.)`, provider, label, single);

        const half = Math.max(1, Math.round(single.rps / 2));
        const steady = await paced({ url, headers, body: singleBody, rate: half, duration: seconds });
        add(
          `POST /decisions, single, at half load, paced evenly (${half.toLocaleString("en")} req/s offered)`,
          provider,
          label,
          steady,
        );
        const bursts = await load(
          { url, method: "POST", headers, body: singleBody, connections, duration: seconds, overallRate: half },
          1,
        );
        add(
          `POST /decisions, single, at half load, autocannon overallRate (bursts; ${half.toLocaleString("en")} req/s offered)`,
          provider,
          label,
          bursts,
        );

        const bodies = batchBodies(64);
        let next = 0;
        const batch = await load({
          url: `${base}/api/v1/decisions/batch`,
          method: "POST",
          headers,
          body: () => bodies[next++ % bodies.length]!,
          pool: 16,
          connections: batchConnections,
          duration: seconds,
        });
        add(
          `POST /decisions/batch, ${BATCH_SIZE} items (${batchConnections} conn.)`,
          provider,
          label,
          batch,
          BATCH_SIZE,
        );

        const commit = await load(
          { url, method: "POST", headers, body: commitBody, connections, duration: commitSeconds },
          1,
        );
        add(`POST /decisions, single, commit: true (${connections} conn.)`, provider, label, commit);
        notes.push(`${provider} ${label}: server RSS at the end ${Math.round(rssMegabytes(server))} MB`);
      } finally {
        const code = await server.stop();
        // The cold pass's failures are reported in the notes; anything else gets the server's output.
        const failed = rows.some(
          (r) => r.database === provider && r.history === label && r.errors > 0 && !r.target.startsWith("cold"),
        );
        if (code !== 0 || failed) {
          console.error(
            `${provider} ${label}: server exited with ${code}; its output ends:\n${server.output().slice(-3000)}`,
          );
        }
      }
    }
  } finally {
    await dataset.drop();
  }
}

// ---------------------------------------------------------------------------------------------

const startedAt = performance.now();
buildOnce();
/** The bare server, measured at the start and again at the end: the machine's drift shows. */
async function measureBare(when: string): Promise<void> {
  const bare = await startBare();
  try {
    add(
      `bare node:http, fixed JSON (baseline, ${when})`,
      "-",
      "-",
      await load({ url: `${bare.url}/`, connections, duration: seconds }),
    );
  } finally {
    bare.stop();
  }
}
await measureBare("first");

for (const provider of databases) {
  console.error(`benchmarking on ${provider}…`);
  await benchDatabase(provider, async (server) => {
    const ping = await load({ url: `${server.url}/api/v1/ping`, connections, duration: seconds });
    add("Remix resource route GET /api/v1/ping, fixed JSON (in the SQLite server)", "-", "-", ping);
  });
}

await measureBare("last");
const bareRows = rows.filter((r) => r.target.startsWith("bare node:http"));
const baseline = bareRows.reduce((sum, r) => sum + r.rps, 0) / bareRows.length;
const fmt = (n: number) => (n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString("en"));
const ms = (n: number) => (Number.isNaN(n) ? "-" : n < 10 ? n.toFixed(2) : n.toFixed(1));
console.log(
  `\nMesure decision benchmark: ${os.cpus().length} cores, node ${process.version}, ${customerCount.toLocaleString("en")} customers, ${seconds} s per measurement (${commitSeconds} s for commits)\n`,
);
console.log("| target | database | history | req/s | decisions/s | p50 ms | p99 ms | vs bare | errors |");
console.log("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of [...bareRows, ...rows.filter((r) => !bareRows.includes(r))]) {
  console.log(
    `| ${r.target} | ${r.database} | ${r.history} | ${fmt(r.rps)} | ${fmt(r.rps * r.perRequest)} | ${ms(r.p50)} | ${ms(r.p99)} | ${(r.rps / baseline).toFixed(3)} | ${r.errors} |`,
  );
}
console.log(
  "\n'vs bare' is req/s over the bare server's req/s (the mean of its two runs); history is the number of past deliveries.\n",
);

// The targets, on SQLite.
const find = (database: string, history: string, prefix: string) =>
  rows.find((r) => r.database === database && r.history === history && r.target.startsWith(prefix));
for (const history of histories.map(historyLabel)) {
  const single = find("sqlite", history, "POST /decisions, single, max");
  const half = find("sqlite", history, "POST /decisions, single, at half load, paced");
  const bursts = find("sqlite", history, "POST /decisions, single, at half load, autocannon");
  const batch = find("sqlite", history, "POST /decisions/batch");
  if (!single || !half || !bursts || !batch) continue;
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  console.log(
    `targets on SQLite, ${history} deliveries: single ${fmt(single.rps)}/s ≥ 15,000 ${verdict(single.rps >= 15_000)}; ` +
      `p99 at half load ${ms(half.p99)} ms paced evenly, ${ms(bursts.p99)} ms in autocannon's bursts, < 5 ${verdict(half.p99 < 5)}; ` +
      `batch ${fmt(batch.rps * BATCH_SIZE)} decisions/s ≥ 100,000 ${verdict(batch.rps * BATCH_SIZE >= 100_000)}`,
  );
}
// Does latency grow with the history?
if (histories.length > 1) {
  const [small, large] = [historyLabel(histories[0]!), historyLabel(histories[histories.length - 1]!)];
  for (const database of databases) {
    const kinds: [string, string][] = [
      ["cold first pass", "cold pass"],
      ["POST /decisions, single, max", "single, max"],
      ["POST /decisions, single, at half load, paced", "single, half load"],
      ["POST /decisions/batch", "batch"],
      ["POST /decisions, single, commit", "single, commit"],
    ];
    const pairs = kinds.flatMap(([prefix, name]) => {
      const a = find(database, small, prefix);
      const b = find(database, large, prefix);
      if (!a || !b) return [];
      return [
        `${name}: ${fmt(a.rps * a.perRequest)} → ${fmt(b.rps * b.perRequest)} decisions/s, p50 ${ms(a.p50)} → ${ms(b.p50)} ms, p99 ${ms(a.p99)} → ${ms(b.p99)} ms`,
      ];
    });
    console.log(`\n${database}, ${small} → ${large} deliveries:\n  ${pairs.join("\n  ")}`);
  }
}
console.log(`\n${notes.join("\n")}`);
console.log(`\ntotal run time ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
