// The decision API over real HTTP: answers, errors, authentication, tenant isolation,
// idempotency, atomic caps under concurrency, and freshness when another process changes a
// preference.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBrandBySlug } from "~/models/brand.server";
import { getCustomer } from "~/models/customer.server";
import { suppressionHash } from "~/decisions/snapshot-load.server";
import { setSubscription } from "~/models/preferences.server";
import { getTopic } from "~/models/topic.server";
import { revokeApiKey } from "~/models/api-key.server";
import { testProvider } from "../support/database";
import { startServer } from "../support/processes";
import { startApi, type ApiFixture } from "../support/api";

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.stop());

const camilleShoes = {
  customer: "cust-camille",
  topic: "price-drop",
  channel: "email",
  attributes: { designer: "Isabel Marant", category: "shoes", size: "38", price: 250 },
};

describe(`POST /api/v1/decisions (${testProvider})`, () => {
  it("answers with a verdict, its reasons, the budget and an explanation in the customer's language", async () => {
    const match = await api.call("POST", "/api/v1/decisions", camilleShoes);
    expect(match.status).toBe(200);
    expect(match.body).toMatchObject({
      verdict: "send",
      reasons: [],
      committed: false,
      notBefore: null,
      digestAt: null,
    });
    expect(match.body.budget).toEqual({ channelDay: null, channelWeek: null, globalWeek: 8 });
    expect(match.body.explanation).toMatch(/^Envoi maintenant/);

    const tooExpensive = await api.call("POST", "/api/v1/decisions", {
      ...camilleShoes,
      attributes: { ...camilleShoes.attributes, price: 900 },
    });
    expect(tooExpensive.body).toMatchObject({ verdict: "deny", reasons: ["filter.no_match"] });

    const james = await api.call("POST", "/api/v1/decisions", {
      customer: "cust-james",
      topic: "newsletter",
      channel: "email",
    });
    expect(james.body.verdict).toBe("digest");
    expect(james.body.explanation).toMatch(/^Folded into your digest of/);
    expect(new Date(james.body.digestAt).getTime()).toBeGreaterThan(Date.now());
  });

  it("names the field and the problem for a malformed body, and answers 404 for unknown customers and topics", async () => {
    const bad = await api.call("POST", "/api/v1/decisions", {
      customer: "cust-camille",
      topic: "newsletter",
      channel: "fax",
      colour: "red",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
    expect(bad.body.error.issues).toEqual(
      expect.arrayContaining([
        { path: "channel", message: "must be one of email, sms, push, in_app" },
        { path: "colour", message: "is not a known field" },
      ]),
    );
    const missing = await api.call("POST", "/api/v1/decisions", { topic: "newsletter", channel: "email" });
    expect(missing.body.error.issues).toContainEqual({ path: "customer", message: "is required" });

    const customer = await api.call("POST", "/api/v1/decisions", { ...camilleShoes, customer: "nobody" });
    expect(customer).toMatchObject({
      status: 404,
      body: { error: { code: "not_found", issues: [{ path: "customer" }] } },
    });
    const topic = await api.call("POST", "/api/v1/decisions", { ...camilleShoes, topic: "no-such-topic" });
    expect(topic).toMatchObject({ status: 404, body: { error: { issues: [{ path: "topic" }] } } });
  });

  it("answers 422 to requests that are well-formed but make no sense", async () => {
    const critical = await api.call("POST", "/api/v1/decisions", {
      customer: "cust-camille",
      topic: "newsletter",
      channel: "email",
      priority: "critical",
    });
    expect(critical).toMatchObject({ status: 422, body: { error: { issues: [{ path: "priority" }] } } });
    const backdated = await api.call("POST", "/api/v1/decisions", {
      ...camilleShoes,
      commit: true,
      at: "2026-01-01T00:00:00Z",
    });
    expect(backdated).toMatchObject({ status: 422, body: { error: { issues: [{ path: "at" }] } } });
  });

  it("refuses non-JSON, invalid JSON, oversized bodies and other methods, with the error shape", async () => {
    const notJson = await api.call("POST", "/api/v1/decisions", "customer=x", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(notJson).toMatchObject({ status: 415, body: { error: { code: "unsupported_media_type" } } });
    const broken = await api.call("POST", "/api/v1/decisions", '{"customer": ');
    expect(broken).toMatchObject({ status: 400, body: { error: { code: "invalid_json" } } });
    const huge = await api.call("POST", "/api/v1/decisions", { ...camilleShoes, tags: ["x".repeat(70_000)] });
    expect(huge).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
    const get = await api.call("GET", "/api/v1/decisions");
    expect(get).toMatchObject({ status: 405, body: { error: { code: "method_not_allowed" } } });
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("decides as of a given instant when asked (previews), in the customer's time zone", async () => {
    // Camille (Paris) has SMS quiet hours 21:00–08:00: at 22:00 local, an SMS waits until 08:00.
    const atNight = await api.call("POST", "/api/v1/decisions", {
      customer: "cust-camille",
      topic: "order-updates",
      channel: "sms",
      at: "2026-07-14T20:00:00Z",
    });
    expect(atNight.body).toMatchObject({
      verdict: "defer",
      reasons: ["quiet_hours"],
      notBefore: "2026-07-15T06:00:00.000Z",
    });
  });
});

describe(`authentication and tenants (${testProvider})`, () => {
  it("refuses a missing, malformed or unknown key with 401", async () => {
    for (const key of [null, "nope", `msr_${"A".repeat(43)}`]) {
      const response = await api.call("POST", "/api/v1/decisions", camilleShoes, { key });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe("unauthorized");
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
  });

  it("never lets a brand's key reach another brand's customers", async () => {
    const asOther = await api.call("POST", "/api/v1/decisions", camilleShoes, { key: api.otherKey });
    expect(asOther.status).toBe(404);
    expect(JSON.stringify(asOther.body)).not.toContain("Isabel");
    const theirs = await api.call("POST", "/api/v1/decisions", {
      customer: "other-1",
      topic: "newsletter",
      channel: "email",
    });
    expect(theirs.status).toBe(404);
    const own = await api.call(
      "POST",
      "/api/v1/decisions",
      { customer: "other-1", topic: "newsletter", channel: "email" },
      { key: api.otherKey },
    );
    expect(own.body.verdict).toBe("send");
  });

  it("stops accepting a key as soon as it is revoked by another process", async () => {
    const brand = (await getBrandBySlug(api.db, "other"))!;
    const { createApiKey } = await import("~/models/api-key.server");
    const { key, record } = await createApiKey(api.db, { brandId: brand.id, name: "short-lived" });
    const body = { customer: "other-1", topic: "newsletter", channel: "email" };
    expect((await api.call("POST", "/api/v1/decisions", body, { key })).status).toBe(200);
    await revokeApiKey(api.db, { brandId: brand.id, idOrPrefix: record.id });
    await expect
      .poll(async () => (await api.call("POST", "/api/v1/decisions", body, { key })).status, {
        timeout: 3_000,
        interval: 50,
      })
      .toBe(401);
  });
});

describe(`freshness (${testProvider})`, () => {
  it("decides on a preference changed by another process at its very next decision", async () => {
    const brand = (await getBrandBySlug(api.db, "demo"))!;
    const marie = (await getCustomer(api.db, { brandId: brand.id, externalId: "cust-marie" }))!;
    const newsletter = (await getTopic(api.db, { brandId: brand.id, key: "newsletter" }))!;
    const body = { customer: "cust-marie", topic: "newsletter", channel: "email" };
    expect((await api.call("POST", "/api/v1/decisions", body)).body.reasons).toEqual(["topic.unsubscribed"]);
    // This test process is not the server: the change reaches it through the change log.
    await setSubscription(
      api.db,
      { brandId: brand.id, customerId: marie.id },
      { topic: newsletter, channel: "email", status: "subscribed", frequency: "instant" },
      { source: "test" },
    );
    if (testProvider === "sqlite") {
      expect((await api.call("POST", "/api/v1/decisions", body)).body.verdict).toBe("send");
    } else {
      // PostgreSQL announces it by NOTIFY, a few milliseconds after the commit.
      await expect
        .poll(async () => (await api.call("POST", "/api/v1/decisions", body)).body.verdict, {
          timeout: 2_000,
          interval: 20,
        })
        .toBe("send");
    }
    await setSubscription(
      api.db,
      { brandId: brand.id, customerId: marie.id },
      { topic: newsletter, channel: "email", status: "unsubscribed" },
      { source: "test" },
    );
    await expect
      .poll(async () => (await api.call("POST", "/api/v1/decisions", body)).body.verdict, {
        timeout: 2_000,
        interval: 20,
      })
      .toBe("deny");
  });
});

describe(`committed decisions (${testProvider})`, () => {
  async function customerWithCap(externalId: string, dailyCap: number) {
    expect(
      (
        await api.call("PUT", `/api/v1/customers/${externalId}`, {
          email: `${externalId}@example.com`,
          timezone: "Europe/Paris",
        })
      ).status,
    ).toBe(201);
    const patch = await api.call("PATCH", `/api/v1/customers/${externalId}/preferences`, {
      subscriptions: [{ topic: "back-in-stock", channel: "email", status: "subscribed" }],
      channels: { email: { dailyCap } },
      globalWeeklyCap: 100,
    });
    expect(patch.status).toBe(200);
  }
  const commit = (customer: string) => ({ customer, topic: "back-in-stock", channel: "email", commit: true });

  it("50 concurrent commits against a cap of 3 give exactly 3 sends", async () => {
    await customerWithCap("cap-3", 3);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => api.call("POST", "/api/v1/decisions", commit("cap-3"))),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const sent = answers.filter((answer) => answer.body.verdict === "send");
    expect(sent).toHaveLength(3);
    expect(sent.every((answer) => answer.body.committed)).toBe(true);
    expect(
      answers
        .filter((answer) => answer.body.verdict !== "send")
        .every((answer) => answer.body.reasons[0] === "cap.channel.day"),
    ).toBe(true);
    const brand = (await getBrandBySlug(api.db, "demo"))!;
    const customer = (await getCustomer(api.db, { brandId: brand.id, externalId: "cap-3" }))!;
    expect(await api.db.delivery.count({ where: { customerId: customer.id } })).toBe(3);
  });

  it("holds the cap across two server processes sharing the database", async () => {
    await customerWithCap("cap-3-two-servers", 3);
    const second = await startServer({ ...api.env, SEED_DEMO: "false" });
    try {
      const urls = [api.server.url, second.url];
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          fetch(`${urls[index % 2]}/api/v1/decisions`, {
            method: "POST",
            headers: { "Content-Type": "application/json", Authorization: `Bearer ${api.demoKey}` },
            body: JSON.stringify(commit("cap-3-two-servers")),
          }).then((response) => response.json()),
        ),
      );
      expect(answers.filter((answer) => answer.verdict === "send")).toHaveLength(3);
      const brand = (await getBrandBySlug(api.db, "demo"))!;
      const customer = (await getCustomer(api.db, { brandId: brand.id, externalId: "cap-3-two-servers" }))!;
      expect(await api.db.delivery.count({ where: { customerId: customer.id } })).toBe(3);
    } finally {
      await second.stop();
    }
  });

  it("replays a retried commit under the same Idempotency-Key, and refuses the key for another request", async () => {
    await customerWithCap("idempotent", 10);
    const headers = { "Idempotency-Key": "order-42-email" };
    const first = await api.call("POST", "/api/v1/decisions", commit("idempotent"), { headers });
    const again = await api.call("POST", "/api/v1/decisions", commit("idempotent"), { headers });
    expect(first.body).toMatchObject({ verdict: "send", committed: true });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const brand = (await getBrandBySlug(api.db, "demo"))!;
    const customer = (await getCustomer(api.db, { brandId: brand.id, externalId: "idempotent" }))!;
    expect(await api.db.delivery.count({ where: { customerId: customer.id } })).toBe(1);

    const other = await api.call("POST", "/api/v1/decisions", { ...commit("idempotent"), channel: "sms" }, { headers });
    expect(other).toMatchObject({ status: 409, body: { error: { code: "idempotency_conflict" } } });

    const racing = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.call("POST", "/api/v1/decisions", commit("idempotent"), { headers: { "Idempotency-Key": "race-1" } }),
      ),
    );
    expect(new Set(racing.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(await api.db.delivery.count({ where: { customerId: customer.id } })).toBe(2);
  });

  it("dedups a campaign across channels once it was committed on one", async () => {
    await customerWithCap("campaign", 10);
    await api.call("PUT", "/api/v1/customers/campaign", { phone: "+33611111111" });
    await api.call("PATCH", "/api/v1/customers/campaign/preferences", {
      subscriptions: [{ topic: "back-in-stock", channel: "sms", status: "subscribed" }],
    });
    const email = await api.call("POST", "/api/v1/decisions", {
      ...commit("campaign"),
      campaign: "spring-restock",
      priority: "high",
    });
    expect(email.body.verdict).toBe("send");
    const sms = await api.call("POST", "/api/v1/decisions", {
      ...commit("campaign"),
      channel: "sms",
      campaign: "spring-restock",
      at: undefined,
      commit: false,
    });
    expect(sms.body).toMatchObject({ verdict: "deny", reasons: expect.arrayContaining(["campaign.already_sent"]) });
  });
});

describe(`POST /api/v1/decisions/batch (${testProvider})`, () => {
  it("answers up to 1000 items in order, each on its own", async () => {
    const items = [
      camilleShoes,
      { customer: "nobody", topic: "newsletter", channel: "email" },
      { channel: "email" },
      { customer: "cust-james", topic: "newsletter", channel: "email" },
    ];
    const response = await api.call("POST", "/api/v1/decisions/batch", { items });
    expect(response.status).toBe(200);
    const [first, second, third, fourth] = response.body.results;
    expect(first.verdict).toBe("send");
    expect(second).toMatchObject({ status: 404, error: { code: "not_found" } });
    expect(third).toMatchObject({
      status: 400,
      error: { issues: expect.arrayContaining([{ path: "items.2.customer", message: "is required" }]) },
    });
    expect(fourth.verdict).toBe("digest");
  });

  it("reads a batch of uncached customers together, each with its own suppression and history", async () => {
    const demo = (await getBrandBySlug(api.db, "demo"))!;
    const ids = Array.from({ length: 1000 }, (_, i) => `bulk-${i}`);
    await api.db.customer.createMany({
      data: ids.map((externalId, i) => ({
        brandId: demo.id,
        externalId,
        // bulk-18 shares bulk-17's address: a suppression reaches both.
        email: i === 18 ? "bulk-17@example.com" : `${externalId}@example.com`,
        locale: i % 2 ? "en" : "fr",
        timezone: "Europe/Paris",
      })),
    });
    const reached = await getCustomer(api.db, { brandId: demo.id, externalId: "bulk-640" });
    await api.db.suppression.create({
      data: {
        brandId: demo.id,
        kind: "email",
        valueHash: suppressionHash(demo.id, "email", "bulk-17@example.com"),
        reason: "hard_bounce",
      },
    });
    await api.db.delivery.create({
      data: {
        brandId: demo.id,
        customerId: reached!.id,
        topicKey: "order-updates",
        channel: "email",
        priority: "critical",
        campaign: "winter",
      },
    });
    const items = ids.map((customer) => ({
      customer,
      topic: "order-updates",
      channel: "email",
      priority: "critical",
      campaign: "winter",
    }));
    const response = await api.call("POST", "/api/v1/decisions/batch", { items });
    expect(response.status).toBe(200);
    const results = response.body.results as { verdict: string; reasons: string[]; explanation: string }[];
    expect(results).toHaveLength(1000);
    expect(results[17]).toMatchObject({ verdict: "deny", reasons: ["suppressed"] });
    expect(results[18]).toMatchObject({ verdict: "deny", reasons: ["suppressed"] });
    expect(results[640]).toMatchObject({ verdict: "deny", reasons: ["campaign.already_sent"] });
    const others = results.filter((_, i) => i !== 17 && i !== 18 && i !== 640);
    expect(new Set(others.map((result) => result.verdict))).toEqual(new Set(["send"]));
    // Each in its own language: the snapshots were not mixed up.
    expect(results[2]!.explanation).toMatch(/^Envoi/);
    expect(results[3]!.explanation).toMatch(/^Sent/);
  });

  it("refuses an empty batch or more than 1000 items", async () => {
    expect((await api.call("POST", "/api/v1/decisions/batch", { items: [] })).status).toBe(400);
    const tooMany = await api.call("POST", "/api/v1/decisions/batch", {
      items: Array.from({ length: 1001 }, () => camilleShoes),
    });
    expect(tooMany).toMatchObject({
      status: 400,
      body: { error: { issues: [{ path: "items", message: "may hold at most 1000 items" }] } },
    });
    const thousand = await api.call("POST", "/api/v1/decisions/batch", {
      items: Array.from({ length: 1000 }, () => camilleShoes),
    });
    expect(thousand.body.results).toHaveLength(1000);
  });
});

describe(`rate limits (${testProvider})`, () => {
  it("answers 429 with Retry-After past the per-key rate, and to an address that keeps guessing keys", async () => {
    const limited = await startApi({ API_RATE_LIMIT: "5", AUTH_FAILURES_PER_MINUTE: "3" });
    try {
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => limited.call("POST", "/api/v1/decisions", camilleShoes)),
      );
      const refused = answers.filter((answer) => answer.status === 429);
      expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(5);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]!.body.error.code).toBe("rate_limited");
      expect(Number(refused[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

      const guesses = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        guesses.push(
          (await limited.call("POST", "/api/v1/decisions", camilleShoes, { key: `msr_${String(attempt).repeat(43)}` }))
            .status,
        );
      }
      expect(guesses).toEqual([401, 401, 401, 429, 429]);
      // Even a valid key is refused from that address until the window passes, on every API route.
      expect((await limited.call("POST", "/api/v1/decisions", camilleShoes)).status).toBe(429);
      expect((await limited.call("GET", "/api/v1/customers/cust-camille")).status).toBe(429);
    } finally {
      await limited.stop();
    }
  });

  it("counts guesses per connection, on every API route together, whatever X-Forwarded-For claims", async () => {
    const limited = await startApi({ AUTH_FAILURES_PER_MINUTE: "3" });
    try {
      const guess = (path: string, attempt: number) =>
        limited.call(
          path === "/api/v1/decisions" ? "POST" : "GET",
          path,
          path.endsWith("decisions") ? camilleShoes : undefined,
          {
            key: `msr_${String(attempt).repeat(43)}`,
            headers: { "X-Forwarded-For": `198.51.100.${attempt}` },
          },
        );
      const statuses = [];
      for (const [attempt, path] of [
        "/api/v1/decisions",
        "/api/v1/customers/cust-camille",
        "/api/v1/decisions",
        "/api/v1/customers/cust-camille",
      ].entries()) {
        statuses.push((await guess(path, attempt)).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.stop();
    }
  });

  it("behind a trusted proxy, counts each client by the address the proxy appended", async () => {
    const limited = await startApi({ AUTH_FAILURES_PER_MINUTE: "2", TRUSTED_PROXIES: "1" });
    try {
      const guess = (forwardedFor: string) =>
        limited.call("GET", "/api/v1/customers/cust-camille", undefined, {
          key: `msr_${"9".repeat(43)}`,
          headers: { "X-Forwarded-For": forwardedFor },
        });
      const first = [];
      // The client writes addresses of its own first; the proxy's entry, last, is what counts.
      for (const forged of ["1.1.1.1", "2.2.2.2", "3.3.3.3"])
        first.push((await guess(`${forged}, 198.51.100.1`)).status);
      expect(first).toEqual([401, 401, 429]);
      // Another client behind the same proxy is not held back by the first one's guesses.
      expect((await guess("198.51.100.2")).status).toBe(401);
      expect(
        (
          await limited.call("GET", "/api/v1/customers/cust-camille", undefined, {
            headers: { "X-Forwarded-For": "198.51.100.2" },
          })
        ).status,
      ).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
