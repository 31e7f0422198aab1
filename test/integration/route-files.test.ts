// Every route file in app/routes, over real HTTP, so that a route added tomorrow is checked too:
// answers that are not HTML (JSON, CSV, XML, redirects) carry the policy that allows nothing,
// pages keep theirs; no page may be framed except an embedded portal session's pages by its
// site (and the sign-in page by the brand's sites); and the OpenAPI document describes every
// /api/v1 route with exactly the methods it answers.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockedDownPolicy } from "~/http/security-headers.server";
import { portalLink } from "~/lib/portal-link.server";
import { updateBrandSettings } from "~/models/brand.server";
import { startConsole, type ConsoleFixture } from "../support/console";
import { testProvider } from "../support/database";
import { PortalClient } from "../support/portal-client";
import { projectRoot } from "../support/processes";

const SECRET = "k".repeat(64);
const SHOP = "https://shop.example";

type RouteFile = { file: string; loader: boolean; action: boolean; page: boolean };

const routesDir = path.join(projectRoot, "app/routes");
const routeFiles: RouteFile[] = fs
  .readdirSync(routesDir)
  .filter((file) => /\.tsx?$/.test(file))
  .map((file) => {
    const source = fs.readFileSync(path.join(routesDir, file), "utf8");
    const exported = (name: string) => new RegExp(`^export (async )?(function|const) ${name}\\b`, "m").test(source);
    return { file, loader: exported("loader"), action: exported("action"), page: /^export default\b/m.test(source) };
  });

/** The URL of a flat route file (Remix's convention), its `$params` given by `param`. */
function urlOf(file: string, param: (name: string) => string): string {
  const segments = file.replace(/\.tsx?$/, "").match(/(?:[^.[]|\[[^\]]*\])+/g)!;
  const parts = segments.flatMap((segment) => {
    if (segment === "_index" || segment.startsWith("_")) return [];
    const name = segment.replace(/_$/, "");
    if (name.startsWith("$")) return [param(name.slice(1))];
    return [name.replace(/\[([^\]]*)\]/g, "$1")];
  });
  return `/${parts.join("/")}`;
}

let fixture: ConsoleFixture;
let camilleId: string;
let otherCustomerId: string;

beforeAll(async () => {
  fixture = await startConsole({ AUTH_FAILURES_PER_MINUTE: "10000", WORKER: "false" });
  const { db } = fixture;
  camilleId = (await db.customer.findFirstOrThrow({ where: { externalId: "cust-camille" }, select: { id: true } })).id;
  otherCustomerId = (await db.customer.findFirstOrThrow({ where: { externalId: "other-1" }, select: { id: true } })).id;
  await updateBrandSettings(db, fixture.brandIds.demo, { embedOrigins: [SHOP] });
});
afterAll(async () => {
  await fixture?.stop();
});

const params: Record<string, () => string> = {
  externalId: () => "cust-camille",
  customerId: () => camilleId,
  visitorId: () => "v".repeat(22),
  brand: () => "demo",
  key: () => "price-drop",
};
const urlFor = (file: string) => urlOf(file, (name) => params[name]?.() ?? "no-such-id");

/** A browser with a console session (owner) and a portal session, both of brand `brand`. */
async function signedIn(brand: "demo" | "other"): Promise<PortalClient> {
  const client = await fixture.signIn(brand, "owner");
  const customerId = brand === "demo" ? camilleId : otherCustomerId;
  const entered = await client.page(
    portalLink({
      secret: SECRET,
      publicUrl: fixture.server.url,
      brandId: fixture.brandIds[brand],
      customerId,
      ttlSeconds: 600,
    }),
  );
  expect(entered.url).toBe("/portal");
  return client;
}

/** A browser inside the brand's site, in the portal session a minted link opened from SHOP. */
async function embedded(): Promise<PortalClient> {
  const minted = await fixture.call("POST", "/api/v1/portal-sessions", { externalId: "cust-camille", origin: SHOP });
  expect(minted.status, JSON.stringify(minted.body)).toBe(201);
  const link = new URL(minted.body.url as string);
  const client = new PortalClient(fixture.server.url);
  const opened = await client.request(`${link.pathname}${link.search}&origin=${encodeURIComponent(SHOP)}`, {
    headers: { "Sec-Fetch-Dest": "iframe" },
  });
  expect(opened.status).toBe(302);
  return client;
}

describe(`the route files (${testProvider})`, () => {
  it("are found, pages and resource routes both", () => {
    const resources = routeFiles.filter((route) => !route.page).map((route) => route.file);
    expect(resources).toEqual(
      expect.arrayContaining([
        "api.v1.openapi[.json].ts",
        "api.v1.customers.$externalId.ts",
        "console.export[.]csv.ts",
        "portal_.export[.]json.ts",
        "embed.v1.choices.ts",
      ]),
    );
    expect(routeFiles.filter((route) => route.page).length).toBeGreaterThan(30);
    expect(urlOf("api.v1.openapi[.json].ts", () => "")).toBe("/api/v1/openapi.json");
    expect(urlOf("console.consents_.$customerId.receipt[.]json.ts", () => "c1")).toBe(
      "/console/consents/c1/receipt.json",
    );
    expect(urlOf("portal._index.tsx", () => "")).toBe("/portal");
  });

  it("answer with `default-src 'none'` whatever is not a page, and pages with their own policy", async () => {
    const browser = await signedIn("demo");
    const seen: string[] = [];
    for (const route of routeFiles.filter((route) => !route.page)) {
      const url = urlFor(route.file);
      const methods = [...(route.loader ? ["GET"] : []), ...(route.action ? ["POST"] : [])];
      for (const method of methods) {
        const api = url.startsWith("/api/");
        const response = await browser.request(url, {
          method,
          headers: {
            ...(api && { Authorization: `Bearer ${fixture.demoKey}` }),
            ...(method === "POST" && { "Content-Type": "application/json", Origin: fixture.server.url }),
          },
          ...(method === "POST" && { body: "{}" }),
        });
        await response.arrayBuffer();
        const type = response.headers.get("content-type") ?? "(none)";
        const csp = response.headers.get("content-security-policy");
        const what = `${method} ${url} (${route.file}): ${response.status} ${type}`;
        seen.push(what);
        if (type.startsWith("text/html")) expect(csp, what).toMatch(/script-src 'self' 'nonce-[^']+'/);
        else expect(csp, what).toBe(lockedDownPolicy);
        expect(response.headers.get("x-content-type-options"), what).toBe("nosniff");
      }
    }
    // Each of these answered something of its own, not a redirect to a sign-in page.
    for (const shown of [
      /^GET \/api\/v1\/openapi\.json .*: 200 application\/json/,
      /^GET \/api\/v1\/customers\/cust-camille .*: 200 application\/json/,
      /^GET \/console\/export\.csv .*: 200 text\/csv/,
      /^GET \/portal\/export\.json .*: 200 application\/json/,
      /^GET \/portal\/consent-receipt\.json .*: 200 application\/json/,
      /^GET \/portal\/export\.html .*: 200 text\/html/,
      /^POST \/api\/v1\/sms\/demo\/inbound .*: 404 application\/json/,
    ])
      expect(seen).toContainEqual(expect.stringMatching(shown));
  });

  it("keep every page out of frames but an embedded session's portal, and the sign-in page of a brand with sites", async () => {
    const framedBy = (file: string, as: "anonymous" | "signed-in" | "embedded", brand: "demo" | "other") => {
      if (file === "portal_.sign-in.tsx") return brand === "demo" ? [SHOP] : [];
      // The portal's pages of the session (children of portal.tsx), in the site that opened it.
      if (as === "embedded" && /^portal\./.test(file)) return [SHOP];
      return [];
    };
    const browsers = [
      { as: "anonymous" as const, brand: "other" as const, client: new PortalClient(fixture.server.url) },
      { as: "anonymous" as const, brand: "demo" as const, client: new PortalClient(fixture.server.url) },
      { as: "signed-in" as const, brand: "other" as const, client: await signedIn("other") },
      { as: "embedded" as const, brand: "demo" as const, client: await embedded() },
    ];
    const wrong: string[] = [];
    let pages = 0;
    let framed = 0;
    for (const { as, brand, client } of browsers) {
      for (const route of routeFiles.filter((route) => route.page)) {
        const url = `${urlFor(route.file)}?brand=${brand}`;
        const response = await client.request(url, { headers: { "Sec-Fetch-Dest": "iframe" } });
        await response.arrayBuffer();
        if (response.status >= 500) wrong.push(`${as} (${brand}) GET ${url}: ${response.status}`);
        if (!(response.headers.get("content-type") ?? "").startsWith("text/html")) continue;
        pages++;
        const origins = framedBy(route.file, as, brand);
        if (origins.length) framed++;
        const seen = {
          frameAncestors: /frame-ancestors ([^;]*)$/.exec(response.headers.get("content-security-policy") ?? "")?.[1],
          xFrameOptions: response.headers.get("x-frame-options"),
        };
        const want = origins.length
          ? { frameAncestors: origins.join(" "), xFrameOptions: null }
          : { frameAncestors: "'none'", xFrameOptions: "DENY" };
        if (JSON.stringify(seen) !== JSON.stringify(want))
          wrong.push(`${as} (${brand}) GET ${url} [${response.status}]: ${JSON.stringify(seen)}`);
      }
    }
    expect(wrong).toEqual([]);
    // Most pages render for one browser or another (the console's redirect the others), and the
    // embedded session's portal pages are among them.
    expect(pages).toBeGreaterThan(80);
    expect(framed).toBeGreaterThan(12);
  });

  it("are all in the OpenAPI document when they are API routes, with the methods they answer", async () => {
    const document = (await (await fetch(`${fixture.server.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const missing: string[] = [];
    const answered = new Map<string, string[]>();
    for (const route of routeFiles.filter((route) => route.file.startsWith("api.v1."))) {
      const url = urlFor(route.file);
      const template = urlOf(route.file, (name) => `{${name}}`);
      // Without a key: a method the route does not answer is refused (405) before anything else.
      const methods: string[] = [];
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        const response = await fetch(`${fixture.server.url}${url}`, {
          method,
          ...(method !== "GET" && { headers: { "Content-Type": "application/json" }, body: "{}" }),
        });
        await response.arrayBuffer();
        if (response.status !== 405) methods.push(method);
      }
      answered.set(template, methods);
      expect(methods.length, route.file).toBeGreaterThan(0);
      for (const method of methods) {
        if (!document.paths[template]?.[method.toLowerCase()]) missing.push(`${method} ${template} (${route.file})`);
      }
    }
    expect(missing).toEqual([]);
    // And the other way: nothing documented that no route answers (the decision endpoints are
    // the node:http layer's, app/http/decisions.server.ts).
    const documented = Object.entries(document.paths)
      .filter(([template]) => template.startsWith("/api/v1/") && !template.startsWith("/api/v1/decisions"))
      .flatMap(([template, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${template}`),
      );
    const routes = [...answered].flatMap(([template, methods]) => methods.map((method) => `${method} ${template}`));
    expect(documented.filter((operation) => !routes.includes(operation))).toEqual([]);
  });
});
