// Cookie consent on the server, over real HTTP: the banner's configuration and choices
// endpoints (CORS per brand, Global Privacy Control, stale policies, bad input changing nothing,
// rate limits, never a 5xx), the visitor link that makes a choice follow a customer across
// browsers, the portal's Cookies page, and `mesure brand set`.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portalLink } from "~/lib/portal-link.server";
import { updateBrandSettings } from "~/models/brand.server";
import { createBrand } from "~/models/brand.server";
import { upsertCustomer } from "~/models/customer.server";
import { defaultCookieConfig, shownTextHash } from "~/privacy/cookie-config";
import { linkVisitor } from "~/privacy/cookie-consent.server";
import { consentReceipt } from "~/privacy/consent-receipt.server";
import { startApi, type ApiFixture } from "../support/api";
import { testProvider } from "../support/database";
import { PortalClient } from "../support/portal-client";
import { runCli } from "../support/processes";

const SHOP = "https://shop.example";
let api: ApiFixture;
let demoId: string;
let otherId: string;

beforeAll(async () => {
  api = await startApi();
  demoId = (await api.db.brand.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } })).id;
  otherId = (await api.db.brand.findUniqueOrThrow({ where: { slug: "other" }, select: { id: true } })).id;
  await updateBrandSettings(api.db, demoId, { embedOrigins: [SHOP, "http://localhost:8080"] });
});
afterAll(() => api?.stop());

type Answer = {
  status: number;
  headers: http.IncomingHttpHeaders;
  // Tests read arbitrary JSON answers field by field; the assertions are the type checks.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
};

/**
 * One request from a chosen loopback address: the embed endpoints are rate-limited per client
 * address, so each group of tests speaks from its own.
 */
function send(
  method: string,
  target: string,
  options: { body?: string | Buffer; headers?: Record<string, string>; from?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port: api.server.port,
        method,
        path: target,
        localAddress: options.from ?? "127.0.0.1",
        headers: {
          ...(options.body !== undefined && { "Content-Length": String(Buffer.byteLength(options.body)) }),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: left as text for the assertion to show
          }
          resolve({ status: response.statusCode!, headers: response.headers, body });
        });
      },
    );
    request.on("error", reject);
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

const config = (query: string, headers: Record<string, string> = {}, from?: string) =>
  send("GET", `/embed/v1/config?${query}`, { headers, from });

type Choice = {
  brand?: string;
  visitor?: string;
  policyVersion?: string;
  locale?: string;
  method?: string;
  categories?: Record<string, boolean>;
  gpc?: boolean;
};
const choose = (choice: Choice, headers: Record<string, string> = {}, from?: string) =>
  send("POST", "/embed/v1/choices", {
    body: JSON.stringify({ brand: "demo", policyVersion: "1", locale: "fr", categories: {}, gpc: false, ...choice }),
    headers: { "Content-Type": "text/plain;charset=UTF-8", ...headers },
    from,
  });

let visitors = 0;
/** A fresh visitor id, as the script makes them (22 base64url characters). */
function visitor(): string {
  visitors += 1;
  return `visitor${String(visitors).padStart(4, "0")}-${testProvider.slice(0, 6)}`.padEnd(22, "x");
}

const cookieEvents = (where: Record<string, unknown> = {}) =>
  api.db.consentEvent.findMany({
    where: { kind: "cookies", ...where },
    orderBy: { seq: "asc" },
    select: {
      brandId: true,
      customerId: true,
      visitorId: true,
      kind: true,
      subject: true,
      before: true,
      after: true,
      source: true,
      policyVersion: true,
      shownTextHash: true,
    },
  });
const countEvents = () => api.db.consentEvent.count();

async function signIn(externalId: string): Promise<PortalClient> {
  const customer = await api.db.customer.findUniqueOrThrow({
    where: { brandId_externalId: { brandId: demoId, externalId } },
    select: { id: true },
  });
  const client = new PortalClient(api.server.url);
  const entered = await client.page(
    portalLink({
      secret: "k".repeat(64),
      publicUrl: api.server.url,
      brandId: demoId,
      customerId: customer.id,
      ttlSeconds: 600,
    }),
  );
  expect(entered.url).toBe("/portal");
  return client;
}

describe(`the banner's configuration (${testProvider})`, () => {
  it("answers a brand's configuration with the defaults, privately and loadable from other sites", async () => {
    const answer = await config("brand=demo");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      brand: { slug: "demo" },
      locales: ["fr", "en"],
      policyVersion: "1",
      policyUrl: null,
      refusalMonths: 6,
      consentMonths: 13,
      texts: defaultCookieConfig.texts,
      categories: defaultCookieConfig.categories,
      gpc: false,
      choice: null,
    });
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(answer.headers["cross-origin-resource-policy"]).toBe("cross-origin");
    expect(answer.headers["content-security-policy"]).toMatch(/^default-src 'none'/);
    expect(answer.headers.vary).toMatch(/Origin/);
    // No cookie from a banner endpoint (a CSRF cookie would be a third-party cookie there).
    expect(answer.headers["set-cookie"]).toBeUndefined();
  });

  it("says when the browser sent Global Privacy Control", async () => {
    expect((await config("brand=demo", { "Sec-GPC": "1" })).body.gpc).toBe(true);
    expect((await config("brand=demo", { "Sec-GPC": "0" })).body.gpc).toBe(false);
  });

  it("refuses a bad query with the field named, and an unknown brand with 404", async () => {
    const noBrand = await config("visitor=" + visitor());
    expect(noBrand.status).toBe(400);
    expect(noBrand.body.error.issues[0].path).toBe("brand");
    const badVisitor = await config("brand=demo&visitor=short");
    expect(badVisitor.status).toBe(400);
    expect(badVisitor.body.error).toMatchObject({ code: "invalid_request", issues: [{ path: "visitor" }] });
    const unknown = await config("brand=nobody-here");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
    // A cache-buster or any other parameter is ignored.
    expect((await config("brand=demo&t=123")).status).toBe(200);
  });

  it("serves the script itself to other sites, briefly cached", async () => {
    const script = await send("GET", "/embed/v1.js", { headers: { Origin: "https://anywhere.example" } });
    expect(script.status).toBe(200);
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.headers["cache-control"]).toBe("public, max-age=300");
    expect(script.headers["cross-origin-resource-policy"]).toBe("cross-origin");
    // Mesure's pages keep their own policy.
    const home = await send("GET", "/");
    expect(home.headers["cross-origin-resource-policy"]).toBe("same-origin");
    expect(home.headers["content-security-policy"]).toMatch(/nonce-/);
  });
});

describe(`CORS: only the brand's own sites (${testProvider})`, () => {
  it("lets the brand's embed origins and Mesure itself read the answers", async () => {
    for (const origin of [SHOP, "http://localhost:8080", `http://localhost:${api.server.port}`, api.server.url]) {
      const answer = await config("brand=demo", { Origin: origin });
      expect(answer.status, origin).toBe(200);
      expect(answer.headers["access-control-allow-origin"]).toBe(origin);
      expect(answer.headers.vary).toMatch(/Origin/);
    }
  });

  it("refuses other sites with a 403 they cannot read", async () => {
    for (const origin of ["https://evil.example", "null", "https://shop.example.evil.example", "http://shop.example"]) {
      const answer = await config("brand=demo", { Origin: origin });
      expect(answer.status, origin).toBe(403);
      expect(answer.body.error).toMatchObject({ code: "forbidden_origin", issues: [{ path: "Origin" }] });
      expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    }
    // Another brand's sites are not this brand's.
    const other = await config("brand=other", { Origin: SHOP });
    expect(other.status).toBe(403);
  });

  it("records nothing posted from another site", async () => {
    const before = await countEvents();
    const answer = await choose(
      { visitor: visitor(), method: "accept_all" },
      { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
    );
    expect(answer.status).toBe(403);
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    expect(await countEvents()).toBe(before);
  });

  it("takes a cross-origin post from the brand's site, simple or after a preflight", async () => {
    const simple = await choose({ visitor: visitor(), method: "reject_all" }, { Origin: SHOP });
    expect(simple.status).toBe(201);
    expect(simple.headers["access-control-allow-origin"]).toBe(SHOP);

    const preflight = await send("OPTIONS", "/embed/v1/choices", {
      headers: {
        Origin: SHOP,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(SHOP);
    expect(preflight.headers["access-control-allow-methods"]).toMatch(/POST/);
    expect(preflight.headers["access-control-allow-headers"]).toMatch(/Content-Type/i);
    const json = await choose(
      { visitor: visitor(), method: "accept_all" },
      { Origin: SHOP, "Content-Type": "application/json" },
    );
    expect(json.status).toBe(201);
  });

  it("answers a request without Origin (a server, not a page)", async () => {
    expect((await choose({ visitor: visitor(), method: "dismiss" })).status).toBe(201);
  });
});

describe(`recording choices (${testProvider})`, () => {
  it("stores each choice as a consent event with what was shown, and answers it from then on", async () => {
    const id = visitor();
    const first = await choose({ visitor: id, method: "custom", categories: { analytics: true }, locale: "en" });
    expect(first.status).toBe(201);
    expect(first.body.choice).toMatchObject({
      categories: { necessary: true, analytics: true, advertising: false, personalisation: false },
      policyVersion: "1",
      method: "custom",
      gpc: false,
      source: "banner",
    });
    expect(Date.parse(first.body.choice.at)).toBeGreaterThan(Date.now() - 60_000);

    const second = await choose({ visitor: id, method: "reject_all", locale: "fr" });
    expect(second.status).toBe(201);
    const events = await cookieEvents({ visitorId: id });
    expect(events).toEqual([
      {
        brandId: demoId,
        customerId: null,
        visitorId: id,
        kind: "cookies",
        subject: "cookies",
        before: "null",
        after: JSON.stringify({
          categories: { necessary: true, analytics: true, advertising: false, personalisation: false },
          method: "custom",
          gpc: false,
        }),
        source: "banner",
        policyVersion: "1",
        shownTextHash: await shownTextHash(defaultCookieConfig, "en"),
      },
      expect.objectContaining({
        before: JSON.stringify({ necessary: true, analytics: true, advertising: false, personalisation: false }),
        after: JSON.stringify({
          categories: { necessary: true, analytics: false, advertising: false, personalisation: false },
          method: "reject_all",
          gpc: false,
        }),
        shownTextHash: await shownTextHash(defaultCookieConfig, "fr"),
      }),
    ]);
    const answer = await config(`brand=demo&visitor=${id}`);
    expect(answer.body.choice).toEqual(second.body.choice);
  });

  it("forces the required categories on", async () => {
    const answer = await choose({ visitor: visitor(), method: "custom", categories: { necessary: false } });
    expect(answer.body.choice.categories.necessary).toBe(true);
  });

  it("under Global Privacy Control, accept all leaves advertising off unless chosen explicitly", async () => {
    const header = await choose({ visitor: visitor(), method: "accept_all" }, { "Sec-GPC": "1" });
    expect(header.body.choice).toMatchObject({
      gpc: true,
      categories: { necessary: true, analytics: true, advertising: false, personalisation: true },
    });
    const flag = await choose({ visitor: visitor(), method: "accept_all", gpc: true });
    expect(flag.body.choice.categories.advertising).toBe(false);
    const explicit = await choose(
      { visitor: visitor(), method: "custom", categories: { advertising: true }, gpc: true },
      { "Sec-GPC": "1" },
    );
    expect(explicit.body.choice).toMatchObject({ gpc: true, categories: { advertising: true } });
    const without = await choose({ visitor: visitor(), method: "accept_all" });
    expect(without.body.choice.categories.advertising).toBe(true);
  });

  it("answers 409 with the current configuration when the banner showed another policy version", async () => {
    const brand = await createBrand(api.db, { slug: "stale", name: "Stale", embedOrigins: [SHOP] });
    await updateBrandSettings(api.db, brand.id, { cookieConfig: { policyVersion: "2025-06" } });
    const before = await countEvents();
    const id = visitor();
    const stale = await choose(
      { brand: "stale", visitor: id, method: "accept_all", policyVersion: "1" },
      { Origin: SHOP },
    );
    expect(stale.status).toBe(409);
    expect(stale.headers["access-control-allow-origin"]).toBe(SHOP);
    expect(stale.body.error).toMatchObject({ code: "policy_changed", issues: [{ path: "policyVersion" }] });
    expect(stale.body.config).toMatchObject({ brand: { slug: "stale" }, policyVersion: "2025-06", choice: null });
    expect(await countEvents()).toBe(before);
    const fresh = await choose({ brand: "stale", visitor: id, method: "accept_all", policyVersion: "2025-06" });
    expect(fresh.status).toBe(201);
    expect(fresh.body.choice.policyVersion).toBe("2025-06");
  });

  it("answers 409, not 400, when the new policy no longer has the categories the banner showed", async () => {
    const brand = await createBrand(api.db, { slug: "renamed", name: "Renamed", embedOrigins: [SHOP] });
    await updateBrandSettings(api.db, brand.id, {
      cookieConfig: {
        policyVersion: "2",
        categories: [
          { key: "necessary", required: true, name: { fr: "Nécessaires", en: "Necessary" } },
          { key: "audience", name: { fr: "Audience", en: "Audience" } },
        ],
      },
    });
    const before = await countEvents();
    const stale = await choose(
      {
        brand: "renamed",
        visitor: visitor(),
        method: "custom",
        policyVersion: "1",
        categories: { necessary: true, analytics: true, advertising: false, personalisation: false },
      },
      { Origin: SHOP },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("policy_changed");
    expect(stale.body.config.categories.map((category: { key: string }) => category.key)).toEqual([
      "necessary",
      "audience",
    ]);
    expect(await countEvents()).toBe(before);
  });

  it("refuses bad input with the field named, and records nothing", async () => {
    const before = await countEvents();
    const id = visitor();
    const unknownCategory = await choose({ visitor: id, method: "custom", categories: { marketing: true } });
    expect(unknownCategory.status).toBe(400);
    expect(unknownCategory.body.error.issues).toEqual([
      { path: "categories.marketing", message: expect.stringContaining("is not a category") },
    ]);
    const badKey = await choose({ visitor: id, method: "custom", categories: { "Not A Key": true } });
    expect(badKey.status).toBe(400);
    const badVisitor = await choose({ visitor: "not/a/visitor", method: "accept_all" });
    expect(badVisitor.status).toBe(400);
    expect(badVisitor.body.error.issues).toEqual([{ path: "visitor", message: expect.any(String) }]);
    const badMethod = await choose({ visitor: id, method: "maybe" });
    expect(badMethod.body.error.issues[0].path).toBe("method");
    const badLocale = await choose({ visitor: id, method: "accept_all", locale: "de" });
    expect(badLocale.body.error.issues[0]).toEqual({ path: "locale", message: "must be fr or en" });
    const extra = await send("POST", "/embed/v1/choices", {
      body: JSON.stringify({ brand: "demo", visitor: id, policyVersion: "1", locale: "fr", method: "dismiss", x: 1 }),
      headers: { "Content-Type": "text/plain" },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.issues).toEqual([{ path: "x", message: "is not a known field" }]);
    const notJson = await send("POST", "/embed/v1/choices", {
      body: "brand=demo&method=accept_all",
      headers: { "Content-Type": "text/plain" },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe("invalid_json");
    const form = await send("POST", "/embed/v1/choices", {
      body: "brand=demo",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    const oversized = await send("POST", "/embed/v1/choices", {
      body: JSON.stringify({ brand: "demo", visitor: id, pad: "x".repeat(10_000) }),
      headers: { "Content-Type": "text/plain" },
    });
    expect(oversized.status).toBe(413);
    expect(oversized.body.error.code).toBe("payload_too_large");
    const noBrand = await choose({ brand: "nobody-here", visitor: id, method: "accept_all" });
    expect(noBrand.status).toBe(404);
    const get = await send("GET", "/embed/v1/choices");
    expect(get.status).toBe(405);
    expect(await countEvents()).toBe(before);
  });
});

describe(`the words behind each choice (${testProvider})`, () => {
  const sha256 = (text: string) => crypto.createHash("sha256").update(text, "utf8").digest("hex");

  it("are kept by fingerprint across policy versions, shown in the receipt, and never changed", async () => {
    const brand = await createBrand(api.db, { slug: "versions", name: "Versions", embedOrigins: [SHOP] });
    const id = visitor();
    expect((await choose({ brand: "versions", visitor: id, method: "accept_all", locale: "en" })).status).toBe(201);
    const [event] = await cookieEvents({ visitorId: id });
    const kept = await api.db.shownCookieText.findUniqueOrThrow({
      where: { brandId_hash: { brandId: brand.id, hash: event!.shownTextHash! } },
    });
    // Never published from the console: kept with the choice that first cited it.
    expect(kept).toMatchObject({ policyVersion: "1", locale: "en" });
    expect(sha256(kept.shown)).toBe(event!.shownTextHash);
    expect(JSON.parse(kept.shown)[0]).toBe(defaultCookieConfig.texts.en.title);

    const texts = {
      fr: { title: "Nouveaux cookies", body: "Un autre texte." },
      en: { title: "New cookies", body: "Another text." },
    };
    await updateBrandSettings(api.db, brand.id, { cookieConfig: { policyVersion: "2", texts } });
    const rows = await api.db.shownCookieText.findMany({
      where: { brandId: brand.id },
      orderBy: [{ firstSeenAt: "asc" }, { locale: "asc" }],
    });
    expect(rows.map((row) => [row.policyVersion, row.locale])).toEqual([
      ["1", "en"],
      ["2", "en"],
      ["2", "fr"],
    ]);
    expect(rows[0]).toEqual(kept);
    for (const row of rows) expect(sha256(row.shown)).toBe(row.hash);

    // The receipt of the customer this browser turns out to be carries the words of version 1.
    const customer = await upsertCustomer(api.db, brand.id, { externalId: "versions-1" });
    await linkVisitor(api.db, { brandId: brand.id, visitorId: id, externalId: "versions-1" });
    const receipt = await consentReceipt(api.db, { brandId: brand.id, customerId: customer.id }, brand);
    expect(receipt.shownTexts).toEqual([
      { hash: event!.shownTextHash, policyVersion: "1", locale: "en", shown: kept.shown },
    ]);

    await expect(api.database.raw(`UPDATE "ShownCookieText" SET "shown" = '[]'`)).rejects.toThrow(/append-only/);
    await expect(api.database.raw(`DELETE FROM "ShownCookieText"`)).rejects.toThrow(/append-only/);
    expect(await api.db.shownCookieText.count({ where: { brandId: brand.id } })).toBe(3);
  });
});

describe(`a choice follows the customer across browsers (${testProvider})`, () => {
  const phone = visitor();
  const laptop = visitor();
  let customerId: string;

  beforeAll(async () => {
    customerId = (await upsertCustomer(api.db, demoId, { externalId: "cookie-1", email: "cookie-1@example.com" })).id;
  });

  const link = (visitorId: string, customer: string, key?: string | null) =>
    api.call("POST", `/api/v1/visitors/${visitorId}/link`, { customer }, key === undefined ? {} : { key });
  const choiceOf = async (visitorId: string, brand = "demo") =>
    (await config(`brand=${brand}&visitor=${visitorId}`)).body.choice;

  it("copies a visitor's choice to the customer when it is newer, then every linked browser shows it", async () => {
    const early = visitor();
    await choose({ visitor: early, method: "reject_all" });
    const made = await choose({ visitor: phone, method: "accept_all" });
    expect(made.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const linked = await link(phone, "cookie-1");
    expect(linked.status).toBe(201);
    // The choice keeps the moment it was made: re-prompt delays run from then on every browser.
    expect(linked.body).toMatchObject({
      visitor: phone,
      customer: "cookie-1",
      copied: true,
      choice: { method: "accept_all", source: "visitor_link", at: made.body.choice.at },
    });
    const [copy] = await cookieEvents({ customerId });
    const [original] = await cookieEvents({ visitorId: phone, customerId: null });
    expect(copy).toMatchObject({
      visitorId: phone,
      source: "visitor_link",
      before: "null",
      after: original!.after,
      policyVersion: original!.policyVersion,
      shownTextHash: original!.shownTextHash,
    });
    expect((await link(phone, "cookie-1")).status).toBe(200);

    // A second device with no choice of its own takes the customer's.
    expect(await choiceOf(laptop)).toBeNull();
    const second = await link(laptop, "cookie-1");
    expect(second.body).toMatchObject({ copied: false, choice: { method: "accept_all" } });
    expect((await choiceOf(laptop)).method).toBe("accept_all");

    // A browser whose own choice is older than the customer's takes the customer's too.
    expect((await link(early, "cookie-1")).body.copied).toBe(false);
    expect((await choiceOf(early)).method).toBe("accept_all");
  });

  it("a choice on one linked browser is what the others get", async () => {
    const made = await choose({ visitor: laptop, method: "custom", categories: { analytics: true } });
    expect(made.status).toBe(201);
    const latest = (await cookieEvents({ customerId })).at(-1)!;
    expect(latest).toMatchObject({ visitorId: laptop, customerId, source: "banner" });
    expect(JSON.parse(latest.before)).toMatchObject({ advertising: true });
    expect(await choiceOf(phone)).toEqual(made.body.choice);
  });

  it("a choice on the portal's Cookies page reaches every linked browser", async () => {
    const client = await signIn("cookie-1");
    const page = await client.page("/portal/cookies?lang=en");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Your current choice");
    expect(page.html).toContain("3 browsers");
    expect(page.html).toMatch(/Mesure d&#x27;audience|Analytics/);

    const saved = await client.post("/portal/cookies?lang=en", [["categories", "personalisation"]]);
    expect(saved.status).toBe(200);
    expect(saved.html).toContain("Saved. Your choice applies from now on wherever you are identified.");
    const latest = (await cookieEvents({ customerId })).at(-1)!;
    expect(latest).toMatchObject({ visitorId: null, source: "portal", policyVersion: "1" });
    expect(JSON.parse(latest.after)).toEqual({
      categories: { necessary: true, analytics: false, advertising: false, personalisation: true },
      method: "custom",
      gpc: false,
    });
    expect(latest.shownTextHash).toBe(await shownTextHash(defaultCookieConfig, "en"));
    for (const device of [phone, laptop]) {
      expect(await choiceOf(device)).toMatchObject({
        source: "portal",
        categories: { analytics: false, personalisation: true },
      });
    }
    const after = await client.page("/portal/cookies?lang=fr");
    expect(after.html).toContain("ici, dans vos préférences");
    expect(after.html).toContain("3 navigateurs");
  });

  it("keeps brands apart", async () => {
    // The other brand knows nothing of this visitor.
    expect(await choiceOf(phone, "other")).toBeNull();
    // Its key cannot reach this brand's customers...
    const foreign = await link(visitor(), "cookie-1", api.otherKey);
    expect(foreign.status).toBe(404);
    // ...and linking the same browser id to one of its own customers changes nothing here.
    const own = await link(phone, "other-1", api.otherKey);
    expect(own.status).toBe(201);
    expect(own.body.copied).toBe(false);
    expect((await choiceOf(phone)).source).toBe("portal");
    expect(await choiceOf(phone, "other")).toBeNull();
    expect(await api.db.visitorLink.count({ where: { visitorId: phone } })).toBe(2);
  });

  it("refuses a bad link with the field named", async () => {
    expect((await link("bad id", "cookie-1")).status).toBe(400);
    expect((await link("bad id", "cookie-1")).body.error.issues[0].path).toBe("visitorId");
    expect((await link(visitor(), "nobody")).status).toBe(404);
    expect((await link(visitor(), "cookie-1", null)).status).toBe(401);
    const extra = await api.call("POST", `/api/v1/visitors/${visitor()}/link`, { customer: "cookie-1", x: 1 });
    expect(extra.status).toBe(400);
    expect(extra.body.error.issues).toEqual([{ path: "x", message: "is not a known field" }]);
  });
});

describe(`the portal's Cookies page (${testProvider})`, () => {
  it("shows a customer who never chose, needs its CSRF token, and refuses a category it does not offer", async () => {
    await upsertCustomer(api.db, demoId, { externalId: "cookie-2", email: "cookie-2@example.com" });
    const client = await signIn("cookie-2");
    const page = await client.page("/portal/cookies?lang=fr");
    expect(page.html).toContain("Vous n&#x27;avez encore rien choisi");
    expect(page.html).toContain("Pas encore choisi");
    expect(page.html).toContain("Toujours actifs");
    expect(page.html).toContain("0 navigateur");
    expect(page.html).toMatch(
      /<input type="checkbox" id="category-analytics" name="categories" [^>]*value="analytics"/,
    );
    expect(page.html).not.toContain('id="category-necessary"');

    const before = await countEvents();
    const forged = await client.post("/portal/cookies", [["categories", "analytics"]], { csrf: "forged" });
    expect(forged.status).toBe(403);
    const necessary = await client.post("/portal/cookies", [["categories", "necessary"]]);
    expect(necessary.status).toBe(400);
    const unknown = await client.post("/portal/cookies", [["categories", "marketing"]]);
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain("rien n&#x27;a été enregistré");
    expect(await countEvents()).toBe(before);

    const none = await client.post("/portal/cookies?lang=en", []);
    expect(none.status).toBe(200);
    const page2 = await client.page("/portal/cookies?lang=en");
    expect(page2.html).toContain("Refused");
    expect(page2.html).toContain("here, in your preferences");
  });
});

describe(`limits (${testProvider})`, () => {
  it("answers 429 past the rate per client address, and only to that address", async () => {
    const from = "127.0.2.1";
    let granted = 0;
    let refused: Answer | undefined;
    // Rounds of 20 at once until the bucket (200, refilled at 20 a second) runs dry.
    for (let round = 0; round < 100 && !refused; round++) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => config("brand=demo", { Origin: SHOP }, from)));
      granted += answers.filter((answer) => answer.status === 200).length;
      refused = answers.find((answer) => answer.status === 429);
      expect(answers.every((answer) => answer.status === 200 || answer.status === 429)).toBe(true);
    }
    expect(granted).toBeGreaterThanOrEqual(200);
    expect(refused!.body.error.code).toBe("rate_limited");
    expect(Number(refused!.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await config("brand=demo", {}, "127.0.2.2")).status).toBe(200);
  });
});

/** Percent-encoded, lone surrogates (which encodeURIComponent refuses) included. */
function encodeQuery(value: string): string {
  return Array.from(value, (char) => {
    try {
      return encodeURIComponent(char);
    } catch {
      return "%EF%BF%BD";
    }
  }).join("");
}

describe(`fuzzing the embed endpoints (${testProvider})`, () => {
  it("never answers 5xx, and every 4xx is a JSON error", async () => {
    const valid = {
      brand: "demo",
      visitor: "fuzzfuzzfuzzfuzzfuzz01",
      policyVersion: "1",
      locale: "fr",
      method: "custom",
    };
    const fields = ["brand", "visitor", "policyVersion", "locale", "method", "categories", "gpc", "extra"];
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc
        .record({ field: fc.constantFrom(...fields), value: fc.jsonValue({ maxDepth: 2 }) })
        .map(({ field, value }) => JSON.stringify({ ...valid, [field]: value })),
      fc
        .dictionary(fc.string({ maxLength: 12 }), fc.boolean(), { maxKeys: 6 })
        .map((categories) => JSON.stringify({ ...valid, categories })),
      fc.string({ maxLength: 300 }),
      fc.constantFrom("", "{", "null", "[]", '{"__proto__":{"brand":"demo"}}', "\uFEFF{}", '{"brand":"demo"'),
    );
    const query = fc.oneof(
      fc.string({ maxLength: 60 }).map(encodeQuery),
      fc
        .record({
          brand: fc.constantFrom("demo", "other", "x", "", "DEMO", "de mo"),
          visitor: fc.string({ maxLength: 70 }),
        })
        .map(({ brand, visitor: id }) => `brand=${encodeQuery(brand)}&visitor=${encodeQuery(id)}`),
    );
    const origin = fc.constantFrom(undefined, SHOP, "https://evil.example", "null", "", api.server.url);
    const contentType = fc.constantFrom("text/plain", "application/json", "text/plain;charset=UTF-8", "", "text/html");
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET config", "POST choices", "OPTIONS choices", "PUT choices", "DELETE config"),
        body,
        query,
        origin,
        contentType,
        fc.boolean(),
        async (endpoint, text, q, from, type, gpc) => {
          run += 1;
          const [method, name] = endpoint.split(" ") as [string, string];
          const answer = await send(method, `/embed/v1/${name}?${q}`, {
            body: method === "GET" || method === "OPTIONS" ? undefined : text,
            headers: {
              ...(type && { "Content-Type": type }),
              ...(from !== undefined && { Origin: from }),
              ...(gpc && { "Sec-GPC": "1" }),
            },
            // Many clients, one request or two each: the rate limit is not what is fuzzed.
            from: `127.0.3.${(run % 250) + 1}`,
          });
          expect(answer.status, `${endpoint} ${q} ${text}`).toBeLessThan(500);
          if (answer.status >= 400) {
            expect(typeof answer.body.error.code, `${endpoint} ${q} ${text}`).toBe("string");
            expect(Array.isArray(answer.body.error.issues)).toBe(true);
          }
        },
      ),
      { numRuns: 250 },
    );
    expect(api.server.output()).not.toMatch(/unexpected error/);
  });
});

describe(`the API document (${testProvider})`, () => {
  it("describes the visitor link and the banner's endpoints", async () => {
    const document = (await api.call("GET", "/api/v1/openapi.json", undefined, { key: null })).body;
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(["/api/v1/visitors/{visitorId}/link", "/embed/v1/config", "/embed/v1/choices"]),
    );
    expect(document.paths["/embed/v1/choices"].post.security).toEqual([]);
    const request = document.components.schemas.CookieChoiceRequest;
    expect(request.required).toEqual(expect.arrayContaining(["brand", "visitor", "policyVersion", "locale", "method"]));
    expect(request.properties.method.enum).toEqual(["accept_all", "reject_all", "custom", "dismiss"]);
    expect(document.components.schemas.VisitorLinkRequest.required).toEqual(["customer"]);
    const page = await fetch(`${api.server.url}/docs/api`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("POST /embed/v1/choices");
  });
});

describe(`mesure brand set (${testProvider})`, () => {
  it("sets the embed origins, the cookie configuration, the privacy contact and the grace period", async () => {
    const file = path.join(api.database.dir, "cookies.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        policyVersion: "7",
        policyUrl: "https://other.example/privacy",
        categories: [
          { key: "necessary", required: true, name: { fr: "Nécessaires", en: "Necessary" } },
          { key: "stats", name: { fr: "Statistiques", en: "Statistics" }, cookies: ["_pk_*"] },
        ],
      }),
    );
    const done = await runCli(
      [
        "brand",
        "set",
        "--brand",
        "other",
        "--embed-origin",
        "https://other.example/",
        "--embed-origin",
        "https://www.other.example",
        "--cookie-config",
        file,
        "--privacy-email",
        "DPO@Other.example",
        "--erasure-grace-days",
        "14",
      ],
      api.env,
    );
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("embed origins: https://other.example https://www.other.example");
    expect(done.stdout).toContain("cookie policy version 7, categories: necessary, stats");
    const brand = await api.db.brand.findUniqueOrThrow({
      where: { id: otherId },
      select: { embedOrigins: true, privacyEmail: true, erasureGraceDays: true },
    });
    expect(brand).toEqual({
      embedOrigins: JSON.stringify(["https://other.example", "https://www.other.example"]),
      privacyEmail: "dpo@other.example",
      erasureGraceDays: 14,
    });
    const answer = await config("brand=other", { Origin: "https://www.other.example" }, "127.0.4.1");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ policyVersion: "7", policyUrl: "https://other.example/privacy" });
    expect(answer.body.categories.map((category: { key: string }) => category.key)).toEqual(["necessary", "stats"]);

    const shown = await runCli(["brand", "show", "--brand", "other"], api.env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("privacy email: dpo@other.example");
    expect(shown.stdout).toContain("erasure grace days: 14");
  });

  it("names the option at fault and changes nothing", async () => {
    const file = path.join(api.database.dir, "bad.json");
    fs.writeFileSync(file, JSON.stringify({ categories: [{ key: "Stats", name: { fr: "S", en: "S" } }] }));
    const cases: [string[], RegExp][] = [
      [
        ["--embed-origin", "https://shop.example/path"],
        /--embed-origin "https:\/\/shop.example\/path" must be an origin/,
      ],
      [["--cookie-config", file], /--cookie-config categories\.0\.key must start with a-z/],
      [["--erasure-grace-days", "40"], /--erasure-grace-days must be at most 28/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(["brand", "set", "--brand", "other", ...args], api.env);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const unknown = await runCli(["brand", "set", "--brand", "nobody", "--erasure-grace-days", "1"], api.env);
    expect(unknown.code).toBe(2);
    const brand = await api.db.brand.findUniqueOrThrow({ where: { id: otherId }, select: { erasureGraceDays: true } });
    expect(brand.erasureGraceDays).toBe(14);
  });
});
