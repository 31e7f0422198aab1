// Mesure's process entry, compiled by Remix together with the app into build/index.js
// (remix.config.js `server`), so the HTTP layer and the routes share one module graph and one
// database client. `node build/index.js` checks the configuration, brings the database up to
// date, seeds the demo brand on the embedded default, and serves, with the outbox worker inside
// the same process unless WORKER=false; `node build/index.js worker` runs a worker alone.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import * as remixBuild from "@remix-run/dev/server-build";
import { localChanges, type Change } from "~/db/changes.server";
import { connectDatabase, disconnectDatabase, type Db } from "~/db/client.server";
import { parseDatabaseUrl, type DatabaseTarget } from "~/db/database-url";
import { seedDemo } from "~/db/demo-seed.server";
import { migrate } from "~/db/migrate.server";
import { getEnv } from "~/lib/env.server";
import { log } from "~/lib/log.server";
import { allowPrivateAddresses } from "~/lib/outbound.server";
import { startMailCatcher } from "~/lib/mail-catcher.server";
import { createMailer } from "~/lib/mailer.server";
import { RateLimiter } from "~/lib/rate-limit";
import { resolveSecret } from "~/lib/secret.server";
import { pruneExpiredAccess } from "~/models/portal-session.server";
import { watchChanges } from "~/decisions/freshness.server";
import { DecisionService } from "~/decisions/service.server";
import { SnapshotStore } from "~/decisions/snapshot.server";
import { startDecisionStats } from "~/decisions/stats.server";
import { resolveVapidKeys } from "~/lib/vapid.server";
import { EmbedBrands } from "~/privacy/embed-brands.server";
import { PrivacyJobs } from "~/privacy/jobs.server";
import { closeChannels, createChannels } from "~/scheduler/channels/registry.server";
import { Renderer } from "~/scheduler/render.server";
import { Worker } from "~/scheduler/worker.server";
import { clientAddress } from "./client-address";
import { createDecisionHandler } from "./decisions.server";
import { createServer } from "./server.server";

const build = remixBuild as unknown as ServerBuild;
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function describe(target: DatabaseTarget): string {
  if (target.provider === "sqlite") return `SQLite ${path.relative(process.cwd(), target.file) || target.file}`;
  const url = new URL(target.url);
  return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

function fail(message: string): never {
  console.error(`mesure: ${message}`);
  process.exit(1);
}

/** What the web process and a lone worker share: configuration, database, snapshots, channels. */
async function start(role: "web" | "worker") {
  const env = getEnv();
  if (process.env.NODE_ENV === undefined) {
    // React chose its build when this bundle was loaded, before any of our code ran.
    log.info("NODE_ENV is not set, so React runs its slow development build: start with `npm start`");
  }
  const target = parseDatabaseUrl(env.DATABASE_URL);
  try {
    const report = await migrate(target);
    if (report.applied.length) log.info(`applied ${report.applied.length} migration(s): ${report.applied.join(", ")}`);
  } catch (error) {
    fail(`cannot prepare the database (${describe(target)}): ${(error as Error).message}`);
  }
  const { db } = connectDatabase(env.DATABASE_URL);
  allowPrivateAddresses(env.OUTBOUND_PRIVATE_ADDRESSES === "allow");
  const secret = resolveSecret(env.MESURE_SECRET, env.DATA_DIR);
  if (env.SEED_DEMO && role === "web") {
    const { created } = await seedDemo(db);
    if (created) log.info('seeded the demo brand "demo"');
  }

  const store = new SnapshotStore(db, env.SNAPSHOT_MAX_CUSTOMERS);
  const embedBrands = new EmbedBrands(db);
  const apply = (change: Change) => {
    store.apply(change);
    if (change.scope === "brand") embedBrands.forget(change.brandId);
  };
  // Changes made in this process reach the snapshot at commit; a commit's own sends are
  // already in it (the decision service and the worker store the fresh history themselves).
  localChanges.on("change", (change) => change.scope !== "sends" && apply(change));
  store.freshness = await watchChanges(target, db, apply, () => {
    store.forgetEverything();
    embedBrands.forgetEverything();
  });
  // Without SMTP_URL, mail goes to a real SMTP server inside this process, readable at
  // /dev/mail when Mesure is reached on localhost.
  const mailCatcher = env.SMTP_URL ? null : await startMailCatcher();
  if (mailCatcher && role === "web")
    log.info(`no SMTP_URL: emails are kept by the built-in catcher (${env.PUBLIC_URL}/dev/mail)`);
  if (mailCatcher && role === "worker")
    log.info("no SMTP_URL: this worker's emails go to its own catcher and are not kept; set SMTP_URL");
  const smtpUrl = env.SMTP_URL ?? mailCatcher!.url;
  const vapid = resolveVapidKeys(
    { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: env.VAPID_SUBJECT },
    env.DATA_DIR,
  );
  const publicUrl = { current: env.PUBLIC_URL };
  const makeWorker = () => {
    const channels = createChannels({ env, db, smtpUrl, vapid, concurrency: env.WORKER_CONCURRENCY });
    const worker = new Worker({
      db,
      provider: target.provider,
      store,
      renderer: new Renderer({
        secret,
        get publicUrl() {
          return publicUrl.current;
        },
      }),
      channels,
      concurrency: env.WORKER_CONCURRENCY,
      leaseMs: env.LEASE_SECONDS * 1000,
    });
    return { worker, channels };
  };
  return { env, target, db, secret, store, embedBrands, mailCatcher, smtpUrl, vapid, publicUrl, makeWorker };
}

async function work(): Promise<void> {
  const { env, target, db, secret, store, mailCatcher, smtpUrl, makeWorker } = await start("worker");
  const { worker, channels } = makeWorker();
  const decisionStats = startDecisionStats(db, { intervalMs: env.DECISION_STATS_FLUSH_MS });
  // Erasures, connector calls and deadline warnings run wherever the outbox worker does.
  const mailer = createMailer(smtpUrl, env.MAIL_FROM);
  const privacy = new PrivacyJobs({ db, secret, mailer });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing the sends in flight, releasing leases, then stopping`);
    void Promise.all([worker.stop(), privacy.stop()])
      .then(() => decisionStats.stop())
      .then(() => closeChannels(channels))
      .then(() => mailer.close())
      .then(() => mailCatcher?.close())
      .then(() => store.freshness?.close())
      .then(() => disconnectDatabase())
      .finally(() => process.exit(0));
  };
  // Listening before starting: a supervisor's SIGTERM may come at any moment after.
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  worker.start();
  privacy.start();
  log.info(`worker ${worker.id} started (${describe(target)}, ${env.WORKER_CONCURRENCY} sends at a time)`);
}

async function serve(): Promise<void> {
  const { env, target, db, secret, store, embedBrands, mailCatcher, smtpUrl, vapid, publicUrl, makeWorker } =
    await start("web");
  const decisions = new DecisionService(db, store);
  const decisionStats = startDecisionStats(db, { intervalMs: env.DECISION_STATS_FLUSH_MS });
  const mailer = createMailer(smtpUrl, env.MAIL_FROM);
  const housekeeping = setInterval(() => void pruneOldRecords(db), 10 * 60_000);
  housekeeping.unref();
  const scheduler = env.WORKER ? makeWorker() : null;
  const privacy = env.WORKER ? new PrivacyJobs({ db, secret, mailer }) : null;

  const services = {
    db,
    store,
    embedBrands,
    decisions,
    secret,
    publicUrl: env.PUBLIC_URL,
    mailer,
    mailCatcher,
    push: { publicKey: vapid.publicKey },
    sms: env.TWILIO_AUTH_TOKEN ? { authToken: env.TWILIO_AUTH_TOKEN } : null,
    limits: {
      // Five links an hour per address, thirty per client address.
      magicLinkPerEmail: new RateLimiter(5 / 3600, 5),
      magicLinkPerIp: new RateLimiter(30 / 3600, 30),
      // The banner's config and choices: a page view is one call; a busy NAT shares an address.
      // Ten times the rate as burst: a page view makes one or two calls, a busy office behind one
      // address makes many pages at once.
      embedPerIp: new RateLimiter(env.EMBED_RATE_LIMIT, env.EMBED_RATE_LIMIT * 10),
      // Shared by the decision endpoints (node:http) and the Remix API routes: a guesser gets
      // AUTH_FAILURES_PER_MINUTE in all, not that many on each side.
      apiFailedAuthPerIp: new RateLimiter(env.AUTH_FAILURES_PER_MINUTE / 60, env.AUTH_FAILURES_PER_MINUTE),
    },
  };
  const server = createServer({
    build,
    services,
    decisions: createDecisionHandler(decisions, store, {
      perKey: new RateLimiter(env.API_RATE_LIMIT, env.API_RATE_LIMIT),
      failedAuthPerIp: services.limits.apiFailedAuthPerIp,
      addressOf: (req) => clientAddress(req, env.TRUSTED_PROXIES),
    }),
    publicUrl: env.PUBLIC_URL,
    trustedProxies: env.TRUSTED_PROXIES,
    mode: env.NODE_ENV,
    publicDir: path.join(projectRoot, "public"),
  });
  server.on("error", (error: NodeJS.ErrnoException) => {
    fail(error.code === "EADDRINUSE" ? `port ${env.PORT} is already in use (set PORT to another one)` : error.message);
  });
  server.listen({ port: env.PORT, host: env.HOST }, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.PORT;
    // PORT=0 picks a free port: links must name the one actually chosen.
    if (!process.env.PUBLIC_URL) services.publicUrl = publicUrl.current = `http://localhost:${port}`;
    // The worker starts once links can name the real port.
    scheduler?.worker.start();
    privacy?.start();
    log.info(`listening on http://localhost:${port} (${describe(target)})${scheduler ? ", with a worker" : ""}`);
    // Under `remix dev` (which sets NODE_ENV=development and inlines its origin into dev
    // builds), tell the dev server this build is up so it can reload the browser.
    if (env.NODE_ENV === "development" && process.env.REMIX_DEV_ORIGIN) void broadcastDevReady(build);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing requests and sends in flight, then stopping`);
    // Idle keep-alive sockets would hold close() open forever; in-flight requests get 10 s.
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    force.unref();
    const workerStopped = Promise.all([
      scheduler ? scheduler.worker.stop().then(() => closeChannels(scheduler.channels)) : null,
      privacy?.stop(),
    ]);
    server.close(() => {
      clearInterval(housekeeping);
      void Promise.resolve(workerStopped)
        .then(() => decisionStats.stop())
        .then(() => {
          mailer.close();
          return mailCatcher?.close();
        })
        .then(() => store.freshness?.close())
        .then(() => disconnectDatabase())
        .finally(() => process.exit(0));
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/** The change log and idempotency records are only needed for a while. */
async function pruneOldRecords(db: Db): Promise<void> {
  const now = Date.now();
  try {
    await db.changeLog.deleteMany({ where: { at: { lt: new Date(now - 3_600_000) } } });
    await db.idempotencyRecord.deleteMany({ where: { createdAt: { lt: new Date(now - 24 * 3_600_000) } } });
    await pruneExpiredAccess(db, new Date(now));
  } catch (error) {
    log.error(`pruning old records: ${(error as Error).message}`);
  }
}

const command = process.argv[2] ?? "serve";
if (command === "serve") {
  await serve();
} else if (command === "worker") {
  await work();
} else {
  fail(`unknown command "${command}" (use "serve" or "worker")`);
}
