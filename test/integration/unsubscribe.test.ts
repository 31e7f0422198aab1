// One-click unsubscribe (RFC 8058) over real HTTP: the mail client's POST with no cookie
// unsubscribes and answers 200, the footer link's page offers the same and an undo, every change
// is a consent event that reaches the next decision, and a forged or altered link changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unsubscribeLink } from "~/lib/unsubscribe-link.server";
import { testProvider } from "../support/database";
import { startApi, type ApiFixture } from "../support/api";

let api: ApiFixture;
let demoId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await startApi();
  demoId = (await api.db.brand.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } })).id;
  for (const row of await api.db.customer.findMany({
    where: { brandId: demoId },
    select: { id: true, externalId: true },
  })) {
    ids[row.externalId] = row.id;
  }
});
afterAll(() => api?.stop());

const link = (customer: string, topic: string, channel = "email", brandId?: string) =>
  unsubscribeLink({
    secret: "k".repeat(64),
    publicUrl: api.server.url,
    brandId: brandId ?? demoId,
    customerId: ids[customer]!,
    topic,
    channel,
  });

async function verdict(customer: string, topic: string) {
  const response = await api.call("POST", "/api/v1/decisions", { customer, topic, channel: "email" });
  return response.body as { verdict: string; reasons: string[] };
}

const oneClick = (url: string) =>
  fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });

describe(`one-click unsubscribe (${testProvider})`, () => {
  it("unsubscribes on the mail client's POST, with no cookie, and records it", async () => {
    expect((await verdict("cust-aroha", "newsletter")).verdict).toBe("digest");
    const response = await oneClick(link("cust-aroha", "newsletter"));
    expect(response.status).toBe(200);
    expect(await verdict("cust-aroha", "newsletter")).toMatchObject({
      verdict: "deny",
      reasons: ["topic.unsubscribed"],
    });
    const event = await api.db.consentEvent.findFirstOrThrow({
      where: { customerId: ids["cust-aroha"], subject: "newsletter:email" },
      orderBy: { seq: "desc" },
      select: { source: true, after: true },
    });
    expect(event.source).toBe("one_click_unsubscribe");
    expect(JSON.parse(event.after).status).toBe("unsubscribed");
    // Repeated (mail clients retry): still 200, no second event.
    const before = await api.db.consentEvent.count({ where: { customerId: ids["cust-aroha"] } });
    expect((await oneClick(link("cust-aroha", "newsletter"))).status).toBe(200);
    expect(await api.db.consentEvent.count({ where: { customerId: ids["cust-aroha"] } })).toBe(before);
  });

  it("shows the footer link's page in the customer's language, then undoes on request", async () => {
    const url = link("cust-kenji", "newsletter");
    const page = await fetch(url, { headers: { "Accept-Language": "fr" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Stop receiving \u201cThe weekly letter\u201d by email?");
    const left = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "intent=unsubscribe",
    });
    expect(await left.text()).toContain("Done: you will no longer receive");
    expect((await verdict("cust-kenji", "newsletter")).reasons).toEqual(["topic.unsubscribed"]);
    const undone = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      // What the done page's undo form carries: the topics its click stopped.
      body: "intent=undo&topic=newsletter",
    });
    expect(await undone.text()).toContain("you keep receiving");
    expect((await verdict("cust-kenji", "newsletter")).verdict).toBe("digest");
  });

  it("leaves every topic of a digest with its link, and undoes only what that click stopped", async () => {
    // Kenji gets the newsletter and price drops; he had left nothing yet. Camille's link below
    // names a topic she never subscribed to by email: undo must not subscribe her to it.
    const url = unsubscribeLink({
      secret: "k".repeat(64),
      publicUrl: api.server.url,
      brandId: demoId,
      customerId: ids["cust-camille"]!,
      topic: "newsletter",
      channel: "email",
      topics: ["newsletter", "price-drop", "partner-offers"],
    });
    const page = await fetch(url);
    expect(await page.text()).toContain(
      "Ne plus recevoir « La lettre de la semaine », « Baisses de prix », « Offres de nos partenaires » par",
    );
    const left = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(left.status).toBe(200);
    expect((await verdict("cust-camille", "newsletter")).reasons).toEqual(["topic.unsubscribed"]);
    const drop = await api.call("POST", "/api/v1/decisions", {
      customer: "cust-camille",
      topic: "price-drop",
      channel: "email",
    });
    expect(drop.body.reasons).toContain("topic.unsubscribed");
    const undone = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "intent=undo&topic=newsletter&topic=price-drop",
    });
    expect(undone.status).toBe(200);
    expect((await verdict("cust-camille", "newsletter")).verdict).toBe("digest");
    const partner = await api.db.subscription.findFirst({
      where: { customerId: ids["cust-camille"], topic: { key: "partner-offers" }, channel: "email" },
      select: { status: true },
    });
    expect(partner?.status ?? "none").not.toBe("subscribed");
  });

  it("refuses altered, cross-brand and service-topic links without changing anything", async () => {
    const good = link("cust-camille", "newsletter");
    // One character of the signature changed.
    const altered = good.replace(
      /(token=[^.]+)\.(.)/,
      (_m, body: string, c: string) => `${body}.${c === "A" ? "B" : "A"}`,
    );
    expect((await oneClick(altered)).status).toBe(400);
    const other = await api.db.brand.findUniqueOrThrow({ where: { slug: "other" }, select: { id: true } });
    expect((await oneClick(link("cust-camille", "newsletter", "email", other.id))).status).toBe(400);
    expect((await verdict("cust-camille", "newsletter")).verdict).toBe("digest");
    const service = await oneClick(link("cust-camille", "order-updates"));
    expect(service.status).toBe(200);
    expect(await service.text()).toContain("ne peuvent pas être désactivés");
    const order = await api.call("POST", "/api/v1/decisions", {
      customer: "cust-camille",
      topic: "order-updates",
      channel: "email",
      priority: "critical",
    });
    expect(order.body.verdict).toBe("send");
  });
});
