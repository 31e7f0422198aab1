// Thousands of random and malformed requests against every API endpoint: whatever comes in,
// the answer is never a 5xx, always JSON in the error shape for 4xx, and nothing crashes.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testProvider } from "../support/database";
import { startApi, type ApiFixture } from "../support/api";

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi({ API_RATE_LIMIT: "1000000" });
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

/** Valid bodies with one field replaced by anything, or random JSON altogether. */
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc
    .record({ field: fc.constantFrom(...fields), value: fc.jsonValue({ maxDepth: 2 }) })
    .map(({ field, value }) => ({ ...valid, [field]: value })),
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
      { numRuns: 2500 },
    );
    expect(requests).toBe(2500);
    // And the server is still well.
    expect((await fetch(`${api.server.url}/healthz`)).status).toBe(200);
  });
});
