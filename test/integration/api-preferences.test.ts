// Brands keeping Mesure in step: customers and preferences over real HTTP, the OpenAPI
// document, and the reference page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testProvider } from "../support/database";
import { startApi, type ApiFixture } from "../support/api";

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.stop());

const decide = (customer: string, topic = "newsletter", channel = "email") =>
  api.call("POST", "/api/v1/decisions", { customer, topic, channel });

describe(`PUT /api/v1/customers/{externalId} (${testProvider})`, () => {
  it("creates a customer with the brand's defaults, then updates only what is sent", async () => {
    const created = await api.call("PUT", "/api/v1/customers/new-1", { email: "New.One@Example.com" });
    expect(created).toMatchObject({
      status: 201,
      body: { externalId: "new-1", email: "new.one@example.com", locale: "fr", timezone: "Europe/Paris" },
    });
    const updated = await api.call("PUT", "/api/v1/customers/new-1", { phone: "+33612121212", locale: "en" });
    expect(updated).toMatchObject({
      status: 200,
      body: { email: "new.one@example.com", phone: "+33612121212", locale: "en" },
    });
    const cleared = await api.call("PUT", "/api/v1/customers/new-1", { phone: null });
    expect(cleared.body.phone).toBeNull();
    expect((await api.call("GET", "/api/v1/customers/new-1")).body).toEqual(cleared.body);
  });

  it("refuses bad contact points, naming them, and changes nothing", async () => {
    const bad = await api.call("PUT", "/api/v1/customers/new-2", {
      email: "not-an-email",
      timezone: "Mars/Base",
      nickname: "x",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      "email",
      "nickname",
      "timezone",
    ]);
    expect((await api.call("GET", "/api/v1/customers/new-2")).status).toBe(404);
  });

  it("keeps brands apart", async () => {
    expect((await api.call("GET", "/api/v1/customers/cust-camille", undefined, { key: api.otherKey })).status).toBe(
      404,
    );
    expect(
      (await api.call("GET", "/api/v1/customers/cust-camille/preferences", undefined, { key: api.otherKey })).status,
    ).toBe(404);
    const patch = await api.call(
      "PATCH",
      "/api/v1/customers/cust-camille/preferences",
      { excludedTags: ["x"] },
      { key: api.otherKey },
    );
    expect(patch.status).toBe(404);
    // The same external id in another brand is another person.
    const theirs = await api.call(
      "PUT",
      "/api/v1/customers/cust-camille",
      { email: "someone.else@example.com" },
      { key: api.otherKey },
    );
    expect(theirs.status).toBe(201);
    expect((await api.call("GET", "/api/v1/customers/cust-camille")).body.email).toBe("camille.martin@example.fr");
  });

  it("requires a key", async () => {
    expect((await api.call("GET", "/api/v1/customers/cust-camille", undefined, { key: null })).status).toBe(401);
    expect((await api.call("DELETE", "/api/v1/customers/cust-camille")).status).toBe(405);
  });
});

describe(`GET and PATCH /api/v1/customers/{externalId}/preferences (${testProvider})`, () => {
  it("shows everything the customer chose", async () => {
    const response = await api.call("GET", "/api/v1/customers/cust-camille/preferences");
    expect(response.status).toBe(200);
    expect(response.body.subscriptions).toContainEqual(
      expect.objectContaining({ topic: "newsletter", channel: "email", status: "subscribed", frequency: "weekly" }),
    );
    expect(response.body.alertFilters[0]).toMatchObject({
      topic: "price-drop",
      criteria: { designer: { in: ["Isabel Marant"] }, price: { max: 300 } },
    });
    expect(response.body.channels.sms).toEqual({
      enabled: true,
      quietHours: { start: "21:00", end: "08:00" },
      dailyCap: 1,
      weeklyCap: null,
    });
  });

  it("applies a change to the very next decision and records it with its source", async () => {
    await api.call("PUT", "/api/v1/customers/sync-1", { email: "sync1@example.com" });
    expect((await decide("sync-1")).body.reasons).toEqual(["consent.missing"]);
    const patch = await api.call("PATCH", "/api/v1/customers/sync-1/preferences", {
      subscriptions: [{ topic: "newsletter", channel: "email", status: "subscribed", frequency: "instant" }],
      source: "crm-sync",
      policyVersion: "2026-03",
    });
    expect(patch.status).toBe(200);
    expect(patch.body.subscriptions).toEqual([expect.objectContaining({ topic: "newsletter", status: "subscribed" })]);
    expect((await decide("sync-1")).body.verdict).toBe("send");
    await api.call("PATCH", "/api/v1/customers/sync-1/preferences", { pausedUntil: "2099-01-01T00:00:00Z" });
    expect((await decide("sync-1")).body).toMatchObject({
      verdict: "defer",
      reasons: ["paused"],
      notBefore: "2099-01-01T00:00:00.000Z",
    });
    await api.call("PATCH", "/api/v1/customers/sync-1/preferences", {
      pausedUntil: null,
      excludedTags: ["Bereavement"],
    });
    const tagged = await api.call("POST", "/api/v1/decisions", {
      customer: "sync-1",
      topic: "newsletter",
      channel: "email",
      tags: ["bereavement"],
    });
    expect(tagged.body.reasons).toEqual(["tag.excluded"]);

    const customer = await api.db.customer.findFirstOrThrow({ where: { externalId: "sync-1" }, select: { id: true } });
    const events = await api.db.consentEvent.findMany({
      where: { customerId: customer.id },
      orderBy: { seq: "asc" },
      select: { kind: true, source: true, policyVersion: true },
    });
    expect(events[0]).toEqual({ kind: "subscription", source: "crm-sync", policyVersion: "2026-03" });
    expect(events.slice(1).every((event) => event.source === "api")).toBe(true);
  });

  it("applies all of a PATCH or none of it", async () => {
    await api.call("PUT", "/api/v1/customers/atomic-1", { email: "atomic@example.com" });
    const before = await api.call("GET", "/api/v1/customers/atomic-1/preferences");
    const refused = await api.call("PATCH", "/api/v1/customers/atomic-1/preferences", {
      subscriptions: [
        { topic: "newsletter", channel: "email", status: "subscribed" },
        { topic: "order-updates", channel: "email", status: "unsubscribed" },
      ],
      excludedTags: ["football"],
    });
    expect(refused).toMatchObject({
      status: 422,
      body: { error: { code: "unprocessable", issues: [{ path: "subscriptions.1.status" }] } },
    });
    const unknownTopic = await api.call("PATCH", "/api/v1/customers/atomic-1/preferences", {
      subscriptions: [
        { topic: "newsletter", channel: "email", status: "subscribed" },
        { topic: "no-such-topic", channel: "email", status: "subscribed" },
      ],
    });
    expect(unknownTopic).toMatchObject({
      status: 404,
      body: { error: { issues: [{ path: "subscriptions.1.topic" }] } },
    });
    const notOffered = await api.call("PATCH", "/api/v1/customers/atomic-1/preferences", {
      subscriptions: [{ topic: "newsletter", channel: "sms", status: "subscribed" }],
    });
    expect(notOffered.status).toBe(422);
    expect(await api.call("GET", "/api/v1/customers/atomic-1/preferences")).toMatchObject({ body: before.body });
  });

  it("validates every part of a PATCH", async () => {
    const bad = await api.call("PATCH", "/api/v1/customers/cust-camille/preferences", {
      channels: { email: { quietHours: { start: "25:00", end: "08:00" } }, fax: { enabled: true } },
      digest: { hour: 24 },
      context: { mode: "shopping" },
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(["channels.email.quietHours.start", "digest.hour", "context.mode"]));
    expect(paths.some((path: string) => path.startsWith("channels.fax") || path === "channels")).toBe(true);
  });
});

describe(`the API's description (${testProvider})`, () => {
  it("serves an OpenAPI 3.1 document generated from the schemas", async () => {
    const response = await api.call("GET", "/api/v1/openapi.json", undefined, { key: null });
    expect(response.status).toBe(200);
    const document = response.body;
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/decisions",
        "/api/v1/decisions/batch",
        "/api/v1/customers/{externalId}",
        "/api/v1/customers/{externalId}/preferences",
      ]),
    );
    const request = document.components.schemas.DecisionRequest;
    expect(request.required).toEqual(expect.arrayContaining(["customer", "topic", "channel"]));
    expect(request.properties.channel.enum).toEqual(["email", "sms", "push", "in_app"]);
    expect(document.components.schemas.Decision.properties.reasons.items.enum).toContain("cap.global.week");
  });

  it("has a readable reference page", async () => {
    const page = await fetch(`${api.server.url}/docs/api`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("POST /api/v1/decisions");
    expect(html).toContain("PATCH /api/v1/customers/{externalId}/preferences");
  });
});
