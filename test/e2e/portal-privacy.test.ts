// Rights in the portal, in Chromium: "what we know", the consents ledger and the erasure pages
// pass axe in French and English with no console error; they work from the keyboard alone; and
// forgetting a field and asking for erasure work with JavaScript turned off, as does the public
// erasure by code and its status page.
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portalLink } from "~/lib/portal-link.server";
import { startApi, type ApiFixture } from "../support/api";
import { launchBrowser, seriousAccessibilityViolations, watchProblems } from "../support/browser";
import { projectRoot } from "../support/processes";
import { startSmtpSink, type SmtpSink } from "../support/smtp";

const SECRET = "k".repeat(64);
const shots = path.join(projectRoot, "test-results", "portal-privacy");

let api: ApiFixture;
let smtp: SmtpSink;
let browser: Browser;
let demoId: string;
const customerIds: Record<string, string> = {};

beforeAll(async () => {
  smtp = await startSmtpSink();
  api = await startApi({ SMTP_URL: smtp.url });
  browser = await launchBrowser();
  fs.mkdirSync(shots, { recursive: true });
  demoId = (await api.db.brand.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } })).id;
  for (const row of await api.db.customer.findMany({
    where: { brandId: demoId },
    select: { id: true, externalId: true },
  }))
    customerIds[row.externalId] = row.id;
  // A grace period, so that a request made here stays open (and cancellable) while it is looked at.
  await api.db.brand.update({ where: { id: demoId }, data: { erasureGraceDays: 14 } });
  await api.call("PUT", "/api/v1/customers/cust-kenji", { name: "Kenji Sato" });
});
afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await smtp?.stop();
});

async function signedIn(
  externalId: string,
  options: { locale?: string; javaScript?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    locale: options.locale ?? "fr-FR",
    javaScriptEnabled: options.javaScript ?? true,
  });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(
    portalLink({
      secret: SECRET,
      publicUrl: api.server.url,
      brandId: demoId,
      customerId: customerIds[externalId]!,
      ttlSeconds: 3600,
    }),
  );
  await page.waitForLoadState("networkidle");
  expect(new URL(page.url()).pathname).toBe("/portal");
  return { context, page, problems };
}

/**
 * Problems other than those a test causes on purpose or that closing a page causes: a form
 * answered 400, a revalidation cut short by a reload, the favicon abandoned at close, and
 * Remix's route discovery (`/__manifest?…`, fetched as links come into view) cut short by the
 * next navigation.
 */
const unexpected = (problems: string[]) =>
  problems.filter(
    (problem) =>
      !/status of 400 \(Bad Request\)/.test(problem) &&
      !/(\.data|favicon\.svg|\/__manifest\?\S*) net::ERR_ABORTED$/.test(problem),
  );

/** Presses Tab until the focused element's text matches, and returns how many presses it took. */
async function tabTo(page: Page, name: RegExp, limit = 80): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press("Tab");
    const text = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element) return "";
      if (element instanceof HTMLInputElement) return element.labels?.[0]?.textContent ?? element.name;
      return element.textContent?.trim() ?? "";
    });
    if (name.test(text)) return presses;
  }
  throw new Error(`no focusable element named ${name} within ${limit} presses of Tab`);
}

describe("the privacy pages, in French and English", () => {
  const pages = [
    ["/data", "Ce que nous savons de vous", "What we know about you"],
    ["/data?forget=phone", "Ce que nous savons de vous", "What we know about you"],
    ["/consents", "Vos consentements", "Your consents"],
    ["/erase", "Supprimer mes données", "Delete my data"],
  ] as const;

  it.each([
    ["fr", "cust-camille"],
    ["en", "cust-aroha"],
  ] as const)("renders each page in %s and passes axe", async (lang, customer) => {
    const { context, page, problems } = await signedIn(customer);
    for (const [route, fr, en] of pages) {
      await page.goto(`${api.server.url}/portal${route}`);
      await page.waitForLoadState("networkidle");
      expect(await page.getAttribute("html", "lang")).toBe(lang);
      expect(await page.textContent("main h1")).toBe(lang === "fr" ? fr : en);
      expect(await seriousAccessibilityViolations(page), `axe on /portal${route} (${lang})`).toEqual([]);
      await page.screenshot({
        path: path.join(shots, `portal${route.replace(/[/?=]/g, "-")}.${lang}.png`),
        fullPage: true,
      });
    }
    // The nav reaches the data page and the cookies page.
    await page.goto(`${api.server.url}/portal`);
    await page.waitForLoadState("networkidle");
    expect(await page.getByRole("link", { name: lang === "fr" ? "Vos données" : "Your data" }).count()).toBe(1);
    expect(await page.getByRole("link", { name: "Cookies", exact: true }).count()).toBe(1);
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  });
});

describe("from the keyboard alone", () => {
  it("forgets a field after its confirmation", async () => {
    const { context, page, problems } = await signedIn("cust-kenji");
    await page.goto(`${api.server.url}/portal/data`);
    await page.waitForLoadState("networkidle");
    await tabTo(page, /^Forget: name$/);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Forget your name?" }).waitFor();
    await tabTo(page, /^Yes, forget it$/);
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Done: your name is forgotten." }).waitFor();
    const row = await api.db.customer.findUniqueOrThrow({
      where: { id: customerIds["cust-kenji"] },
      select: { name: true },
    });
    expect(row.name).toBeNull();
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  });

  it("asks for erasure (the box must be ticked), then cancels it", async () => {
    const { context, page, problems } = await signedIn("cust-james");
    await page.goto(`${api.server.url}/portal/erase`);
    await page.waitForLoadState("networkidle");
    await tabTo(page, /^Erase my data$/);
    await page.keyboard.press("Enter");
    await page.getByText("Tick this box to confirm that you understand.").waitFor();
    expect(await page.getByLabel(/I understand/).getAttribute("aria-invalid")).toBe("true");
    // Focus goes to the field at fault.
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe("understand");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Your erasure request" }).waitFor();
    expect(await page.locator(".systems li").first().textContent()).toMatch(/^Mesure/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, "portal-erase-scheduled.en.png"), fullPage: true });
    await tabTo(page, /^Cancel my request$/);
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Your request is cancelled" }).waitFor();
    const request = await api.db.erasureRequest.findFirstOrThrow({
      where: { customerId: customerIds["cust-james"] },
      select: { status: true, via: true },
    });
    expect(request).toEqual({ status: "cancelled", via: "portal" });
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  });
});

describe("without JavaScript", () => {
  it("forgets the phone number", async () => {
    const { context, page } = await signedIn("cust-aroha", { javaScript: false, locale: "en-US" });
    await page.goto(`${api.server.url}/portal/data`);
    await page.getByRole("link", { name: "Forget: phone number" }).click();
    expect(await page.getByRole("heading", { name: "Forget your phone number?" }).count()).toBe(1);
    await page.getByRole("button", { name: "Yes, forget it" }).click();
    expect(await page.getByRole("status").textContent()).toBe("Done: your phone number is forgotten.");
    expect(await page.content()).not.toContain("+64211234567");
    const row = await api.db.customer.findUniqueOrThrow({
      where: { id: customerIds["cust-aroha"] },
      select: { phone: true },
    });
    expect(row.phone).toBeNull();
    await context.close();
  });

  it("asks for erasure from the portal and follows it on the emailed status page", async () => {
    const { context, page } = await signedIn("cust-marie", { javaScript: false });
    await page.goto(`${api.server.url}/portal/erase`);
    await page.getByRole("button", { name: "Effacer mes données" }).click();
    expect(await page.getByText("Cochez cette case pour confirmer que vous avez compris.").count()).toBe(1);
    await page.getByLabel(/J'ai compris/).check();
    await page.getByRole("button", { name: "Effacer mes données" }).click();
    expect(await page.getByRole("heading", { name: "Votre demande d'effacement" }).count()).toBe(1);
    expect(await page.locator(".systems li").count()).toBeGreaterThanOrEqual(1);
    const mail = await smtp.waitFor((m) => m.to.includes("marie.dubois") && /effacement/.test(m.subject));
    const status = mail.links.find((href) => href.includes("/privacy/erasure/"))!;
    await page.goto(status);
    expect(await page.textContent("main h1")).toBe("Effacement de vos données");
    await page.getByRole("link", { name: "Actualiser" }).click();
    await page.getByRole("button", { name: "Annuler ma demande" }).click();
    expect(await page.getByRole("status").first().textContent()).toMatch(/annulée/);
    await context.close();
  });

  it("erases by a code sent by email, on the public page", async () => {
    const context = await browser.newContext({ locale: "fr-FR", javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${api.server.url}/privacy/erase?brand=demo`);
    await page.getByLabel("Adresse e-mail").fill("lea.bernard@example.fr");
    await page.getByRole("button", { name: "Recevoir un code" }).click();
    const mail = await smtp.waitFor((m) => m.to.includes("lea.bernard") && /code/.test(m.subject));
    const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
    await page.getByLabel(/Code reçu par e-mail/).fill(code);
    await page.getByLabel(/J'ai compris/).check();
    await page.getByRole("button", { name: "Effacer mes données" }).click();
    await page.waitForURL(/\/privacy\/erasure\//);
    expect(await page.textContent("main h1")).toBe("Effacement de vos données");
    expect(await page.locator(".systems li").first().textContent()).toMatch(/^Mesure/);
    await context.close();
  });
});

describe("the public pages, with JavaScript", () => {
  it("pass axe, and the status page refreshes itself", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${api.server.url}/privacy/erase?brand=demo`);
    await page.waitForLoadState("networkidle");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByLabel("Email address").fill("kenji.sato@example.jp");
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.getByLabel(/Code received by email/).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, "privacy-erase-code.en.png"), fullPage: true });
    const mail = await smtp.waitFor((m) => m.to.includes("kenji.sato") && /code/.test(m.subject));
    await page.getByLabel(/Code received by email/).fill(/\b(\d{6})\b/.exec(mail.text)![1]!);
    await page.getByLabel(/I understand/).check();
    await page.getByRole("button", { name: "Erase my data" }).click();
    await page.waitForURL(/\/privacy\/erasure\//);
    await page.locator(".systems").waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, "privacy-erasure-status.en.png"), fullPage: true });
    // The brand shortens its grace period: the erasure runs, and the page shows it without a reload.
    await api.db.erasureRequest.updateMany({
      where: { customerId: customerIds["cust-kenji"], status: "scheduled" },
      data: { executeAt: new Date() },
    });
    await page.reload();
    await page.getByText(/Completed on/).waitFor({ timeout: 30_000 });
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  });
});
