// Erasure reaching the brand's other systems: local HTTP connectors that fail (500, a dropped
// connection, a 429 with Retry-After, no answer in time) and then succeed receive calls signed by
// the Standard Webhooks scheme, under the same webhook-id on every retry; attempts and statuses
// are recorded, the request completes once every connector acknowledged and its identifiers are
// wiped. A connector that keeps failing keeps the request open and brings exactly one warning to
// the brand's privacy contact a week before the deadline, through a real SMTP server. Time is
// driven by handing tick() its dates; the server runs without jobs (WORKER=false) so that only
// the test's runner acts.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer, type Mailer } from "~/lib/mailer.server";
import { allowPrivateAddresses } from "~/lib/outbound.server";
import { verify } from "~/lib/standard-webhooks.server";
import { createConnector } from "~/models/connector.server";
import { PrivacyJobs } from "~/privacy/jobs.server";
import { startApi, type ApiFixture } from "../support/api";
import { testProvider } from "../support/database";
import { runCli } from "../support/processes";
import { startSmtpSink, type SmtpSink } from "../support/smtp";
import { createShop, type Shop } from "../support/shop";

type Call = { headers: http.IncomingHttpHeaders; body: string; now: Date };
type Answer = "hang" | "drop" | { status: number; body?: string; headers?: Record<string, string> };

/** A brand's system on node:http: answers from a script, then `otherwise`; keeps every call. */
async function startConnector(script: Answer[], otherwise: Answer) {
  const calls: Call[] = [];
  const state = { script: [...script], otherwise, now: new Date(0) };
  const server = http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      calls.push({ headers: request.headers, body, now: state.now });
      const answer = state.script.shift() ?? state.otherwise;
      if (answer === "hang") return; // the caller's timeout ends it
      if (answer === "drop") return request.socket.destroy();
      response.writeHead(answer.status, { "Content-Type": "text/plain", ...answer.headers });
      response.end(answer.body ?? "");
    });
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
  return {
    url: `http://127.0.0.1:${port}/hooks/mesure`,
    calls,
    state,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let api: ApiFixture;
let smtp: SmtpSink;
let mailer: Mailer;
let shop: Shop;
let jobs: PrivacyJobs;
let crm: Awaited<ReturnType<typeof startConnector>>;
let warehouse: Awaited<ReturnType<typeof startConnector>>;
let crmSecret: string;

beforeAll(async () => {
  // The jobs run in this process and the connectors listen on 127.0.0.1 (see outbound.server.ts).
  allowPrivateAddresses(true);
  smtp = await startSmtpSink();
  api = await startApi({ WORKER: "false" });
  shop = await createShop(api.db, "connected");
  await api.db.brand.update({ where: { id: shop.brandId }, data: { privacyEmail: "dpo@boutique.example" } });
  mailer = createMailer(smtp.url, "Mesure <no-reply@mesure.localhost>");
  jobs = new PrivacyJobs({
    db: api.db,
    secret: api.env.MESURE_SECRET!,
    mailer,
    // Mid-range jitter so the test can say when the next attempt is; a short timeout for "hang".
    delivery: { random: () => 0.5, timeoutMs: 1_000 },
  });
  crm = await startConnector(
    [
      { status: 500, body: "Internal Server Error" },
      "drop",
      { status: 429, body: "slow down", headers: { "Retry-After": "120" } },
    ],
    { status: 204 },
  );
  warehouse = await startConnector(["hang"], { status: 503, body: "" });
});
afterAll(async () => {
  mailer?.close();
  await crm?.stop();
  await warehouse?.stop();
  await api?.stop();
  await smtp?.stop();
});

const call = (method: string, path: string, body?: unknown) => api.call(method, path, body, { key: shop.key });

/** One round of the jobs as of `now`, with the connectors told what time the caller thinks it is. */
async function tickAt(now: Date) {
  crm.state.now = now;
  warehouse.state.now = now;
  return jobs.tick(now);
}

async function dispatchOf(requestId: string, connectorName: string) {
  return api.db.erasureDispatch.findFirstOrThrow({ where: { requestId, connectorName } });
}

describe(`erasure connectors (${testProvider})`, () => {
  it("adds a connector from the command line, the secret alone on standard output", async () => {
    const added = await runCli(
      ["connector", "add", "--brand", "connected", "--name", "CRM", "--url", crm.url],
      api.env,
    );
    expect(added.stderr).toContain('added connector "CRM"');
    expect(added.code).toBe(0);
    crmSecret = added.stdout.trim();
    expect(crmSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const stored = await api.db.connector.findFirstOrThrow({ where: { brandId: shop.brandId, name: "CRM" } });
    expect(stored.secretCiphertext).toMatch(/^v1\./);
    expect(stored.secretCiphertext).not.toContain(crmSecret.slice(6, 20));

    const listed = await runCli(["connector", "list", "--brand", "connected"], api.env);
    expect(listed.stdout).toBe(`CRM\t${crm.url}\tenabled\n`);
    expect(listed.stdout).not.toContain("whsec_");

    const duplicate = await runCli(
      ["connector", "add", "--brand", "connected", "--name", "CRM", "--url", crm.url],
      api.env,
    );
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain("already has a connector named");
    const badUrl = await runCli(
      ["connector", "add", "--brand", "connected", "--name", "Other", "--url", "ftp://files.example"],
      api.env,
    );
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain("--url must be an http(s) URL");
    expect(await api.db.connector.count({ where: { brandId: shop.brandId } })).toBe(1);
  });

  it("retries a failing connector with backoff under one webhook-id, signed each time, until it acknowledges", async () => {
    const person = await shop.customer("conn-1", { email: "conn.one@example.net", phone: "+33612121212" });
    const asked = await call("POST", "/api/v1/customers/conn-1/erasure");
    expect(asked.status).toBe(202);
    const requestId: string = asked.body.id;
    expect(asked.body.systems.map((system: { name: string; status: string }) => [system.name, system.status])).toEqual([
      ["Mesure", "waiting"],
      ["CRM", "waiting"],
    ]);
    const t0 = new Date(Date.parse(asked.body.requestedAt) + 1_000);

    // Round 1: erased here, the CRM answers 500.
    expect(await tickAt(t0)).toMatchObject({ erased: 1, attempted: 1 });
    let dispatch = await dispatchOf(requestId, "CRM");
    expect(dispatch).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500 });
    expect(dispatch.lastError).toBe("HTTP 500: Internal Server Error");
    // 30 s doubling with jitter: the first retry between 15 and 30 s later (22.5 s at mid-range).
    expect(dispatch.nextAttemptAt.getTime() - t0.getTime()).toBe(22_500);
    const request = await api.db.erasureRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(request.status).toBe("propagating");
    expect(request.identifiers).toMatch(/^v1\./);
    expect(request.identifiers).not.toContain("conn.one");
    expect((await api.db.customer.findUniqueOrThrow({ where: { id: person.id } })).email).toBeNull();

    // Nothing happens before the next attempt is due.
    expect((await tickAt(new Date(dispatch.nextAttemptAt.getTime() - 1))).attempted).toBe(0);
    // Round 2: the connection is dropped.
    let at = dispatch.nextAttemptAt;
    expect((await tickAt(at)).attempted).toBe(1);
    dispatch = await dispatchOf(requestId, "CRM");
    expect(dispatch).toMatchObject({ attempts: 2, lastStatus: null });
    expect(dispatch.lastError).toMatch(/^could not reach the connector/);
    expect(dispatch.nextAttemptAt.getTime() - at.getTime()).toBe(45_000);
    // Round 3: 429 with Retry-After: 120 s, longer than the backoff, so it wins.
    at = dispatch.nextAttemptAt;
    await tickAt(at);
    dispatch = await dispatchOf(requestId, "CRM");
    expect(dispatch).toMatchObject({ attempts: 3, lastStatus: 429, lastError: "HTTP 429: slow down" });
    expect(dispatch.nextAttemptAt.getTime() - at.getTime()).toBe(120_000);
    // Round 4: acknowledged (204), and with it the whole request.
    at = dispatch.nextAttemptAt;
    await tickAt(at);
    dispatch = await dispatchOf(requestId, "CRM");
    expect(dispatch).toMatchObject({ status: "acknowledged", attempts: 4, lastStatus: 204, lastError: null });
    expect(dispatch.acknowledgedAt).toEqual(at);

    const done = await api.db.erasureRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(done).toMatchObject({ status: "completed", identifiers: null, completedAt: at });
    const view = await call("GET", `/api/v1/erasure-requests/${requestId}`);
    expect(view.body.status).toBe("completed");
    expect(view.body.systems[1]).toMatchObject({
      name: "CRM",
      status: "acknowledged",
      attempts: 4,
      acknowledgedAt: at.toISOString(),
      nextAttemptAt: null,
    });

    // Four calls, one webhook-id (the dispatch's), each signed for its own moment.
    expect(crm.calls).toHaveLength(4);
    for (const received of crm.calls) {
      expect(received.headers["webhook-id"]).toBe(dispatch.id);
      expect(received.headers["content-type"]).toBe("application/json");
      expect(verify(crmSecret, received.headers, received.body, received.now)).toEqual({ ok: true });
      expect(received.headers["webhook-timestamp"]).toBe(String(Math.floor(received.now.getTime() / 1000)));
      expect(JSON.parse(received.body)).toEqual({
        type: "customer.erasure_requested",
        timestamp: received.now.toISOString(),
        data: {
          requestId,
          brand: "connected",
          customer: { externalId: "conn-1", email: "conn.one@example.net", phone: "+33612121212" },
          requestedAt: asked.body.requestedAt,
          deadlineAt: asked.body.deadlineAt,
        },
      });
    }
    // A forged or replayed-late call would not pass the receiver's check.
    const first = crm.calls[0]!;
    expect(verify(crmSecret, first.headers, first.body.replace("conn-1", "conn-2"), first.now).ok).toBe(false);
    expect(verify(crmSecret, first.headers, first.body, new Date(first.now.getTime() + 6 * 60_000)).ok).toBe(false);
    expect(new Set(crm.calls.map((received) => received.headers["webhook-signature"])).size).toBe(4);
  });

  it("keeps a request open while a connector fails, and warns the brand exactly once a week before the deadline", async () => {
    const { secret: warehouseSecret } = await createConnector(api.db, api.env.MESURE_SECRET!, {
      brandId: shop.brandId,
      name: "Entrepôt",
      url: warehouse.url,
      publicUrl: "http://localhost:3000",
    });
    await shop.customer("conn-2", { email: "conn.two@example.net" });
    const asked = await call("POST", "/api/v1/customers/conn-2/erasure");
    const requestId: string = asked.body.id;
    const requestedAt = new Date(asked.body.requestedAt);
    const deadlineAt = new Date(asked.body.deadlineAt);

    // The CRM acknowledges at once; the warehouse does not answer within the timeout.
    await tickAt(new Date(requestedAt.getTime() + 1_000));
    expect((await dispatchOf(requestId, "CRM")).status).toBe("acknowledged");
    let stuck = await dispatchOf(requestId, "Entrepôt");
    expect(stuck).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatus: null,
      lastError: "no answer within 1 s",
    });

    // Then 503s, retried with growing delays; the request stays open.
    warehouse.state.otherwise = { status: 503, body: "unknown customer conn.two@example.net (conn-2)" };
    for (let round = 2; round <= 4; round++) {
      const at = stuck.nextAttemptAt;
      await tickAt(at);
      stuck = await dispatchOf(requestId, "Entrepôt");
      expect(stuck.attempts).toBe(round);
      expect(stuck.nextAttemptAt.getTime() - at.getTime()).toBe(0.75 * 30_000 * 2 ** (round - 1));
    }
    // What the connector echoed back is kept with the person's identifiers blanked out.
    expect(stuck).toMatchObject({ lastStatus: 503, lastError: "HTTP 503: unknown customer [redacted] ([redacted])" });
    expect(
      warehouse.calls.every((received) => verify(warehouseSecret, received.headers, received.body, received.now).ok),
    ).toBe(true);
    expect(new Set(warehouse.calls.map((received) => received.headers["webhook-id"]))).toEqual(new Set([stuck.id]));
    const open = await call("GET", `/api/v1/erasure-requests/${requestId}`);
    expect(open.body.status).toBe("propagating");
    expect(open.body.systems.map((system: { name: string; status: string }) => [system.name, system.status])).toEqual([
      ["Mesure", "acknowledged"],
      ["CRM", "acknowledged"],
      ["Entrepôt", "pending"],
    ]);

    // The deadline warning: not before seven days ahead, then once, whatever the rounds after.
    const warnAt = new Date(deadlineAt.getTime() - 7 * 86_400_000);
    expect((await tickAt(new Date(warnAt.getTime() - 1_000))).warned).toBe(0);
    expect((await tickAt(warnAt)).warned).toBe(1);
    expect((await tickAt(new Date(warnAt.getTime() + 86_400_000))).warned).toBe(0);
    expect((await tickAt(new Date(deadlineAt.getTime() + 1_000))).warned).toBe(0);
    const mail = await smtp.waitFor((received) => received.to.includes("dpo@boutique.example"));
    expect(smtp.messages.filter((received) => received.to.includes("dpo@boutique.example"))).toHaveLength(1);
    expect(mail.subject).toMatch(
      /^Demande d'effacement à traiter avant le .+ \(La Boutique\) \/ Erasure request due by .+/,
    );
    expect(mail.text).toContain("Entrepôt");
    expect(mail.text).toContain(requestId);
    expect(mail.text).toMatch(/RGPD, article 12/);
    expect(mail.text).toMatch(/GDPR, article 12\(3\)/);
    expect(mail.text).not.toContain("CRM"); // it acknowledged
    expect(mail.text).not.toContain("conn.two@example.net");
    expect((await api.db.erasureRequest.findUniqueOrThrow({ where: { id: requestId } })).warnedAt).toEqual(warnAt);

    // Removing the stuck system needs the operator to say the person was handled there.
    const refused = await runCli(["connector", "remove", "--brand", "connected", "--name", "Entrepôt"], api.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--abandon-pending");
    const removed = await runCli(
      ["connector", "remove", "--brand", "connected", "--name", "Entrepôt", "--abandon-pending"],
      api.env,
    );
    expect(removed.code).toBe(0);
    const finalRound = await tickAt(new Date(deadlineAt.getTime() + 2_000));
    expect(finalRound.completed).toBe(1);
    const closed = await api.db.erasureRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(closed).toMatchObject({ status: "completed", identifiers: null });
    expect(await dispatchOf(requestId, "Entrepôt")).toMatchObject({
      status: "acknowledged",
      connectorId: null,
      lastError: "connector removed by the operator before it acknowledged",
    });
  });

  it("follows a request from the command line", async () => {
    await api.db.brand.update({ where: { id: shop.brandId }, data: { erasureGraceDays: 7 } });
    await shop.customer("conn-3", { email: "conn.three@example.net" });
    const asked = await runCli(["erasure", "request", "--brand", "connected", "--customer", "conn-3"], api.env);
    expect(asked.code).toBe(0);
    const id = asked.stdout.trim();
    expect((await call("GET", `/api/v1/erasure-requests/${id}`)).body).toMatchObject({
      via: "cli",
      status: "scheduled",
    });
    const status = await runCli(["erasure", "status", "--brand", "connected", "--id", id], api.env);
    expect(status.stdout).toMatch(new RegExp(`^${id}\\tscheduled\\t`));
    expect(status.stdout).toContain("  CRM\twaiting");
    const cancelled = await runCli(["erasure", "cancel", "--brand", "connected", "--id", id], api.env);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^${id}\\tcancelled\\t`));
    const unknown = await runCli(["erasure", "request", "--brand", "connected", "--customer", "nobody"], api.env);
    expect(unknown.code).toBe(2);
  });
});

describe(`erasure connectors, several runners (${testProvider})`, () => {
  it("leases each call when a lane takes it up, so a slow batch is not called twice by another runner", async () => {
    const leased = await createShop(api.db, "leased");
    await createConnector(api.db, api.env.MESURE_SECRET!, {
      brandId: leased.brandId,
      name: "Slow CRM",
      url: "http://127.0.0.1:9/hooks/mesure",
      publicUrl: api.server.url,
    });
    for (const externalId of ["lease-1", "lease-2", "lease-3"]) {
      await leased.customer(externalId, { email: `${externalId}@example.net` });
      const asked = await api.call("POST", `/api/v1/customers/${externalId}/erasure`, undefined, { key: leased.key });
      expect(asked.status).toBe(202);
    }
    const calls: string[] = [];
    const record = (init: RequestInit | undefined) =>
      calls.push((init?.headers as Record<string, string>)["webhook-id"]!);
    let second: Promise<unknown> | null = null;
    // Runner B: another process, answering at once.
    const other = new PrivacyJobs({
      db: api.db,
      secret: api.env.MESURE_SECRET!,
      mailer: null,
      delivery: {
        fetch: async (_url, init) => {
          record(init);
          return new Response(null, { status: 204 });
        },
      },
    });
    // Runner A: one lane, each call 2 s, leases of 1.5 s; B looks in 100 ms into A's second call.
    // Leased when the lane takes it up, that call is covered for 1.4 s more, a wide margin on a
    // loaded machine; leased up front with the first, its lease would have lapsed 0.6 s before.
    const slow = new PrivacyJobs({
      db: api.db,
      secret: api.env.MESURE_SECRET!,
      mailer: null,
      dispatchConcurrency: 1,
      leaseMs: 1_500,
      delivery: {
        fetch: async (_url, init) => {
          record(init);
          if (calls.length === 2)
            second = new Promise((resolve) => setTimeout(resolve, 100)).then(() => other.tick(new Date()));
          await new Promise((resolve) => setTimeout(resolve, 2_000));
          return new Response(null, { status: 204 });
        },
      },
    });
    expect(await slow.tick(new Date())).toMatchObject({ erased: 3 });
    await second;
    expect(calls).toHaveLength(3);
    expect(new Set(calls).size).toBe(3);
    expect(
      await api.db.erasureRequest.count({ where: { brandId: leased.brandId, status: { not: "completed" } } }),
    ).toBe(0);
  });
});
