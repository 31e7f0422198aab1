// The scheduler over real HTTP, a real database and a real SMTP server: intake answers with the
// decision, the worker in the web process sends by SMTP with the RFC 8058 headers and a footer
// that says why, digests group a customer's messages at their local digest time, a consent
// withdrawn after intake stops the send, channels fall back, hard bounces suppress, transient
// failures are retried, and the API refuses bad input without changing anything.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type ApiFixture } from "../support/api";
import { testProvider } from "../support/database";
import { startSmtpSink, type SmtpSink } from "../support/smtp";
import { createShop, eventually, type Shop } from "../support/shop";

let api: ApiFixture;
let smtp: SmtpSink;
let shop: Shop;
let softFailures = 0;

beforeAll(async () => {
  smtp = await startSmtpSink({
    rejectRecipient: (address) => {
      if (address.startsWith("bounce")) return { code: 550, message: "5.1.1 No such user here" };
      // Greylisting: the first try is refused for now, the next one accepted.
      if (address.startsWith("greylisted") && softFailures++ === 0)
        return { code: 451, message: "4.7.1 Try again later" };
      return null;
    },
  });
  api = await startApi({ SMTP_URL: smtp.url, WORKER_CONCURRENCY: "4" });
  shop = await createShop(api.db);
});
afterAll(async () => {
  await api?.stop();
  await smtp?.stop();
});

const send = (body: unknown, headers: Record<string, string> = {}) =>
  api.call("POST", "/api/v1/messages", body, { key: shop.key, headers });
const history = async (id: string) =>
  (await api.call("GET", `/api/v1/messages/${id}`, undefined, { key: shop.key })).body;
const settled = (id: string, status: string) =>
  eventually(
    async () => {
      const view = await history(id);
      return view.status === status ? view : undefined;
    },
    15_000,
    `message ${id} to be ${status}`,
  );
const news = (text = "Les soldes commencent demain.") => ({ email: { subject: "Soldes", text } });

describe(`the scheduler (${testProvider})`, () => {
  it("sends a marketing email now, with RFC 8058 headers and a footer that says why", async () => {
    const camille = await shop.customer("camille", { locale: "fr", subscribe: [["news", "email"]] });
    const accepted = await send({ customer: camille.externalId, topic: "news", channel: "email", content: news() });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: "queued", channel: "email", decision: { verdict: "send" } });
    const mail = await smtp.waitFor((m) => m.to.includes("camille@example.com"));
    expect(mail.subject).toBe("Soldes");
    expect(mail.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const unsubscribe = /<(https?:[^>]+)>/.exec(mail.headers.get("list-unsubscribe") ?? "")?.[1];
    expect(unsubscribe).toMatch(/\/unsubscribe\?token=/);
    expect(mail.text).toMatch(/vous êtes inscrit·e à « Nouveautés » par e-mail chez La Boutique/);
    const why = mail.links.find((link) => link.includes("next=%2Fportal%2Fwhy%2F"));
    expect(why).toBeTruthy();

    const view = await settled(accepted.body.id, "sent");
    expect(view.history.map((event: { status: string }) => event.status)).toEqual(["queued", "sent"]);
    expect(view.channel).toBe("email");
    // The delivery the footer names is this message's.
    const delivery = await api.db.delivery.findFirstOrThrow({ where: { messageId: accepted.body.id } });
    expect(delivery.status).toBe("sent");
    expect(why).toContain(delivery.id);
    expect(mail.messageId).toBe(delivery.providerId);

    // The mail client's one-click POST: no cookie, no session, 200, and the next message is denied.
    const click = await fetch(unsubscribe!, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(click.status).toBe(200);
    const after = await send({ customer: camille.externalId, topic: "news", channel: "email", content: news() });
    expect(after.body).toMatchObject({ status: "denied", decision: { reasons: ["topic.unsubscribed"] } });
  });

  it("does not send a message whose consent was withdrawn after it was queued", async () => {
    const dana = await shop.customer("dana", { subscribe: [["news", "email"]] });
    // Paused for two seconds: the message waits, and meanwhile Dana unsubscribes.
    const pause = await api.call(
      "PATCH",
      `/api/v1/customers/dana/preferences`,
      { pausedUntil: new Date(Date.now() + 2_000).toISOString() },
      { key: shop.key },
    );
    expect(pause.status).toBe(200);
    const accepted = await send({ customer: "dana", topic: "news", channel: "email", content: news() });
    expect(accepted.body.status).toBe("deferred");
    const withdrawn = await api.call(
      "PATCH",
      `/api/v1/customers/dana/preferences`,
      { subscriptions: [{ topic: "news", channel: "email", status: "unsubscribed" }] },
      { key: shop.key },
    );
    expect(withdrawn.status).toBe(200);
    const view = await settled(accepted.body.id, "denied");
    expect(view.history[0]).toMatchObject({
      status: "deferred",
      reasons: ["paused"],
      until: accepted.body.decision.notBefore,
    });
    expect(view.history.at(-1)).toMatchObject({ status: "denied", reasons: ["topic.unsubscribed"] });
    expect(smtp.messages.some((mail) => mail.to.includes("dana@example.com"))).toBe(false);
    expect(await api.db.delivery.count({ where: { customerId: dana.id } })).toBe(0);
  });

  it("falls back to the next channel when the first cannot reach the customer", async () => {
    await shop.customer("eli", {
      subscribe: [
        ["news", "push"],
        ["news", "email"],
      ],
    });
    const accepted = await send({
      customer: "eli",
      topic: "news",
      channels: ["push", "email"],
      content: { ...news(), push: { title: "Soldes", text: "Demain" } },
    });
    expect(accepted.body).toMatchObject({ status: "queued", channel: "email" });
    const view = await settled(accepted.body.id, "sent");
    expect(view.history[0].detail).toMatch(/push: .*channel\.no_contact/);
    await smtp.waitFor((m) => m.to.includes("eli@example.com"));
  });

  it("puts a hard-bounced address on the suppression list", async () => {
    await shop.customer("bounce", { email: "bounce@example.com", subscribe: [["news", "email"]] });
    const accepted = await send({ customer: "bounce", topic: "news", channel: "email", content: news() });
    const view = await settled(accepted.body.id, "failed");
    expect(view.history.at(-1).detail).toMatch(/550|No such user/);
    const delivery = await api.db.delivery.findFirstOrThrow({ where: { messageId: accepted.body.id } });
    expect(delivery.status).toBe("bounced");
    const next = await api.call(
      "POST",
      "/api/v1/decisions",
      { customer: "bounce", topic: "orders", channel: "email", priority: "critical" },
      { key: shop.key },
    );
    expect(next.body).toMatchObject({ verdict: "deny", reasons: ["suppressed"] });
  });

  it("retries a transient failure with backoff, then sends", async () => {
    await shop.customer("greylisted", { email: "greylisted@example.com" });
    const accepted = await send({
      customer: "greylisted",
      topic: "orders",
      channel: "email",
      priority: "critical",
      content: { template: { name: "notification", data: { title: "Commande expédiée", body: "Elle arrive jeudi." } } },
    });
    const waiting = await settled(accepted.body.id, "queued").catch(() => null);
    const row = await eventually(
      async () => {
        const found = await api.db.message.findUniqueOrThrow({ where: { id: accepted.body.id } });
        return found.attempts === 1 ? found : undefined;
      },
      15_000,
      "the first attempt to fail",
    );
    expect(row.dueAt.getTime()).toBeGreaterThan(Date.now() + 10_000);
    void waiting;
    // Time passes: the retry falls due.
    await api.db.message.update({ where: { id: accepted.body.id }, data: { dueAt: new Date() } });
    const view = await settled(accepted.body.id, "sent");
    expect(view.history.map((event: { status: string }) => event.status)).toEqual(["queued", "queued", "sent"]);
    expect(view.history[1].detail).toMatch(/attempt 1 failed .*451/);
    expect(Date.parse(view.history[1].until)).toBeGreaterThan(Date.parse(view.history[1].at) + 10_000);
    // A transactional message has no unsubscribe link.
    const mail = await smtp.waitFor((m) => m.to.includes("greylisted@example.com"));
    expect(mail.headers.has("list-unsubscribe")).toBe(false);
    expect(mail.html).toContain("Commande expédiée");
  });

  it("folds digest messages into one email per customer at their local digest time", async () => {
    const tokyo = await shop.customer("kenji", { timezone: "Asia/Tokyo", subscribe: [["weekly", "email"]] });
    const paris = await shop.customer("lea", {
      timezone: "Europe/Paris",
      locale: "fr",
      subscribe: [["weekly", "email"]],
    });
    const ids: Record<string, string[]> = { kenji: [], lea: [] };
    for (const who of ["kenji", "lea"] as const) {
      for (const subject of ["Première", "Deuxième"]) {
        const accepted = await send({
          customer: who,
          topic: "weekly",
          channel: "email",
          content: { email: { subject, text: `${subject} lettre` } },
        });
        expect(accepted.body.status).toBe("digested");
        // The default digest time is 9:00 on Mondays, in the customer's zone.
        const local = new Intl.DateTimeFormat("en-GB", {
          timeZone: who === "kenji" ? "Asia/Tokyo" : "Europe/Paris",
          weekday: "short",
          hour: "2-digit",
          minute: "2-digit",
        }).format(new Date(accepted.body.decision.digestAt));
        expect(local).toBe("Mon 09:00");
        ids[who]!.push(accepted.body.id);
      }
    }
    // A third customer's digest empties before its time: nothing is sent to them.
    const empty = await shop.customer("nobody", { subscribe: [["weekly", "email"]] });
    const lone = await send({ customer: "nobody", topic: "weekly", channel: "email", content: news() });
    await api.call(
      "PATCH",
      "/api/v1/customers/nobody/preferences",
      { subscriptions: [{ topic: "weekly", channel: "email", status: "unsubscribed" }] },
      { key: shop.key },
    );
    // Monday 9:00 comes.
    await api.db.message.updateMany({
      where: { customerId: { in: [tokyo.id, paris.id, empty.id] }, status: "digested" },
      data: { dueAt: new Date() },
    });
    const kenjiMail = await smtp.waitFor((m) => m.to.includes("kenji@example.com"));
    const leaMail = await smtp.waitFor((m) => m.to.includes("lea@example.com"));
    expect(kenjiMail.subject).toBe("La Boutique: your selection (2 new items)");
    expect(leaMail.subject).toBe("La Boutique : votre sélection (2 nouveautés)");
    expect(kenjiMail.text).toMatch(/Première[\s\S]*Deuxième/);
    expect(leaMail.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    for (const id of [...ids.kenji!, ...ids.lea!]) {
      const view = await settled(id, "sent");
      expect(view.history[0]).toMatchObject({ status: "digested", reasons: ["frequency.digest"] });
      expect(view.history[0].until).toMatch(/T/);
      expect(view.history.at(-1).detail).toBe("in a digest of 2");
    }
    expect(smtp.messages.filter((m) => m.to.includes("kenji@example.com"))).toHaveLength(1);
    const denied = await settled(lone.body.id, "denied");
    expect(denied.history.at(-1).reasons).toEqual(["topic.unsubscribed"]);
    expect(smtp.messages.some((m) => m.to.includes("nobody@example.com"))).toBe(false);
    // One delivery for the digest, counting both messages.
    const digest = await api.db.delivery.findFirstOrThrow({ where: { customerId: tokyo.id, topicKey: "digest" } });
    expect(digest).toMatchObject({ status: "sent", items: 2 });
  });

  it("delivers in-app messages to the portal inbox", async () => {
    const fox = await shop.customer("fox", { subscribe: [["news", "in_app"]] });
    const accepted = await send({
      customer: "fox",
      topic: "news",
      channel: "in_app",
      content: { inApp: { title: "Nouveau", text: "La collection d'hiver est là." } },
    });
    await settled(accepted.body.id, "sent");
    const item = await api.db.inboxItem.findFirstOrThrow({ where: { customerId: fox.id } });
    expect(item).toMatchObject({
      title: "Nouveau",
      body: "La collection d'hiver est là.",
      messageId: accepted.body.id,
    });
  });

  it("makes a retried intake harmless with an Idempotency-Key", async () => {
    await shop.customer("gil", { subscribe: [["news", "email"]] });
    const body = { customer: "gil", topic: "news", channel: "email", content: news() };
    const first = await send(body, { "Idempotency-Key": "order-77" });
    const again = await send(body, { "Idempotency-Key": "order-77" });
    expect(again.status).toBe(first.status);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await send({ ...body, content: news("autre") }, { "Idempotency-Key": "order-77" });
    expect(other.status).toBe(409);
    expect(await api.db.message.count({ where: { customer: { externalId: "gil" } } })).toBe(1);
  });

  it("refuses bad input with the field named, and changes nothing", async () => {
    await shop.customer("hana", { subscribe: [["news", "sms"]] });
    const before = await api.db.message.count();
    const cases: [unknown, string][] = [
      [{ customer: "hana", topic: "news", channel: "email" }, "content"],
      [{ customer: "hana", topic: "news", channel: "sms", content: { push: { title: "a", text: "b" } } }, "channel"],
      [{ customer: "hana", topic: "news", channel: "email", channels: ["sms"], content: news() }, "channels"],
      [{ customer: "hana", topic: "news", channels: ["sms", "sms"], content: { sms: { text: "x" } } }, "channels"],
      [
        { customer: "hana", topic: "news", channel: "email", content: { template: { name: "nope", data: {} } } },
        "content.template.name",
      ],
      [
        {
          customer: "hana",
          topic: "news",
          channel: "email",
          content: { template: { name: "price-drop", data: { product: "x" } } },
        },
        "content.template.data.oldPrice",
      ],
      [{ customer: "hana", topic: "news", channel: "email", content: news(), expiresAt: "tomorrow" }, "expiresAt"],
      [{ customer: "hana", topic: "news", channel: "fax", content: news() }, "channel"],
    ];
    for (const [body, path] of cases) {
      const response = await send(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    }
    expect((await send({ customer: "nobody-known", topic: "news", channel: "email", content: news() })).status).toBe(
      404,
    );
    expect((await send({ customer: "hana", topic: "unknown", channel: "email", content: news() })).status).toBe(404);
    expect((await send("{not json")).status).toBe(400);
    expect(await api.db.message.count()).toBe(before);
  });

  it("keeps each brand's messages to itself", async () => {
    await shop.customer("ivy", { subscribe: [["news", "email"]] });
    const accepted = await send({ customer: "ivy", topic: "news", channel: "email", content: news() });
    const stranger = await api.call("GET", `/api/v1/messages/${accepted.body.id}`, undefined, { key: api.otherKey });
    expect(stranger.status).toBe(404);
    expect(JSON.stringify(stranger.body)).not.toContain("ivy");
    // Another brand's customer cannot be addressed either.
    const crossed = await api.call(
      "POST",
      "/api/v1/messages",
      { customer: "ivy", topic: "newsletter", channel: "email", content: news() },
      { key: api.otherKey },
    );
    expect(crossed.status).toBe(404);
  });

  it("takes up to 1000 messages in one batch, answering each in its place", async () => {
    await shop.customer("jo", { subscribe: [["news", "email"]] });
    const response = await api.call(
      "POST",
      "/api/v1/messages/batch",
      {
        items: [
          { customer: "jo", topic: "news", channel: "email", content: news("un") },
          { customer: "jo", topic: "news", channel: "email" },
          { customer: "ghost", topic: "news", channel: "email", content: news() },
        ],
      },
      { key: shop.key },
    );
    expect(response.status).toBe(200);
    expect(response.body.results[0]).toMatchObject({ status: "queued", channel: "email" });
    expect(response.body.results[1]).toMatchObject({ status: 400, error: { issues: [{ path: "items.1.content" }] } });
    expect(response.body.results[2]).toMatchObject({ status: 404 });
  });
});
