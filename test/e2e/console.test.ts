// The brand console in Chromium: an owner signs in with the link the sign-in page emails, every
// section of the navigation renders in French and English with no console error and passes axe,
// the keyboard reaches everything, and a viewer is shown no form that their role would refuse.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsole, type ConsoleFixture } from "../support/console";
import { launchBrowser, seriousAccessibilityViolations, watchProblems } from "../support/browser";
import { startSmtpSink, type SmtpSink } from "../support/smtp";

let fixture: ConsoleFixture;
let smtp: SmtpSink;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpSink();
  fixture = await startConsole({ SMTP_URL: smtp.url });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await fixture?.stop();
  await smtp?.stop();
});

/** Problems a closing page or Remix's route discovery cause, which are not the page's. */
const unexpected = (problems: string[]) =>
  problems.filter((problem) => !/(\.data|favicon\.svg|\/__manifest\?\S*) net::ERR_ABORTED$/.test(problem));

async function signedInPage(role: "owner" | "viewer", locale = "fr-FR"): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale });
  const cookie = await fixture.sessionCookie("demo", role);
  await context.addCookies([{ ...cookie, url: `${fixture.server.url}/console` }]);
  const page = await context.newPage();
  return { page, problems: watchProblems(page) };
}

describe("the console in a browser", () => {
  it("signs an owner in with the emailed link, once", async () => {
    const context = await browser.newContext({ locale: "en-GB" });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${fixture.server.url}/console`);
    expect(new URL(page.url()).pathname).toBe("/console/sign-in");
    await page.getByLabel("Work email address").fill("owner@demo.example");
    await page.getByRole("button", { name: "Send me the link" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("a link is on its way");
    const mail = await smtp.waitFor((one) => one.to === "owner@demo.example");
    const link = mail.links.find((href) => href.includes("/console/enter?token="))!;
    expect(link).toBeTruthy();
    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe("/console");
    await expect.poll(() => page.locator("h1").first().textContent()).toBeTruthy();
    // The link worked once: the same link again opens nothing.
    const again = await (await browser.newContext()).newPage();
    const answer = await again.goto(link);
    expect(answer?.status()).toBe(410);
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  });

  for (const locale of ["fr-FR", "en-GB"]) {
    it(`renders every section without error and passes axe (${locale})`, async () => {
      const { page, problems } = await signedInPage("owner", locale);
      await page.goto(`${fixture.server.url}/console`);
      const sections = await page
        .locator("nav.console-nav a")
        .evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).pathname));
      expect(sections.length).toBeGreaterThanOrEqual(12);
      for (const path of sections) {
        const response = await page.goto(`${fixture.server.url}${path}`);
        expect(response?.status(), path).toBe(200);
        await page.waitForLoadState("networkidle");
        await expect.poll(() => page.locator("h1").count(), { message: path }).toBe(1);
        expect(await seriousAccessibilityViolations(page), path).toEqual([]);
      }
      expect(unexpected(problems)).toEqual([]);
      await page.context().close();
    });
  }

  it("reaches the navigation and the content from the keyboard", async () => {
    const { page } = await signedInPage("owner", "en-GB");
    await page.goto(`${fixture.server.url}/console`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/content|contenu/i);
    await page.keyboard.press("Enter");
    // Then onwards through the side navigation: every link is reachable by Tab.
    const reached = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      const href = await page.evaluate(() =>
        (document.activeElement as HTMLAnchorElement | null)?.getAttribute("href"),
      );
      if (href) reached.add(href);
    }
    expect([...reached].filter((href) => href.startsWith("/console")).length).toBeGreaterThanOrEqual(5);
    await page.context().close();
  });

  it("shows a viewer no form their role would refuse", async () => {
    const { page } = await signedInPage("viewer", "en-GB");
    for (const path of ["/console/topics", "/console/api-keys", "/console/team", "/console/webhooks"]) {
      await page.goto(`${fixture.server.url}${path}`);
      const forms = await page.locator("main form[method='post']").count();
      expect(forms, path).toBe(0);
    }
    await page.context().close();
  });
});
