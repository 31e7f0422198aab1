// Outgoing webhooks without a database: when a failed event is tried again and when it is given
// up, the JSON each event carries (and that it never carries contact data), which endpoint
// addresses and event lists are accepted, and the signature a receiver checks.
import { afterEach, describe, expect, it } from "vitest";
import { allowPrivateAddresses } from "~/lib/outbound.server";
import { verify } from "~/lib/standard-webhooks.server";
import { parseWebhookChanges, parseWebhookEndpoint } from "~/models/webhook-endpoint.server";
import { MAX_WEBHOOK_ATTEMPTS, webhookRetryDelay } from "~/webhooks/backoff";
import { readEventTypes, webhookBody, WEBHOOK_EVENT_TYPES } from "~/webhooks/events";
import { postSigned } from "~/webhooks/signed-post.server";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

describe("the retry ladder", () => {
  it("waits 30 s, 2 min, 10 min, 1 h, 6 h, 12 h, then a day (mid-jitter)", () => {
    const delays = Array.from({ length: MAX_WEBHOOK_ATTEMPTS - 1 }, (_, index) => webhookRetryDelay(index + 1, 0.5));
    expect(delays).toEqual([30 * SECOND, 2 * MINUTE, 10 * MINUTE, HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 24 * HOUR]);
  });

  it("gives up after the ninth attempt, about three days after the first", () => {
    expect(webhookRetryDelay(MAX_WEBHOOK_ATTEMPTS, 0.5)).toBeNull();
    expect(webhookRetryDelay(MAX_WEBHOOK_ATTEMPTS + 3, 0.5)).toBeNull();
    // The longest wait before the last attempt, with the jitter at its highest.
    let elapsed = 0;
    for (let attempt = 1; attempt < MAX_WEBHOOK_ATTEMPTS; attempt++) elapsed += webhookRetryDelay(attempt, 0.999)!;
    expect(elapsed).toBeGreaterThan(2.5 * 24 * HOUR);
    expect(elapsed).toBeLessThan(3.2 * 24 * HOUR);
  });

  it("spreads retries by ±10 % and honours Retry-After as a floor", () => {
    expect(webhookRetryDelay(1, 0)).toBe(27 * SECOND);
    expect(webhookRetryDelay(1, 0.999_999)).toBe(33 * SECOND);
    expect(webhookRetryDelay(1, 0.5, 5 * MINUTE)).toBe(5 * MINUTE);
    expect(webhookRetryDelay(4, 0.5, 5 * MINUTE)).toBe(HOUR);
  });
});

describe("event payloads", () => {
  const at = new Date("2026-03-01T10:00:00.000Z");

  it("are Standard Webhooks bodies: type, timestamp and data", () => {
    const body = webhookBody(
      "customer.unsubscribed",
      {
        brand: "demo",
        customer: { externalId: "cust-42" },
        via: "one_click",
        topics: [{ topic: "newsletter", channel: "email" }],
      },
      at,
    );
    expect(JSON.parse(body)).toEqual({
      type: "customer.unsubscribed",
      timestamp: "2026-03-01T10:00:00.000Z",
      data: {
        brand: "demo",
        customer: { externalId: "cust-42" },
        via: "one_click",
        topics: [{ topic: "newsletter", channel: "email" }],
      },
    });
    const erasure = JSON.parse(
      webhookBody(
        "erasure.requested",
        {
          brand: "demo",
          customer: { externalId: "cust-42" },
          requestId: "req_1",
          via: "api",
          requestedAt: at.toISOString(),
          executeAt: at.toISOString(),
          deadlineAt: "2026-04-01T10:00:00.000Z",
        },
        at,
      ),
    );
    expect(Object.keys(erasure.data).sort()).toEqual(
      ["brand", "customer", "deadlineAt", "executeAt", "requestId", "requestedAt", "via"].sort(),
    );
  });

  it("refuse contact data anywhere but in the ledger's own before/after", () => {
    const withEmail = {
      brand: "demo",
      customer: { externalId: "cust-42", email: "someone@example.com" } as { externalId: string },
      source: "api",
      changes: [],
    };
    expect(() => webhookBody("preference.changed", withEmail, at)).toThrow(/must not carry "email"/);
    const nestedPhone = {
      brand: "demo",
      customer: { externalId: "cust-42" },
      visitorId: null,
      changes: [{ phone: "+33612345678" }] as never,
    };
    expect(() => webhookBody("consent.changed", nestedPhone, at)).toThrow(/"phone"/);
    // An alert's filter field may be called "name" by the brand: the ledger's content passes.
    const alert = {
      brand: "demo",
      customer: { externalId: "cust-42" },
      source: "portal",
      changes: [{ kind: "alert", subject: "drops:1", before: null, after: { criteria: { name: { eq: "Trench" } } } }],
    };
    expect(JSON.parse(webhookBody("preference.changed", alert, at)).data.changes[0].after.criteria.name.eq).toBe(
      "Trench",
    );
  });

  it("list an endpoint's event types from its column, ignoring what Mesure does not know", () => {
    expect(readEventTypes('["consent.changed","nope","erasure.requested"]')).toEqual([
      "consent.changed",
      "erasure.requested",
    ]);
    expect(readEventTypes("not json")).toEqual([]);
    expect(readEventTypes('{"a":1}')).toEqual([]);
  });
});

describe("endpoint fields", () => {
  const local = "http://localhost:3000";
  const production = "https://preferences.example.com";
  const all = [...WEBHOOK_EVENT_TYPES];

  afterEach(() => allowPrivateAddresses(false));

  it("take https anywhere, and plain http only to this machine on a local install", () => {
    allowPrivateAddresses(true); // as a local install does by default
    expect(
      parseWebhookEndpoint({ url: "https://crm.example.com/hooks", description: "", events: all }, production),
    ).toMatchObject({ ok: true, data: { url: "https://crm.example.com/hooks", events: all } });
    expect(
      parseWebhookEndpoint({ url: "http://127.0.0.1:9999/in", description: "", events: all }, local),
    ).toMatchObject({
      ok: true,
    });
    expect(parseWebhookEndpoint({ url: "http://127.0.0.1:9999/in", description: "", events: all }, production)).toEqual(
      {
        ok: false,
        problems: { url: "https" },
      },
    );
    expect(parseWebhookEndpoint({ url: "http://crm.example.com/in", description: "", events: all }, local)).toEqual({
      ok: false,
      problems: { url: "https" },
    });
  });

  it("refuse a private, loopback or link-local address unless the operator allows them", () => {
    const problems = (url: string) => {
      const parsed = parseWebhookEndpoint({ url, description: "", events: all }, production);
      return parsed.ok ? null : parsed.problems;
    };
    for (const url of [
      "https://10.1.2.3/hooks",
      "https://169.254.169.254/latest/meta-data",
      "https://[fd00::1]/hooks",
      "https://[::ffff:192.168.1.1]/hooks",
      "https://localhost/hooks",
      "https://admin.localhost/hooks",
      "https://127.0.0.1:8443/hooks",
    ]) {
      expect(problems(url), url).toEqual({ url: "private" });
    }
    // A name is judged by what it resolves to, when called; a public address is fine.
    expect(problems("https://crm.example.com/hooks")).toBeNull();
    expect(problems("https://93.184.215.14/hooks")).toBeNull();
    allowPrivateAddresses(true);
    expect(problems("https://10.1.2.3/hooks")).toBeNull();
    expect(problems("https://localhost/hooks")).toBeNull();
  });

  it("on an edit, judge what changes, not an address added under looser rules", () => {
    expect(parseWebhookChanges({ description: " CRM ", events: ["consent.changed"] })).toEqual({
      ok: true,
      data: { description: "CRM", events: ["consent.changed"] },
    });
    expect(parseWebhookChanges({ description: "", events: [] })).toEqual({ ok: false, problems: { events: "events" } });
  });

  it("name each field at fault: no address, credentials, no events, an unknown event, too long", () => {
    const problems = (input: { url: unknown; description: unknown; events: unknown }) => {
      const parsed = parseWebhookEndpoint(input, production);
      return parsed.ok ? null : parsed.problems;
    };
    expect(problems({ url: "", description: "", events: all })).toEqual({ url: "required" });
    expect(problems({ url: "crm.example.com", description: "", events: all })).toEqual({ url: "url" });
    expect(problems({ url: "ftp://crm.example.com", description: "", events: all })).toEqual({ url: "url" });
    expect(problems({ url: "https://me:pw@crm.example.com", description: "", events: all })).toEqual({
      url: "credentials",
    });
    expect(problems({ url: "https://crm.example.com", description: "", events: [] })).toEqual({ events: "events" });
    expect(problems({ url: "https://crm.example.com", description: "", events: ["customer.deleted"] })).toEqual({
      events: "choice",
    });
    expect(problems({ url: "https://crm.example.com", description: "x".repeat(201), events: all })).toEqual({
      description: "tooLong",
    });
    // The same event twice is kept once.
    const twice = parseWebhookEndpoint(
      { url: "https://crm.example.com", description: " CRM ", events: ["consent.changed", "consent.changed"] },
      production,
    );
    expect(twice).toEqual({
      ok: true,
      data: { url: "https://crm.example.com/", description: "CRM", events: ["consent.changed"] },
    });
  });
});

describe("a signed call", () => {
  it("carries headers a receiver verifies with the secret, and tells a refusal with Retry-After", async () => {
    const secret = "whsec_" + Buffer.alloc(32, 7).toString("base64");
    const now = new Date();
    const seen: { headers: Headers; body: string }[] = [];
    const fake: typeof fetch = async (_url, init) => {
      seen.push({ headers: new Headers(init?.headers), body: String(init?.body) });
      return new Response("x".repeat(1000), { status: 503, headers: { "Retry-After": "120" } });
    };
    const outcome = await postSigned(
      {
        url: "https://crm.example.com",
        secret,
        id: "evt_1",
        body: '{"a":1}',
        now,
        userAgent: "t",
        receiver: "endpoint",
      },
      { fetch: fake },
    );
    expect(outcome.status).toBe(503);
    expect(outcome.retryAfterMs).toBe(120_000);
    // The answer is read no further than needed; the caller cuts it to 200 characters once redacted.
    expect(outcome.error).toMatch(/^HTTP 503: x+$/);
    expect(seen[0]!.headers.get("webhook-id")).toBe("evt_1");
    expect(verify(secret, seen[0]!.headers, seen[0]!.body, now)).toEqual({ ok: true });
    expect(verify(secret, seen[0]!.headers, '{"a":2}', now)).toEqual({ ok: false, reason: "bad_signature" });
  });
});
