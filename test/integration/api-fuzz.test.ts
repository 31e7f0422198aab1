// Thousands of random and malformed requests against every API endpoint: whatever comes in,
// the answer is never a 5xx, always JSON in the error shape for 4xx, and nothing crashes. Then
// every string of every body, one at a time, a lone surrogate (refused, naming it) or 10,000
// characters (refused naming it, or taken): whatever is refused changes nothing.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testProvider } from "../support/database";
import { startApi, type ApiFixture } from "../support/api";
import { changedTables, snapshotDatabase } from "../support/database-snapshot";

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi({
    API_RATE_LIMIT: "1000000",
    EMBED_RATE_LIMIT: "1000000",
    AUTH_FAILURES_PER_MINUTE: "1000000",
    WORKER: "false",
  });
});
afterAll(() => api.stop());

const valid = { customer: "cust-camille", topic: "price-drop", channel: "email", attributes: { price: 10 } };
const fields = [
  "customer",
  "topic",
  "channel",
  "priority",
  "tags",
  "attributes",
  "campaign",
  "expiresAt",
  "at",
  "commit",
  "items",
  "subscriptions",
  "channels",
  "email",
  "phone",
  "pausedUntil",
  "context",
  "digest",
];

/** Half of a surrogate pair, alone: valid JSON once escaped ("\\ud800"), yet not Unicode. */
const loneSurrogate = fc.constantFrom("\ud800", "\udfff", "x\udbff", "\udc00y");

/** Valid bodies with one field replaced by anything, or random JSON altogether. */
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc
    .record({ field: fc.constantFrom(...fields), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), loneSurrogate) })
    .map(({ field, value }) => ({ ...valid, [field]: value })),
  loneSurrogate.map((key) => ({ ...valid, attributes: { [key]: 1 } })),
  fc.dictionary(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 })),
  fc
    .array(fc.record({ field: fc.constantFrom(...fields), value: fc.jsonValue({ maxDepth: 1 }) }), { maxLength: 5 })
    .map((items) => ({
      items: items.map(({ field, value }) => ({ ...valid, [field]: value })),
    })),
);
const raw = fc.oneof(
  body.map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    "",
    "{",
    "null",
    "[]",
    '{"customer":"\u0000"}',
    '{"customer":"\\ud800"}',
    '{"tags":["\\udfff"]}',
    '{"attributes":{"\\uD800":1}}',
    '{"__proto__":{"x":1}}',
    "\uFEFF{}",
    '{"items":' + "[".repeat(2000) + "]".repeat(2000) + "}",
  ),
);
const endpoint = fc.constantFrom(
  ["POST", "/api/v1/decisions"],
  ["POST", "/api/v1/decisions/batch"],
  ["PUT", "/api/v1/customers/fuzz-1"],
  ["PATCH", "/api/v1/customers/cust-camille/preferences"],
  ["PATCH", "/api/v1/customers/%E2%82%AC%00/preferences"],
  ["GET", "/api/v1/customers/..%2F..%2Fetc/preferences"],
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "APPLICATION/JSON",
  "",
);

describe(`fuzzing the API (${testProvider})`, () => {
  it("never answers 5xx, and every 4xx is a JSON error naming what is wrong", async () => {
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(endpoint, raw, contentType, fc.boolean(), async ([method, path], text, type, authenticated) => {
        requests++;
        const response = await fetch(`${api.server.url}${path}`, {
          method,
          headers: {
            ...(type && { "Content-Type": type }),
            ...(authenticated && { Authorization: `Bearer ${api.demoKey}` }),
          },
          body: method === "GET" ? undefined : text,
        });
        const answer = await response.text();
        expect(response.status, `${method} ${path} ${text.slice(0, 200)} -> ${answer.slice(0, 300)}`).toBeLessThan(500);
        if (response.status >= 400) {
          const parsed = JSON.parse(answer);
          expect(typeof parsed.error.code).toBe("string");
          expect(Array.isArray(parsed.error.issues)).toBe(true);
          expect(answer).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
        }
      }),
      {
        numRuns: 2500,
        // A lone surrogate where the API stores it: Prisma cannot send it to its engine (a 500, once).
        examples: [
          [["PUT", "/api/v1/customers/fuzz-1"], '{"name":"\\ud800"}', "application/json", true],
          [
            ["PATCH", "/api/v1/customers/cust-camille/preferences"],
            '{"excludedTags":["\\udfff"]}',
            "application/json",
            true,
          ],
        ],
      },
    );
    expect(requests).toBe(2500);
    // And the server is still well.
    expect((await fetch(`${api.server.url}/healthz`)).status).toBe(200);
  });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Each string in a body, by its dotted path, and the body with it replaced by `by`. */
function strings(value: Json, path: string[] = []): string[][] {
  if (typeof value === "string") return [path];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => strings(child, [...path, key]));
}
function replaced(value: Json, path: string[], by: string): Json {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((child, i) => (String(i) === head ? replaced(child, rest, by) : child));
  const record = value as Record<string, Json>;
  return { ...record, [head!]: replaced(record[head!]!, rest, by) };
}

/** Counters the decision endpoints flush on a timer, whatever a request carried. */
const FLUSHED_ON_A_TIMER = ["DecisionStat"];

const order = { customer: "cust-camille", topic: "order-updates", channel: "email" };
/** A valid body for every endpoint that takes one. */
const bodies: { method: string; path: string; body: Json; type?: string }[] = [
  {
    method: "PUT",
    path: "/api/v1/customers/fuzz-strings",
    body: { email: "fuzz@example.com", phone: "+33612345678", name: "Fuzz", locale: "fr", timezone: "Europe/Paris" },
  },
  {
    method: "PATCH",
    path: "/api/v1/customers/cust-camille/preferences",
    body: {
      subscriptions: [{ topic: "newsletter", channel: "email", status: "subscribed", frequency: "weekly" }],
      channels: { sms: { quietHours: { start: "21:00", end: "08:00" } } },
      pausedUntil: null,
      context: { mode: "looking", until: "2099-01-01T00:00:00Z", topics: ["price-drop"] },
      excludedTags: ["alcohol"],
      source: "crm-sync",
      policyVersion: "v1",
    },
  },
  {
    method: "POST",
    path: "/api/v1/decisions",
    body: { ...valid, tags: ["shoes"], campaign: "spring", attributes: { designer: "Sézane", sizes: ["38"] } },
  },
  { method: "POST", path: "/api/v1/decisions/batch", body: { items: [{ ...valid, tags: ["shoes"] }] } },
  {
    method: "POST",
    path: "/api/v1/messages",
    body: {
      ...order,
      campaign: "order-1",
      content: { email: { subject: "Votre commande", text: "Elle part demain." } },
    },
  },
  {
    method: "POST",
    path: "/api/v1/messages/batch",
    body: { items: [{ ...order, content: { template: { name: "order-shipped", data: { orderNumber: "A-1" } } } }] },
  },
  { method: "POST", path: "/api/v1/suppressions", body: { email: "fuzz-suppressed@example.com", reason: "manual" } },
  { method: "POST", path: "/api/v1/portal-sessions", body: { externalId: "cust-camille", page: "/portal/alerts" } },
  { method: "POST", path: "/api/v1/visitors/fuzzvisitor00000000001/link", body: { customer: "cust-camille" } },
  {
    method: "POST",
    path: "/embed/v1/choices",
    type: "text/plain",
    body: {
      brand: "demo",
      visitor: "fuzzvisitor00000000002",
      policyVersion: "1",
      locale: "fr",
      method: "accept_all",
      categories: {},
      gpc: false,
    },
  },
];

describe(`every string of every API body (${testProvider})`, () => {
  it("refuses a lone surrogate naming its field, takes or refuses 10,000 characters naming it, and a refusal changes nothing", async () => {
    const failures: string[] = [];
    const send = async (target: (typeof bodies)[number], body: Json) => {
      const response = await fetch(`${api.server.url}${target.path}`, {
        method: target.method,
        headers: { "Content-Type": target.type ?? "application/json", Authorization: `Bearer ${api.demoKey}` },
        body: JSON.stringify(body),
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: response.status, body: (await response.json()) as any };
    };
    for (const target of bodies) {
      const accepted = await send(target, target.body);
      expect(accepted.status, `${target.path} with its valid body: ${JSON.stringify(accepted.body)}`).toBeLessThan(300);
      const paths = strings(target.body);
      expect(paths.length, target.path).toBeGreaterThan(0);
      for (const path of paths) {
        const field = path.join(".");
        for (const value of ["\ud800", "x\udfff", "a".repeat(10_000)]) {
          const before = await snapshotDatabase(api.database, FLUSHED_ON_A_TIMER);
          const answer = await send(target, replaced(target.body, path, value));
          const where = `${target.method} ${target.path} ${field} = ${JSON.stringify(value.slice(0, 8))}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
          if (answer.status >= 500) failures.push(where);
          const issues: { path: string }[] =
            answer.body?.error?.issues ?? answer.body?.results?.[0]?.error?.issues ?? [];
          // An item of a batch is named from the item (`customer`), the body from the top.
          // A body over its endpoint's size (the banner's, 8 KB) is refused as a whole, 413.
          const named =
            answer.status === 413 ||
            issues.some(
              (issue) => issue.path === field || field.endsWith(`.${issue.path}`) || issue.path.startsWith(`${field}.`),
            );
          if (value.length < 10) {
            if (answer.status !== 400 || issues[0]?.path !== field)
              failures.push(`${where} (not a 400 naming ${field})`);
          } else if (answer.status >= 400 && !named) failures.push(`${where} (does not name ${field})`);
          if (answer.status >= 400) {
            const changed = changedTables(before, await snapshotDatabase(api.database, FLUSHED_ON_A_TIMER));
            if (changed.length) failures.push(`${where} (refused, yet changed ${changed.join(", ")})`);
          }
        }
      }
      // A key of an object, where the body has one that takes any key.
      if (target.path === "/api/v1/decisions") {
        const answer = await send(target, { ...valid, attributes: { "size\udfff": "38" } });
        expect(answer.status).toBe(400);
        expect(answer.body.error.issues[0].path).toBe("attributes.size\udfff");
      }
    }
    expect(failures).toEqual([]);
    // The customer the surrogate name could have created is not there.
    expect(await api.db.customer.count({ where: { externalId: "fuzz-surrogate" } })).toBe(0);
  });

  it("PUT /api/v1/customers/x with a lone surrogate name: 400 naming name, no customer", async () => {
    for (const name of ["\ud800", "\udfff"]) {
      const answer = await api.call("PUT", "/api/v1/customers/fuzz-surrogate", JSON.stringify({ name }));
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({
        code: "invalid_request",
        issues: [{ path: "name", message: "must be well-formed Unicode (no lone surrogate such as \\ud800)" }],
      });
    }
    expect(await api.db.customer.count({ where: { externalId: "fuzz-surrogate" } })).toBe(0);
  });
});
