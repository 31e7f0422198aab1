// The portal inside a brand's site, in Chromium. Mesure answers at http://localhost:PORT; the
// brand's shop is another site, http://127.0.0.1:SHOP, which loads /embed/v1.js and frames a link
// its backend minted (POST /api/v1/portal-sessions): inline, the customer's portal shows, a
// change made in it is saved (its cookies are partitioned cross-site ones) and the frame follows
// the content's height; as a modal, Escape closes it and gives focus back. A page on a port the
// brand never declared gets nothing: frame-ancestors blocks even the refusal.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "~/models/api-key.server";
import { updateBrandSettings } from "~/models/brand.server";
import type { Db } from "~/db/client.server";
import { launchBrowser, watchProblems } from "../support/browser";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startServer, type RunningServer } from "../support/processes";
import { eventually } from "../support/shop";

let database: TestDatabase;
let db: Db;
let server: RunningServer;
let mesure: string;
let key: string;
let demoId: string;
let kenjiId: string;
const shops: http.Server[] = [];
let declared: string;
let undeclared: string;
let browser: Browser;

/** The brand's account page: the script in <head>, a button opening the modal, and an inline
 * portal when the page is given a link. */
function accountPage(url: string | null): string {
  const inline = url ? `<div data-mesure-portal data-url="${url.replace(/&/g, "&amp;")}"></div>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>La Boutique — my account</title>
<script src="${mesure}/embed/v1.js" data-brand="demo"></script>
</head>
<body>
<main>
<h1>My account</h1>
<button type="button" id="preferences">My communication preferences</button>
${inline}
<p id="after">Orders, addresses, returns.</p>
</main>
</body>
</html>`;
}

async function startShop(): Promise<string> {
  const shop = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://shop");
    if (url.pathname === "/account") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(accountPage(url.searchParams.get("portal")));
    } else {
      res.writeHead(url.pathname === "/favicon.ico" ? 204 : 404).end();
    }
  });
  await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
  shops.push(shop);
  return `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  server = await startServer({
    DATABASE_URL: database.url,
    DATA_DIR: database.dir,
    SEED_DEMO: "true",
    MESURE_SECRET: "k".repeat(64),
  });
  mesure = `http://localhost:${server.port}`;
  db = database.open().db;
  demoId = (await db.brand.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } })).id;
  kenjiId = (
    await db.customer.findFirstOrThrow({ where: { brandId: demoId, externalId: "cust-kenji" }, select: { id: true } })
  ).id;
  key = (await createApiKey(db, { brandId: demoId, name: "shop backend" })).key;
  declared = await startShop();
  undeclared = await startShop();
  await updateBrandSettings(db, demoId, { embedOrigins: [declared] });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const shop of shops) await new Promise((resolve) => shop.close(resolve));
  await server?.stop();
  await database?.drop();
});

/** What the shop's backend does for its signed-in customer. */
async function mint(body: Record<string, unknown> = {}): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/portal-sessions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ externalId: "cust-kenji", ...body }),
  });
  const answer = (await response.json()) as { url: string };
  expect(response.status, JSON.stringify(answer)).toBe(201);
  expect(answer.url.startsWith(`${mesure}/portal/embed?token=`)).toBe(true);
  return answer.url;
}

/** Opens the shop's account page (English) and answers the cookie banner, which the brand's
 * sites also show (an undeclared site gets no banner: its configuration is refused). */
async function visit(site: string, portal: string | null): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: "en-GB" });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${site}/account${portal ? `?portal=${encodeURIComponent(portal)}` : ""}`);
  if (site === declared) {
    await page.getByRole("button", { name: "Reject all", exact: true }).click();
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
  }
  return { page, problems };
}

/** The portal's frame once it has loaded a page of Mesure's. */
async function portalFrame(page: Page): Promise<Frame> {
  return eventually(
    async () => page.frames().find((frame) => frame.url().startsWith(`${mesure}/portal`)),
    30_000,
    "the portal's frame",
  );
}

/** Problems besides Remix's route discovery (`/__manifest?…`, fetched as links come into view)
 * cut short when the modal, and its frame with it, closes. */
const settled = (problems: string[]) =>
  problems.filter(
    (problem) =>
      // Closing the modal tears its frame down, cutting short whatever it was still fetching.
      !/(\/__manifest\?\S*|\/build\/\S+\.js) net::ERR_ABORTED$/.test(problem) &&
      !/^console: Failed to fetch manifest patches TypeError: Failed to fetch\b/.test(problem),
  );

const frameHeight = (page: Page) =>
  page.locator("iframe.mesure-frame").evaluate((node) => Math.round(node.getBoundingClientRect().height));

describe("the portal embedded in a brand's site", () => {
  it("inline: shows the customer's portal, saves a change made in it, and fits its content", async () => {
    const { page, problems } = await visit(declared, await mint({ origin: declared, page: "/portal/subscriptions" }));
    const frame = await portalFrame(page);
    await frame.getByRole("heading", { level: 1 }).waitFor();
    expect(new URL(frame.url()).pathname).toBe("/portal/subscriptions");
    expect(await frame.locator(".portal-embedded").count()).toBe(1);
    expect(await frame.locator('form[action="/portal/sign-out"]').count()).toBe(0);

    // Unsubscribe from the newsletter by email, through the portal's own form.
    const newsletter = frame.locator('input[name="sub:newsletter:email"]');
    expect(await newsletter.isChecked()).toBe(true);
    await newsletter.uncheck();
    await frame.getByRole("button", { name: "Save my subscriptions" }).click();
    await frame.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    const saved = await db.subscription.findFirstOrThrow({
      where: { brandId: demoId, customerId: kenjiId, channel: "email", topic: { key: "newsletter" } },
      select: { status: true },
    });
    expect(saved.status).toBe("unsubscribed");

    // The frame is as tall as the portal, and follows it when the content grows.
    const portalHeight = () =>
      frame.locator(".portal").evaluate((node) => Math.ceil(node.getBoundingClientRect().height));
    await expect
      .poll(async () => Math.abs((await frameHeight(page)) - (await portalHeight())), { timeout: 5_000 })
      .toBeLessThanOrEqual(1);
    const before = await frameHeight(page);
    await frame.locator(".portal-main").evaluate((main) => {
      const filler = document.createElement("div");
      filler.style.height = "900px";
      main.appendChild(filler);
    });
    await expect.poll(() => frameHeight(page), { timeout: 5_000 }).toBeGreaterThanOrEqual(before + 899);
    expect(problems).toEqual([]);
  });

  it("modal: opens themed and labelled with focus inside, closes on Escape (also from within the frame), gives focus back", async () => {
    const { page, problems } = await visit(declared, null);
    const url = await mint();
    const button = page.locator("#preferences");
    await button.focus();
    await page.evaluate(
      (link) => (window as unknown as { Mesure: { portal: { open(url: string): void } } }).Mesure.portal.open(link),
      url,
    );
    const dialog = page.getByRole("dialog", { name: /Your preferences/ });
    await dialog.waitFor();
    expect(await dialog.getAttribute("aria-modal")).toBe("true");
    expect(await page.evaluate(() => document.querySelector('[role="dialog"]')!.contains(document.activeElement))).toBe(
      true,
    );
    expect(await page.evaluate(() => document.documentElement.style.overflow)).toBe("hidden");
    // The bar wears the brand's colour (the demo brand's #1f4d3a).
    expect(await dialog.locator(".mesure-bar").evaluate((bar) => getComputedStyle(bar).backgroundColor)).toBe(
      "rgb(31, 77, 58)",
    );
    const frame = await portalFrame(page);
    await frame.getByRole("navigation", { name: "Portal sections" }).waitFor();

    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("preferences");
    expect(await page.evaluate(() => document.documentElement.style.overflow)).toBe("");

    // The session stays in this site's partition: the modal opens on the portal directly, and
    // Escape pressed inside the frame (whose keys the page never sees) closes it too.
    await page.evaluate(
      (link) => (window as unknown as { Mesure: { portal: { open(url: string): void } } }).Mesure.portal.open(link),
      `${mesure}/portal/channels`,
    );
    await dialog.waitFor();
    const again = await eventually(
      async () => page.frames().find((candidate) => candidate.url().startsWith(`${mesure}/portal/channels`)),
      30_000,
      "the channels page in the modal",
    );
    await again.getByRole("heading", { level: 1 }).waitFor();
    // The frame listens for Escape once hydrated, in the effect that also sends its first height:
    // wait for that height, or under load the key may arrive before anyone listens.
    await expect
      .poll(() => dialog.locator("iframe").evaluate((node) => (node as HTMLIFrameElement).style.height), {
        timeout: 30_000,
      })
      .not.toBe("");
    await again.locator(".portal-main").focus();
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("preferences");
    expect(settled(problems)).toEqual([]);
  });

  it("a site the brand never declared gets no portal: the frame is blocked and the link stays unspent", async () => {
    const url = await mint();
    const sessions = await db.portalSession.count({ where: { customerId: kenjiId, via: "embed" } });
    const { page, problems } = await visit(undeclared, url);
    // The launcher framed it all the same; Chromium refuses to show Mesure's answer there.
    await page.locator("iframe.mesure-frame").waitFor({ state: "attached" });
    await eventually(
      async () =>
        problems.some((problem) =>
          /Framing '[^']+' violates .*"frame-ancestors [^"]+"\. The request has been blocked/s.test(problem),
        ),
      30_000,
      "Chromium's frame-ancestors refusal",
    );
    const frames = page.frames().filter((frame) => frame !== page.mainFrame());
    expect(frames).toHaveLength(1);
    // Chromium's own error page stands in the frame: none of Mesure's markup, not even the refusal.
    expect(frames[0]!.url()).toMatch(/^chrome-error:/);
    expect(await frames[0]!.locator("#main, .portal, nav").count()).toBe(0);
    expect(await frames[0]!.content()).not.toMatch(/Portal sections|Your preferences|preferences cannot be shown/);
    expect(await db.portalSession.count({ where: { customerId: kenjiId, via: "embed" } })).toBe(sessions);
    // Still unspent: the brand's own site opens it.
    const { page: shop } = await visit(declared, url);
    await (await portalFrame(shop)).getByRole("navigation", { name: "Portal sections" }).waitFor();
    // The refused banner configuration and the blocked frame are expected; nothing else fails.
    expect(problems.filter((problem) => problem.startsWith("page error"))).toEqual([]);
  });
});
