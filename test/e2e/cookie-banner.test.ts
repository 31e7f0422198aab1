// The cookie banner in Chromium, on a brand's site of its own (www.shop.test, which Chromium
// resolves to this machine) loading Mesure's /embed/v1.js: "reject all" runs no blocked script
// and leaves no non-essential cookie at any domain level or path, "accept all" runs them (and
// again from the stored choice on the next page), Global Privacy Control keeps advertising
// refused, Escape refuses, the keyboard stays in the dialog, axe finds nothing serious, the
// JavaScript API and Google Consent Mode follow each choice, and Mesure records every one.
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateBrandSettings } from "~/models/brand.server";
import { launchBrowser, seriousAccessibilityViolations, watchProblems } from "../support/browser";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { projectRoot, runCli, startServer, type RunningServer } from "../support/processes";

const shots = path.join(projectRoot, "test-results", "cookie-banner");
const PAGE = "/shop/cart/item";

let database: TestDatabase;
let server: RunningServer;
let site: http.Server;
let siteUrl: string;
let siteOrigin: string;
let browser: Browser;

async function cli(args: string[]): Promise<void> {
  const result = await runCli(args, { DATABASE_URL: database.url, DATA_DIR: database.dir });
  expect(result.code, result.stderr).toBe(0);
}

/** The brand's page: our script first in <head>, a tag right after it that notes what the
 * dataLayer held when it ran, then one blocked script per optional category. */
function brandPage(lang: string, brand: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>La Boutique</title>
<script src="${server.url}/embed/v1.js" data-brand="${brand}"></script>
<script>
  window.firstTagSaw = (window.dataLayer || []).map(function (entry) { return JSON.parse(JSON.stringify(Array.prototype.slice.call(entry))); });
</script>
<script type="text/plain" data-category="analytics">
  window.ranAnalytics = (window.ranAnalytics || 0) + 1;
  document.cookie = "_ga=GA1.1.from-tag; path=/";
</script>
<script type="text/plain" data-category="advertising" src="/ads.js"></script>
<script type="text/plain" data-category="">window.ranUncategorised = true;</script>
</head>
<body>
<main>
<h1>La Boutique</h1>
<p>Chaussures, sacs et bijoux.</p>
<button type="button" id="cookie-settings">Cookies</button>
</main>
<script>document.getElementById("cookie-settings").onclick = function () { Mesure.consent.open(); };</script>
</body>
</html>`;
}

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  server = await startServer({
    DATABASE_URL: database.url,
    DATA_DIR: database.dir,
    SEED_DEMO: "true",
    MESURE_SECRET: "k".repeat(64),
  });
  site = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://www.shop.test");
    if (url.pathname === PAGE) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(brandPage(url.searchParams.get("lang") ?? "fr", url.searchParams.get("brand") ?? "demo"));
    } else if (url.pathname === "/ads.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" });
      res.end(
        'window.ranAdvertising = (window.ranAdvertising || 0) + 1; document.cookie = "_fbp=fb.1.from-tag; path=/";',
      );
    } else if (url.pathname === "/favicon.ico") {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  const origin = `http://www.shop.test:${(site.address() as AddressInfo).port}`;
  siteUrl = origin + PAGE;
  siteOrigin = origin;
  await cli(["brand", "set", "--brand", "demo", "--embed-origin", origin]);
  browser = await launchBrowser({ args: ["--host-resolver-rules=MAP *.shop.test 127.0.0.1"] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await server?.stop();
  await database?.drop();
});

type MesureWindow = Window & {
  Mesure: {
    consent: {
      get(): { categories: Record<string, boolean>; policyVersion: string; at: string; method: string } | null;
      onChange(listener: (consent: unknown) => void): () => void;
      open(): void;
    };
  };
};

type Visit = { context: BrowserContext; page: Page; problems: string[] };

async function visit(
  options: { lang?: string; brand?: string; gpcHeader?: boolean; gpcNavigator?: boolean; cookies?: boolean } = {},
): Promise<Visit> {
  const context = await browser.newContext({
    locale: options.lang === "en" ? "en-GB" : "fr-FR",
    extraHTTPHeaders: options.gpcHeader ? { "Sec-GPC": "1" } : {},
  });
  if (options.gpcNavigator) {
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true, configurable: true }),
    );
  }
  if (options.cookies) await context.addCookies(planted);
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${siteUrl}?lang=${options.lang ?? "fr"}&brand=${options.brand ?? "demo"}`);
  return { context, page, problems };
}

// Non-essential cookies at every level a tag could have put them, and one the site needs.
const planted = [
  { name: "_ga", value: "domain-root", domain: ".shop.test", path: "/" },
  { name: "_ga", value: "host-shop", domain: "www.shop.test", path: "/shop" },
  { name: "_ga_ABC123", value: "domain-cart", domain: ".shop.test", path: "/shop/cart" },
  { name: "_gid", value: "host-cart-slash", domain: "www.shop.test", path: "/shop/cart/" },
  { name: "_fbp", value: "www-domain-item", domain: ".www.shop.test", path: PAGE },
  { name: "_gcl_au", value: "host-root", domain: "www.shop.test", path: "/" },
  { name: "session", value: "keep-me", domain: "www.shop.test", path: "/" },
];

const dialog = (page: Page) => page.getByRole("dialog");

async function choose(page: Page, button: string): Promise<void> {
  const recorded = page.waitForResponse(
    (response) => response.url().endsWith("/embed/v1/choices") && response.request().method() === "POST",
  );
  await page.getByRole("button", { name: button, exact: true }).click();
  expect((await recorded).status()).toBe(201);
  await expect.poll(() => dialog(page).count()).toBe(0);
}

async function consentCookie(context: BrowserContext) {
  const cookie = (await context.cookies()).find((candidate) => candidate.name === "mesure_consent");
  expect(cookie, "mesure_consent cookie").toBeTruthy();
  expect(cookie!.path).toBe("/");
  expect(cookie!.sameSite).toBe("Lax");
  return JSON.parse(decodeURIComponent(cookie!.value)) as {
    v: string;
    p: string;
    c: Record<string, 0 | 1>;
    t: number;
    m: string;
  };
}

/** What Mesure holds for the visitor, as a banner on another page would read it. */
async function serverChoice(visitor: string, brand = "demo") {
  const response = await fetch(`${server.url}/embed/v1/config?brand=${brand}&visitor=${visitor}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { choice: { categories: Record<string, boolean>; method: string; gpc: boolean } })
    .choice;
}

const ran = (page: Page) =>
  page.evaluate(() => {
    const flags = window as unknown as { ranAnalytics?: number; ranAdvertising?: number };
    return { analytics: flags.ranAnalytics ?? 0, advertising: flags.ranAdvertising ?? 0 };
  });

const dataLayer = (page: Page) =>
  page.evaluate(() =>
    ((window as unknown as { dataLayer: IArguments[] }).dataLayer || []).map(
      (entry) => JSON.parse(JSON.stringify(Array.prototype.slice.call(entry))) as unknown[],
    ),
  );

describe("the cookie banner on a brand's site", () => {
  it("refuses everything on 'Tout refuser': no blocked script, no non-essential cookie at any level", async () => {
    const { context, page, problems } = await visit({ cookies: true });
    // The planted cookies really sit at several domain levels and paths.
    const before = await context.cookies();
    expect(new Set(before.map((cookie) => cookie.domain))).toEqual(
      new Set([".shop.test", "www.shop.test", ".www.shop.test"]),
    );
    expect(new Set(before.map((cookie) => cookie.path)).size).toBe(5);

    await dialog(page).waitFor();
    // Three answers of one look: same class, same size, same weight.
    const looks = await page.evaluate(() =>
      ["Tout accepter", "Tout refuser", "Personnaliser"].map((text) => {
        const button = Array.from(document.querySelectorAll("button")).find((node) => node.textContent === text)!;
        const style = getComputedStyle(button);
        const box = button.getBoundingClientRect();
        return `${button.className} ${Math.round(box.height)} ${style.fontWeight} ${style.backgroundColor}`;
      }),
    );
    expect(new Set(looks).size).toBe(1);
    await page.screenshot({ path: path.join(shots, "first-layer-fr.png") });

    await choose(page, "Tout refuser");
    expect(await ran(page)).toEqual({ analytics: 0, advertising: 0 });
    // A script naming no category has none to be accepted: it stays blocked.
    expect(await page.evaluate(() => "ranUncategorised" in window)).toBe(false);
    const left = (await context.cookies()).map((cookie) => cookie.name).sort();
    expect(left).toEqual(["mesure_consent", "session"]);
    const stored = await consentCookie(context);
    expect(stored.m).toBe("reject_all");
    expect(stored.c).toEqual({ necessary: 1, analytics: 0, advertising: 0, personalisation: 0 });
    expect(await serverChoice(stored.v)).toMatchObject({
      method: "reject_all",
      categories: { necessary: true, analytics: false, advertising: false, personalisation: false },
    });

    // The next page does not ask again and still runs nothing.
    await page.reload();
    await page.waitForLoadState("networkidle");
    expect(await dialog(page).count()).toBe(0);
    expect(await ran(page)).toEqual({ analytics: 0, advertising: 0 });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("runs the blocked scripts on 'Tout accepter', and again from the stored choice", async () => {
    const { context, page, problems } = await visit();
    await dialog(page).waitFor();
    expect(await ran(page)).toEqual({ analytics: 0, advertising: 0 });
    await choose(page, "Tout accepter");
    await expect.poll(() => ran(page)).toEqual({ analytics: 1, advertising: 1 });
    const stored = await consentCookie(context);
    expect(stored.c).toEqual({ necessary: 1, analytics: 1, advertising: 1, personalisation: 1 });
    expect(await serverChoice(stored.v)).toMatchObject({ method: "accept_all", gpc: false });

    // A blocked script added later (a single-page app, a tag loader) runs once, too.
    await page.evaluate(() => {
      const late = document.createElement("script");
      late.type = "text/plain";
      late.setAttribute("data-category", "analytics");
      late.text = "window.lateAnalytics = (window.lateAnalytics || 0) + 1;";
      document.body.appendChild(late);
    });
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { lateAnalytics?: number }).lateAnalytics))
      .toBe(1);

    await page.reload();
    await page.waitForLoadState("networkidle");
    expect(await dialog(page).count()).toBe(0);
    await expect.poll(() => ran(page)).toEqual({ analytics: 1, advertising: 1 });
    expect(problems).toEqual([]);
    await context.close();
  });

  it.each([
    ["the Sec-GPC header", { gpcHeader: true }],
    ["navigator.globalPrivacyControl", { gpcNavigator: true }],
  ])("honours Global Privacy Control sent as %s: 'accept all' leaves advertising refused", async (_, gpc) => {
    const { context, page, problems } = await visit(gpc);
    await dialog(page).waitFor();
    await expect(dialog(page).textContent()).resolves.toContain("Global Privacy Control");
    await choose(page, "Tout accepter");
    await expect.poll(() => ran(page)).toEqual({ analytics: 1, advertising: 0 });
    const stored = await consentCookie(context);
    expect(stored).toMatchObject({ m: "accept_all", c: { analytics: 1, advertising: 0 } });
    expect(await serverChoice(stored.v)).toMatchObject({
      method: "accept_all",
      gpc: true,
      categories: { analytics: true, advertising: false },
    });

    // Switching advertising on, explicitly, wins over the signal.
    await page.click("#cookie-settings");
    const advertising = page.getByRole("switch", { name: "Publicité" });
    expect(await advertising.isChecked()).toBe(false);
    await advertising.check();
    await choose(page, "Enregistrer");
    await expect.poll(() => ran(page)).toEqual({ analytics: 1, advertising: 1 });
    expect(await serverChoice(stored.v)).toMatchObject({ method: "custom", categories: { advertising: true } });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("keeps advertising refused under Global Privacy Control turned on after an 'accept all'", async () => {
    const { context, page, problems } = await visit();
    await dialog(page).waitFor();
    await choose(page, "Tout accepter");
    await expect.poll(() => ran(page)).toEqual({ analytics: 1, advertising: 1 });
    // The same choice, on a page where the browser now sends the signal.
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true, configurable: true }),
    );
    await context.clearCookies({ name: "_fbp" });
    await page.reload();
    await page.waitForLoadState("networkidle");
    expect(await dialog(page).count()).toBe(0);
    await expect.poll(() => ran(page)).toEqual({ analytics: 1, advertising: 0 });
    expect(
      await page.evaluate(() => (window as unknown as MesureWindow).Mesure.consent.get()!.categories),
    ).toMatchObject({ analytics: true, advertising: false });
    expect((await dataLayer(page)).at(-1)).toMatchObject(["consent", "update", { ad_storage: "denied" }]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("keeps the keyboard in the dialog, and Escape closes it as a refusal", async () => {
    const { context, page, problems } = await visit({ lang: "en" });
    await dialog(page).waitFor();
    const focused = () =>
      page.evaluate(() => {
        const active = document.activeElement!;
        const inside = !!active.closest("[role=dialog]");
        return `${inside ? "in" : "OUT"}:${active.getAttribute("aria-label") ?? active.textContent}`;
      });
    // Focus starts on the dialog itself, so its title and text are read first.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("dialog");
    const forward: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press("Tab");
      forward.push(await focused());
    }
    expect(forward).toEqual([
      "in:Close: reject all",
      "in:Accept all",
      "in:Reject all",
      "in:Customise",
      "in:Close: reject all",
    ]);
    await page.keyboard.press("Shift+Tab");
    expect(await focused()).toBe("in:Customise");
    await page.screenshot({ path: path.join(shots, "keyboard-focus-en.png") });

    // The second layer: one switch per category, the required one on and fixed.
    await page.keyboard.press("Enter");
    expect(await focused()).toBe("in:");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("mesure-category-analytics");
    const necessary = page.getByRole("switch", { name: "Necessary (always on)" });
    expect(await necessary.isChecked()).toBe(true);
    expect(await necessary.isDisabled()).toBe(true);
    for (const name of ["Analytics", "Advertising", "Personalisation"]) {
      expect(await page.getByRole("switch", { name }).isChecked()).toBe(false);
    }

    const recorded = page.waitForResponse((response) => response.url().endsWith("/embed/v1/choices"));
    await page.keyboard.press("Escape");
    expect((await recorded).status()).toBe(201);
    expect(await dialog(page).count()).toBe(0);
    const stored = await consentCookie(context);
    expect(stored).toMatchObject({ m: "dismiss", c: { necessary: 1, analytics: 0, advertising: 0 } });
    expect(await serverChoice(stored.v)).toMatchObject({ method: "dismiss", categories: { analytics: false } });
    expect(await ran(page)).toEqual({ analytics: 0, advertising: 0 });
    expect(problems).toEqual([]);
    await context.close();
  });

  it.each(["fr", "en"])("leaves axe nothing serious to report, on both layers (%s)", async (lang) => {
    const { context, page, problems } = await visit({ lang });
    await dialog(page).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole("button", { name: lang === "fr" ? "Personnaliser" : "Customise" }).click();
    await page.getByRole("switch").first().waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, `customise-${lang}.png`) });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("answers Mesure.consent.get, onChange and open, and fires mesure:consent", async () => {
    const { context, page, problems } = await visit();
    await dialog(page).waitFor();
    expect(await page.evaluate(() => (window as unknown as MesureWindow).Mesure.consent.get())).toBeNull();
    await page.evaluate(() => {
      const record = window as unknown as { changes: unknown[]; events: unknown[]; unsubscribed: unknown[] };
      record.changes = [];
      record.events = [];
      record.unsubscribed = [];
      (window as unknown as MesureWindow).Mesure.consent.onChange((consent) => record.changes.push(consent));
      const stop = (window as unknown as MesureWindow).Mesure.consent.onChange((consent) =>
        record.unsubscribed.push(consent),
      );
      stop();
      window.addEventListener("mesure:consent", (event) => record.events.push((event as CustomEvent).detail));
    });

    // Customise: analytics only.
    await page.getByRole("button", { name: "Personnaliser" }).click();
    await page.getByRole("switch", { name: "Mesure d'audience" }).check();
    await choose(page, "Enregistrer");
    const consent = await page.evaluate(() => (window as unknown as MesureWindow).Mesure.consent.get());
    expect(consent).toMatchObject({
      categories: { necessary: true, analytics: true, advertising: false, personalisation: false },
      policyVersion: "1",
      method: "custom",
    });
    expect(Date.parse(consent!.at)).toBeGreaterThan(Date.now() - 60_000);
    const seen = await page.evaluate(() => {
      const record = window as unknown as { changes: unknown[]; events: unknown[]; unsubscribed: unknown[] };
      return { changes: record.changes, events: record.events, unsubscribed: record.unsubscribed };
    });
    expect(seen.changes).toHaveLength(1);
    expect(seen.changes[0]).toMatchObject({ method: "custom", categories: { analytics: true } });
    expect(seen.events).toEqual(seen.changes);
    expect(seen.unsubscribed).toEqual([]);
    expect(await ran(page)).toEqual({ analytics: 1, advertising: 0 });

    // open() shows the settings as they stand; withdrawing analytics deletes its cookie.
    expect((await context.cookies()).some((cookie) => cookie.name === "_ga")).toBe(true);
    await page.evaluate(() => (window as unknown as MesureWindow).Mesure.consent.open());
    const analytics = page.getByRole("switch", { name: "Mesure d'audience" });
    expect(await analytics.isChecked()).toBe(true);
    await analytics.uncheck();
    await choose(page, "Enregistrer");
    expect(
      await page.evaluate(() => (window as unknown as MesureWindow).Mesure.consent.get()!.categories.analytics),
    ).toBe(false);
    expect((await context.cookies()).some((cookie) => cookie.name === "_ga")).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { changes: unknown[] }).changes.length)).toBe(2);

    // Reopened over a standing choice, closing keeps it.
    await page.evaluate(() => (window as unknown as MesureWindow).Mesure.consent.open());
    await dialog(page).waitFor();
    await page.keyboard.press("Escape");
    expect(await dialog(page).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as MesureWindow).Mesure.consent.get()!.method)).toBe("custom");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("sets Google Consent Mode to denied before any tag, and updates it on each choice", async () => {
    const { context, page, problems } = await visit();
    await dialog(page).waitFor();
    const denied = {
      ad_storage: "denied",
      ad_user_data: "denied",
      ad_personalization: "denied",
      analytics_storage: "denied",
      functionality_storage: "denied",
      personalization_storage: "denied",
      security_storage: "granted",
    };
    expect(await page.evaluate(() => (window as unknown as { firstTagSaw: unknown }).firstTagSaw)).toEqual([
      ["consent", "default", { ...denied, wait_for_update: 500 }],
    ]);
    await page.getByRole("button", { name: "Personnaliser" }).click();
    await page.getByRole("switch", { name: "Mesure d'audience" }).check();
    await choose(page, "Enregistrer");
    expect((await dataLayer(page)).at(-1)).toEqual(["consent", "update", { ...denied, analytics_storage: "granted" }]);

    // The next page updates from the stored choice before any tag runs.
    await page.reload();
    await page.waitForLoadState("networkidle");
    expect(await page.evaluate(() => (window as unknown as { firstTagSaw: unknown }).firstTagSaw)).toEqual([
      ["consent", "default", { ...denied, wait_for_update: 500 }],
      ["consent", "update", { ...denied, analytics_storage: "granted" }],
    ]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("follows a newer choice made elsewhere (another device, the portal) on the next page", async () => {
    const { context, page, problems } = await visit();
    await dialog(page).waitFor();
    await choose(page, "Tout refuser");
    const stored = await consentCookie(context);
    // The same visitor accepts everything on another page of the brand's, through Mesure.
    const elsewhere = await fetch(`${server.url}/embed/v1/choices`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", Origin: siteOrigin },
      body: JSON.stringify({
        brand: "demo",
        visitor: stored.v,
        policyVersion: "1",
        locale: "fr",
        method: "accept_all",
        categories: {},
        gpc: false,
      }),
    });
    expect(elsewhere.status).toBe(201);
    await page.reload();
    await page.waitForLoadState("networkidle");
    await expect.poll(() => ran(page)).toEqual({ analytics: 1, advertising: 1 });
    expect(await dialog(page).count()).toBe(0);
    expect(await consentCookie(context)).toMatchObject({ v: stored.v, m: "accept_all", c: { analytics: 1 } });
    expect(await page.evaluate(() => (window as unknown as MesureWindow).Mesure.consent.get()!.method)).toBe(
      "accept_all",
    );
    expect(problems).toEqual([]);
    await context.close();
  });

  it("asks again when the policy version changes, even while the banner is up", async () => {
    await cli([
      "brand",
      "create",
      "--slug",
      "policies",
      "--name",
      "Politiques",
      "--timezone",
      "Europe/Paris",
      "--embed-origin",
      siteOrigin,
    ]);
    const { db } = database.open();
    const brand = await db.brand.findUniqueOrThrow({ where: { slug: "policies" }, select: { id: true } });
    // What `mesure brand set --cookie-config` does, without a CLI start-up per change.
    const policy = (version: string, title: string) =>
      updateBrandSettings(db, brand.id, {
        cookieConfig: {
          policyVersion: version,
          policyUrl: "https://www.shop.test/cookies",
          texts: { fr: { title, body: "Votre choix, en un clic." }, en: { title, body: "Your choice, in one click." } },
        },
      });
    await policy("v1", "Version une");

    const { context, page, problems } = await visit({ brand: "policies" });
    await dialog(page).waitFor();
    expect(await page.getByRole("heading", { name: "Version une" }).count()).toBe(1);
    expect(await page.getByRole("link", { name: "Notre politique relative aux cookies" }).getAttribute("href")).toBe(
      "https://www.shop.test/cookies",
    );
    // The policy changes while the visitor reads: their answer to the old text is refused (409)
    // and the banner asks again with the new one.
    await policy("v2", "Version deux");
    const refused = page.waitForResponse((response) => response.url().endsWith("/embed/v1/choices"));
    await page.getByRole("button", { name: "Tout accepter", exact: true }).click();
    expect((await refused).status()).toBe(409);
    await page.getByRole("heading", { name: "Version deux" }).waitFor();
    expect(await page.evaluate(() => (window as unknown as MesureWindow).Mesure.consent.get())).toBeNull();
    await choose(page, "Tout accepter");
    expect(await consentCookie(context)).toMatchObject({ p: "v2", m: "accept_all" });

    await page.reload();
    await page.waitForLoadState("networkidle");
    expect(await dialog(page).count()).toBe(0);
    await expect.poll(() => ran(page)).toEqual({ analytics: 1, advertising: 1 });

    // A new version between two pages: the next page asks again.
    await policy("v3", "Version trois");
    await page.reload();
    await page.getByRole("heading", { name: "Version trois" }).waitFor();
    expect(await page.evaluate(() => (window as unknown as MesureWindow).Mesure.consent.get())).toBeNull();
    await choose(page, "Tout refuser");
    expect(await consentCookie(context)).toMatchObject({ p: "v3", m: "reject_all" });
    expect(problems.filter((problem) => !problem.includes("status of 409"))).toEqual([]);
    await context.close();
  }, 120_000);
});
