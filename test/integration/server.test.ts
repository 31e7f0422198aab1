// The built server as a person or a load balancer meets it: over real HTTP, on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testProvider, type TestDatabase } from "../support/database";
import { runServer, startServer, type RunningServer } from "../support/processes";

let database: TestDatabase;
let server: RunningServer;
const env = () => ({
  DATABASE_URL: database.url,
  DATA_DIR: database.dir,
  SEED_DEMO: "true",
  MESURE_SECRET: "k".repeat(64),
});

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  server = await startServer(env());
});
afterAll(async () => {
  await server?.stop();
  await database.drop();
});

const securityHeaders = (response: Response) => ({
  nosniff: response.headers.get("x-content-type-options"),
  referrer: response.headers.get("referrer-policy"),
  frameAncestors: /frame-ancestors 'none'/.test(response.headers.get("content-security-policy") ?? ""),
});

describe(`the server (${testProvider})`, () => {
  it("migrates and seeds on first start, then serves the home page in French by default", async () => {
    expect(server.output()).toMatch(/applied \d+ migration/);
    expect(server.output()).toContain('seeded the demo brand "demo"');
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain("Moins, et mieux.");
    expect(html).toContain("Baisses de prix");
  });

  it("speaks English when the browser asks, or when ?lang=en is chosen, and remembers the choice", async () => {
    const english = await fetch(`${server.url}/`, { headers: { "Accept-Language": "en-GB,en;q=0.9" } });
    expect(await english.text()).toContain("Less, and better.");
    const chosen = await fetch(`${server.url}/?lang=en`, { headers: { "Accept-Language": "fr" } });
    expect(chosen.headers.getSetCookie()).toContainEqual(
      expect.stringMatching(/^mesure_lang=en; Path=\/; Max-Age=\d+; SameSite=Lax/),
    );
    const remembered = await fetch(`${server.url}/`, {
      headers: { "Accept-Language": "fr", Cookie: "mesure_lang=en" },
    });
    expect(await remembered.text()).toContain('<html lang="en"');
  });

  it("sets the security headers on pages, assets, JSON and errors", async () => {
    const page = await fetch(`${server.url}/`);
    const html = await page.text();
    const asset = html.match(/href="(\/build\/_assets\/[^"]+\.css)"/)![1];
    const responses = await Promise.all(
      [`/`, asset!, `/healthz`, `/favicon.svg`, `/no-such-page`].map((path) => fetch(`${server.url}${path}`)),
    );
    for (const response of responses) {
      expect(securityHeaders(response), response.url).toEqual({
        nosniff: "nosniff",
        referrer: "same-origin",
        frameAncestors: true,
      });
      expect(response.headers.get("x-powered-by")).toBeNull();
    }
    expect(responses[4]!.status).toBe(404);
    expect(await responses[4]!.text()).toContain("Cette page n&#x27;existe pas.");
  });

  it("allows only scripts that carry the request's nonce, fresh on every request", async () => {
    const [first, second] = await Promise.all([fetch(`${server.url}/`), fetch(`${server.url}/`)]);
    const nonceOf = (response: Response) =>
      /script-src 'self' 'nonce-([^']+)'/.exec(response.headers.get("content-security-policy")!)![1];
    expect(nonceOf(first)).not.toBe(nonceOf(second));
    const html = await first.text();
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) {
      if (/\bsrc=/.test(attributes)) continue; // external scripts come from 'self'
      expect(attributes).toContain(`nonce="${nonceOf(first)}"`);
    }
  });

  it("answers /healthz with 200 while the database is reachable, and refuses other methods", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
    const post = await fetch(`${server.url}/healthz`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("reuses the data on the next start: no migration, no second demo brand", async () => {
    await server.stop();
    server = await startServer(env());
    expect(server.output()).not.toMatch(/applied \d+ migration/);
    expect(server.output()).not.toContain("seeded");
    const { db } = database.open();
    expect(await db.brand.count({ where: { slug: "demo" } })).toBe(1);
  });

  it("stops cleanly on SIGTERM", async () => {
    const code = await server.stop();
    expect(code).toBe(0);
    expect(server.output()).toContain("SIGTERM: finishing requests and sends in flight");
    server = await startServer(env());
  });

  it.runIf(testProvider === "postgresql")("answers /healthz with 503 once the database is gone", async () => {
    const name = new URL(database.url).pathname.slice(1);
    const { adminQuery } = await import("../support/database");
    await adminQuery(`DROP DATABASE "${name}" WITH (FORCE)`);
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", database: "unreachable" });
  });
});

describe("start-up checks", () => {
  it.each([
    [{ PORT: "not-a-port" }, /^mesure: invalid configuration: PORT /],
    [{ DATABASE_URL: "mysql://localhost/mesure" }, /^mesure: invalid configuration: DATABASE_URL /],
    [{ PUBLIC_URL: "prefs.example.com" }, /^mesure: invalid configuration: PUBLIC_URL /],
  ])("stops with one line naming the bad variable: %j", async (bad, message) => {
    const result = await runServer({ DATA_DIR: database.dir, ...bad });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("says which database it cannot reach, in one line", async () => {
    const result = await runServer({
      DATABASE_URL: "postgresql://postgres@127.0.0.1:1/mesure",
      MESURE_SECRET: "k".repeat(64),
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^mesure: cannot prepare the database \(PostgreSQL 127\.0\.0\.1:1\/mesure\): .*ECONNREFUSED/,
    );
  });
});
