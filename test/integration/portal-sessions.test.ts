// The portal embedded in a brand's site, over real HTTP: POST /api/v1/portal-sessions mints a
// one-time link for one of the key's brand's customers (never another brand's, and saying no
// more about those than about nobody), the link opens a session once, from a declared site
// only, with cookies a cross-site frame keeps (SameSite=None; Secure; Partitioned); pages of
// that session may be framed by that site alone, every other page by nobody.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embedLink } from "~/lib/portal-embed.server";
import { portalLink } from "~/lib/portal-link.server";
import { updateBrandSettings } from "~/models/brand.server";
import { upsertCustomer } from "~/models/customer.server";
import { startApi, type ApiFixture } from "../support/api";
import { testProvider } from "../support/database";
import { PortalClient } from "../support/portal-client";

const SHOP = "https://shop.example";
const SECOND = "http://127.0.0.1:5555";
const SECRET = "k".repeat(64);

let api: ApiFixture;
let demoId: string;
let kenjiId: string;

beforeAll(async () => {
  api = await startApi();
  demoId = (await api.db.brand.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } })).id;
  kenjiId = (
    await api.db.customer.findFirstOrThrow({
      where: { brandId: demoId, externalId: "cust-kenji" },
      select: { id: true },
    })
  ).id;
  await updateBrandSettings(api.db, demoId, { embedOrigins: [SHOP, SECOND] });
});
afterAll(async () => {
  await api?.stop();
});

/** A minted link, pointed at the running server (the answer names the public URL, localhost). */
async function mint(body: Record<string, unknown>): Promise<{ path: string; url: string; expiresAt: string }> {
  const answer = await api.call("POST", "/api/v1/portal-sessions", body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const url = new URL(answer.body.url as string);
  return { path: url.pathname + url.search, url: answer.body.url, expiresAt: answer.body.expiresAt };
}

/** Opens a link the way embed/v1.js frames it: with the framing page's origin added. */
function open(client: PortalClient, path: string, origin: string | null, headers: Record<string, string> = {}) {
  const url = origin ? `${path}&origin=${encodeURIComponent(origin)}` : path;
  return client.request(url, { headers: { "Sec-Fetch-Dest": "iframe", ...headers } });
}

const embedSessions = () => api.db.portalSession.count({ where: { customerId: kenjiId, via: "embed" } });

describe(`minting portal sessions (${testProvider})`, () => {
  it("answers 201 with a link on the public URL that works once, from the declared site", async () => {
    const before = Date.now();
    const link = await mint({ externalId: "cust-kenji", origin: SHOP, page: "/portal/alerts" });
    expect(link.url).toMatch(/^http:\/\/localhost:\d+\/portal\/embed\?token=[\w.%-]+$/);
    const expires = Date.parse(link.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 299_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 301_000);

    const sessions = await embedSessions();
    const client = new PortalClient(api.server.url);
    const entered = await open(client, link.path, SHOP);
    expect(entered.status).toBe(302);
    expect(entered.headers.get("location")).toBe("/portal/alerts");
    const cookies = entered.headers.getSetCookie();
    const session = cookies.find((cookie) => cookie.startsWith("mesure_portal="));
    expect(session).toMatch(/; HttpOnly;/);
    expect(session).toMatch(/; SameSite=None; Secure; Partitioned$/);
    expect(cookies.find((cookie) => cookie.startsWith("mesure_portal_brand="))).toMatch(
      /SameSite=None; Secure; Partitioned$/,
    );
    // The CSRF id of a frame: the forms inside it would fail without it.
    expect(cookies.find((cookie) => cookie.startsWith("mesure_csrf="))).toMatch(/SameSite=None; Secure; Partitioned$/);
    expect(cookies.some((cookie) => /SameSite=Lax/.test(cookie))).toBe(false);
    const row = await api.db.portalSession.findFirstOrThrow({
      where: { customerId: kenjiId, via: "embed" },
      orderBy: { createdAt: "desc" },
      select: { embedOrigin: true, expiresAt: true, brandId: true },
    });
    expect(row).toMatchObject({ embedOrigin: SHOP, brandId: demoId });
    expect(row.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 2 * 3600_000);
    expect(await embedSessions()).toBe(sessions + 1);

    // The session it opened is the customer's, on the page asked for.
    const page = await client.page("/portal/alerts");
    expect(page.status).toBe(200);
    expect(page.html).toContain("portal-embedded");

    const again = await open(new PortalClient(api.server.url), link.path, SHOP);
    expect(again.status).toBe(410);
    expect(await again.text()).toMatch(/already used|déjà servi/);
    expect(again.headers.getSetCookie().some((cookie) => cookie.startsWith("mesure_portal="))).toBe(false);
    expect(await embedSessions()).toBe(sessions + 1);
  });

  it("names the field of every malformed request", async () => {
    const cases: [unknown, string][] = [
      [{}, "externalId"],
      [{ externalId: "" }, "externalId"],
      [{ externalId: "cust-kenji", ttlSeconds: 901 }, "ttlSeconds"],
      [{ externalId: "cust-kenji", ttlSeconds: 12.5 }, "ttlSeconds"],
      [{ externalId: "cust-kenji", ttlSeconds: "300" }, "ttlSeconds"],
      [{ externalId: "cust-kenji", page: "/console" }, "page"],
      [{ externalId: "cust-kenji", page: "https://evil.example/portal" }, "page"],
      [{ externalId: "cust-kenji", page: "/portal/../console" }, "page"],
      [{ externalId: "cust-kenji", origin: "not an origin" }, "origin"],
      [{ externalId: "cust-kenji", origin: "https://shop.example/path" }, "origin"],
      [{ externalId: "cust-kenji", admin: true }, "admin"],
    ];
    for (const [body, field] of cases) {
      const answer = await api.call("POST", "/api/v1/portal-sessions", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
      expect(answer.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(field);
    }
    const notJson = await api.call("POST", "/api/v1/portal-sessions", "externalId=cust-kenji", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(notJson.status).toBe(415);
    const get = await api.call("GET", "/api/v1/portal-sessions");
    expect(get.status).toBe(405);
  });

  it("refuses an origin the brand has not declared (422 naming the field)", async () => {
    const answer = await api.call("POST", "/api/v1/portal-sessions", {
      externalId: "cust-kenji",
      origin: "https://elsewhere.example",
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.issues).toEqual([{ path: "origin", message: expect.stringContaining("embed origins") }]);
  });

  it("answers 404 for an unknown customer, and the same for another brand's, leaking nothing", async () => {
    const unknown = await api.call("POST", "/api/v1/portal-sessions", { externalId: "nobody-here" });
    expect(unknown.status).toBe(404);
    const foreign = await api.call("POST", "/api/v1/portal-sessions", { externalId: "other-1" });
    expect(foreign.status).toBe(404);
    // Word for word the "never existed" answer, the id aside.
    expect(JSON.stringify(foreign.body).replaceAll("other-1", "nobody-here")).toBe(JSON.stringify(unknown.body));
    expect(JSON.stringify(foreign.body)).not.toMatch(/o1@example\.com|Other brand|"url"/);
    // The other brand's key does mint for its own customer.
    const own = await api.call("POST", "/api/v1/portal-sessions", { externalId: "other-1" }, { key: api.otherKey });
    expect(own.status).toBe(201);
  });

  it("needs an API key", async () => {
    const none = await api.call("POST", "/api/v1/portal-sessions", { externalId: "cust-kenji" }, { key: null });
    expect(none.status).toBe(401);
    const wrong = await api.call(
      "POST",
      "/api/v1/portal-sessions",
      { externalId: "cust-kenji" },
      { key: "msr_live_not_a_key_at_all_0000000000" },
    );
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain("/portal/embed");
  });
});

describe(`opening a minted link (${testProvider})`, () => {
  it("refuses an expired link (410), a forged one (400), and never opens a session for them", async () => {
    const sessions = await embedSessions();
    const stale = embedLink(
      { secret: SECRET, publicUrl: "", brandId: demoId, customerId: kenjiId, ttlSeconds: 60 },
      new Date(Date.now() - 120_000),
    );
    const expired = await open(new PortalClient(api.server.url), stale.url, SHOP);
    expect(expired.status).toBe(410);
    const html = await expired.text();
    expect(html).toMatch(/expired|expiré/);
    // The refusal shows in the brand's frame, not in anyone else's.
    expect(expired.headers.get("content-security-policy")).toContain(`frame-ancestors ${SHOP} ${SECOND}`);

    const forged = embedLink({
      secret: "x".repeat(64),
      publicUrl: "",
      brandId: demoId,
      customerId: kenjiId,
      ttlSeconds: 60,
    });
    const refused = await open(new PortalClient(api.server.url), forged.url, SHOP);
    expect(refused.status).toBe(400);
    expect(refused.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    // A portal link (another purpose) is no embed link.
    const portal = portalLink({ secret: SECRET, publicUrl: "", brandId: demoId, customerId: kenjiId, ttlSeconds: 60 });
    const wrongPurpose = await open(
      new PortalClient(api.server.url),
      portal.replace("/portal/enter", "/portal/embed"),
      SHOP,
    );
    expect(wrongPurpose.status).toBe(400);
    expect(await embedSessions()).toBe(sessions);
  });

  it("opens only from a declared site, the one the link names if it names one, without spending it otherwise", async () => {
    const sessions = await embedSessions();
    const link = await mint({ externalId: "cust-kenji" });
    for (const origin of ["http://127.0.0.1:5556", "https://shop.example.evil.test", "null", null]) {
      const refused = await open(new PortalClient(api.server.url), link.path, origin);
      expect(refused.status, String(origin)).toBe(403);
      expect(await refused.text()).toMatch(/cannot be shown here|ne peuvent pas s.{1,6}afficher ici/);
      // Only the brand's sites may show even the refusal: the other page's frame stays blank.
      expect(refused.headers.get("content-security-policy")).toMatch(
        /frame-ancestors https:\/\/shop\.example http:\/\/127\.0\.0\.1:5555(;|$)/,
      );
    }
    expect(await embedSessions()).toBe(sessions);
    // Not spent by those attempts: the declared site still opens it.
    expect((await open(new PortalClient(api.server.url), link.path, SECOND)).status).toBe(302);

    const pinned = await mint({ externalId: "cust-kenji", origin: SHOP });
    expect((await open(new PortalClient(api.server.url), pinned.path, SECOND)).status).toBe(403);
    expect((await open(new PortalClient(api.server.url), pinned.path, SHOP)).status).toBe(302);
    expect(await embedSessions()).toBe(sessions + 2);
  });

  it("refuses a link whose customer was erased in between", async () => {
    const customer = await upsertCustomer(api.db, demoId, { externalId: "cust-soon-gone", email: "gone@example.com" });
    const link = await mint({ externalId: "cust-soon-gone" });
    await api.db.customer.update({ where: { id: customer.id }, data: { erasedAt: new Date() } });
    const refused = await open(new PortalClient(api.server.url), link.path, SHOP);
    expect(refused.status).toBe(400);
    expect(await api.db.portalSession.count({ where: { customerId: customer.id } })).toBe(0);
  });
});

describe(`who may frame the portal (${testProvider})`, () => {
  it("lets the session's site frame its portal pages, and nobody frame anything else", async () => {
    const embedded = new PortalClient(api.server.url);
    const link = await mint({ externalId: "cust-kenji" });
    expect((await open(embedded, link.path, SECOND)).status).toBe(302);
    for (const path of ["/portal", "/portal/subscriptions"]) {
      const response = await embedded.request(path, { headers: { "Sec-Fetch-Dest": "iframe" } });
      expect(response.status, path).toBe(200);
      const csp = response.headers.get("content-security-policy")!;
      // That site alone, not every site the brand declared; the rest of the policy unchanged.
      expect(csp).toMatch(/frame-ancestors http:\/\/127\.0\.0\.1:5555$/);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
      expect(response.headers.get("x-frame-options")).toBeNull();
      const html = await response.text();
      expect(html).toContain("portal-embedded");
      // Inside the brand's site, the brand's own sign-out ends the visit.
      expect(html).not.toContain('action="/portal/sign-out"');
    }
    // The same browser's other pages stay unframeable.
    const home = await embedded.request("/", { headers: { "Sec-Fetch-Dest": "iframe" } });
    expect(home.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(home.headers.get("x-frame-options")).toBe("DENY");

    // A session opened from a message's link keeps the portal unframeable.
    const normal = new PortalClient(api.server.url);
    const entered = await normal.page(
      portalLink({ secret: SECRET, publicUrl: "", brandId: demoId, customerId: kenjiId, ttlSeconds: 600 }),
    );
    expect(entered.url).toBe("/portal");
    const page = await normal.request("/portal");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(await page.text()).toContain('action="/portal/sign-out"');
    expect(normal.cookie("mesure_portal")).toBeTruthy();
  });

  it("takes the portal out of a site the brand stops declaring, and frames its sign-in page for its sites", async () => {
    const client = new PortalClient(api.server.url);
    const link = await mint({ externalId: "cust-kenji", origin: SHOP });
    expect((await open(client, link.path, SHOP)).status).toBe(302);
    expect((await client.request("/portal")).headers.get("content-security-policy")).toMatch(
      /frame-ancestors https:\/\/shop\.example$/,
    );
    await updateBrandSettings(api.db, demoId, { embedOrigins: [SECOND] });
    try {
      const after = await client.request("/portal");
      expect(after.status).toBe(200);
      expect(after.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(after.headers.get("x-frame-options")).toBe("DENY");
      const signIn = await client.request("/portal/sign-in?brand=demo");
      expect(signIn.headers.get("content-security-policy")).toMatch(/frame-ancestors http:\/\/127\.0\.0\.1:5555$/);
      const noBrand = await client.request("/portal/sign-in");
      expect(noBrand.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    } finally {
      await updateBrandSettings(api.db, demoId, { embedOrigins: [SHOP, SECOND] });
    }
  });

  it("sets the CSRF cookie for a frame only when the browser says it loads one", async () => {
    const top = await fetch(`${api.server.url}/portal/sign-in?brand=demo`);
    expect(top.headers.getSetCookie().find((cookie) => cookie.startsWith("mesure_csrf="))).toMatch(/SameSite=Lax/);
    const framed = await fetch(`${api.server.url}/portal/sign-in?brand=demo`, {
      headers: { "Sec-Fetch-Dest": "iframe" },
    });
    const cookie = framed.headers.getSetCookie().find((line) => line.startsWith("mesure_csrf="))!;
    expect(cookie).toMatch(/^mesure_csrf=[\w-]+; Path=\/; HttpOnly; SameSite=None; Secure; Partitioned$/);
  });

  it("describes the route in the OpenAPI document, and gives the banner's script the brand's colours", async () => {
    const document = await api.call("GET", "/api/v1/openapi.json", undefined, { key: null });
    expect(document.status).toBe(200);
    const route = document.body.paths["/api/v1/portal-sessions"].post;
    expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "404", "422"]));
    expect(document.body.components.schemas.PortalSessionRequest.properties).toHaveProperty("ttlSeconds");
    expect(document.body.components.schemas.BannerConfig.properties).toHaveProperty("theme");

    const config = await api.call("GET", "/embed/v1/config?brand=demo", undefined, { key: null });
    expect(config.status).toBe(200);
    expect(config.body.theme).toEqual({ primaryColor: "#1f4d3a", accentColor: "#c8553d" });
  });
});
