// Outgoing webhooks over real HTTP: endpoints added in the console (the secret shown once),
// local receivers on node:http that check each call's Standard Webhooks signature with it, and
// the changes a brand cares about made the way customers and systems make them (the API, the
// portal, an unsubscribe link, an SMS STOP, an erasure request), each heard once, naming the
// customer by external id only. Failures are retried under the same webhook-id and given up
// after nine attempts; another brand's and a switched-off endpoint hear nothing; an erasure
// leaves no event naming the person. The server runs without jobs (WORKER=false) and the test
// drives the delivery job with the dates it needs, so retries take no real time.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowPrivateAddresses } from "~/lib/outbound.server";
import { portalLink } from "~/lib/portal-link.server";
import { verify } from "~/lib/standard-webhooks.server";
import { unsubscribeLink } from "~/lib/unsubscribe-link.server";
import { unsubscribeFromSms } from "~/models/sms-opt-out.server";
import { createWebhookEndpoint } from "~/models/webhook-endpoint.server";
import { PrivacyJobs } from "~/privacy/jobs.server";
import { WebhookJobs } from "~/webhooks/delivery.server";
import { WEBHOOK_EVENT_TYPES } from "~/webhooks/events";
import { startConsole, type ConsoleClient, type ConsoleFixture } from "../support/console";
import { testProvider } from "../support/database";
import { PortalClient } from "../support/portal-client";
import { runCli } from "../support/processes";

type Call = { headers: http.IncomingHttpHeaders; body: string };
// The receivers read arbitrary JSON; the assertions are the type checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Event = { id: string; type: string; data: any; call: Call };

/** A brand's system: answers from a script of statuses, then `otherwise`; a refusal echoes the body back. */
async function startReceiver(script: number[] = [], otherwise = 204, delayMs = 0) {
  const calls: Call[] = [];
  const state = { script: [...script], otherwise };
  const server = http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      calls.push({ headers: request.headers, body });
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const status = state.script.shift() ?? state.otherwise;
      response.writeHead(status, { "Content-Type": "text/plain" });
      // A long answer quoting what it got, as some frameworks' error pages do.
      response.end(status >= 300 ? `refused ${body} ${"-".repeat(300)}` : "ok");
    });
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
  return {
    url: `http://127.0.0.1:${port}/hooks/mesure`,
    calls,
    state,
    /** The events received from call `from` on. */
    events(from = 0): Event[] {
      return calls.slice(from).map((call) => {
        const payload = JSON.parse(call.body);
        return { id: String(call.headers["webhook-id"]), type: payload.type, data: payload.data, call };
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

let app: ConsoleFixture;
let jobs: WebhookJobs;
let editor: ConsoleClient;
let demoId: string;
const ids: Record<string, string> = {};
const receivers: Record<"main" | "prefs" | "off" | "stranger" | "flaky" | "dead", Receiver> = {} as never;
const secrets: Record<string, string> = {};
const endpointIds: Record<string, string> = {};

beforeAll(async () => {
  // The jobs run in this process and the receivers listen on 127.0.0.1 (see outbound.server.ts).
  allowPrivateAddresses(true);
  app = await startConsole({ WORKER: "false" });
  demoId = app.brandIds.demo;
  for (const row of await app.db.customer.findMany({ select: { id: true, externalId: true } })) {
    ids[row.externalId] = row.id;
  }
  receivers.main = await startReceiver();
  receivers.prefs = await startReceiver();
  receivers.off = await startReceiver();
  receivers.stranger = await startReceiver();
  receivers.flaky = await startReceiver([500]);
  receivers.dead = await startReceiver([], 503);
  // Mid-range jitter, so the test knows when each retry is due.
  jobs = new WebhookJobs({
    db: app.db,
    secret: app.env.MESURE_SECRET!,
    delivery: { random: () => 0.5, timeoutMs: 2_000 },
  });
  editor = await app.signIn("demo", "editor");
});
afterAll(async () => {
  await Promise.all(Object.values(receivers).map((receiver) => receiver?.stop()));
  await app?.stop();
});

const allEvents = () => WEBHOOK_EVENT_TYPES.map((type) => ["events", type] as [string, string]);

/** Adds an endpoint in the console as `client`; its id and the secret shown. */
async function addInConsole(client: ConsoleClient, url: string, events = allEvents(), description = "") {
  const added = await client.postForm("/console/webhooks", [
    ["intent", "add"],
    ["url", url],
    ["description", description],
    ...events,
  ]);
  expect(added.status).toBe(200);
  const secret = /whsec_[A-Za-z0-9+/]+=*/.exec(added.html)?.[0];
  expect(secret).toBeDefined();
  const row = await app.db.webhookEndpoint.findFirstOrThrow({ where: { url }, select: { id: true } });
  return { id: row.id, secret: secret!, html: added.html };
}

/** Checks every call of `events` is signed under `secret` as of `now`. */
function expectSigned(events: Event[], secret: string, now = new Date()) {
  for (const event of events) expect(verify(secret, event.call.headers, event.call.body, now)).toEqual({ ok: true });
}

const patch = (externalId: string, body: unknown, key?: string) =>
  app.call("PATCH", `/api/v1/customers/${externalId}/preferences`, body, key ? { key } : undefined);

describe(`outgoing webhooks (${testProvider})`, () => {
  it("adds an endpoint from the console: the secret shown once, sealed in the database, audited without it", async () => {
    const list = await editor.page("/console/webhooks");
    expect(list.status).toBe(200);
    const main = await addInConsole(editor, receivers.main.url, allEvents(), "CRM");
    secrets.main = main.secret;
    endpointIds.main = main.id;
    expect(main.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const stored = await app.db.webhookEndpoint.findUniqueOrThrow({ where: { id: main.id } });
    expect(stored).toMatchObject({ brandId: demoId, description: "CRM", enabled: true });
    expect(JSON.parse(stored.events)).toEqual([...WEBHOOK_EVENT_TYPES]);
    expect(stored.secretCiphertext).toMatch(/^v1\./);
    expect(stored.secretCiphertext).not.toContain(main.secret.slice(6, 20));
    const audit = await app.db.auditEntry.findFirstOrThrow({ where: { brandId: demoId, action: "webhook.create" } });
    expect(audit).toMatchObject({ actor: editor.email, target: receivers.main.url });
    expect(audit.detail).not.toContain("whsec_");
    // Shown once: the page afterwards lists the endpoint, never its secret.
    const again = await editor.page("/console/webhooks");
    expect(again.html).toContain(receivers.main.url);
    expect(again.html).not.toContain(main.secret);
  });

  it("refuses bad input with errors beside the fields and stores nothing", async () => {
    const before = await app.db.webhookEndpoint.count();
    const bad = await editor.postForm("/console/webhooks", [
      ["intent", "add"],
      ["url", "http://hooks.example.com/in"],
      ["events", "customer.deleted"],
    ]);
    expect(bad.status).toBe(400);
    const input = /<input[^>]*name="url"[^>]*>/.exec(bad.html)?.[0] ?? "";
    expect(input).toContain('aria-invalid="true"');
    expect(input).toContain('aria-describedby="error-url"');
    expect(bad.html).toMatch(/id="error-url">(Doit être en https|Must be https)/);
    expect(bad.html).toMatch(/id="error-events">(Événement inconnu|Unknown event)/);
    // What was typed stays in the form.
    expect(bad.html).toContain('value="http://hooks.example.com/in"');
    const none = await editor.postForm("/console/webhooks", [
      ["intent", "add"],
      ["url", "https://crm.example.com/in"],
    ]);
    expect(none.status).toBe(400);
    expect(none.html).toMatch(/id="error-events">(Choisissez au moins un événement|Choose at least one event)/);
    const garbage = await editor.postForm("/console/webhooks", [
      ["intent", "add"],
      ["url", "not a url"],
      ...allEvents(),
    ]);
    expect(garbage.status).toBe(400);
    expect(garbage.html).toMatch(/id="error-url">(Doit être une adresse complète|Must be a full address)/);
    // In production (Mesure served over https) even a local http receiver is refused.
    await expect(
      createWebhookEndpoint(app.db, app.env.MESURE_SECRET!, {
        brandId: demoId,
        actor: "test",
        url: receivers.main.url,
        description: "",
        events: ["consent.changed"],
        publicUrl: "https://preferences.example.com",
      }),
    ).rejects.toThrow(/https/);
    // A viewer reads the page but cannot add.
    const viewer = await app.signIn("demo", "viewer");
    const page = await viewer.page("/console/webhooks");
    expect(page.status).toBe(200);
    expect(page.html).toContain(receivers.main.url);
    expect(page.html).not.toContain('name="url"');
    const refused = await viewer.postForm("/console/webhooks", [
      ["intent", "add"],
      ["url", receivers.prefs.url],
      ...allEvents(),
    ]);
    expect(refused.status).toBe(403);
    expect(await app.db.webhookEndpoint.count()).toBe(before);
  });

  it("sends a test event from the console, signed with the secret shown", async () => {
    const from = receivers.main.calls.length;
    const tested = await editor.postForm("/console/webhooks", { intent: "test", id: endpointIds.main! });
    expect(tested.status).toBe(200);
    expect(tested.html).toMatch(/a répondu 204|answered 204/);
    const [event] = receivers.main.events(from);
    expect(event).toMatchObject({ type: "webhook.test", data: { brand: "demo", endpointId: endpointIds.main } });
    expectSigned([event!], secrets.main!);
    const row = await app.db.webhookDelivery.findFirstOrThrow({ where: { eventId: event!.id } });
    expect(row).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 204 });
  });

  it("sets up an endpoint for preferences only, one switched off, and one of brand other", async () => {
    const prefs = await addInConsole(editor, receivers.prefs.url, [["events", "preference.changed"]]);
    secrets.prefs = prefs.secret;
    const off = await addInConsole(editor, receivers.off.url);
    endpointIds.off = off.id;
    const switched = await editor.postForm("/console/webhooks", { intent: "disable", id: off.id });
    expect(switched.status).toBe(200);
    expect((await app.db.webhookEndpoint.findUniqueOrThrow({ where: { id: off.id } })).enabled).toBe(false);
    expect(await app.db.auditEntry.count({ where: { action: "webhook.disable", target: receivers.off.url } })).toBe(1);
    const stranger = await addInConsole(await app.signIn("other", "editor"), receivers.stranger.url);
    secrets.stranger = stranger.secret;
    expect((await app.db.webhookEndpoint.findUniqueOrThrow({ where: { id: stranger.id } })).brandId).toBe(
      app.brandIds.other,
    );
  });

  it("tells of an API preference change once: one preference.changed and one consent.changed, by external id only", async () => {
    const from = receivers.main.calls.length;
    const fromPrefs = receivers.prefs.calls.length;
    const changed = await patch("cust-kenji", {
      source: "crm-sync",
      subscriptions: [{ topic: "newsletter", channel: "email", status: "unsubscribed" }],
      channels: { email: { quietHours: { start: "22:00", end: "07:00" } } },
    });
    expect(changed.status).toBe(200);
    const now = new Date();
    expect(await jobs.tick(now)).toMatchObject({ attempted: 3, delivered: 3, failed: 0 });
    const events = receivers.main.events(from);
    expect(events.map((event) => event.type).sort()).toEqual(["consent.changed", "preference.changed"]);
    expectSigned(events, secrets.main!, now);
    // Two events, two ids.
    expect(new Set(events.map((event) => event.id)).size).toBe(2);
    const preference = events.find((event) => event.type === "preference.changed")!;
    expect(preference.data).toEqual({
      brand: "demo",
      customer: { externalId: "cust-kenji" },
      source: "crm-sync",
      changes: [
        {
          kind: "subscription",
          subject: "newsletter:email",
          before: { status: "subscribed", frequency: "weekly" },
          after: { status: "unsubscribed", frequency: "weekly" },
        },
        expect.objectContaining({
          kind: "channel",
          subject: "email",
          after: expect.objectContaining({ quietStart: "22:00" }),
        }),
      ],
    });
    // The consent event points at the ledger entries, which a receipt can check.
    const consent = events.find((event) => event.type === "consent.changed")!;
    const ledger = await app.db.consentEvent.findMany({
      where: { customerId: ids["cust-kenji"] },
      orderBy: { seq: "desc" },
      take: 2,
      select: { seq: true, hash: true },
    });
    expect(consent.data.changes.map((change: { ledger: unknown }) => change.ledger)).toEqual(ledger.reverse());
    expect(consent.data).toMatchObject({ customer: { externalId: "cust-kenji" }, visitorId: null });
    // Never contact data.
    const kenji = await app.db.customer.findUniqueOrThrow({ where: { id: ids["cust-kenji"] } });
    for (const event of events) {
      expect(event.call.body).not.toContain(kenji.email!);
      expect(event.call.body).not.toMatch(/"(email|phone|name)":/);
    }
    // The endpoint listening to preferences only heard exactly that.
    const prefs = receivers.prefs.events(fromPrefs);
    expect(prefs.map((event) => event.type)).toEqual(["preference.changed"]);
    expectSigned(prefs, secrets.prefs!, now);
    expect(prefs[0]!.id).toBe(preference.id);
  });

  it("tells of a cookie choice in the portal as one consent.changed, and not as a preference", async () => {
    const from = receivers.main.calls.length;
    const fromPrefs = receivers.prefs.calls.length;
    const portal = new PortalClient(app.server.url);
    const link = portalLink({
      secret: app.env.MESURE_SECRET!,
      publicUrl: app.server.url,
      brandId: demoId,
      customerId: ids["cust-lea"]!,
      ttlSeconds: 600,
    });
    expect((await portal.page(link)).url).toBe("/portal");
    const chose = await portal.post("/portal/cookies", [["categories", "analytics"]]);
    expect(chose.status).toBe(200);
    await jobs.tick();
    const events = receivers.main.events(from);
    expect(events.map((event) => event.type)).toEqual(["consent.changed"]);
    expect(events[0]!.data).toMatchObject({
      brand: "demo",
      customer: { externalId: "cust-lea" },
      changes: [{ kind: "cookies", subject: "cookies", source: "portal", after: { categories: { analytics: true } } }],
    });
    expectSigned(events, secrets.main!);
    expect(receivers.prefs.calls.length).toBe(fromPrefs);
  });

  it("tells of an unsubscribe by a message's link and by SMS STOP as customer.unsubscribed", async () => {
    const from = receivers.main.calls.length;
    const url = unsubscribeLink({
      secret: app.env.MESURE_SECRET!,
      publicUrl: app.server.url,
      brandId: demoId,
      customerId: ids["cust-aroha"]!,
      topic: "newsletter",
      channel: "email",
    });
    const left = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(left.status).toBe(200);
    // STOP by SMS goes through the same model function as the inbound webhook's.
    await unsubscribeFromSms(app.db, demoId, ids["cust-camille"]!);
    await jobs.tick();
    const events = receivers.main.events(from);
    expectSigned(events, secrets.main!);
    const unsubscribed = events
      .filter((event) => event.type === "customer.unsubscribed")
      .map((event) => event.data)
      .sort((a, b) => a.customer.externalId.localeCompare(b.customer.externalId));
    expect(unsubscribed).toEqual([
      {
        brand: "demo",
        customer: { externalId: "cust-aroha" },
        via: "one_click",
        topics: [{ topic: "newsletter", channel: "email" }],
      },
      {
        brand: "demo",
        customer: { externalId: "cust-camille" },
        via: "sms_keyword",
        topics: expect.arrayContaining([{ topic: "price-drop", channel: "sms" }]),
      },
    ]);
    // Each person's one action: one event of each kind.
    expect(events.map((event) => event.type).sort()).toEqual([
      "consent.changed",
      "consent.changed",
      "customer.unsubscribed",
      "customer.unsubscribed",
      "preference.changed",
      "preference.changed",
    ]);
    // The one-click POST repeated by the mail client changes nothing, and says nothing more.
    const repeated = receivers.main.calls.length;
    await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    await jobs.tick();
    expect(receivers.main.calls.length).toBe(repeated);
  });

  it("tells of an erasure request once, with its id and dates", async () => {
    const from = receivers.main.calls.length;
    const asked = await app.call("POST", "/api/v1/customers/cust-james/erasure");
    expect(asked.status).toBe(202);
    // Asked again while open: the same request, no second event.
    expect((await app.call("POST", "/api/v1/customers/cust-james/erasure")).body.id).toBe(asked.body.id);
    await jobs.tick();
    const events = receivers.main.events(from);
    expect(events.map((event) => event.type)).toEqual(["erasure.requested"]);
    expect(events[0]!.data).toEqual({
      brand: "demo",
      customer: { externalId: "cust-james" },
      requestId: asked.body.id,
      via: "api",
      requestedAt: asked.body.requestedAt,
      executeAt: asked.body.executeAt,
      deadlineAt: asked.body.deadlineAt,
    });
    expectSigned(events, secrets.main!);
  });

  it("retries a refused event under the same webhook-id until it is delivered", async () => {
    const flaky = await createWebhookEndpoint(app.db, app.env.MESURE_SECRET!, {
      brandId: demoId,
      actor: "test",
      url: receivers.flaky.url,
      description: "",
      events: ["preference.changed"],
      publicUrl: app.server.url,
    });
    expect((await patch("cust-marie", { pausedUntil: "2030-01-01T00:00:00.000Z" })).status).toBe(200);
    const t0 = new Date();
    await jobs.tick(t0);
    expect(receivers.flaky.calls).toHaveLength(1);
    const first = await app.db.webhookDelivery.findFirstOrThrow({ where: { endpointId: flaky.endpoint.id } });
    expect(first).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500 });
    // The answer is kept short, and the customer's id it echoed is blanked.
    expect(first.lastError!.length).toBeLessThanOrEqual(221);
    expect(first.lastError).toMatch(/^HTTP 500: refused \{/);
    expect(first.lastError).toContain("[redacted]");
    expect(first.lastError).not.toContain("cust-marie");
    expect(first.nextAttemptAt.getTime()).toBe(t0.getTime() + 30_000);
    // Not due yet.
    await jobs.tick(new Date(t0.getTime() + 10_000));
    expect(receivers.flaky.calls).toHaveLength(1);
    const t1 = new Date(t0.getTime() + 31_000);
    await jobs.tick(t1);
    const [refused, accepted] = receivers.flaky.events();
    expect(accepted!.id).toBe(refused!.id);
    expect(accepted!.id).toBe(first.eventId);
    expect(accepted!.call.body).toBe(refused!.call.body);
    expectSigned([refused!], flaky.secret, t0);
    expectSigned([accepted!], flaky.secret, t1);
    expect(Number(accepted!.call.headers["webhook-timestamp"])).toBe(Math.floor(t1.getTime() / 1000));
    expect(accepted!.data.customer).toEqual({ externalId: "cust-marie" });
    const done = await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: first.id } });
    expect(done).toMatchObject({ status: "delivered", attempts: 2, lastStatus: 204, lastError: null });
    expect(done.deliveredAt).toEqual(t1);
  });

  it("tells another brand's and a switched-off endpoint nothing of demo's events", async () => {
    expect(receivers.stranger.calls).toHaveLength(0);
    expect(receivers.off.calls).toHaveLength(0);
    expect(await app.db.webhookDelivery.count({ where: { endpointId: endpointIds.off! } })).toBe(0);
    // Brand other's own changes do reach its endpoint, and only it.
    const from = receivers.main.calls.length;
    const changed = await patch(
      "other-1",
      { subscriptions: [{ topic: "newsletter", channel: "email", status: "unsubscribed" }] },
      app.otherKey,
    );
    expect(changed.status).toBe(200);
    await jobs.tick();
    const events = receivers.stranger.events();
    expect(events.map((event) => event.type).sort()).toEqual(["consent.changed", "preference.changed"]);
    expect(events[0]!.data).toMatchObject({ brand: "other", customer: { externalId: "other-1" } });
    expectSigned(events, secrets.stranger!);
    expect(receivers.main.calls.length).toBe(from);
    expect(receivers.off.calls).toHaveLength(0);
  });

  it("gives an event up after nine attempts, shows it in the console, and sends it again on request", async () => {
    const dead = await createWebhookEndpoint(app.db, app.env.MESURE_SECRET!, {
      brandId: demoId,
      actor: "test",
      url: receivers.dead.url,
      description: "the warehouse",
      events: ["preference.changed"],
      publicUrl: app.server.url,
    });
    expect((await patch("cust-marie", { pausedUntil: null })).status).toBe(200);
    let at = new Date();
    for (let attempt = 1; attempt <= 9; attempt++) {
      await jobs.tick(at);
      const row = await app.db.webhookDelivery.findFirstOrThrow({ where: { endpointId: dead.endpoint.id } });
      expect(row.attempts).toBe(attempt);
      if (attempt < 9) {
        expect(row.status).toBe("pending");
        at = row.nextAttemptAt;
      } else {
        expect(row.status).toBe("failed");
      }
    }
    // About three days from the first attempt to the last.
    const span = at.getTime() - Number(receivers.dead.calls[0]!.headers["webhook-timestamp"]) * 1000;
    expect(span).toBeGreaterThan(2.5 * 86_400_000);
    expect(span).toBeLessThan(3.2 * 86_400_000);
    expect(new Set(receivers.dead.events().map((event) => event.id)).size).toBe(1);

    const page = await editor.page(`/console/webhooks/${dead.endpoint.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/Abandonné|Given up/);
    expect(page.html).toContain("HTTP 503");
    const failed = await app.db.webhookDelivery.findFirstOrThrow({ where: { endpointId: dead.endpoint.id } });
    // Another brand's member cannot see it, nor send it again.
    const stranger = await app.signIn("other", "editor");
    expect((await stranger.page(`/console/webhooks/${dead.endpoint.id}`)).status).toBe(404);
    const foreign = await stranger.postForm(
      `/console/webhooks/${dead.endpoint.id}`,
      { intent: "redeliver", delivery: failed.id },
      "/console/webhooks",
    );
    expect(foreign.status).toBe(404);
    // The warehouse is back: sent again from the console, under the same id.
    receivers.dead.state.otherwise = 204;
    const again = await editor.postForm(`/console/webhooks/${dead.endpoint.id}`, {
      intent: "redeliver",
      delivery: failed.id,
    });
    expect(again.status).toBe(200);
    expect(again.html).toMatch(/a répondu 204|answered 204/);
    expect(receivers.dead.events().at(-1)!.id).toBe(failed.eventId);
    expect(await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({
      status: "delivered",
      attempts: 1,
    });
    expect(await app.db.auditEntry.count({ where: { brandId: demoId, action: "webhook.redeliver" } })).toBe(1);
  });

  it("edits an endpoint's events on its page, rotates its secret, removes another, each audited", async () => {
    const id = endpointIds.main!;
    const bad = await editor.postForm(`/console/webhooks/${id}`, { intent: "update", description: "CRM" });
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/id="error-events"/);
    const saved = await editor.postForm(`/console/webhooks/${id}`, [
      ["intent", "update"],
      ["description", "CRM, consents only"],
      ["events", "consent.changed"],
      ["events", "erasure.requested"],
    ]);
    expect(saved.status).toBe(200);
    const row = await app.db.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(JSON.parse(row.events)).toEqual(["consent.changed", "erasure.requested"]);
    expect(row.description).toBe("CRM, consents only");

    const rotated = await editor.postForm("/console/webhooks", { intent: "rotate", id });
    const secret = /whsec_[A-Za-z0-9+/]+=*/.exec(rotated.html)?.[0];
    expect(secret).toBeDefined();
    expect(secret).not.toBe(secrets.main);
    const tested = await editor.postForm("/console/webhooks", { intent: "test", id });
    expect(tested.status).toBe(200);
    const [test] = receivers.main.events(receivers.main.calls.length - 1);
    expectSigned([test!], secret!);
    expect(verify(secrets.main!, test!.call.headers, test!.call.body).ok).toBe(false);
    secrets.main = secret!;

    // Removing asks first, then takes the endpoint and its events away.
    const asking = await editor.page(`/console/webhooks?remove=${endpointIds.off}`);
    expect(asking.html).toMatch(/Retirer .*\?|Remove .*\?/);
    const removed = await editor.postForm("/console/webhooks", { intent: "remove", id: endpointIds.off! });
    expect(removed.status).toBe(200);
    expect(await app.db.webhookEndpoint.count({ where: { id: endpointIds.off! } })).toBe(0);
    expect(await app.db.auditEntry.count({ where: { action: "webhook.remove", target: receivers.off.url } })).toBe(1);
    const gone = await editor.postForm("/console/webhooks", { intent: "remove", id: endpointIds.off! });
    expect(gone.status).toBe(404);

    const actions = (
      await app.db.auditEntry.findMany({
        where: { brandId: demoId, target: receivers.main.url },
        select: { action: true, detail: true },
      })
    ).map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining(["webhook.create", "webhook.update", "webhook.rotate_secret", "webhook.test"]),
    );
    for (const entry of await app.db.auditEntry.findMany({ where: { action: { startsWith: "webhook." } } })) {
      expect(entry.detail).not.toContain("whsec_");
    }
  });

  it(
    "adds, lists and removes an endpoint from the command line, the secret alone on standard output",
    {
      // Each command compiles the CLI afresh (tsx): a few seconds each, run side by side where they can.
      timeout: 180_000,
    },
    async () => {
      const url = "http://127.0.0.1:9/hooks/cli";
      const [refused, added] = await Promise.all([
        runCli(
          ["webhook", "add", "--brand", "demo", "--url", "http://crm.example.com/in", "--events", "nope"],
          app.env,
        ),
        runCli(["webhook", "add", "--brand", "demo", "--url", url, "--events", "erasure.requested"], app.env),
      ]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("--url must be https");
      expect(added.code).toBe(0);
      expect(added.stdout.trim()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const id = (await app.db.webhookEndpoint.findFirstOrThrow({ where: { url }, select: { id: true } })).id;
      expect(await app.db.auditEntry.count({ where: { actor: "cli", action: "webhook.create", target: url } })).toBe(1);
      const [listed, elsewhere] = await Promise.all([
        runCli(["webhook", "list", "--brand", "demo"], app.env),
        runCli(["webhook", "remove", "--brand", "other", "--id", id], app.env),
      ]);
      expect(listed.stdout.split("\n")).toContain(`${id}\t${url}\tenabled\terasure.requested`);
      expect(elsewhere.code).toBe(2);
      const removed = await runCli(["webhook", "remove", "--brand", "demo", "--id", id], app.env);
      expect(removed.code).toBe(0);
      expect(await app.db.webhookEndpoint.count({ where: { id } })).toBe(0);
    },
  );

  it("leaves no event naming an erased customer, but the erasure request until it is delivered", async () => {
    const from = receivers.main.calls.length;
    const asked = await app.call("POST", "/api/v1/customers/cust-lea/erasure");
    expect(asked.status).toBe(202);
    // Lea's earlier events (her cookie choice) were delivered; the request's has not left yet.
    const naming = () =>
      app.db.webhookDelivery.findMany({
        where: { payload: { contains: '"externalId":"cust-lea"' } },
        select: { type: true, status: true },
      });
    expect((await naming()).map((row) => row.type)).toEqual(
      expect.arrayContaining(["consent.changed", "erasure.requested"]),
    );
    // Each one carries her id beside its payload: that is how the erasure finds them.
    const lea = await app.db.customer.findFirstOrThrow({
      where: { brandId: demoId, externalId: "cust-lea" },
      select: { id: true },
    });
    const linked = () => app.db.webhookDelivery.count({ where: { customerId: lea.id } });
    expect(await linked()).toBe((await naming()).length);
    const privacy = new PrivacyJobs({ db: app.db, secret: app.env.MESURE_SECRET!, mailer: null });
    // James's request, from an earlier test, runs too.
    expect(await privacy.tick(new Date(Date.now() + 1_000))).toMatchObject({ erased: 2 });
    expect(await naming()).toEqual([{ type: "erasure.requested", status: "pending" }]);
    // Told, then forgotten: the delivered request no longer names her.
    await jobs.tick(new Date(Date.now() + 2_000));
    const [told] = receivers.main.events(from);
    expect(told).toMatchObject({ type: "erasure.requested", data: { customer: { externalId: "cust-lea" } } });
    expect(await naming()).toEqual([]);
    const kept = await app.db.webhookDelivery.findFirstOrThrow({ where: { eventId: told!.id } });
    expect(kept.status).toBe("delivered");
    expect(JSON.parse(kept.payload).data.customer).toBeNull();
    expect(await linked()).toBe(0);
  });
});

describe(`webhooks and several workers (${testProvider})`, () => {
  it("post each event once when two job runners take the same due events at the same moment", async () => {
    const slow = await startReceiver([], 204, 150);
    try {
      const endpoint = await createWebhookEndpoint(app.db, app.env.MESURE_SECRET!, {
        brandId: demoId,
        actor: "test",
        url: slow.url,
        description: "",
        events: ["preference.changed"],
        publicUrl: app.server.url,
      });
      for (const [index, customer] of ["cust-kenji", "cust-marie", "cust-aroha", "cust-camille"].entries()) {
        for (const tag of ["fur", "leather"]) {
          expect((await patch(customer, { excludedTags: [`${tag}-${index}`] })).status).toBe(200);
        }
      }
      const other = new WebhookJobs({ db: app.db, secret: app.env.MESURE_SECRET!, delivery: { random: () => 0.5 } });
      const now = new Date();
      const [a, b] = await Promise.all([jobs.tick(now), other.tick(now)]);
      const ids = slow.events().map((event) => event.id);
      expect(ids).toHaveLength(8);
      expect(new Set(ids).size).toBe(8);
      expect(
        await app.db.webhookDelivery.count({ where: { endpointId: endpoint.endpoint.id, status: "delivered" } }),
      ).toBe(8);
      // Both took part (each leases one event at a time, as a lane takes it up).
      expect(a.attempted).toBeGreaterThan(0);
      expect(b.attempted).toBeGreaterThan(0);
    } finally {
      await slow.stop();
    }
  });
});

describe(`webhooks in a running server (${testProvider})`, () => {
  it("go out from the server's own jobs, right after the change", async () => {
    const server = await startConsole();
    const receiver = await startReceiver();
    try {
      const endpoint = await createWebhookEndpoint(server.db, server.env.MESURE_SECRET!, {
        brandId: server.brandIds.demo,
        actor: "test",
        url: receiver.url,
        description: "",
        events: ["preference.changed"],
        publicUrl: server.server.url,
      });
      const changed = await server.call("PATCH", "/api/v1/customers/cust-kenji/preferences", { excludedTags: ["fur"] });
      expect(changed.status).toBe(200);
      const deadline = Date.now() + 10_000;
      while (receiver.calls.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const [event] = receiver.events();
      expect(event).toMatchObject({ type: "preference.changed", data: { customer: { externalId: "cust-kenji" } } });
      expectSigned([event!], endpoint.secret);
      const row = await server.db.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.endpoint.id } });
      expect(row.status === "delivered" || row.status === "pending").toBe(true);
    } finally {
      await receiver.stop();
      await server.stop();
    }
  });

  it("are not sent to a private address when the operator refuses them, and say why", { timeout: 60_000 }, async () => {
    const server = await startConsole({ OUTBOUND_PRIVATE_ADDRESSES: "refuse" });
    const receiver = await startReceiver();
    try {
      const endpoint = await createWebhookEndpoint(server.db, server.env.MESURE_SECRET!, {
        brandId: server.brandIds.demo,
        actor: "test",
        url: receiver.url,
        description: "",
        events: ["preference.changed"],
        publicUrl: server.server.url,
      });
      const changed = await server.call("PATCH", "/api/v1/customers/cust-kenji/preferences", { excludedTags: ["fur"] });
      expect(changed.status).toBe(200);
      const where = { endpointId: endpoint.endpoint.id, attempts: { gt: 0 } };
      const deadline = Date.now() + 10_000;
      while (!(await server.db.webhookDelivery.findFirst({ where })) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const row = await server.db.webhookDelivery.findFirstOrThrow({ where });
      expect(row.lastError).toMatch(/address is refused: 127\.0\.0\.1, a private or reserved address/);
      expect(row.status).toBe("pending"); // tried again later: the operator may allow it meanwhile
      expect(receiver.calls).toHaveLength(0);

      // Added now, such an address is refused at once, beside the field, and nothing is stored.
      const editor = await server.signIn("demo", "editor");
      const before = {
        endpoints: await server.db.webhookEndpoint.count(),
        connectors: await server.db.connector.count(),
      };
      const [hook, connector, cli] = await Promise.all([
        editor.postForm("/console/webhooks", [
          ["intent", "add"],
          ["url", "https://169.254.169.254/latest/meta-data"],
          ["events", "consent.changed"],
        ]),
        editor.postForm("/console/connectors", { intent: "add", name: "Metadata", url: "http://10.0.0.7/erase" }),
        runCli(
          ["webhook", "add", "--brand", "demo", "--url", "http://localhost:9/in", "--events", "consent.changed"],
          server.env,
        ),
      ]);
      expect(hook.status).toBe(400);
      expect(hook.html).toMatch(/id="error-url">(Ne doit pas être une adresse privée|Must not be a private)/);
      expect(connector.status).toBe(400);
      expect(connector.html).toMatch(/id="error-url">(Ne doit pas être une adresse privée|Must not be a private)/);
      expect(cli.code).toBe(2);
      expect(cli.stderr).toContain("--url must not be a private, loopback or link-local address");
      expect(await server.db.webhookEndpoint.count()).toBe(before.endpoints);
      expect(await server.db.connector.count()).toBe(before.connectors);
    } finally {
      await receiver.stop();
      await server.stop();
    }
  });
});
