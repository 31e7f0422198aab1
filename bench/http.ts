// `npm run bench:http`: what Mesure's HTTP stack costs, against a bare node:http server
// measured in the same run on the same machine. Each server runs in its own process; autocannon
// loads it from this one (on a 2-core machine: one core each). Also times start-up, cold (empty
// database: migrations and demo seed) and warm (second start on the same data).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import buildOnce from "../test/support/build-once";
import { runCli, startServer, type RunningServer } from "../test/support/processes";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

const bareSource = `
  const http = require("node:http");
  const body = JSON.stringify({ status: "ok", database: "ok" });
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.listen(0, () => console.log("listening on http://localhost:" + server.address().port));
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

type Result = { name: string; rps: number; p50: number; p99: number; errors: number };

async function load(name: string, url: string, headers: Record<string, string> = {}): Promise<Result> {
  // A short warm-up so JIT and connection set-up do not count.
  await autocannon({ url, connections, duration: 2, headers });
  const result = await autocannon({ url, connections, duration: seconds, headers });
  const errors = result.errors + result.non2xx;
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors };
}

async function timeStart(env: Record<string, string>): Promise<{ ms: number; server: RunningServer }> {
  const started = performance.now();
  const server = await startServer(env);
  return { ms: performance.now() - started, server };
}

buildOnce();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesure-bench-"));
const env = {
  DATABASE_URL: `file:${path.join(dir, "mesure.db")}`,
  DATA_DIR: dir,
  SEED_DEMO: "true",
  MESURE_SECRET: "b".repeat(64),
  // One client address makes all the load here: lift the banner's per-address limit.
  EMBED_RATE_LIMIT: "1000000",
};

const cold = await timeStart(env);
await cold.server.stop();
const warm = await timeStart(env);
const mesure = warm.server;
const bare = await startBare();

const results: Result[] = [];
try {
  results.push(await load("bare node:http, fixed JSON", `${bare.url}/`));
  results.push(await load("Mesure GET /healthz (one SQL query)", `${mesure.url}/healthz`));
  results.push(await load("Mesure GET / (Express + Remix page, 2 reads)", `${mesure.url}/`));
  // What every page view of a brand's site costs once the banner is on it.
  results.push(await load("Mesure GET /embed/v1.js (the banner, static)", `${mesure.url}/embed/v1.js`));
  results.push(
    await load(
      "Mesure GET /embed/v1/config (banner config + the visitor's choice)",
      `${mesure.url}/embed/v1/config?brand=demo&visitor=benchVisitor0000000001`,
      { origin: mesure.url },
    ),
  );
  // The portal, signed in as a demo customer through a support link.
  const link = await runCli(["portal-link", "--brand", "demo", "--customer", "cust-camille"], {
    ...env,
    PUBLIC_URL: mesure.url,
  });
  const entered = await fetch(link.stdout.trim(), { redirect: "manual" });
  const cookie = entered.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  for (const [page, what] of [
    ["", "overview: weekly estimate by the policy engine"],
    ["/subscriptions", "subscriptions grid"],
    ["/history", "history, 90 days"],
  ] as const) {
    results.push(await load(`Mesure GET /portal${page} (${what})`, `${mesure.url}/portal${page}`, { cookie }));
  }
} finally {
  bare.stop();
  await mesure.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

const baseline = results[0]!.rps;
console.log(
  `\nMesure HTTP benchmark: ${os.cpus().length} cores, node ${process.version}, ${connections} connections, ${seconds} s each\n`,
);
console.log("| endpoint | req/s | p50 ms | p99 ms | vs bare | errors |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const r of results) {
  console.log(
    `| ${r.name} | ${Math.round(r.rps).toLocaleString("en")} | ${r.p50} | ${r.p99} | ${(r.rps / baseline).toFixed(3)} | ${r.errors} |`,
  );
}
console.log(`\nstart-up to listening: cold (migrate + seed) ${Math.round(cold.ms)} ms, warm ${Math.round(warm.ms)} ms`);
