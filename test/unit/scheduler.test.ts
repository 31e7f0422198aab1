// The scheduler's pure parts: how a message chooses among its channels, when a failed send is
// tried again, how SMTP replies are read, and what an email says and carries (footer, links,
// RFC 8058 headers), in both languages, from a cached rendering personalised per recipient.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MessageContent, MessageRequest } from "~/lib/api/message-schemas";
import { readUnsubscribeToken } from "~/lib/unsubscribe-link.server";
import type { Decision } from "~/policy";
import { MAX_ATTEMPTS, retryDelay, shouldGiveUp } from "~/scheduler/backoff";
import { classify } from "~/scheduler/channels/email.server";
import { describeSkipped, planMessage } from "~/scheduler/plan";
import { Renderer, shortOf, type BrandInfo } from "~/scheduler/render.server";

const decision = (verdict: Decision["verdict"], reasons: Decision["reasons"] = []): Decision => ({
  verdict,
  reasons,
  notBefore: verdict === "defer" ? 1 : null,
  digestAt: verdict === "digest" ? 2 : null,
  budget: { channelDay: null, channelWeek: null, globalWeek: null },
  explanation: "",
});

describe("planMessage: the first channel not denied carries the message", () => {
  it("skips denied channels and keeps why", () => {
    const plan = planMessage([
      { channel: "push", decision: decision("deny", ["channel.no_contact"]) },
      { channel: "email", decision: decision("send") },
    ]);
    expect(plan).toMatchObject({ verdict: "send", channel: "email" });
    expect(describeSkipped(plan.skipped)).toBe("push: channel.no_contact");
  });

  it("waits on a channel that must wait rather than using a later one now", () => {
    const plan = planMessage([
      { channel: "sms", decision: decision("defer", ["quiet_hours"]) },
      { channel: "email", decision: decision("send") },
    ]);
    expect(plan).toMatchObject({ verdict: "defer", channel: "sms" });
  });

  it("denies with every channel's reasons when all refuse", () => {
    const plan = planMessage([
      { channel: "email", decision: decision("deny", ["consent.missing"]) },
      { channel: "sms", decision: decision("deny", ["channel.no_contact", "consent.missing"]) },
    ]);
    expect(plan.verdict).toBe("deny");
    expect(plan.verdict === "deny" && plan.reasons).toEqual(["consent.missing", "channel.no_contact"]);
  });

  it("property: the chosen channel is the first not denied, and deny only when all are", () => {
    const verdict = fc.constantFrom<Decision["verdict"]>("send", "defer", "digest", "deny");
    fc.assert(
      fc.property(fc.array(verdict, { minLength: 1, maxLength: 4 }), (verdicts) => {
        const channels = (["email", "sms", "push", "in_app"] as const).slice(0, verdicts.length);
        const plan = planMessage(verdicts.map((v, i) => ({ channel: channels[i]!, decision: decision(v) })));
        const first = verdicts.findIndex((v) => v !== "deny");
        if (first === -1) return plan.verdict === "deny" && plan.skipped.length === verdicts.length;
        return plan.channel === channels[first] && plan.verdict === verdicts[first] && plan.skipped.length === first;
      }),
    );
  });
});

describe("retryDelay: exponential backoff with jitter", () => {
  it("grows, stays within its ceiling, and honours Retry-After", () => {
    expect(retryDelay(1, 0)).toBe(15_000);
    expect(retryDelay(1, 0.999)).toBeLessThanOrEqual(30_000);
    expect(retryDelay(4, 0)).toBe(120_000);
    expect(retryDelay(30, 0.999)).toBeLessThanOrEqual(6 * 3_600_000);
    expect(retryDelay(1, 0, 90_000)).toBe(90_000);
    expect(shouldGiveUp(MAX_ATTEMPTS - 1)).toBe(false);
    expect(shouldGiveUp(MAX_ATTEMPTS)).toBe(true);
  });

  it("property: always between half its ceiling and its ceiling", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (attempt, random) => {
          const delay = retryDelay(attempt, random);
          const ceiling = Math.min(6 * 3_600_000, 30_000 * 2 ** (attempt - 1));
          return delay >= ceiling / 2 && delay <= ceiling;
        },
      ),
    );
  });
});

describe("SMTP replies", () => {
  it("reads 5xx on the recipient as a hard bounce, 4xx and network errors as transient", () => {
    const smtp = (responseCode: number | undefined, response: string, code = "EENVELOPE") =>
      classify(Object.assign(new Error(response), { responseCode, response, code }));
    expect(smtp(550, "550 5.1.1 No such user")).toMatchObject({ ok: false, transient: false, suppress: "hard_bounce" });
    expect(smtp(552, "552 5.3.4 Message too big", "EMESSAGE")).toMatchObject({ ok: false, transient: false });
    expect(smtp(552, "552 5.3.4 Message too big", "EMESSAGE")).not.toHaveProperty("suppress");
    expect(smtp(451, "451 4.7.1 Greylisted")).toMatchObject({ ok: false, transient: true });
    expect(smtp(undefined, "connect ECONNREFUSED", "ESOCKET")).toMatchObject({ ok: false, transient: true });
  });
});

describe("message content", () => {
  it("refuses a channel the content does not cover, and template data the template cannot use", () => {
    const base = { customer: "c", topic: "news" };
    expect(
      MessageRequest.safeParse({ ...base, channel: "sms", content: { email: { subject: "s", text: "t" } } }).success,
    ).toBe(false);
    expect(
      MessageRequest.safeParse({
        ...base,
        channels: ["sms", "email"],
        content: { template: { name: "notification", data: { title: "a", body: "b" } } },
      }).success,
    ).toBe(true);
    const bad = MessageRequest.safeParse({
      ...base,
      channel: "email",
      content: {
        template: { name: "price-drop", data: { product: "x", oldPrice: 10, newPrice: 20, url: "https://x.example" } },
      },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["content", "template", "data", "newPrice"]);
  });

  it("gives each channel its own text, or the template's short form", () => {
    const content = MessageContent.parse({
      template: {
        name: "price-drop",
        data: { product: "Bottines", oldPrice: 300, newPrice: 240, url: "https://shop.example/b" },
      },
      sms: { text: "Bottines à 240 €" },
    });
    expect(shortOf(content, "sms", "fr")).toEqual({ title: "", text: "Bottines à 240 €", url: null });
    expect(shortOf(content, "push", "fr")).toMatchObject({ title: "Baisse de prix", url: "https://shop.example/b" });
    expect(shortOf(content, "push", "en").text).toMatch(/Bottines: €300\.00 → €240\.00/);
  });
});

describe("Renderer", () => {
  const brand: BrandInfo = {
    id: "b1",
    slug: "shop",
    name: "La Boutique",
    primaryColor: "#1f4d3a",
    topics: new Map([
      ["news", { key: "news", nameFr: "Nouveautés", nameEn: "News", kind: "marketing" as const }],
      ["orders", { key: "orders", nameFr: "Commandes", nameEn: "Orders", kind: "transactional" as const }],
    ]),
  };
  const renderer = new Renderer({ secret: "s".repeat(64), publicUrl: "https://prefs.example" });
  const content = JSON.stringify({ email: { subject: "Soldes & remises", text: "Premier.\n\nSecond." } });

  it("says why in the customer's language and signs per-person links into a shared rendering", async () => {
    const one = await renderer.email({
      brand,
      person: { brandId: "b1", customerId: "c1", locale: "fr" },
      topicKey: "news",
      deliveryId: "d1",
      content,
    });
    const two = await renderer.email({
      brand,
      person: { brandId: "b1", customerId: "c2", locale: "fr" },
      topicKey: "news",
      deliveryId: "d2",
      content,
    });
    expect(one.subject).toBe("Soldes & remises");
    expect(one.text).toMatch(/vous êtes inscrit·e à « Nouveautés » par e-mail chez La Boutique/);
    expect(one.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const link = /<(.+)>/.exec(one.headers["List-Unsubscribe"]!)![1]!;
    const token = new URL(link).searchParams.get("token")!;
    expect(readUnsubscribeToken("s".repeat(64), token)).toMatchObject({
      customerId: "c1",
      topic: "news",
      channel: "email",
    });
    // The second person's email has their own links, and no trace of the first's.
    expect(two.html).not.toContain(token);
    expect(one.html).not.toContain("mesure.invalid");
    expect(one.html).toContain("%2Fportal%2Fwhy%2Fd1");
    expect(one.html).not.toMatch(/href="[^"]*&(?!amp;)/);
  });

  it("gives transactional email no unsubscribe, and English to English speakers", async () => {
    const mail = await renderer.email({
      brand,
      person: { brandId: "b1", customerId: "c1", locale: "en" },
      topicKey: "orders",
      deliveryId: "d3",
      content,
    });
    expect(mail.headers).toEqual({});
    expect(mail.text).toMatch(/A service message from La Boutique/);
    expect(mail.text).toMatch(/Why this message\?/);
  });

  it("lists a digest's messages, each with a way out of its topic, and one link out of all", async () => {
    const mail = await renderer.digestEmail({
      brand,
      person: { brandId: "b1", customerId: "c1", locale: "fr" },
      deliveryId: "d4",
      members: [
        { topicKey: "news", content: JSON.stringify({ email: { subject: "Un", text: "Premier" } }) },
        { topicKey: "news", content: JSON.stringify({ email: { subject: "Deux", text: "Second" } }) },
      ],
    });
    expect(mail.subject).toBe("La Boutique : votre sélection (2 nouveautés)");
    expect(mail.text).toMatch(/Un[\s\S]*Premier[\s\S]*Deux[\s\S]*Second/);
    expect(mail.headers["List-Unsubscribe"]).toMatch(/unsubscribe\?token=/);
    expect(mail.html.match(/Ne plus recevoir ce sujet/g)).toHaveLength(2);
    expect(mail.html).not.toContain("%2Fportal%2Fwhy");
  });

  it("tells marketing SMS how to stop them, and not service SMS", () => {
    const sms = JSON.stringify({ sms: { text: "Soldes" } });
    expect(renderer.short({ brand, locale: "fr", topicKey: "news", channel: "sms", content: sms }).text).toBe(
      "Soldes STOP au numéro d'envoi pour ne plus recevoir.",
    );
    expect(renderer.short({ brand, locale: "en", topicKey: "orders", channel: "sms", content: sms }).text).toBe(
      "Soldes",
    );
  });
});
