// The console's dashboard, consent records, privacy requests and audit log, over real HTTP on a
// real database: decisions made through the API reach DecisionStat and the dashboard's figures,
// cookie choices and an unsubscribe show in their panels, an overdue erasure is flagged, consent
// search finds a customer and their receipt stays within the brand, the audit log filters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shortDay } from "~/components/console/chart-scale";
import { recordAudit } from "~/models/audit.server";
import { defaultCookieConfig } from "~/privacy/cookie-config";
import { startConsole, type ConsoleClient, type ConsoleFixture } from "../support/console";
import { testProvider } from "../support/database";
import { startServer } from "../support/processes";
import { eventually } from "../support/shop";

let app: ConsoleFixture;
let owner: ConsoleClient;
let viewer: ConsoleClient;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  app = await startConsole({ DECISION_STATS_FLUSH_MS: "100" });
  owner = await app.signIn("demo", "owner");
  viewer = await app.signIn("demo", "viewer");
});
afterAll(() => app?.stop());

const strip = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .trim();

/** The rows of the table with that caption: row header → the cells' text. */
function tableRows(html: string, caption: string): Map<string, string[]> {
  const start = html.indexOf(`<caption>${caption}</caption>`);
  if (start < 0) throw new Error(`no table captioned "${caption}" in the page`);
  const table = html.slice(start, html.indexOf("</table>", start));
  const rows = new Map<string, string[]>();
  for (const [, row] of table.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)) {
    const header = /<th scope="row"[^>]*>(.*?)<\/th>/s.exec(row!);
    if (!header) continue;
    rows.set(
      strip(header[1]!),
      [...row!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((cell) => strip(cell[1]!)),
    );
  }
  return rows;
}

const demoStats = async (source: string) =>
  (
    await app.db.decisionStat.findMany({
      where: { brandId: app.brandIds.demo, day: today, source },
      select: { verdict: true, reason: true, count: true },
    })
  ).reduce((sum, row) => sum + row.count, 0);

describe(`decision counts (${testProvider})`, () => {
  it("counts every decision the API answers, single and batch, and shows them on the dashboard", async () => {
    const before = await demoStats("api");
    const asks = [
      { customer: "cust-camille", topic: "newsletter", channel: "email" },
      { customer: "cust-camille", topic: "order-updates", channel: "email", priority: "critical" },
      { customer: "cust-marie", topic: "newsletter", channel: "email" },
    ];
    const verdicts: string[] = [];
    for (const ask of asks) {
      const answer = await app.call("POST", "/api/v1/decisions", ask);
      expect(answer.status).toBe(200);
      verdicts.push(answer.body.verdict);
    }
    const batch = await app.call("POST", "/api/v1/decisions/batch", {
      items: [
        { customer: "cust-james", topic: "newsletter", channel: "email" },
        { customer: "cust-james", topic: "no-such-topic", channel: "email" },
        { customer: "cust-kenji", topic: "price-drop", channel: "email", commit: true },
      ],
    });
    expect(batch.status).toBe(200);
    for (const result of batch.body.results) if (result.verdict) verdicts.push(result.verdict);
    // The unknown topic is answered with an error: it decided nothing and is not counted.
    expect(verdicts).toHaveLength(5);
    // Another brand's decisions go to its own figures.
    expect(
      (
        await app.call(
          "POST",
          "/api/v1/decisions",
          { customer: "other-1", topic: "newsletter", channel: "email" },
          { key: app.otherKey },
        )
      ).status,
    ).toBe(200);

    const otherStats = async () =>
      (
        await app.db.decisionStat.findMany({
          where: { brandId: app.brandIds.other, day: today },
          select: { count: true },
        })
      ).reduce((sum, row) => sum + row.count, 0);
    await eventually(async () => (await otherStats()) === 1, 10_000, "the other brand's count to be flushed");
    await eventually(async () => (await demoStats("api")) === before + 5, 10_000, "the counts to be flushed");
    const marie = await app.db.decisionStat.findMany({
      where: { brandId: app.brandIds.demo, day: today, source: "api", verdict: "deny" },
      select: { reason: true },
    });
    // Marie left the newsletter in the demo: her decision's first reason is what holds it back.
    expect(marie.map((row) => row.reason)).toContain("topic.unsubscribed");

    const { status, html } = await viewer.page("/console?days=7&lang=en");
    expect(status).toBe(200);
    const row = tableRows(html, "Decisions per day").get(shortDay(today, "en"));
    const expected = (verdict: string) => verdicts.filter((v) => v === verdict).length;
    expect(row).toEqual([
      String(expected("send")),
      String(expected("defer")),
      String(expected("digest")),
      String(expected("deny")),
      "5",
    ]);
    expect(html).toContain('role="img"');
    expect(html).toMatch(/<desc id="decisions-desc">5 decisions over 7 days/);
    // Columns: deferred, digest, denied, total.
    const unsubscribed = tableRows(html, "Why messages were held back").get(
      "unsubscribed from the topic (topic.unsubscribed)",
    );
    expect(Number(unsubscribed![2])).toBeGreaterThanOrEqual(1);
  });

  it("counts the scheduler's decisions apart", async () => {
    const before = await demoStats("scheduler");
    const handed = await app.call("POST", "/api/v1/messages", {
      customer: "cust-camille",
      topic: "newsletter",
      channels: ["email"],
      content: { email: { subject: "Soldes", text: "Les soldes commencent demain." } },
    });
    expect(handed.status).toBe(202);
    await eventually(async () => (await demoStats("scheduler")) > before, 10_000, "the scheduler's count");
  });

  it("refuses a range it does not offer, beside the field", async () => {
    const { status, html } = await viewer.page("/console?days=12&lang=en");
    expect(status).toBe(400);
    expect(html).toContain("Choose 7, 30 or 90 days.");
    expect(html).toContain('aria-invalid="true"');
  });

  it("writes what is left when the process is stopped", async () => {
    // A second process on the same database, flushing only at shutdown.
    const second = await startServer({
      ...app.env,
      SEED_DEMO: "false",
      WORKER: "false",
      DECISION_STATS_FLUSH_MS: "600000",
    });
    try {
      const before = await demoStats("api");
      const response = await fetch(`${second.url}/api/v1/decisions`, {
        method: "POST",
        headers: { Authorization: `Bearer ${app.demoKey}`, "Content-Type": "application/json" },
        body: JSON.stringify({ customer: "cust-lea", topic: "newsletter", channel: "email" }),
      });
      expect(response.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await demoStats("api")).toBe(before);
      expect(await second.stop()).toBe(0);
      expect(await demoStats("api")).toBe(before + 1);
    } finally {
      await second.stop();
    }
  });
});

describe(`consent panels (${testProvider})`, () => {
  it("shows cookie consent rates per category and opt-outs per topic", async () => {
    const base = (await viewer.page("/console?days=7&lang=en")).html;
    const optOutsBefore = Number(tableRows(base, "Opt-outs per topic").get("The weekly letter (newsletter)")?.[0] ?? 0);

    const choose = (visitor: string, method: string, categories: Record<string, boolean> = {}) =>
      fetch(`${app.server.url}/embed/v1/choices`, {
        method: "POST",
        headers: { "Content-Type": "text/plain;charset=UTF-8" },
        body: JSON.stringify({
          brand: "demo",
          visitor,
          policyVersion: "1",
          locale: "en",
          method,
          categories,
          gpc: false,
        }),
      });
    expect((await choose("dash-visitor-0001-aaaaaa", "accept_all")).status).toBe(201);
    expect((await choose("dash-visitor-0002-aaaaaa", "reject_all")).status).toBe(201);
    expect((await choose("dash-visitor-0003-aaaaaa", "custom", { analytics: true })).status).toBe(201);
    const patch = await app.call("PATCH", "/api/v1/customers/cust-camille/preferences", {
      subscriptions: [{ topic: "newsletter", channel: "email", status: "unsubscribed" }],
      source: "crm-sync",
    });
    expect(patch.status).toBe(200);

    const { html } = await viewer.page("/console?days=7&lang=en");
    const cookies = tableRows(html, "Cookie consent per category").get(shortDay(today, "en"));
    // Columns: analytics, advertising, personalisation (necessary is always on, so left out).
    expect(cookies).toEqual(["67%", "33%", "33%"]);
    const optOuts = tableRows(html, "Opt-outs per topic").get("The weekly letter (newsletter)");
    expect(Number(optOuts![0])).toBe(optOutsBefore + 1);
  });
});

describe(`privacy requests (${testProvider})`, () => {
  let overdueId: string;
  let propagatingId: string;

  beforeAll(async () => {
    const customers = await app.db.customer.findMany({
      where: { brandId: app.brandIds.demo, externalId: { in: ["cust-james", "cust-aroha"] } },
      select: { id: true, externalId: true },
    });
    const idOf = (externalId: string) => customers.find((row) => row.externalId === externalId)!.id;
    const day = 86_400_000;
    const now = Date.now();
    // Still in a (long) grace period, past its one-month deadline: the jobs leave it alone.
    overdueId = (
      await app.db.erasureRequest.create({
        data: {
          brandId: app.brandIds.demo,
          customerId: idOf("cust-james"),
          via: "portal",
          status: "scheduled",
          requestedAt: new Date(now - 33 * day),
          executeAt: new Date(now + 10 * day),
          deadlineAt: new Date(now - 2 * day - 3_600_000),
        },
        select: { id: true },
      })
    ).id;
    propagatingId = (
      await app.db.erasureRequest.create({
        data: {
          brandId: app.brandIds.demo,
          customerId: idOf("cust-aroha"),
          via: "api",
          status: "propagating",
          requestedAt: new Date(now - 5 * day),
          executeAt: new Date(now - 5 * day),
          deadlineAt: new Date(now + 25 * day),
          erasedAt: new Date(now - 5 * day),
          dispatches: {
            create: [
              {
                connectorName: "CRM",
                status: "pending",
                attempts: 3,
                lastStatus: 503,
                lastError: "Service Unavailable",
                lastAttemptAt: new Date(now - day),
                // Not due again during the test: the jobs must not touch it.
                nextAttemptAt: new Date(now + 10 * day),
              },
              {
                connectorName: "Mailing",
                status: "acknowledged",
                attempts: 1,
                lastStatus: 200,
                acknowledgedAt: new Date(now - 4 * day),
                nextAttemptAt: new Date(now + 10 * day),
              },
            ],
          },
        },
        select: { id: true },
      })
    ).id;
  });

  it("flags the overdue request on the dashboard, with a link to it", async () => {
    const { html } = await viewer.page("/console?lang=en");
    expect(html).toContain("1 request is past its one-month deadline.");
    const row = tableRows(html, "Overdue requests, earliest deadline first").get(overdueId);
    expect(row).toEqual(["in its grace period", expect.any(String), expect.any(String), "3 days"]);
    expect(html).toContain(`href="/console/privacy/${overdueId}"`);
  });

  it("lists requests overdue first, in words, and filters by status", async () => {
    const { status, html } = await viewer.page("/console/privacy?lang=en");
    expect(status).toBe(200);
    const caption = "Erasure requests, overdue ones first (times in Europe/Paris)";
    const ids = [...tableRows(html, caption).keys()];
    expect(ids[0]).toBe(overdueId);
    expect(ids).toContain(propagatingId);
    expect(tableRows(html, caption).get(overdueId)).toContain("⚠ Overdue by 3 days");
    expect(tableRows(html, caption).get(propagatingId)).toEqual(
      expect.arrayContaining(["under way in the systems", "1 of 2 confirmed"]),
    );

    const open = await viewer.page("/console/privacy?status=overdue&lang=en");
    expect([...tableRows(open.html, caption).keys()]).toEqual([overdueId]);
    const bad = await viewer.page("/console/privacy?status=lost&lang=en");
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Choose one of the statuses offered.");
  });

  it("shows each connector's state on the request's page, and hides it from another brand", async () => {
    const { status, html } = await viewer.page(`/console/privacy/${propagatingId}?lang=en`);
    expect(status).toBe(200);
    const systems = tableRows(html, "State of the erasure in each system");
    expect(systems.get("Mesure")?.[0]).toContain("confirmed");
    expect(systems.get("CRM")).toEqual(
      expect.arrayContaining(["waiting for confirmation", "3", "HTTP 503", "Service Unavailable"]),
    );
    expect(systems.get("Mailing")).toEqual(expect.arrayContaining(["✓ confirmed", "HTTP 200"]));

    const overdue = await viewer.page(`/console/privacy/${overdueId}?lang=en`);
    expect(overdue.html).toContain("Overdue by 3 days");

    const stranger = await app.signIn("other", "owner");
    expect((await stranger.page(`/console/privacy/${propagatingId}`)).status).toBe(404);
    expect((await stranger.page("/console/privacy?lang=en")).html).not.toContain(propagatingId);
  });
});

describe(`consent records (${testProvider})`, () => {
  it("finds the demo customer by external id and email, lists their events, and says the ledger is intact", async () => {
    const { status, html } = await viewer.page("/console/consents?q=cust-camille&lang=en");
    expect(status).toBe(200);
    expect(html).toContain("Customer cust-camille");
    expect(html).toMatch(/Ledger intact: the brand&#x27;s \d+ events were verified/);
    const events = tableRows(html, "Ledger events, oldest first (times in Europe/Paris)");
    const stored = await app.db.consentEvent.findMany({
      where: { brandId: app.brandIds.demo, customer: { externalId: "cust-camille" } },
      select: { seq: true },
    });
    expect([...events.keys()].sort()).toEqual(stored.map((event) => String(event.seq)).sort());
    expect(html).toContain("Subscription to");

    const byEmail = await viewer.page(`/console/consents?q=${encodeURIComponent("Camille.Martin@example.fr")}&lang=en`);
    expect(byEmail.html).toContain("Customer cust-camille");

    const nothing = await viewer.page("/console/consents?q=nobody-here&lang=en");
    expect(nothing.html).toContain("No customer or visitor matches");
    const empty = await viewer.page("/console/consents?q=%20&lang=en");
    expect(empty.status).toBe(400);
    expect(empty.html).toContain("This field is required.");
  });

  it("finds an anonymous visitor's cookie choices by visitor id", async () => {
    const visitor = "dash-visitor-0009-bbbbbb";
    const made = await fetch(`${app.server.url}/embed/v1/choices`, {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({
        brand: "demo",
        visitor,
        policyVersion: "1",
        locale: "fr",
        method: "reject_all",
        gpc: false,
        categories: {},
      }),
    });
    expect(made.status).toBe(201);
    const { html } = await viewer.page(`/console/consents?q=${visitor}&lang=en`);
    expect(html).toContain(`Cookie choices of visitor ${visitor}, linked to no customer`);
    expect(html).toContain("Cookie banner");
    // The French banner's words behind the fingerprint, folded under it.
    expect(html).toContain("Text shown (fr)");
    expect(html).toContain(defaultCookieConfig.texts.fr.title);
  });

  it("gives the receipt of the brand's own customer, and 404 for another brand's", async () => {
    const camille = await app.db.customer.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, externalId: "cust-camille" },
      select: { id: true },
    });
    const stranger = await app.db.customer.findFirstOrThrow({
      where: { brandId: app.brandIds.other, externalId: "other-1" },
      select: { id: true },
    });
    const own = await viewer.request(`/console/consents/${camille.id}/receipt.json`);
    expect(own.status).toBe(200);
    expect(own.headers.get("content-type")).toContain("application/json");
    const receipt = await own.json();
    expect(receipt.format).toBe("mesure-consent-receipt/1");
    expect(receipt.customerId).toBe(camille.id);
    expect(receipt.events.length).toBeGreaterThan(0);

    const crossed = await owner.request(`/console/consents/${stranger.id}/receipt.json`);
    expect(crossed.status).toBe(404);
    expect(await crossed.text()).not.toContain("other-1");
    expect((await owner.page(`/console/consents?customer=${stranger.id}`)).status).toBe(404);
    // Signed out: sent to sign in, never the receipt.
    const anonymous = await fetch(`${app.server.url}/console/consents/${camille.id}/receipt.json`, {
      redirect: "manual",
    });
    expect(anonymous.status).toBe(302);
  });
});

describe(`audit log (${testProvider})`, () => {
  it("lists entries newest first, filters by action prefix and author, pages to older ones", async () => {
    const at = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    await recordAudit(
      app.db,
      {
        brandId: app.brandIds.demo,
        actor: "owner@demo.example",
        action: "topic.update",
        target: "newsletter",
        detail: { nameEn: ["Letter", "News"] },
      },
      at(3),
    );
    await recordAudit(
      app.db,
      { brandId: app.brandIds.demo, actor: "cli", action: "api_key.create", target: "crm" },
      at(2),
    );
    await recordAudit(
      app.db,
      { brandId: app.brandIds.other, actor: "owner@other.example", action: "topic.delete", target: "secret-topic" },
      at(1),
    );

    const all = await viewer.page("/console/audit?lang=en");
    expect(all.status).toBe(200);
    expect(all.html).toContain("topic.update");
    expect(all.html).toContain("api_key.create");
    expect(all.html).not.toContain("secret-topic");
    expect(all.html.indexOf("api_key.create")).toBeLessThan(all.html.indexOf("topic.update"));
    expect(all.html).toMatch(
      /<dt>nameEn<\/dt><dd><code>\[\s*&quot;Letter&quot;,\s*&quot;News&quot;\s*\]<\/code><\/dd>/,
    );

    const topics = await viewer.page("/console/audit?action=topic&lang=en");
    expect(topics.html).toContain("topic.update");
    expect(topics.html).not.toContain("api_key.create");
    const byCli = await viewer.page("/console/audit?actor=cli&lang=en");
    expect(byCli.html).toContain("api_key.create");
    expect(byCli.html).not.toContain("topic.update");

    // Paging: 60 more entries, so the first page (50) links to older ones.
    for (let i = 0; i < 60; i++) {
      await recordAudit(
        app.db,
        { brandId: app.brandIds.demo, actor: "cli", action: "channel.update", target: `c${i}` },
        at(0),
      );
    }
    const first = await viewer.page("/console/audit?lang=en");
    const older = /href="(\/console\/audit\?cursor=[^"]+)">Older entries/.exec(first.html);
    expect(older).not.toBeNull();
    const second = await viewer.page(older![1]!.replace(/&amp;/g, "&") + "&lang=en");
    expect(second.status).toBe(200);
    expect(second.html).toContain("topic.update");
    expect(second.html).toContain("Newest entries");

    const bad = await viewer.page("/console/audit?action=DROP%20TABLE&lang=en");
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Lower-case letters, digits, dots and underscores only");
  });
});
