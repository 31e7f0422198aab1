// `npm run bench:scheduler`: how many messages per second Mesure's scheduler carries from intake
// (`POST /api/v1/messages/batch`) to a real SMTP server, against raw pooled nodemailer sending
// the same number of the same emails to the same server in the same run.
//
// How:
// - The SMTP server is the npm smtp-server (bench/scheduler-sink.ts) in a child process of its
//   own; it counts DATA streams and bytes, catches a Message-ID received twice, and counts per
//   recipient. It waits 100 ms before greeting each new connection, so both sides send through
//   a pool of connections (as many as Mesure's email adapter opens: min(8, WORKER_CONCURRENCY)).
// - Baseline: nodemailer.createTransport({pool: true, maxConnections, maxMessages: Infinity}) in
//   this process sends N emails whose subject, text, HTML and headers are the ones Mesure sent
//   for the same contents (each content and language sent once through Mesure before the run,
//   kept whole by the sink, parsed here): pure SMTP cost, no database, no decision, no
//   rendering. Measured first with N emails, and last with N/5 (at most 20,000) for drift.
// - Mesure: a fresh database (SQLite in a temporary folder, or with --postgresql a new database
//   on postgresql://postgres@127.0.0.1:5432, dropped at the end), migrated, with one brand, three
//   topics (news: marketing, instant; weekly: marketing, weekly digest; orders: transactional),
//   --customers customers inserted with createMany (90 % subscribed to news and weekly by email,
//   10 % subscribed to nothing: a marketing message to them is denied with consent.missing; no
//   consent events, no caps). The server (build/index.js, rebuilt if app/ is newer) runs with
//   its worker (WORKER_CONCURRENCY = --concurrency) and SMTP_URL pointing at the sink.
//   N messages go in through the batch API (1000 per request, INTAKE_CONNECTIONS at once): 60 %
//   news and 10 % orders (instant: sent during the run), 20 % weekly (digested: they wait for
//   the customer's digest day, set three days ahead), 10 % news to unsubscribed customers
//   (denied). Contents vary over 20 texts, so identical contents share a cached rendering
//   (Renderer caches per content, topic, language and brand).
//   End-to-end = instant messages / (last one received by the sink − first intake request).
//   Then the digests are made due (UPDATE "dueAt" = now) and timed as they are assembled and
//   sent; then --unique messages are sent twice, once with 20 contents and once with every
//   content unique (each one rendered by React), to show the uncached rendering cost.
// - Peak memory is VmHWM from /proc/<pid>/status of each process; CPU time per phase comes from
//   /proc/<pid>/stat, to show how the processes share the machine's cores.
// - Correctness: emails received = instant messages (per recipient too), no Message-ID received
//   twice, no duplicated Delivery row, every message in a final state.
//
// Arguments: --messages N (100000), --customers N (10000), --concurrency N (16), --postgresql
// (or BENCH_DATABASE=postgresql), --unique N (min(10000, messages); 0 skips), --no-digest,
// --worker-process (the worker alone in `node build/index.js worker`, the web server with
// WORKER=false, instead of the worker inside the web process),
// --profile (the server runs with --cpu-prof; a summary is printed), --timeout MINUTES (120: the
// whole run is stopped past it; each wait also gives up after 60 s without a new email). Environment: INTAKE_CONNECTIONS (4), TEST_POSTGRES_URL.
import { fork, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import nodemailer from "nodemailer";
import { openDatabase, type Db } from "~/db/client.server";
import { parseDatabaseUrl } from "~/db/database-url";
import { migrate } from "~/db/migrate.server";
import { createApiKey } from "~/models/api-key.server";
import { createBrand } from "~/models/brand.server";
import { createTopic } from "~/models/topic.server";
import buildOnce from "../test/support/build-once";
import { adminQuery } from "../test/support/database";
import { projectRoot, startServer, type RunningServer } from "../test/support/processes";
import { simpleParser } from "mailparser";
import type { SinkCaptured, SinkMessage, SinkRecipients, SinkStats } from "./scheduler-sink";

// ---------------------------------------------------------------------------------------------
// Arguments

const { values: args } = parseArgs({
  options: {
    messages: { type: "string", default: "100000" },
    customers: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "16" },
    postgresql: { type: "boolean", default: process.env.BENCH_DATABASE === "postgresql" },
    unique: { type: "string" },
    "no-digest": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    "worker-process": { type: "boolean", default: false },
    timeout: { type: "string", default: "120" },
  },
});
const whole = (name: string, text: string, min: number) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    console.error(`bench:scheduler: --${name} must be a whole number ≥ ${min} (got "${text}")`);
    process.exit(2);
  }
  return value;
};
const MESSAGES = whole("messages", args.messages!, 10);
const CUSTOMERS = whole("customers", args.customers!, 10);
const CONCURRENCY = whole("concurrency", args.concurrency!, 1);
const UNIQUE = whole("unique", args.unique ?? String(Math.min(10_000, MESSAGES)), 0);
const TIMEOUT_MINUTES = whole("timeout", args.timeout!, 1);
const PROVIDER: "sqlite" | "postgresql" = args.postgresql ? "postgresql" : "sqlite";
/** The worker in a process of its own (`node build/index.js worker`, WORKER=false on the web server). */
const WORKER_PROCESS = args["worker-process"]!;
const INTAKE_CONNECTIONS = whole("INTAKE_CONNECTIONS", process.env.INTAKE_CONNECTIONS ?? "4", 1);
const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
/** What Mesure's email adapter opens (app/scheduler/channels/registry.server.ts). */
const SMTP_CONNECTIONS = Math.min(8, CONCURRENCY);
const BATCH = 1000;
/** A wait for the sink gives up after this long without a new message. */
const STALL_MS = 60_000;
const SECRET = "s".repeat(64);
/** The closing baseline only checks the machine's drift: a fifth of the run, at most 20,000. */
const LAST_BASELINE = Math.min(MESSAGES, Math.max(1000, Math.round(MESSAGES / 5)), 20_000);

const clock = () => performance.timeOrigin + performance.now();
const startedAt = clock();
const loadAtStart = os
  .loadavg()
  .map((n) => n.toFixed(1))
  .join(" ");
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "-";
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const progress = (line: string) => console.error(`[${seconds(clock() - startedAt).padStart(7)}] ${line}`);

// ---------------------------------------------------------------------------------------------
// Processes: the sink, and what /proc says about each process

type Sink = {
  child: ChildProcess;
  port: number;
  reset(): Promise<void>;
  stats(): Promise<SinkStats>;
  recipients(): Promise<Record<string, number>>;
  /** Keeps the raw text of the next `count` messages. */
  capture(count: number): Promise<void>;
  captured(): Promise<string[]>;
  stop(): void;
};

async function startSink(): Promise<Sink> {
  const child = fork(path.join(import.meta.dirname, "scheduler-sink.ts"), [], {
    cwd: projectRoot,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting: ((message: SinkMessage) => void)[] = [];
  child.on("message", (message: SinkMessage) => waiting.shift()?.(message));
  const next = <T extends SinkMessage>() =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the SMTP sink did not answer in 30 s")), 30_000);
      waiting.push((message) => {
        clearTimeout(timer);
        resolve(message as T);
      });
    });
  const ask = <T extends SinkMessage>(type: string, extra: Record<string, unknown> = {}) => {
    const answer = next<T>();
    child.send({ type, ...extra });
    return answer;
  };
  const { port } = await next<{ type: "ready"; port: number }>();
  return {
    child,
    port,
    reset: async () => void (await ask("reset")),
    stats: () => ask<SinkStats>("stats"),
    recipients: async () => (await ask<SinkRecipients>("recipients")).counts,
    capture: async (count) => void (await ask("capture", { count })),
    captured: async () => (await ask<SinkCaptured>("captured")).messages,
    stop: () => void child.kill(),
  };
}

type ProcSample = { cpuMs: number; peakRssMb: number };

/** CPU time (user + system) and VmHWM of a process, from /proc. */
function proc(pid: number | undefined): ProcSample {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return { cpuMs, peakRssMb: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024 };
  } catch {
    return { cpuMs: NaN, peakRssMb: NaN };
  }
}

/** CPU time the whole machine spent busy (every process, every core), ms, from /proc/stat. */
function machineBusyMs(): number {
  const fields = fs.readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const busy = fields.slice(0, 8).reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + value), 0);
  return busy * 10;
}

/** The lone worker process, with --worker-process. */
let workerChild: ChildProcess | null = null;

type Snapshot = { at: number; bench: number; sink: number; server: number; worker: number; machine: number };
function snapshot(sink: Sink, server: RunningServer | null): Snapshot {
  return {
    at: clock(),
    bench: proc(process.pid).cpuMs,
    sink: proc(sink.child.pid).cpuMs,
    // NaN where the process is not running: shown as "-".
    server: server && server.child.exitCode === null ? proc(server.child.pid).cpuMs : NaN,
    worker: workerChild && workerChild.exitCode === null ? proc(workerChild.pid).cpuMs : NaN,
    machine: machineBusyMs(),
  };
}

type CpuRow = {
  phase: string;
  wall: number;
  bench: number;
  sink: number;
  server: number;
  worker: number;
  others: number;
};
const cpuRows: CpuRow[] = [];
function cpuSince(phase: string, from: Snapshot, to: Snapshot): void {
  const bench = to.bench - from.bench;
  const sink = to.sink - from.sink;
  const server = to.server - from.server;
  const worker = to.worker - from.worker;
  const others = Math.max(0, to.machine - from.machine - bench - sink - (server || 0) - (worker || 0));
  cpuRows.push({ phase, wall: to.at - from.at, bench, sink, server, worker, others });
}

/** Waits until the sink has received `target` messages since its last reset, or stalls. */
async function waitForSink(sink: Sink, target: number, what: string): Promise<{ stats: SinkStats; complete: boolean }> {
  let last = -1;
  let lastChange = clock();
  let lastReport = clock();
  for (;;) {
    const stats = await sink.stats();
    if (stats.count >= target) return { stats, complete: true };
    const now = clock();
    if (stats.count !== last) {
      last = stats.count;
      lastChange = now;
    } else if (now - lastChange > STALL_MS) {
      progress(`${what}: no new email for ${STALL_MS / 1000} s, giving up at ${fmt(stats.count)} of ${fmt(target)}`);
      return { stats, complete: false };
    }
    if (now - lastReport > 10_000) {
      lastReport = now;
      progress(`${what}: ${fmt(stats.count)} of ${fmt(target)} received`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------------------------------------
// The database and its data set

type Database = { url: string; dir: string; drop(): Promise<void> };

async function createDatabase(): Promise<Database> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesure-bench-scheduler-"));
  if (PROVIDER === "sqlite") {
    return {
      url: `file:${path.join(dir, "mesure.db")}`,
      dir,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `mesure_bench_${crypto.randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dir,
    async drop() {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A small seeded generator, so every run sends the same mix to the same customers. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBSCRIBED = Math.max(1, Math.round(CUSTOMERS * 0.9));
const externalId = (n: number) => `bench-${String(n).padStart(6, "0")}`;
const emailOf = (n: number) => `c${n}@example.com`;
const localeOf = (n: number) => (n % 3 === 0 ? "en" : "fr");

/** The ISO weekday three days from now in Paris: the digest day no run reaches. */
function digestWeekday(): number {
  const day = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", weekday: "short" }).format(new Date());
  const today = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(day) + 1;
  return ((today - 1 + 3) % 7) + 1;
}

async function seed(db: Db): Promise<{ brandId: string; key: string }> {
  const brand = await createBrand(db, { slug: "bench", name: "La Boutique du banc" });
  const topic = (key: string, nameFr: string, nameEn: string, kind: "marketing" | "transactional", weekly = false) =>
    createTopic(db, brand.id, {
      key,
      nameFr,
      nameEn,
      kind,
      channels: ["email"],
      defaultFrequency: weekly ? "weekly" : "instant",
    });
  const news = await topic("news", "Nouveautés", "News", "marketing");
  const weekly = await topic("weekly", "La lettre", "The letter", "marketing", true);
  await topic("orders", "Commandes", "Orders", "transactional");
  const key = (await createApiKey(db, { brandId: brand.id, name: "bench" })).key;
  const now = new Date();
  const weekday = digestWeekday();
  const CHUNK = 2000;
  for (let from = 1; from <= CUSTOMERS; from += CHUNK) {
    const ns = Array.from({ length: Math.min(CHUNK, CUSTOMERS - from + 1) }, (_, i) => from + i);
    await db.customer.createMany({
      data: ns.map((n) => ({
        id: `bc${n}`,
        brandId: brand.id,
        externalId: externalId(n),
        email: emailOf(n),
        locale: localeOf(n),
        timezone: n % 4 === 0 ? "America/New_York" : "Europe/Paris",
        createdAt: now,
        updatedAt: now,
      })),
    });
    await db.customerPreference.createMany({
      data: ns.map((n) => ({
        id: `bp${n}`,
        brandId: brand.id,
        customerId: `bc${n}`,
        digestWeekday: weekday,
        updatedAt: now,
      })),
    });
    const subscribed = ns.filter((n) => n <= SUBSCRIBED);
    await db.subscription.createMany({
      data: subscribed.flatMap((n) => [
        {
          id: `bsn${n}`,
          brandId: brand.id,
          customerId: `bc${n}`,
          topicId: news.id,
          channel: "email",
          status: "subscribed",
          frequency: "instant",
          createdAt: now,
          updatedAt: now,
        },
        {
          id: `bsw${n}`,
          brandId: brand.id,
          customerId: `bc${n}`,
          topicId: weekly.id,
          channel: "email",
          status: "subscribed",
          frequency: "weekly",
          createdAt: now,
          updatedAt: now,
        },
      ]),
    });
  }
  return { brandId: brand.id, key };
}

// ---------------------------------------------------------------------------------------------
// The messages

type Kind = "news" | "orders" | "weekly" | "denied";
type Item = { kind: Kind; n: number; body: Record<string, unknown> };

const PARAGRAPHS = [
  "La nouvelle collection est arrivée : des pièces en lin lavé, des cotons épais et des couleurs de fin d'été, pensées pour durer plusieurs saisons.",
  "Nos ateliers partenaires au Portugal et en Italie ont travaillé les finitions à la main ; chaque modèle est produit en petite série.",
  "Livraison offerte dès 80 € et retours gratuits pendant trente jours, en boutique comme par la poste, sans justification.",
  "Les tailles vont du 34 au 48 ; le guide des tailles a été mis à jour avec les mesures exactes de chaque pièce, à plat.",
  "Les membres du programme fidélité ont accès à la vente privée dès jeudi matin, 9 heures, vingt-quatre heures avant tout le monde.",
];
/** News and weekly contents: 16 texts of three paragraphs (~450 characters). */
const newsContent = (v: number, unique?: string) => ({
  email: {
    subject: `Nouveautés n°${v + 1} : la sélection de la semaine${unique ? ` (${unique})` : ""}`,
    text: [0, 1, 2]
      .map((p) => PARAGRAPHS[(v + p) % PARAGRAPHS.length]!)
      .concat(unique ? [`Référence ${unique}.`] : [])
      .join("\n\n"),
  },
});
/** Orders: 4 notification templates. */
const orderContent = (v: number) => ({
  template: {
    name: "notification",
    data: {
      title: `Commande expédiée (étape ${v + 1})`,
      body: `${PARAGRAPHS[v % PARAGRAPHS.length]!}\n\nVotre colis arrive sous deux à trois jours ouvrés.`,
    },
  },
});
const NEWS_VARIANTS = 16;
const ORDER_VARIANTS = 4;

function plan(total: number, seedValue: number): Item[] {
  const random = mulberry32(seedValue);
  const instantNews = Math.round(total * 0.6);
  const orders = Math.round(total * 0.1);
  const weekly = Math.round(total * 0.2);
  const denied = total - instantNews - orders - weekly;
  const kinds: Kind[] = [
    ...Array<Kind>(instantNews).fill("news"),
    ...Array<Kind>(orders).fill("orders"),
    ...Array<Kind>(weekly).fill("weekly"),
    ...Array<Kind>(denied).fill("denied"),
  ];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const pick = (from: number, to: number) => from + Math.floor(random() * (to - from + 1));
  // Customers past SUBSCRIBED are subscribed to nothing; with very few customers, customer 1.
  const unsubscribed = () => (SUBSCRIBED < CUSTOMERS ? pick(SUBSCRIBED + 1, CUSTOMERS) : 1);
  return kinds.map((kind) => {
    const n = kind === "denied" ? unsubscribed() : pick(1, SUBSCRIBED);
    const v = Math.floor(random() * 1000);
    const topic = kind === "orders" ? "orders" : kind === "weekly" ? "weekly" : "news";
    const content = kind === "orders" ? orderContent(v % ORDER_VARIANTS) : newsContent(v % NEWS_VARIANTS);
    return { kind, n, body: { customer: externalId(n), topic, channel: "email", content } };
  });
}

/** A pass of instant news only: 16 contents, or every content unique. */
function instantPass(total: number, unique: boolean, seedValue: number): Item[] {
  const random = mulberry32(seedValue);
  const salt = crypto.randomBytes(4).toString("hex");
  return Array.from({ length: total }, (_, i) => {
    const n = 1 + Math.floor(random() * SUBSCRIBED);
    const content = unique ? newsContent(i % NEWS_VARIANTS, `${salt}-${i}`) : newsContent(i % NEWS_VARIANTS);
    return { kind: "news" as const, n, body: { customer: externalId(n), topic: "news", channel: "email", content } };
  });
}

type IntakeResult = {
  statuses: Record<string, number>;
  ms: number;
  startedAt: number;
  endedAt: number;
  requests: number;
};

/** One POST over `agent`; the answer's status and text. */
function post(agent: http.Agent, url: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", agent, headers: { ...headers, "Content-Length": Buffer.byteLength(body) }, timeout: 300_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error("no answer in 300 s")));
    request.on("error", reject);
    request.end(body);
  });
}

/** Posts the items in batches of 1000 over `connections` concurrent requests, on connections of its own. */
async function intake(url: string, key: string, items: Item[], connections: number): Promise<IntakeResult> {
  const statuses: Record<string, number> = {};
  const batches = Math.ceil(items.length / BATCH);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let next = 0;
  const started = clock();
  const lane = async () => {
    while (next < batches) {
      const index = next++;
      const body = JSON.stringify({ items: items.slice(index * BATCH, (index + 1) * BATCH).map((item) => item.body) });
      for (let attempt = 1; ; attempt++) {
        const response = await post(
          agent,
          `${url}/api/v1/messages/batch`,
          { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
          body,
        ).catch((error: Error) => {
          throw new Error(`intake batch ${index}: ${error.message}`, { cause: error });
        });
        const { text } = response;
        if (response.status === 200) {
          for (const result of (JSON.parse(text) as { results: { status: string | number }[] }).results) {
            const status = typeof result.status === "number" ? `HTTP ${result.status}` : result.status;
            statuses[status] = (statuses[status] ?? 0) + 1;
          }
          break;
        }
        // 429 and 503 are worth a second try; anything else is a bug worth stopping for.
        if ((response.status === 429 || response.status === 503) && attempt < 5) {
          await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
          continue;
        }
        throw new Error(`intake batch ${index}: HTTP ${response.status} ${text.slice(0, 500)}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(connections, batches) }, lane));
  } finally {
    agent.destroy();
  }
  const ended = clock();
  return { statuses, ms: ended - started, startedAt: started, endedAt: ended, requests: batches };
}

/** What each recipient should get from a list of items (instant ones only). */
function expectedRecipients(items: Item[]): Map<string, number> {
  const expected = new Map<string, number>();
  for (const item of items) {
    if (item.kind === "news" || item.kind === "orders")
      expected.set(emailOf(item.n), (expected.get(emailOf(item.n)) ?? 0) + 1);
  }
  return expected;
}

function compareRecipients(expected: Map<string, number>, received: Record<string, number>): string {
  let wrong = 0;
  let extra = 0;
  for (const [address, count] of expected) if ((received[address] ?? 0) !== count) wrong++;
  for (const address of Object.keys(received)) if (!expected.has(address)) extra++;
  return wrong === 0 && extra === 0
    ? `every one of ${fmt(expected.size)} recipients got exactly the messages addressed to them`
    : `MISMATCH: ${wrong} recipients got a different number of emails than addressed to them, ${extra} unexpected recipients`;
}

// ---------------------------------------------------------------------------------------------
// The baseline: raw pooled nodemailer, the same bytes

type Sample = { subject: string; html: string; text: string; headers: Record<string, string> };

/**
 * What Mesure makes of each content, per language, for the baseline to send: one message per
 * content and language goes through Mesure (intake, worker, SMTP) and the sink keeps it whole.
 * (Rendering here would need the React Email templates, which tsx cannot compile: it ignores
 * tsconfig's "jsx": "react-jsx".) This also puts those renderings in Mesure's cache before the
 * measured run: 40 renderings, a fraction of a second of the server's time.
 */
async function calibrate(sink: Sink, url: string, key: string): Promise<{ samples: Sample[]; count: number }> {
  const items: Item[] = [];
  for (const n of [1, 3]) {
    for (let v = 0; v < NEWS_VARIANTS; v++)
      items.push({
        kind: "news",
        n,
        body: { customer: externalId(n), topic: "news", channel: "email", content: newsContent(v) },
      });
    for (let v = 0; v < ORDER_VARIANTS; v++)
      items.push({
        kind: "orders",
        n,
        body: { customer: externalId(n), topic: "orders", channel: "email", content: orderContent(v) },
      });
  }
  await sink.reset();
  await sink.capture(items.length);
  const taken = await intake(url, key, items, 1);
  const got = await waitForSink(sink, taken.statuses.queued ?? 0, "calibration");
  if (!got.complete || got.stats.count !== items.length) {
    throw new Error(
      `calibration: ${got.stats.count} of ${items.length} emails received (${JSON.stringify(taken.statuses)})`,
    );
  }
  const samples: Sample[] = [];
  for (const raw of await sink.captured()) {
    const mail = await simpleParser(raw);
    const header = (name: string) =>
      mail.headerLines
        .find((line) => line.key === name)
        ?.line.slice(name.length + 1)
        .trim();
    const headers: Record<string, string> = {};
    const unsubscribe = header("list-unsubscribe");
    const post = header("list-unsubscribe-post");
    if (unsubscribe) headers["List-Unsubscribe"] = unsubscribe;
    if (post) headers["List-Unsubscribe-Post"] = post;
    samples.push({
      subject: mail.subject ?? "",
      html: typeof mail.html === "string" ? mail.html : "",
      text: mail.text ?? "",
      headers,
    });
  }
  return { samples, count: items.length };
}

async function baseline(sink: Sink, samples: Sample[], total: number, label: string) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: sink.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: SMTP_CONNECTIONS,
    maxMessages: Infinity,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  await sink.reset();
  const before = snapshot(sink, null);
  let next = 0;
  let failed = 0;
  // Enough sends in flight to keep every pooled connection busy; the pool queues the rest.
  const lane = async () => {
    while (next < total) {
      const i = next++;
      const sample = samples[i % samples.length]!;
      try {
        await transport.sendMail({
          from: { name: "La Boutique du banc", address: "no-reply@mesure.localhost" },
          to: emailOf(1 + (i % CUSTOMERS)),
          subject: sample.subject,
          html: sample.html,
          text: sample.text,
          messageId: `<baseline-${label}-${i}@mesure.localhost>`,
          headers: { ...sample.headers, "X-Mesure-Delivery": `baseline-${i}` },
        });
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: SMTP_CONNECTIONS * 4 }, lane));
  const { stats } = await waitForSink(sink, total - failed, `baseline (${label})`);
  cpuSince(`baseline (${label}): nodemailer here, sink`, before, snapshot(sink, null));
  transport.close();
  const ms = stats.lastAt! - before.at;
  return { rate: stats.count / (ms / 1000), ms, stats, failed };
}

// ---------------------------------------------------------------------------------------------
// A CPU profile, summarised

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};

function summariseProfile(file: string): string[] {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totalHits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const where = (url: string) => {
    if (!url) return "";
    if (url.includes("/build/index.js")) return "app";
    // The only WebAssembly the server loads: Prisma's query compiler (engineType "client").
    if (url.startsWith("wasm://")) return "wasm: Prisma query compiler";
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    if (pkg) return pkg;
    if (url.startsWith("node:")) return url;
    return path.basename(url);
  };
  const area = (node: ProfileNode) => {
    const { functionName, url } = node.callFrame;
    if (!url) return functionName || "(native)";
    const place = where(url);
    return place.startsWith("node:") ? "node internals" : place;
  };
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const label = `${functionName || "(anonymous)"} ${where(url)}${url ? `:${lineNumber + 1}` : ""}`;
    self.set(label, (self.get(label) ?? 0) + hits);
    areas.set(area(node), (areas.get(area(node)) ?? 0) + hits);
  }
  // Inclusive time of the app's own functions (build/index.js), each counted once per stack.
  const inclusive = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id)!;
    let hits = node.hitCount ?? 0;
    const name = node.callFrame.url.includes("/build/index.js") ? node.callFrame.functionName || "(anonymous)" : null;
    const fresh = name !== null && !onStack.has(name);
    if (fresh) onStack.add(name);
    for (const child of node.children ?? []) hits += walk(child, onStack);
    if (fresh) {
      onStack.delete(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + hits);
    }
    return hits;
  };
  walk(profile.nodes[0]!.id, new Set());
  const pct = (hits: number) => `${((hits / totalHits) * 100).toFixed(1).padStart(5)} %`;
  const top = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([label, hits]) => `  ${pct(hits)}  ${label}`);
  return [
    `profile ${file} (${seconds((profile.endTime - profile.startTime) / 1000)} of the server's life):`,
    "self time by area (package, app = build/index.js):",
    ...top(areas, 14),
    "self time, top functions:",
    ...top(self, 25),
    "inclusive time of the app's functions (build/index.js):",
    ...top(inclusive, 30),
  ];
}

// ---------------------------------------------------------------------------------------------
// The run

const children: { kill(): void }[] = [];
/** The server while it runs, for its output if the run fails. */
let liveServer: RunningServer | null = null;
let database: Database | null = null;
// The whole run is bounded: past the timeout, everything this run started is stopped.
const watchdog = setTimeout(() => {
  console.error(`bench:scheduler: still running after ${TIMEOUT_MINUTES} minutes, stopping`);
  for (const child of children) child.kill();
  void (database?.drop() ?? Promise.resolve()).finally(() => process.exit(1));
}, TIMEOUT_MINUTES * 60_000);
watchdog.unref();

/** Builds the server if any source is newer than build/index.js. */
function ensureBuild(): string {
  const built = path.join(projectRoot, "build/index.js");
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  const newer = (dir: string): boolean =>
    fs.readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name !== "generated" && newer(full);
      return fs.statSync(full).mtimeMs > builtAt;
    });
  if (builtAt && !newer(path.join(projectRoot, "app")) && !newer(path.join(projectRoot, "emails"))) return "up to date";
  progress("building the server (build/index.js is missing or older than app/)…");
  buildOnce();
  return "rebuilt";
}

/** `node build/index.js worker` with the server's environment (and WORKER_CONCURRENCY), once it has started. */
async function startLoneWorker(env: Record<string, string>, nodeArgs: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, path.join(projectRoot, "build/index.js"), "worker"], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: "production", ...env, WORKER: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      if (/worker \S+ started/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => reject(new Error(`the worker exited with ${code}:\n${output}`)));
  });
  await started;
  return child;
}

async function stopLoneWorker(): Promise<void> {
  const child = workerChild;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const notes: string[] = [];
const lines: [string, string][] = [];
const checks: string[] = [];
/** The pass/fail lines, printed before the other checks. */
const verdicts: string[] = [];

async function main(): Promise<void> {
  const build = ensureBuild();
  progress(
    `build/index.js ${build}; ${PROVIDER}, ${fmt(MESSAGES)} messages, ${fmt(CUSTOMERS)} customers, WORKER_CONCURRENCY ${CONCURRENCY}`,
  );
  const sink = await startSink();
  children.push(sink.child);

  database = await createDatabase();
  await migrate(parseDatabaseUrl(database.url));
  const opened = openDatabase(database.url);
  const db = opened.db;
  let server: RunningServer | null = null;
  try {
    const t = clock();
    const { key } = await seed(db);
    notes.push(
      `data set: ${fmt(CUSTOMERS)} customers (${fmt(SUBSCRIBED)} subscribed to news and weekly by email, ${fmt(CUSTOMERS - SUBSCRIBED)} to nothing) inserted in ${seconds(clock() - t)} with createMany`,
    );
    const profileDir = path.join(database.dir, "profile");
    const nodeArgs = args.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
    const serverEnv = {
      DATABASE_URL: database.url,
      DATA_DIR: database.dir,
      SEED_DEMO: "false",
      MESURE_SECRET: SECRET,
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      WORKER: WORKER_PROCESS ? "false" : "true",
      WORKER_CONCURRENCY: String(CONCURRENCY),
      API_RATE_LIMIT: "10000000",
      // startServer waits for the "listening on" line, which is logged at info level; nothing
      // is logged per message or per request at info, so this costs the run nothing.
      LOG_LEVEL: "info",
    };
    server = await startServer(serverEnv, 60_000, nodeArgs);
    children.push(server.child);
    liveServer = server;
    if (WORKER_PROCESS) workerChild = await startLoneWorker(serverEnv, nodeArgs);
    const { samples, count: calibration } = await calibrate(sink, server.url, key);
    const meanSize = samples.reduce((sum, sample) => sum + sample.html.length + sample.text.length, 0) / samples.length;
    notes.push(
      `emails: ${samples.length} distinct renderings (${NEWS_VARIANTS} news texts and ${ORDER_VARIANTS} order templates × fr, en), sent once through Mesure before the run and kept by the sink for the baseline; html + text ${fmt(meanSize)} characters on average`,
    );

    // Baseline, first (the server idles meanwhile: its worker polls the outbox every 500 ms).
    progress(`baseline: raw nodemailer, ${fmt(MESSAGES)} emails over ${SMTP_CONNECTIONS} pooled connections…`);
    const first = await baseline(sink, samples, MESSAGES, "first");
    progress(`baseline: ${fmt(first.rate)} msgs/s`);

    // Mesure.
    const items = plan(MESSAGES, 42);
    const instant = items.filter((item) => item.kind === "news" || item.kind === "orders").length;
    const weeklyItems = items.filter((item) => item.kind === "weekly");
    const denied = items.filter((item) => item.kind === "denied").length;
    await sink.reset();
    progress(
      `Mesure: intake of ${fmt(MESSAGES)} messages (${fmt(instant)} instant, ${fmt(weeklyItems.length)} weekly digest, ${fmt(denied)} denied)…`,
    );
    const before = snapshot(sink, server);
    const taken = await intake(server.url, key, items, INTAKE_CONNECTIONS);
    const atIntakeEnd = await sink.stats();
    const intakeSnap = snapshot(sink, server);
    cpuSince("Mesure intake (worker sending meanwhile)", before, intakeSnap);
    progress(
      `intake: ${fmt(MESSAGES / (taken.ms / 1000))} msgs/s (${JSON.stringify(taken.statuses)}); ${fmt(atIntakeEnd.count)} emails already received`,
    );
    const queued = taken.statuses.queued ?? 0;
    const sent = await waitForSink(sink, queued, "Mesure instant");
    const drainSnap = snapshot(sink, server);
    cpuSince("Mesure drain after intake", intakeSnap, drainSnap);
    cpuSince("Mesure intake to last email (whole)", before, drainSnap);
    const e2eMs = sent.stats.lastAt! - taken.startedAt;
    const e2e = sent.stats.count / (e2eMs / 1000);
    const drainMs = sent.stats.lastAt! - sent.stats.firstAt!;
    const afterIntakeMs = sent.stats.lastAt! - taken.endedAt;
    const recipientCheck = compareRecipients(expectedRecipients(items), await sink.recipients());
    const serverAfterInstant = proc(server.child.pid).peakRssMb;
    progress(`Mesure: ${fmt(sent.stats.count)} emails in ${seconds(e2eMs)}: ${fmt(e2e)} msgs/s end to end`);

    // Digests: the weekly messages' time comes.
    let digest: { digests: number; folded: number; ms: number; complete: boolean; expected: number } | null = null;
    if (!args["no-digest"] && weeklyItems.length) {
      const expected = new Set(weeklyItems.map((item) => item.n)).size;
      await sink.reset();
      const start = snapshot(sink, server);
      const { count: madeDue } = await db.message.updateMany({
        where: { status: "digested" },
        data: { dueAt: new Date() },
      });
      progress(`digests: ${fmt(madeDue)} digested messages made due, ${fmt(expected)} digests expected…`);
      const got = await waitForSink(sink, expected, "digests");
      cpuSince("digests (assembly and send)", start, snapshot(sink, server));
      digest = {
        digests: got.stats.count,
        folded: madeDue,
        ms: got.stats.lastAt! - start.at,
        complete: got.complete,
        expected,
      };
      checks.push(
        `digests: ${fmt(got.stats.count)} received for ${fmt(expected)} customers with weekly messages${got.complete ? "" : " (INCOMPLETE)"}; recipients: ${compareRecipients(
          new Map([...new Set(weeklyItems.map((item) => item.n))].map((n) => [emailOf(n), 1])),
          await sink.recipients(),
        )}`,
      );
    }

    // Cached against uncached rendering, on instant news only.
    const passes: { label: string; rate: number; ms: number; count: number; complete: boolean }[] = [];
    if (UNIQUE > 0) {
      for (const unique of [false, true]) {
        const label = unique
          ? `${fmt(UNIQUE)} instant news, every content unique (rendered once each)`
          : `${fmt(UNIQUE)} instant news, ${NEWS_VARIANTS} contents (cached renderings)`;
        const pass = instantPass(UNIQUE, unique, unique ? 7 : 5);
        await sink.reset();
        const start = snapshot(sink, server);
        progress(`pass: ${label}…`);
        const passIntake = await intake(server.url, key, pass, INTAKE_CONNECTIONS);
        const got = await waitForSink(sink, passIntake.statuses.queued ?? 0, label);
        cpuSince(`pass: ${unique ? "unique" : "cached"} contents`, start, snapshot(sink, server));
        const ms = got.stats.lastAt! - passIntake.startedAt;
        passes.push({ label, rate: got.stats.count / (ms / 1000), ms, count: got.stats.count, complete: got.complete });
        checks.push(
          `pass (${unique ? "unique" : "cached"}): ${compareRecipients(expectedRecipients(pass), await sink.recipients())}`,
        );
      }
    }

    // Correctness, from the database.
    const statuses = await db.message.groupBy({ by: ["status"], _count: { _all: true } });
    const messageStatus = Object.fromEntries(statuses.map((row) => [row.status, row._count._all]));
    const deliveries = await db.delivery.groupBy({ by: ["status"], _count: { _all: true } });
    const duplicated = await db.delivery.groupBy({
      by: ["messageId", "channel"],
      where: { messageId: { not: null } },
      _count: { _all: true },
      having: { messageId: { _count: { gt: 1 } } },
    });
    const digestItems = await db.delivery.aggregate({
      where: { messageId: null },
      _sum: { items: true },
      _count: { _all: true },
    });
    const sentMessages = await db.message.count({ where: { status: "sent" } });
    const withDigest = await db.message.count({ where: { digestDeliveryId: { not: null }, status: "sent" } });
    const sinkTotal = await sink.stats();

    // Baseline, last.
    progress("baseline, again at the end…");
    const serverPeak = proc(server.child.pid).peakRssMb;
    const workerPeak = workerChild ? proc(workerChild.pid).peakRssMb : NaN;
    await stopLoneWorker();
    await server.stop();
    const serverStopped = server;
    server = null;
    const last = await baseline(sink, samples, LAST_BASELINE, "last");
    const sinkEnd = await sink.stats();

    // ---- the report
    const base = (first.rate + last.rate) / 2;
    lines.push(
      [
        `baseline: raw nodemailer, pooled (${SMTP_CONNECTIONS} connections), ${fmt(MESSAGES)} emails first, ${fmt(LAST_BASELINE)} last`,
        `${fmt(first.rate)} / ${fmt(last.rate)} msgs/s`,
      ],
      [
        `Mesure end to end: ${fmt(sent.stats.count)} instant emails, first intake request → last email received`,
        `${fmt(e2e)} msgs/s (${seconds(e2eMs)})`,
      ],
      ["ratio Mesure end to end / baseline (mean of first and last)", `${(e2e / base).toFixed(3)}`],
      [
        `intake: ${fmt(MESSAGES)} messages, ${taken.requests} batches of ${BATCH}, ${INTAKE_CONNECTIONS} connections, worker sending meanwhile`,
        `${fmt(MESSAGES / (taken.ms / 1000))} msgs/s (${seconds(taken.ms)})`,
      ],
      [
        "emails received by the end of intake",
        `${fmt(atIntakeEnd.count)} (${fmt(atIntakeEnd.count / (taken.ms / 1000))}/s while intake ran)`,
      ],
      [
        "worker drain: first → last instant email at the sink",
        `${fmt(sent.stats.count / (drainMs / 1000))} msgs/s (${seconds(drainMs)})`,
      ],
      [
        "worker drain after intake ended",
        `${fmt((sent.stats.count - atIntakeEnd.count) / (afterIntakeMs / 1000))} msgs/s (${seconds(afterIntakeMs)})`,
      ],
      ["time to first email", seconds(sent.stats.firstAt! - taken.startedAt)],
    );
    if (digest) {
      lines.push([
        `digests: ${fmt(digest.folded)} weekly messages made due → ${fmt(digest.digests)} digests${digest.complete ? "" : " (INCOMPLETE)"}`,
        `${fmt(digest.digests / (digest.ms / 1000), 1)} digests/s, ${fmt(digest.folded / (digest.ms / 1000))} messages folded/s (${seconds(digest.ms)})`,
      ]);
    }
    for (const pass of passes) {
      lines.push([
        `pass: ${pass.label}, end to end${pass.complete ? "" : " (INCOMPLETE)"}`,
        `${fmt(pass.rate)} msgs/s (${seconds(pass.ms)})`,
      ]);
    }
    lines.push(
      [
        `peak RSS (VmHWM): Mesure server${WORKER_PROCESS ? " (web, no worker)" : " (web + worker)"}, after the instant phase / at the end`,
        `${fmt(serverAfterInstant)} / ${fmt(serverPeak)} MB`,
      ],
      ["peak RSS (VmHWM): Mesure worker process", WORKER_PROCESS ? `${fmt(workerPeak)} MB` : "- (inside the server)"],
      [
        "peak RSS (VmHWM): this process (load generator, baseline's nodemailer)",
        `${fmt(proc(process.pid).peakRssMb)} MB`,
      ],
      ["peak RSS (VmHWM): SMTP sink", `${fmt(sinkEnd.peakRssMb)} MB`],
    );
    const expect = (what: string, ok: boolean, detail: string) =>
      verdicts.push(`${ok ? "ok  " : "FAIL"} ${what}: ${detail}`);
    checks.push(
      `messages by status: ${JSON.stringify(messageStatus)}; deliveries by status: ${JSON.stringify(Object.fromEntries(deliveries.map((row) => [row.status, row._count._all])))}`,
    );
    expect(
      "intake",
      queued === instant &&
        (taken.statuses.digested ?? 0) === weeklyItems.length &&
        (taken.statuses.denied ?? 0) === denied,
      `${JSON.stringify(taken.statuses)}, planned ${fmt(instant)} queued, ${fmt(weeklyItems.length)} digested, ${fmt(denied)} denied`,
    );
    expect(
      "instant emails received = instant messages",
      sent.stats.count === instant,
      `${fmt(sent.stats.count)} received, ${fmt(instant)} instant; ${recipientCheck}`,
    );
    expect(
      "no email received twice (Message-ID)",
      sinkTotal.duplicates === 0 && sinkEnd.duplicates === 0,
      `${sinkEnd.duplicates} duplicates, ${sinkEnd.withoutId} without a Message-ID`,
    );
    expect(
      "no duplicated Delivery row (messageId, channel)",
      duplicated.length === 0,
      `${duplicated.length} duplicated`,
    );
    const expectedSent =
      calibration + instant + (digest ? digest.folded : 0) + passes.reduce((sum, pass) => sum + pass.count, 0);
    expect(
      "every message final",
      !messageStatus.queued &&
        !messageStatus.sending &&
        !messageStatus.deferred &&
        (messageStatus.digested ?? 0) === (digest ? 0 : weeklyItems.length),
      `${fmt(sentMessages)} sent (expected ${fmt(expectedSent)}), ${fmt(messageStatus.denied ?? 0)} denied`,
    );
    if (digest)
      expect(
        "digest deliveries carry every folded message",
        digestItems._sum.items === digest.folded && withDigest === digest.folded,
        `${fmt(digestItems._count._all)} digest deliveries carrying ${fmt(digestItems._sum.items ?? 0)} messages; ${fmt(withDigest)} messages sent in a digest`,
      );

    notes.push(
      `email size as received by the sink: baseline ${fmt(first.stats.bytes / first.stats.count)} bytes, Mesure ${fmt(sent.stats.bytes / sent.stats.count)} bytes a message (headers, text and HTML parts, quoted-printable)`,
      `SMTP connections opened: baseline ${first.stats.connections}, Mesure ${sent.stats.connections} (smtp-server greets each new connection after 100 ms, hence pools on both sides)`,
      "identical contents share one cached rendering in Mesure (per content, topic, language and brand); each email is then personalised (signed links), and each digest is rendered on its own",
    );
    if (args.profile) {
      const files = fs.existsSync(profileDir)
        ? fs.readdirSync(profileDir).filter((file) => file.endsWith(".cpuprofile"))
        : [];
      for (const file of files) {
        const kept = path.join(os.tmpdir(), `mesure-scheduler-${Date.now()}-${file}`);
        fs.copyFileSync(path.join(profileDir, file), kept);
        notes.push(...summariseProfile(kept));
      }
      if (!files.length) notes.push(`no profile written (server exit: ${serverStopped.output().slice(-500)})`);
    }
  } finally {
    await stopLoneWorker();
    if (server) await server.stop();
    await opened.close();
    sink.stop();
    await database.drop();
    database = null;
  }
}

try {
  await main();
} catch (error) {
  console.error(`bench:scheduler failed: ${(error as Error).stack ?? error}`);
  const server = liveServer as RunningServer | null;
  if (server) {
    console.error(
      `the server ${server.child.exitCode === null ? "was still running" : `had exited with ${server.child.exitCode}`}; its output ends:\n${server.output().slice(-3000)}`,
    );
  }
  for (const child of children) child.kill();
  await (database as Database | null)?.drop().catch(() => {});
  process.exit(1);
}

const cores = os.cpus().length;
console.log(
  `\nMesure scheduler benchmark: ${PROVIDER}, ${cores} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}, ` +
    `${fmt(MESSAGES)} messages, ${fmt(CUSTOMERS)} customers, WORKER_CONCURRENCY ${CONCURRENCY}, ${SMTP_CONNECTIONS} SMTP connections each side, ` +
    `worker ${WORKER_PROCESS ? "in its own process" : "inside the web process"}\n`,
);
console.log("| measure | value |\n| --- | ---: |");
for (const [what, value] of lines) console.log(`| ${what} | ${value} |`);
console.log(
  `\nHow the processes shared the ${cores} cores (CPU time / wall time; ${cores * 100} % is the whole machine):\n`,
);
console.log(
  "| phase | wall | Mesure server | Mesure worker | sink | this process | other processes | machine |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
);
for (const row of cpuRows) {
  const share = (ms: number) => (Number.isNaN(ms) ? "-" : `${((ms / row.wall) * 100).toFixed(0)} %`);
  console.log(
    `| ${row.phase} | ${seconds(row.wall)} | ${share(row.server)} | ${WORKER_PROCESS ? share(row.worker) : "(in server)"} | ${share(row.sink)} | ${share(row.bench)} | ${share(row.others)} | ${share((row.server || 0) + (row.worker || 0) + row.sink + row.bench + row.others)} |`,
  );
}
console.log(
  `\n"other processes" is everything else on the machine${PROVIDER === "postgresql" ? " (PostgreSQL's backends included)" : ""}; load average at the start ${loadAtStart}, at the end ${os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(" ")}.`,
);
console.log(`\ncorrectness:\n${[...verdicts, ...checks].map((line) => `  ${line}`).join("\n")}`);
console.log(`\n${notes.join("\n")}`);
console.log(`\ntotal run time ${seconds(clock() - startedAt)}`);
process.exit(verdicts.some((line) => line.startsWith("FAIL")) ? 1 : 0);
