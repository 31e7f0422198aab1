// What a person does with an email the scheduler sent, in Chromium: the footer's "why" link
// opens the portal on that very message, signed in by the link alone; the unsubscribe link's
// page leaves the topic in one click and offers an undo; the digest's link leaves all its
// topics. Each page passes axe and logs no error.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type ApiFixture } from "../support/api";
import { launchBrowser, seriousAccessibilityViolations, watchProblems } from "../support/browser";
import { startSmtpSink, type SmtpSink } from "../support/smtp";
import { createShop, eventually, type Shop } from "../support/shop";

let api: ApiFixture;
let smtp: SmtpSink;
let browser: Browser;
let shop: Shop;

beforeAll(async () => {
  smtp = await startSmtpSink();
  api = await startApi({ SMTP_URL: smtp.url });
  shop = await createShop(api.db);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await smtp?.stop();
});

async function received(customer: string, body: unknown) {
  const response = await api.call("POST", "/api/v1/messages", body, { key: shop.key });
  expect(response.status).toBe(202);
  return smtp.waitFor((mail) => mail.to.includes(`${customer}@example.com`));
}

describe("links in a scheduled email", () => {
  it("opens the why page for that message, then leaves the topic from the unsubscribe page and undoes it", async () => {
    await shop.customer("amelie", { locale: "fr", subscribe: [["news", "email"]] });
    const mail = await received("amelie", {
      customer: "amelie",
      topic: "news",
      channel: "email",
      content: {
        template: { name: "notification", data: { title: "La collection d'hiver", body: "Elle est arrivée." } },
      },
    });
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    const problems = watchProblems(page);

    await page.goto(mail.links.find((link) => link.includes("%2Fportal%2Fwhy%2F"))!);
    await page.getByRole("heading", { level: 1, name: "Pourquoi ai-je reçu ce message ?" }).waitFor();
    expect(await page.locator("main").textContent()).toMatch(/Vous êtes inscrit·e à « Nouveautés » par e-mail/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    const unsubscribe = /<(https?:[^>]+)>/.exec(mail.headers.get("list-unsubscribe") ?? "")![1]!;
    await page.goto(unsubscribe);
    await page.getByRole("button", { name: "Me désabonner" }).click();
    await page.getByRole("status").filter({ hasText: "C'est fait" }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    const decide = () =>
      api.call("POST", "/api/v1/decisions", { customer: "amelie", topic: "news", channel: "email" }, { key: shop.key });
    expect((await decide()).body.reasons).toEqual(["topic.unsubscribed"]);
    await page.getByRole("button", { name: /Annuler/ }).click();
    await page.getByRole("status").filter({ hasText: "vous continuez" }).waitFor();
    expect((await decide()).body.verdict).toBe("send");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("leaves every topic of a digest from its link", async () => {
    const bob = await shop.customer("bob", {
      subscribe: [
        ["weekly", "email"],
        ["news", "email", "daily"],
      ],
    });
    for (const topic of ["weekly", "news"]) {
      const response = await api.call(
        "POST",
        "/api/v1/messages",
        { customer: "bob", topic, channel: "email", content: { email: { subject: `About ${topic}`, text: "Hello" } } },
        { key: shop.key },
      );
      expect(response.body.status).toBe("digested");
    }
    // The digest's time comes.
    await api.db.message.updateMany({ where: { customerId: bob.id, status: "digested" }, data: { dueAt: new Date() } });
    const mail = await smtp.waitFor((m) => m.to.includes("bob@example.com"));
    expect(mail.subject).toBe("La Boutique: your selection (2 new items)");
    const context = await browser.newContext({ locale: "en-GB", javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(/<(https?:[^>]+)>/.exec(mail.headers.get("list-unsubscribe") ?? "")![1]!);
    expect(await page.locator("main p").first().textContent()).toMatch(/The letter.*News|News.*The letter/);
    await page.getByRole("button", { name: "Unsubscribe me" }).click();
    await page.getByRole("status").waitFor();
    const statuses = await api.db.subscription.findMany({ where: { customerId: bob.id }, select: { status: true } });
    expect(statuses.map((row) => row.status)).toEqual(["unsubscribed", "unsubscribed"]);
    await eventually(async () => (await api.db.message.count({ where: { customerId: bob.id, status: "sent" } })) === 2);
    await context.close();
  });
});
