// Smoke test in a real browser: the home page renders in French and in English, hydrates
// without a console error or CSP violation, is usable from the keyboard, and axe finds nothing
// serious.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { launchBrowser, seriousAccessibilityViolations, watchProblems } from "../support/browser";
import { startServer, type RunningServer } from "../support/processes";

let database: TestDatabase;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  server = await startServer({
    DATABASE_URL: database.url,
    DATA_DIR: database.dir,
    SEED_DEMO: "true",
    MESURE_SECRET: "k".repeat(64),
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

describe("the home page in Chromium", () => {
  it.each([
    ["fr-FR", "fr", "Moins, et mieux.", "Baisses de prix"],
    ["en-US", "en", "Less, and better.", "Price drops"],
  ])("renders in the browser's language (%s)", async (browserLocale, lang, tagline, topic) => {
    const context = await browser.newContext({ locale: browserLocale });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${server.url}/`);
    await page.waitForLoadState("networkidle");
    expect(await page.getAttribute("html", "lang")).toBe(lang);
    expect(await page.textContent("h1")).toBe(tagline);
    expect(await page.getByRole("heading", { name: topic }).count()).toBe(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("switches language from the keyboard and remembers it", async () => {
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${server.url}/`);
    // Let each page finish hydrating before acting: leaving a page mid-hydration makes React
    // report an aborted render, which this test would rightly count as a problem.
    await page.waitForLoadState("networkidle");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Aller au contenu");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("English");
    await Promise.all([page.waitForURL(/lang=en/), page.keyboard.press("Enter")]);
    await page.waitForLoadState("networkidle");
    expect(await page.textContent("h1")).toBe("Less, and better.");
    await page.goto(`${server.url}/`);
    await page.waitForLoadState("networkidle");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows the API reference readably, with nothing for axe to object to", async () => {
    const page = await browser.newPage();
    const problems = watchProblems(page);
    await page.goto(`${server.url}/docs/api`);
    await page.waitForLoadState("networkidle");
    expect(await page.textContent("h1")).toBe("Mesure API");
    expect(await page.getByRole("heading", { name: "POST /api/v1/decisions", exact: true }).count()).toBe(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("works without JavaScript", async () => {
    const context = await browser.newContext({ locale: "en-US", javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    expect(await page.textContent("h1")).toBe("Less, and better.");
    await page.click("text=Français");
    expect(await page.textContent("h1")).toBe("Moins, et mieux.");
    await context.close();
  });
});
