// temporary
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { runCli, startServer } from "../test/support/processes";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesure-dbg-"));
const file = path.join(dir, "mesure.db");
const env = { DATABASE_URL: `file:${file}`, DATA_DIR: dir, SEED_DEMO: "true", API_RATE_LIMIT: "10000000" };
await (await startServer(env)).stop();
const key = (await runCli(["api-key", "create", "--brand", "demo"], env)).stdout.trim();
const db = new Sqlite(file);
const { brandId } = db.prepare(`SELECT id AS brandId FROM Brand WHERE slug='demo'`).get() as { brandId: string };
const { topicId } = db.prepare(`SELECT id AS topicId FROM Topic WHERE key='newsletter'`).get() as { topicId: string };
const now = new Date().toISOString().replace("Z", "+00:00");
db.transaction(() => {
  for (let n = 1; n <= Number(process.env.N ?? 5000); n++) {
    db.prepare(
      `INSERT INTO Customer (id, brandId, externalId, email, locale, timezone, createdAt, updatedAt) VALUES (?,?,?,?,?,?,?,?)`,
    ).run(`bc${n}`, brandId, `bench-${n}`, `c${n}@x.com`, "fr", "Europe/Paris", now, now);
    db.prepare(`INSERT INTO CustomerPreference (id, brandId, customerId, updatedAt) VALUES (?,?,?,?)`).run(
      `bp${n}`,
      brandId,
      `bc${n}`,
      now,
    );
    db.prepare(
      `INSERT INTO Subscription (id, brandId, customerId, topicId, channel, status, frequency, createdAt, updatedAt) VALUES (?,?,?,?,'email','subscribed','instant',?,?)`,
    ).run(`bs${n}`, brandId, `bc${n}`, topicId, now, now);
  }
})();
db.close();
const { spawn } = await import("node:child_process");
const child = spawn(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${process.env.PROF_DIR}`, "build/index.js"], {
  env: { ...process.env, ...env, PORT: "0", NODE_ENV: "production" },
  stdio: ["ignore", "pipe", "pipe"],
});
let out = "";
const port = await new Promise<number>((resolve) => {
  const on = (c: Buffer) => {
    out += c;
    const m = /localhost:(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  };
  child.stdout.on("data", on);
  child.stderr.on("data", on);
});
const server = {
  url: `http://127.0.0.1:${port}`,
  output: () => out,
  stop: () =>
    new Promise((r) => {
      child.once("exit", r);
      child.kill("SIGTERM");
    }),
};
const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
const post = async (p: string, body: unknown) => {
  const t = performance.now();
  const r = await fetch(server.url + p, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - t, text };
};
const t0 = performance.now();
for (let from = 1; from <= Number(process.env.N ?? 5000); from += 400) {
  const items = [];
  for (let n = from; n < Math.min(from + 400, Number(process.env.N ?? 5000) + 1); n++)
    items.push({ customer: `bench-${n}`, topic: "newsletter", channel: "email" });
  const r = await post("/api/v1/decisions/batch", { items });
  if (r.status !== 200) console.log(r.status);
}
console.log("cold 5000 in", (performance.now() - t0).toFixed(0), "ms");
const { default: autocannon } = await import("autocannon");
const N = Number(process.env.N ?? 5000);
const r = await autocannon({
  url: server.url + "/api/v1/decisions",
  method: "POST",
  headers,
  connections: 50,
  duration: 8,
  requests: [{ setupRequest: (req) => ({ ...req, body: `{"customer":"bench-${1 + Math.floor(Math.random() * N)}","topic":"newsletter","channel":"email"}` }) }],
});
console.log("singles/s", r.requests.average, "p50", r.latency.p50, "p99", r.latency.p99, "non2xx", r.non2xx);
await server.stop();
console.log(server.output().slice(-1500));
fs.rmSync(dir, { recursive: true, force: true });
