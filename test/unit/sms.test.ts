// The SMS channel's pure parts and its Twilio adapter: inbound keywords, Twilio's webhook
// signature (checked against Twilio's own worked example), the SMS text, and every answer of
// the Messages API, spoken by a local server over real HTTP.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSmsKeyword } from "~/lib/sms-keywords";
import { isValidTwilioSignature, twilioSignature } from "~/lib/twilio-signature.server";
import { retryAfter, smsBody, SMS_MAX_LENGTH, TwilioSmsAdapter } from "~/scheduler/channels/sms.server";
import type { ChannelJob, ShortContent } from "~/scheduler/channels/types";
import { failingNumbers, startTwilioServer, type TwilioServer } from "../support/twilio";

describe("SMS keywords", () => {
  it.each([
    ["stop", "stop"],
    ["STOP", "stop"],
    ["Stop sms", "stop"],
    ["STOP  SMS", "stop"],
    ["ARRÊT", "stop"],
    ["Arrêt", "stop"],
    ["arret", "stop"],
    ["Arrête", "stop"],
    [" quit ", "stop"],
    ["StopAll", "stop"],
    ["unsubscribe", "stop"],
    ["Cancel", "stop"],
    ["end", "stop"],
    ["OPTOUT", "stop"],
    ["revoke", "stop"],
    ["Stop.", "stop"],
    ["\tstop!\n", "stop"],
    ["help", "help"],
    ["Aide", "help"],
    ["INFO", "help"],
    ["start", "start"],
    ["Unstop", "start"],
    ["start sms", "start"],
  ] as const)("reads %j as %s", (text, keyword) => {
    expect(parseSmsKeyword(text)).toBe(keyword);
  });

  it.each([
    "stop by tomorrow",
    "please stop",
    "stopp",
    "",
    "   ",
    "Merci !",
    "help me",
    "st op",
    "STOP SMS PLEASE",
    "yes",
  ])("reads %j as no keyword", (text) => {
    expect(parseSmsKeyword(text)).toBeNull();
  });
});

describe("Twilio webhook signatures", () => {
  // Twilio's worked example (https://www.twilio.com/docs/usage/security, "Validating Requests
  // are coming from Twilio"): auth token 12345, a POST to this URL with these fields.
  const token = "12345";
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const params = () =>
    new URLSearchParams({
      CallSid: "CA1234567890ABCDE",
      Caller: "+14158675309",
      Digits: "1234",
      From: "+14158675309",
      To: "+18005551212",
    });
  const documented = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

  it("computes the signature of Twilio's documented example", () => {
    expect(twilioSignature(token, url, params())).toBe(documented);
  });

  it("sorts the fields by name whatever order they came in", () => {
    const shuffled = new URLSearchParams([...params()].reverse());
    expect(twilioSignature(token, url, shuffled)).toBe(documented);
  });

  it("accepts the documented signature, with or without the default port", () => {
    expect(isValidTwilioSignature(token, documented, url, params())).toBe(true);
    expect(isValidTwilioSignature(token, documented, "https://mycompany.com:443/myapp.php?foo=1&bar=2", params())).toBe(
      true,
    );
  });

  it("refuses a missing signature, another token, another URL or a changed field", () => {
    expect(isValidTwilioSignature(token, null, url, params())).toBe(false);
    expect(isValidTwilioSignature(token, "", url, params())).toBe(false);
    expect(isValidTwilioSignature("54321", documented, url, params())).toBe(false);
    expect(isValidTwilioSignature(token, documented, "http://mycompany.com/myapp.php?foo=1&bar=2", params())).toBe(
      false,
    );
    expect(isValidTwilioSignature(token, documented, "https://mycompany.com/myapp.php?foo=1&bar=3", params())).toBe(
      false,
    );
    const changed = params();
    changed.set("Digits", "1235");
    expect(isValidTwilioSignature(token, documented, url, changed)).toBe(false);
    const added = params();
    added.append("Body", "STOP");
    expect(isValidTwilioSignature(token, documented, url, added)).toBe(false);
    expect(isValidTwilioSignature(token, documented.slice(0, -2), url, params())).toBe(false);
  });
});

describe("the SMS text", () => {
  it("puts the title, the text and the link each on a line", () => {
    expect(
      smsBody({ title: "Baisse de prix", text: "Bottines Isabel Marant : 250 €", url: "https://x.test/p/1" }),
    ).toBe("Baisse de prix\nBottines Isabel Marant : 250 €\nhttps://x.test/p/1");
    expect(smsBody({ title: "", text: "  Votre commande   est partie. ", url: null })).toBe(
      "Votre commande est partie.",
    );
  });

  it("stays within Twilio's 1600 characters by shortening the text, never the link", () => {
    const url = "https://shop.example/p/123?utm_source=sms";
    const body = smsBody({ title: "Nouveautés", text: "lorem ipsum ".repeat(400), url });
    expect(body.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
    expect(body.length).toBeGreaterThan(SMS_MAX_LENGTH - 5);
    expect(body.endsWith(`…\n${url}`)).toBe(true);
    expect(body.startsWith("Nouveautés\nlorem ipsum")).toBe(true);
  });

  it("never cuts a character in half", () => {
    const body = smsBody({ title: "", text: "😀".repeat(1000), url: null });
    expect(body.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
    expect(body).toBe(`${"😀".repeat(799)}…`);
  });
});

describe("Retry-After", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.parse("2026-03-01T10:00:00Z");
    expect(retryAfter("7", now)).toBe(7000);
    expect(retryAfter("Sun, 01 Mar 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(retryAfter(null, now)).toBeUndefined();
    expect(retryAfter("soon", now)).toBeUndefined();
  });
});

describe("TwilioSmsAdapter", () => {
  let twilio: TwilioServer;
  let adapter: TwilioSmsAdapter;
  const from = "+33757000000";

  beforeAll(async () => {
    twilio = await startTwilioServer();
    adapter = new TwilioSmsAdapter({ ...twilio, from, apiUrl: twilio.url });
  });
  afterAll(async () => {
    await adapter.close();
    await twilio.stop();
  });

  const job = (
    phone: string | null,
    short: ShortContent = { title: "Retour en stock", text: "Trench, taille M", url: null },
  ): ChannelJob => ({
    begin: async () => true,
    deliveryId: "d1",
    messageId: "m1",
    brand: { id: "b1", slug: "demo", name: "Vitrine" },
    topicKey: "back-in-stock",
    recipient: {
      brandId: "b1",
      customerId: "c1",
      externalId: "cust-1",
      email: null,
      phone,
      locale: "fr",
    },
    email: null,
    short,
  });

  it("sends the message and answers Twilio's message sid", async () => {
    const result = await adapter.send(
      job("+33612345678", { title: "Baisse de prix", text: "Bottines : 250 €", url: "https://x.test/p/1" }),
    );
    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    const sent = twilio.messages.at(-1)!;
    expect(sent).toEqual({
      sid: (result as { providerId: string }).providerId,
      to: "+33612345678",
      from,
      messagingServiceSid: null,
      body: "Baisse de prix\nBottines : 250 €\nhttps://x.test/p/1",
    });
  });

  it("sends through a Messaging Service when `from` is one", async () => {
    const service = `MG${"a".repeat(32)}`;
    const viaService = new TwilioSmsAdapter({ ...twilio, from: service, apiUrl: twilio.url });
    expect((await viaService.send(job("+33612345679"))).ok).toBe(true);
    expect(twilio.messages.at(-1)).toMatchObject({ to: "+33612345679", from: null, messagingServiceSid: service });
    await viaService.close();
  });

  it("fails for good, without asking Twilio, when the customer has no phone", async () => {
    const before = twilio.requests.length;
    expect(await adapter.send(job(null))).toMatchObject({ ok: false, transient: false });
    expect(twilio.requests.length).toBe(before);
  });

  it("suppresses a number that replied STOP (21610) and an invalid one (21211)", async () => {
    expect(await adapter.send(job(failingNumbers.stopped))).toEqual({
      ok: false,
      transient: false,
      suppress: "sms_stop",
      error: expect.stringContaining("21610"),
    });
    expect(await adapter.send(job(failingNumbers.invalid))).toEqual({
      ok: false,
      transient: false,
      suppress: "hard_bounce",
      error: expect.stringContaining("21211"),
    });
  });

  it("fails for good without suppressing the number when the fault is our sender's or account's", async () => {
    for (const number of [failingNumbers.unroutable, failingNumbers.region]) {
      const result = await adapter.send(job(number));
      expect(result).toMatchObject({ ok: false, transient: false });
      expect(result).not.toHaveProperty("suppress");
    }
  });

  it("tries again later after a 500, and the retry goes through", async () => {
    const first = await adapter.send(job(failingNumbers.flaky));
    expect(first).toMatchObject({ ok: false, transient: true, error: expect.stringContaining("500") });
    expect(await adapter.send(job(failingNumbers.flaky))).toMatchObject({ ok: true });
    expect(twilio.messages.filter((message) => message.to === failingNumbers.flaky)).toHaveLength(1);
  });

  it("honours Retry-After on 429", async () => {
    expect(await adapter.send(job(failingNumbers.throttled))).toEqual({
      ok: false,
      transient: true,
      retryAfterMs: 7000,
      error: expect.stringContaining("429"),
    });
  });

  it("fails for good on refused credentials, and says so", async () => {
    const wrong = new TwilioSmsAdapter({ ...twilio, authToken: "0".repeat(32), from, apiUrl: twilio.url });
    const result = await wrong.send(job("+33612345678"));
    expect(result).toMatchObject({ ok: false, transient: false, error: expect.stringContaining("401 error 20003") });
    expect(result).not.toHaveProperty("suppress");
  });

  it("tries again later when Twilio cannot be reached or does not answer in time", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = new TwilioSmsAdapter({ ...twilio, from, apiUrl: `http://127.0.0.1:${port}` });
    expect(await unreachable.send(job("+33612345678"))).toMatchObject({ ok: false, transient: true });

    const impatient = new TwilioSmsAdapter({ ...twilio, from, apiUrl: twilio.url, timeoutMs: 200 });
    const started = Date.now();
    expect(await impatient.send(job(failingNumbers.silent))).toMatchObject({
      ok: false,
      transient: true,
      error: expect.stringContaining("no answer in time"),
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("lets a send in flight finish on close, then refuses new ones as transient", async () => {
    const closing = new TwilioSmsAdapter({ ...twilio, from, apiUrl: twilio.url });
    const inFlight = closing.send(job("+33612345670"));
    await closing.close();
    expect(await inFlight).toMatchObject({ ok: true });
    expect(await closing.send(job("+33612345671"))).toMatchObject({ ok: false, transient: true });
  });
});
