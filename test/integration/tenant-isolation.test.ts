// Tenant isolation, route by route: a key or a console session of brand "other" tries every API
// route and every console page against brand "demo"'s customers, requests and records. Each
// attempt gets 403 or 404 (or acts on the other brand's own namespace) and no answer carries
// anything of demo's. A route file added without a case here fails the completeness check.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsole, type ConsoleClient, type ConsoleFixture } from "../support/console";
import { projectRoot } from "../support/processes";

let fixture: ConsoleFixture;
let otherOwner: ConsoleClient;
/**
 * Things only demo has and no request here sends: if one shows up in an answer to "other", a
 * tenant leaked. (A 404 may repeat the id it was asked for; that is the caller's own input.)
 */
const demoMarkers = ["Vitrine", "camille.martin@example.fr", "kenji.sato@example.jp", "james.walker@example.com"];
/** On console pages nothing is asked for by name, so demo's ids and topic keys count too. */
const demoPageMarkers = [...demoMarkers, "cust-camille", "price-drop", "back-in-stock"];
const ids: Record<string, string> = {};

function expectNoDemo(text: string, where: string) {
  for (const marker of demoMarkers) expect(text.includes(marker), `${where} shows "${marker}"`).toBe(false);
}

beforeAll(async () => {
  fixture = await startConsole();
  otherOwner = await fixture.signIn("other", "owner");
  const { db, brandIds } = fixture;
  // Demo records with ids to aim at: a message, an erasure request kept open by a grace period.
  await db.brand.update({ where: { id: brandIds.demo }, data: { erasureGraceDays: 14 } });
  const message = await fixture.call("POST", "/api/v1/messages", {
    customer: "cust-james",
    topic: "newsletter",
    channels: ["email"],
    content: { email: { subject: "Hello", text: "Hello" } },
  });
  expect(message.status, JSON.stringify(message.body)).toBeLessThan(300);
  ids.message = message.body.id;
  await fixture.call("PUT", "/api/v1/customers/iso-victim", { email: "iso-victim@example.fr" });
  const erasure = await fixture.call("POST", "/api/v1/customers/iso-victim/erasure", {});
  expect(erasure.status, JSON.stringify(erasure.body)).toBeLessThan(300);
  ids.erasure = erasure.body.id;
  ids.webhook = (
    await db.webhookEndpoint.create({
      data: {
        brandId: brandIds.demo,
        url: "https://hooks.vitrine.example/mesure",
        events: '["consent.changed"]',
        secretCiphertext: "x",
      },
      select: { id: true },
    })
  ).id;
  ids.importJob = (
    await db.importJob.create({
      data: {
        brandId: brandIds.demo,
        createdBy: "owner@demo.example",
        fileName: "vitrine-subscribers.csv",
        status: "completed",
      },
      select: { id: true },
    })
  ).id;
  await db.importRowError.create({
    data: {
      jobId: ids.importJob,
      line: 2,
      field: "email",
      message: "bad",
      raw: "cust-camille,camille.martin@example.fr",
    },
  });
  // Audit entries and decisions of demo's, which other's dashboard and log must not count or show.
  await db.auditEntry.create({
    data: { brandId: brandIds.demo, actor: "owner@demo.example", action: "topic.update", target: "price-drop" },
  });
  ids.customer = (
    await db.customer.findFirstOrThrow({
      where: { brandId: brandIds.demo, externalId: "cust-camille" },
      select: { id: true },
    })
  ).id;
}, 60_000);
afterAll(async () => {
  await fixture?.stop();
});

/** Each API route file, and how "other"'s key tries it on demo's data. */
const apiCases: Record<string, () => Promise<void>> = {
  "api.v1.customers.$externalId.ts": async () => {
    const read = await fixture.call("GET", "/api/v1/customers/cust-camille", undefined, { key: fixture.otherKey });
    expect(read.status).toBe(404);
    expectNoDemo(JSON.stringify(read.body), "GET customer");
    // Writing under the same external id creates the other brand's own customer, never touches demo's.
    const write = await fixture.call(
      "PUT",
      "/api/v1/customers/cust-camille",
      { email: "intruder@example.com" },
      {
        key: fixture.otherKey,
      },
    );
    expect(write.status).toBeLessThan(300);
    const demo = await fixture.db.customer.findFirstOrThrow({
      where: { brandId: fixture.brandIds.demo, externalId: "cust-camille" },
      select: { email: true },
    });
    expect(demo.email).toBe("camille.martin@example.fr");
    await fixture.db.customer.deleteMany({ where: { brandId: fixture.brandIds.other, externalId: "cust-camille" } });
  },
  "api.v1.customers.$externalId.preferences.ts": async () => {
    const read = await fixture.call("GET", "/api/v1/customers/cust-kenji/preferences", undefined, {
      key: fixture.otherKey,
    });
    expect(read.status).toBe(404);
    expectNoDemo(JSON.stringify(read.body), "GET preferences");
    const write = await fixture.call(
      "PATCH",
      "/api/v1/customers/cust-kenji/preferences",
      { excludedTags: ["x"] },
      {
        key: fixture.otherKey,
      },
    );
    expect(write.status).toBe(404);
  },
  "api.v1.customers.$externalId.erasure.ts": async () => {
    const before = await fixture.db.erasureRequest.count({ where: { brandId: fixture.brandIds.demo } });
    const answer = await fixture.call("POST", "/api/v1/customers/cust-kenji/erasure", {}, { key: fixture.otherKey });
    expect(answer.status).toBe(404);
    expect(await fixture.db.erasureRequest.count({ where: { brandId: fixture.brandIds.demo } })).toBe(before);
  },
  "api.v1.erasure-requests.$id.ts": async () => {
    const read = await fixture.call("GET", `/api/v1/erasure-requests/${ids.erasure}`, undefined, {
      key: fixture.otherKey,
    });
    expect(read.status).toBe(404);
    const cancel = await fixture.call("DELETE", `/api/v1/erasure-requests/${ids.erasure}`, undefined, {
      key: fixture.otherKey,
    });
    expect(cancel.status).toBe(404);
    const request = await fixture.db.erasureRequest.findUniqueOrThrow({
      where: { id: ids.erasure },
      select: { status: true },
    });
    expect(request.status).toBe("scheduled");
  },
  "api.v1.messages.$id.ts": async () => {
    const read = await fixture.call("GET", `/api/v1/messages/${ids.message}`, undefined, { key: fixture.otherKey });
    expect(read.status).toBe(404);
    expectNoDemo(JSON.stringify(read.body), "GET message");
  },
  "api.v1.messages.ts": async () => {
    const send = await fixture.call(
      "POST",
      "/api/v1/messages",
      {
        customer: "cust-camille",
        topic: "newsletter",
        channels: ["email"],
        content: { email: { subject: "x", text: "x" } },
      },
      { key: fixture.otherKey },
    );
    expect(send.status).toBe(404);
  },
  "api.v1.messages.batch.ts": async () => {
    const batch = await fixture.call(
      "POST",
      "/api/v1/messages/batch",
      {
        messages: [
          {
            customer: "cust-camille",
            topic: "newsletter",
            channels: ["email"],
            content: { email: { subject: "x", text: "x" } },
          },
        ],
      },
      { key: fixture.otherKey },
    );
    expect(JSON.stringify(batch.body)).not.toContain('"queued"');
    expect(await fixture.db.message.count({ where: { brandId: fixture.brandIds.other } })).toBe(0);
  },
  "api.v1.suppressions.ts": async () => {
    // Suppressing demo's customer's address in "other" must not silence demo.
    const suppress = await fixture.call(
      "POST",
      "/api/v1/suppressions",
      { email: "camille.martin@example.fr", reason: "manual" },
      {
        key: fixture.otherKey,
      },
    );
    expect(suppress.status).toBeLessThan(300);
    const decision = await fixture.call("POST", "/api/v1/decisions", {
      customer: "cust-camille",
      topic: "order-updates",
      channel: "email",
      priority: "critical",
    });
    expect(decision.body.reasons ?? []).not.toContain("suppressed");
  },
  "api.v1.visitors.$visitorId.link.ts": async () => {
    const link = await fixture.call(
      "POST",
      "/api/v1/visitors/v_isolation_0001/link",
      { customer: "cust-camille" },
      {
        key: fixture.otherKey,
      },
    );
    expect(link.status).toBe(404);
  },
  "api.v1.portal-sessions.ts": async () => {
    const session = await fixture.call(
      "POST",
      "/api/v1/portal-sessions",
      { externalId: "cust-camille" },
      {
        key: fixture.otherKey,
      },
    );
    expect(session.status).toBe(404);
    expectNoDemo(JSON.stringify(session.body), "portal session");
  },
  "(node:http) /api/v1/decisions": async () => {
    const single = await fixture.call(
      "POST",
      "/api/v1/decisions",
      { customer: "cust-camille", topic: "newsletter", channel: "email" },
      {
        key: fixture.otherKey,
      },
    );
    expect(single.status).toBe(404);
    const batch = await fixture.call(
      "POST",
      "/api/v1/decisions/batch",
      { items: [{ customer: "cust-camille", topic: "newsletter", channel: "email" }] },
      { key: fixture.otherKey },
    );
    expect(JSON.stringify(batch.body)).not.toContain('"send"');
  },
  // No tenant data behind these: the API's description, and a key check that names the key's own brand.
  "api.v1.openapi[.json].ts": async () => {
    expectNoDemo(JSON.stringify((await fixture.call("GET", "/api/v1/openapi.json")).body), "openapi");
  },
  "api.v1.ping.ts": async () => {
    const ping = await fixture.call("GET", "/api/v1/ping", undefined, { key: fixture.otherKey });
    expect(ping.status).toBe(200);
    expectNoDemo(JSON.stringify(ping.body), "ping");
  },
  // Authenticated by the brand's own Twilio signature, not by a key: test/integration/sms-inbound.test.ts
  // checks that a request signed for one brand is refused on another's path.
  "api.v1.sms.$brand.inbound.ts": async () => {
    const forged = await fetch(`${fixture.server.url}/api/v1/sms/demo/inbound`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "From=%2B33600000000&Body=STOP",
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
  },
};

describe("tenant isolation", () => {
  it("covers every API route", () => {
    const files = fs.readdirSync(path.join(projectRoot, "app/routes")).filter((file) => file.startsWith("api.v1."));
    const missing = files.filter((file) => !(file in apiCases));
    expect(missing, "API routes without an isolation case").toEqual([]);
  });

  for (const [route, attempt] of Object.entries(apiCases)) {
    it(`API: ${route}`, attempt);
  }

  it("covers every console route", () => {
    const files = fs
      .readdirSync(path.join(projectRoot, "app/routes"))
      .filter((file) => file.startsWith("console") && !(file in notTenantPages));
    const missing = files.filter((file) => !(file in consolePages));
    expect(missing, "console routes without an isolation case").toEqual([]);
  });

  for (const [route, target] of Object.entries(consolePages)) {
    it(`console: ${route}`, async () => {
      const where = target();
      const answer = await otherOwner.request(where.path);
      const body = await answer.text();
      if (where.expect === "own") expect(answer.status, where.path).toBe(200);
      else expect(answer.status, where.path).toBe(404);
      for (const marker of demoPageMarkers.filter((one) => one !== where.asked))
        expect(body.includes(marker), `${where.path} shows "${marker}"`).toBe(false);
    });
  }

  it("refuses another brand's changes to demo's topic and webhook", async () => {
    const topic = await otherOwner.postForm("/console/topics/price-drop", { intent: "archive" }, "/console/topics");
    expect(topic.status).toBe(404);
    const hook = await otherOwner.postForm(
      `/console/webhooks/${ids.webhook}`,
      { intent: "disable" },
      "/console/webhooks",
    );
    expect(hook.status).toBe(404);
    const demoTopic = await fixture.db.topic.findFirstOrThrow({
      where: { brandId: fixture.brandIds.demo, key: "price-drop" },
      select: { archivedAt: true },
    });
    expect(demoTopic.archivedAt).toBeNull();
    const demoHook = await fixture.db.webhookEndpoint.findUniqueOrThrow({
      where: { id: ids.webhook },
      select: { enabled: true },
    });
    expect(demoHook.enabled).toBe(true);
  });
});

/** Console routes that hold no brand's data: the frame, and signing in and out. */
const notTenantPages: Record<string, string> = {
  "console.tsx": "the layout: each page below is fetched through it",
  "console_.sign-in.tsx": "public sign-in form",
  "console_.enter.tsx": "the emailed link's landing (tested in console-auth)",
  "console_.sign-out.tsx": "revokes the caller's own session",
};

/** `asked`: what the request itself names (a search), which the page may repeat. */
type Target = { path: string; expect: "own" | "missing"; asked?: string };
const own = (path: string, asked?: string) => (): Target => ({ path, expect: "own", asked });
const missing = (path: () => string) => (): Target => ({ path: path(), expect: "missing" });

/** Each console route file: a page "other" may open (showing only its own data) or demo's record it may not. */
const consolePages: Record<string, () => Target> = {
  "console._index.tsx": own("/console?days=90"),
  "console.topics.tsx": own("/console/topics"),
  "console.topics_.$key.tsx": missing(() => "/console/topics/price-drop"),
  "console.channels.tsx": own("/console/channels"),
  "console.cookies.tsx": own("/console/cookies"),
  "console.settings.tsx": own("/console/settings"),
  "console.connectors.tsx": own("/console/connectors"),
  "console.webhooks.tsx": own("/console/webhooks"),
  "console.webhooks_.$id.tsx": missing(() => `/console/webhooks/${ids.webhook}`),
  "console.api-keys.tsx": own("/console/api-keys"),
  "console.team.tsx": own("/console/team"),
  "console.consents.tsx": own("/console/consents?q=cust-camille", "cust-camille"),
  "console.consents_.$customerId.receipt[.]json.ts": missing(() => `/console/consents/${ids.customer}/receipt.json`),
  "console.privacy.tsx": own("/console/privacy"),
  "console.privacy_.$id.tsx": missing(() => `/console/privacy/${ids.erasure}`),
  "console.audit.tsx": own("/console/audit"),
  "console.import._index.tsx": own("/console/import"),
  "console.import.$id.tsx": missing(() => `/console/import/${ids.importJob}`),
  "console.import.$id.errors[.]csv.ts": missing(() => `/console/import/${ids.importJob}/errors.csv`),
  "console.import.sample[.]csv.ts": own("/console/import/sample.csv"),
  "console.export[.]csv.ts": own("/console/export.csv"),
};
