// The customer portal in Chromium: every page in French and English (axe, no console error, a
// screenshot each), the forms without JavaScript, each change reaching the decision API at
// once, signed links refused when tampered, expired or crossed between brands, sign-in by
// email, double opt-in, CSRF, and the keyboard.
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portalLink } from "~/lib/portal-link.server";
import { mintToken } from "~/lib/signed-token.server";
import { unsubscribeLink } from "~/lib/unsubscribe-link.server";
import { startApi, type ApiFixture } from "../support/api";
import { launchBrowser, seriousAccessibilityViolations, watchProblems } from "../support/browser";
import { projectRoot } from "../support/processes";
import { startSmtpSink, type SmtpSink } from "../support/smtp";

const SECRET = "k".repeat(64);
const shots = path.join(projectRoot, "test-results", "portal");

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
  })) {
    customerIds[row.externalId] = row.id;
  }
});
afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await smtp?.stop();
});

function link(externalId: string, options: { ttlSeconds?: number; now?: Date; brandId?: string } = {}) {
  return portalLink(
    {
      secret: SECRET,
      publicUrl: api.server.url,
      brandId: options.brandId ?? demoId,
      customerId: customerIds[externalId]!,
      ttlSeconds: options.ttlSeconds ?? 3600,
    },
    options.now,
  );
}

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
  await page.goto(link(externalId));
  await page.waitForLoadState("networkidle");
  expect(new URL(page.url()).pathname).toBe("/portal");
  return { context, page, problems };
}

async function decide(customer: string, topic: string, channel: string, extra: Record<string, unknown> = {}) {
  const response = await api.call("POST", "/api/v1/decisions", { customer, topic, channel, ...extra });
  expect(response.status).toBe(200);
  return response.body as { verdict: string; reasons: string[] };
}

describe("every portal page, in French and English", () => {
  const pages = [
    ["", "Vue d'ensemble", "Overview"],
    ["/subscriptions", "Abonnements", "Subscriptions"],
    ["/alerts", "Alertes", "Alerts"],
    ["/channels", "Canaux", "Channels"],
    ["/pause", "Pause et contexte", "Pause and context"],
    ["/avoid", "Sujets à éviter", "Subjects to avoid"],
    ["/history", "Historique", "History"],
    ["/inbox", "Notifications", "Notifications"],
  ] as const;

  it.each([
    ["fr", "cust-camille"],
    ["en", "cust-james"],
  ] as const)("renders each page in %s, follows the customer's language, passes axe", async (lang, customer) => {
    // The browser asks for the other language: the customer's own wins when the portal opens.
    const { context, page, problems } = await signedIn(customer, { locale: lang === "fr" ? "en-US" : "fr-FR" });
    for (const [route, fr, en] of pages) {
      await page.goto(`${api.server.url}/portal${route}`);
      await page.waitForLoadState("networkidle");
      expect(await page.getAttribute("html", "lang")).toBe(lang);
      expect(await page.textContent("main h1")).toBe(lang === "fr" ? fr : en);
      expect(await seriousAccessibilityViolations(page), `axe on /portal${route} (${lang})`).toEqual([]);
      await page.screenshot({
        path: path.join(shots, `portal${route.replace(/\//g, "-") || "-overview"}.${lang}.png`),
        fullPage: true,
      });
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it("switches language with the link in the header, without JavaScript", async () => {
    const { context, page } = await signedIn("cust-camille", { javaScript: false });
    await page.getByRole("link", { name: "English" }).click();
    expect(await page.textContent("main h1")).toBe("Overview");
    await page.goto(`${api.server.url}/portal/channels`);
    expect(await page.textContent("main h1")).toBe("Channels");
    await context.close();
  });

  it("shows the weekly estimate computed by the policy engine, and it follows the settings", async () => {
    const { context, page } = await signedIn("cust-aroha", { javaScript: false, locale: "en-US" });
    const before = await page.locator(".estimate-total").textContent();
    expect(before).toMatch(/email/);
    // A month's pause leaves only the service messages (order updates, by email and SMS).
    await page.getByRole("button", { name: "Pause for a month" }).click();
    await page.waitForURL(/\/portal$/);
    expect(await page.locator(".notice").first().textContent()).toMatch(/paused until/);
    expect(await page.locator(".estimate-total").textContent()).toBe("In all: 1 email and 1 SMS.");
    await page.getByRole("button", { name: /Resume now|Reprendre/ }).click();
    expect(await page.locator(".estimate-total").textContent()).toBe(before);
    await context.close();
  });
});

describe("changing settings without JavaScript reaches the very next decision", () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await signedIn("cust-camille", { javaScript: false }));
  });
  afterAll(() => context.close());

  it("subscriptions: unsubscribing stops the topic; a double opt-in topic waits for its confirmation", async () => {
    expect((await decide("cust-camille", "newsletter", "email")).verdict).toBe("digest");
    await page.goto(`${api.server.url}/portal/subscriptions`);
    await page.getByLabel("Recevoir « La lettre de la semaine » par e-mail").uncheck();
    await page.getByLabel(/Recevoir « Offres de nos partenaires » par e-mail/).check();
    await page.getByRole("button", { name: "Enregistrer mes abonnements" }).click();
    expect(await page.getByRole("status").textContent()).toMatch(/confirmation/);
    expect(await decide("cust-camille", "newsletter", "email")).toMatchObject({
      verdict: "deny",
      reasons: ["topic.unsubscribed"],
    });
    // Pending is not consent.
    expect((await decide("cust-camille", "partner-offers", "email")).reasons).toContain("consent.pending");
    const mail = await smtp.waitFor((m) => m.to.includes("camille") && /Confirmez/.test(m.subject));
    const confirm = mail.links.find((href) => href.includes("/portal/confirm"))!;
    // The confirmation page, looked at in a browser with JavaScript (axe runs in the page) …
    const viewer = await browser.newContext({ locale: "fr-FR" });
    const view = await viewer.newPage();
    await view.goto(confirm);
    await view.waitForLoadState("networkidle");
    expect(await seriousAccessibilityViolations(view)).toEqual([]);
    await view.screenshot({ path: path.join(shots, "portal-confirm.fr.png"), fullPage: true });
    await viewer.close();
    // … and answered without.
    await page.goto(confirm);
    await page.getByRole("button", { name: "Je confirme" }).click();
    expect(await page.getByRole("status").textContent()).toMatch(/C'est confirmé/);
    expect((await decide("cust-camille", "partner-offers", "email")).verdict).not.toBe("deny");
    // The ledger has every step, with its source.
    const events = await api.db.consentEvent.findMany({
      where: { customerId: customerIds["cust-camille"], subject: "partner-offers:email" },
      orderBy: { seq: "asc" },
      select: { source: true, after: true },
    });
    expect(events.map((event) => [event.source, JSON.parse(event.after).status])).toEqual([
      ["portal", "pending"],
      ["double_opt_in", "subscribed"],
    ]);
  });

  it("channels: a bad value is shown beside its field and nothing is saved; a good one applies", async () => {
    await page.goto(`${api.server.url}/portal/channels`);
    const version = await api.db.customerPreference.findUniqueOrThrow({
      where: { customerId: customerIds["cust-camille"] },
      select: { version: true },
    });
    await page.locator("#email\\.dailyCap").fill("-3");
    await page.locator("#email\\.quietStart").fill("22:00");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    expect(await page.locator("#error-email-dailyCap").textContent()).toBe("Doit être au moins 0.");
    expect(await page.locator("#error-email-quietEnd").textContent()).toMatch(/début et la fin/);
    expect(await page.locator("#email\\.dailyCap").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#email\\.dailyCap").inputValue()).toBe("-3");
    const after = await api.db.customerPreference.findUniqueOrThrow({
      where: { customerId: customerIds["cust-camille"] },
      select: { version: true },
    });
    expect(after.version).toBe(version.version);

    await page.locator("#email\\.dailyCap").fill("0");
    await page.locator("#email\\.quietStart").fill("");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    expect(await page.getByRole("status").textContent()).toBe("C'est enregistré.");
    const capped = await decide("cust-camille", "price-drop", "email", {
      attributes: { designer: "Isabel Marant", category: "shoes", size: "38", price: 200 },
    });
    expect(capped.reasons).toContain("cap.channel.day");
  });

  it("alerts: a new alert with typed criteria is used by the next decision, and can be deleted", async () => {
    await page.goto(`${api.server.url}/portal/channels`);
    await page.locator("#email\\.dailyCap").fill("");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    const bag = { designer: "Jacquemus", category: "bags", size: "TU", price: 450 };
    expect(await decide("cust-camille", "price-drop", "email", { attributes: bag })).toMatchObject({
      verdict: "deny",
      reasons: ["filter.no_match"],
    });
    await page.goto(`${api.server.url}/portal/alerts`);
    const form = page.locator("form.alert-form").filter({ hasText: "Nouvelle alerte : Baisses de prix" });
    await form.getByLabel("Nom de l'alerte (facultatif)").fill("Sacs Jacquemus");
    await form.getByLabel("Jacquemus").check();
    await form.getByLabel("maximum").fill("abc");
    await form.getByRole("button", { name: "Créer l'alerte" }).click();
    expect(await page.locator(".field-error").first().textContent()).toBe("Doit être un nombre positif.");
    const retry = page.locator("form.alert-form").filter({ hasText: "Nouvelle alerte : Baisses de prix" });
    await retry.getByLabel("maximum").fill("500");
    await retry.getByRole("button", { name: "Créer l'alerte" }).click();
    expect(await page.getByRole("status").textContent()).toMatch(/Alerte créée/);
    expect((await decide("cust-camille", "price-drop", "email", { attributes: bag })).verdict).toBe("send");
    await page.getByRole("button", { name: "Supprimer l'alerte « Sacs Jacquemus »" }).click();
    expect((await decide("cust-camille", "price-drop", "email", { attributes: bag })).reasons).toEqual([
      "filter.no_match",
    ]);
  });

  it("pause and subjects to avoid apply to every non-essential message", async () => {
    await page.goto(`${api.server.url}/portal/avoid`);
    await page.getByLabel("Grossesse et bébé").check();
    await page.getByLabel("Ajouter un sujet").fill("Fourrure");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    const shoes = { designer: "Isabel Marant", category: "shoes", size: "38", price: 200 };
    for (const tag of ["pregnancy-baby", "fourrure"]) {
      expect(await decide("cust-camille", "price-drop", "email", { attributes: shoes, tags: [tag] })).toMatchObject({
        verdict: "deny",
        reasons: ["tag.excluded"],
      });
    }
    await page.goto(`${api.server.url}/portal/pause`);
    await page.getByLabel("Jusqu'au (inclus)").fill("1999-01-01");
    await page.getByRole("button", { name: "Mettre en pause" }).click();
    expect(await page.locator("#error-until").textContent()).toMatch(/année à venir/);
    const until = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("Jusqu'au (inclus)").fill(until);
    await page.getByRole("button", { name: "Mettre en pause" }).click();
    expect(await decide("cust-camille", "price-drop", "email", { attributes: shoes })).toMatchObject({
      verdict: "defer",
      reasons: ["paused"],
    });
    expect((await decide("cust-camille", "order-updates", "email", { priority: "critical" })).verdict).toBe("send");
    await page.getByRole("button", { name: "Reprendre maintenant" }).click();
    expect((await decide("cust-camille", "price-drop", "email", { attributes: shoes })).verdict).toBe("send");
  });
});

describe("with JavaScript", () => {
  it("counts the recent alerts a new filter would have matched as it is filled in", async () => {
    const { context, page, problems } = await signedIn("cust-camille");
    await page.goto(`${api.server.url}/portal/alerts`);
    await page.waitForLoadState("networkidle");
    // The seeded history: two Isabel Marant shoes in 38 under 300 € in the last 30 days.
    expect(await page.locator(".alert-row").first().textContent()).toMatch(/A correspondu à 2 alertes/);
    const form = page.locator("form.alert-form").filter({ hasText: "Nouvelle alerte : Baisses de prix" });
    await form.getByLabel("Jacquemus").check();
    await expectText(form.locator(".match-count"), "A correspondu à 2 alertes des 30 derniers jours.");
    await form.getByLabel("Sézane").check();
    await expectText(form.locator(".match-count"), "A correspondu à 3 alertes des 30 derniers jours.");
    // Nothing was saved by counting.
    expect(await api.db.alertFilter.count({ where: { customerId: customerIds["cust-camille"] } })).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});

async function expectText(locator: ReturnType<Page["locator"]>, text: string) {
  await locator.filter({ hasText: text }).waitFor({ timeout: 5_000 });
}

describe("history, why did I get this, and the inbox", () => {
  it("lists a committed send with its reason page, where one click stops the topic", async () => {
    const trench = { product: "SKU-TRENCH-0042", size: "M" };
    const sent = await decide("cust-james", "back-in-stock", "email", { attributes: trench, commit: true });
    expect(sent.verdict).toBe("send");
    await api.db.message.create({
      data: {
        brandId: demoId,
        customerId: customerIds["cust-james"]!,
        topicId: (await api.db.topic.findFirstOrThrow({ where: { brandId: demoId, key: "newsletter" } })).id,
        channels: '["email"]',
        content: "{}",
        status: "digested",
        // Tomorrow's digest: the running worker leaves it alone until then.
        dueAt: new Date(Date.now() + 86_400_000),
        events: { create: { status: "digested", reasons: '["frequency.digest"]', channel: "email" } },
      },
    });
    const { context, page, problems } = await signedIn("cust-james", { locale: "en-US" });
    await page.goto(`${api.server.url}/portal/history`);
    expect(await page.locator("#held-title + * td").last().textContent()).toMatch(
      /Folded into your digest, because you get this topic in a digest/,
    );
    await page.getByRole("link", { name: /Why did I get this\? \(Back in stock/ }).click();
    await page.getByRole("heading", { level: 1, name: "Why did I get this message?" }).waitFor();
    expect(await page.locator("main").textContent()).toMatch(/Agreement given on .* from the initial sign-up/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, "portal-why.en.png"), fullPage: true });
    await page.getByRole("button", { name: /Stop receiving/ }).click();
    await page.getByRole("status").waitFor();
    expect((await decide("cust-james", "back-in-stock", "email", { attributes: trench })).reasons).toEqual([
      "topic.unsubscribed",
    ]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows in-app notifications and marks them read", async () => {
    await api.db.inboxItem.create({
      data: {
        brandId: demoId,
        customerId: customerIds["cust-lea"]!,
        topicKey: "order-updates",
        title: "Commande expédiée",
        body: "Votre colis est en route.",
      },
    });
    const { context, page } = await signedIn("cust-lea", { javaScript: false });
    expect(await page.getByRole("link", { name: /Notifications/ }).textContent()).toMatch(/1/);
    await page.goto(`${api.server.url}/portal/inbox`);
    await page.getByRole("button", { name: /^Marquer comme lue\s*\(Commande expédiée\)$/ }).click();
    expect(await page.locator(".inbox li.read").count()).toBe(1);
    await context.close();
  });
});

describe("access", () => {
  it("refuses tampered, expired and cross-brand links with a clear page, and offers a fresh link", async () => {
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    const good = link("cust-marie");
    const tampered = good.replace(
      /token=([^.]+)\.(.)/,
      (_m, body: string, c: string) => `token=${body}.${c === "A" ? "B" : "A"}`,
    );
    let response = await page.goto(tampered);
    expect(response!.status()).toBe(400);
    expect(await page.textContent("h1")).toBe("Ce lien n'est pas valable");

    const other = await api.db.brand.findUniqueOrThrow({ where: { slug: "other" }, select: { id: true } });
    response = await page.goto(link("cust-marie", { brandId: other.id }));
    expect(response!.status()).toBe(400);
    expect((await context.cookies()).some((cookie) => cookie.name === "mesure_portal")).toBe(false);

    response = await page.goto(link("cust-marie", { ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) }));
    expect(response!.status()).toBe(410);
    expect(await page.textContent("h1")).toBe("Ce lien a expiré");
    await page.screenshot({ path: path.join(shots, "portal-expired.fr.png"), fullPage: true });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "M'envoyer un nouveau lien" }).click();
    await page.getByRole("status").waitFor();
    const mail = await smtp.waitFor((m) => /Votre lien/.test(m.subject) && m.to.includes("marie"));
    await page.goto(mail.links.find((href) => href.includes("/portal/enter"))!);
    expect(new URL(page.url()).pathname).toBe("/portal");
    await context.close();
  });

  it("signs in by email with a link that works once, answering the same for unknown addresses", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${api.server.url}/portal/sign-in?brand=demo`);
    await page.waitForLoadState("networkidle");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, "portal-sign-in.en.png"), fullPage: true });
    await page.getByLabel("Email address").fill("nobody@example.com");
    await page.getByRole("button", { name: "Send me the link" }).click();
    const unknown = await page.getByRole("status").textContent();
    await page.getByLabel("Email address").fill("Kenji.Sato@example.jp");
    await page.getByRole("button", { name: "Send me the link" }).click();
    await page.waitForLoadState("networkidle");
    expect(await page.getByRole("status").textContent()).toBe(unknown);
    const mail = await smtp.waitFor((m) => m.to.includes("kenji"));
    expect(smtp.messages.some((m) => m.to.includes("nobody"))).toBe(false);
    const enter = mail.links.find((href) => href.includes("/portal/enter"))!;
    await page.goto(enter);
    expect(new URL(page.url()).pathname).toBe("/portal");
    const again = await (await browser.newContext()).newPage();
    const second = await again.goto(enter);
    expect(second!.status()).toBe(410);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("refuses forms without the CSRF token and forms posted from another site", async () => {
    const { context, page } = await signedIn("cust-marie");
    const noToken = await page.request.post(`${api.server.url}/portal/avoid`, { form: { tags: "alcohol" } });
    expect(noToken.status()).toBe(403);
    const crossSite = await page.request.post(`${api.server.url}/portal/avoid`, {
      form: { tags: "alcohol" },
      headers: { Origin: "https://evil.example" },
    });
    expect(crossSite.status()).toBe(403);
    const preference = await api.db.customerPreference.findUnique({
      where: { customerId: customerIds["cust-marie"] },
      select: { excludedTags: true },
    });
    expect(preference?.excludedTags ?? "[]").not.toContain("alcohol");
    await context.close();
  });

  it("signs out for real: the old cookie no longer opens the portal", async () => {
    const { context, page } = await signedIn("cust-kenji", { javaScript: false });
    const cookie = (await context.cookies()).find((c) => c.name === "mesure_portal")!;
    await page.getByRole("button", { name: "Sign out" }).click();
    expect(new URL(page.url()).pathname).toBe("/portal/sign-in");
    const replay = await fetch(`${api.server.url}/portal`, {
      headers: { Cookie: `mesure_portal=${cookie.value}` },
      redirect: "manual",
    });
    expect(replay.status).toBe(302);
    await context.close();
  });

  it("is usable from the keyboard: skip link, then the sections in order", async () => {
    const { context, page } = await signedIn("cust-camille");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Aller au contenu");
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab");
      order.push((await page.evaluate(() => document.activeElement?.textContent?.trim())) ?? "");
    }
    expect(order).toEqual(["English", "Se déconnecter", "Vue d'ensemble", "Abonnements", "Alertes", "Canaux"]);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/portal\/channels$/);
    await context.close();
  });
});

it("offers one-click unsubscribe from a message, with an undo, readable by everyone", async () => {
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const problems = watchProblems(page);
  const url = unsubscribeLink({
    secret: SECRET,
    publicUrl: api.server.url,
    brandId: demoId,
    customerId: customerIds["cust-lea"]!,
    topic: "newsletter",
    channel: "email",
  });
  await page.goto(url);
  await page.waitForLoadState("networkidle");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Me désabonner" }).click();
  await page.getByRole("button", { name: /Annuler/ }).waitFor();
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, "unsubscribe.fr.png"), fullPage: true });
  expect((await decide("cust-lea", "newsletter", "email")).reasons).toContain("topic.unsubscribed");
  expect(problems).toEqual([]);
  await context.close();
});

it("keeps a forged token from minting a session for a made-up customer", async () => {
  const token = mintToken(SECRET, { purpose: "portal", brandId: demoId, customerId: "nobody", ttlSeconds: 60 });
  const response = await fetch(`${api.server.url}/portal/enter?token=${token}`, { redirect: "manual" });
  expect(response.status).toBe(400);
});
