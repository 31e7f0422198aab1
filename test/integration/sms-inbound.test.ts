// Twilio's inbound SMS webhook over real HTTP, against the built server: signed STOPs (French
// and English) opt the sender out of every marketing and alert SMS topic with consent events
// that the very next decision follows, HELP and START answer without changing anything, and a
// forged, misdirected or excessive call changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { twilioSignature } from "~/lib/twilio-signature.server";
import { upsertCustomer } from "~/models/customer.server";
import { setSubscription } from "~/models/preferences.server";
import { getTopic, type Topic } from "~/models/topic.server";
import { startApi, type ApiFixture } from "../support/api";
import { testProvider } from "../support/database";
import { startServer } from "../support/processes";
import { startTwilioServer, type TwilioServer } from "../support/twilio";

// What Twilio calls: the public address, which a proxy in front of Mesure would serve. The
// server must sign-check against it, not against the host the request reached.
const PUBLIC_URL = "https://preferences.vitrine.example";
const BRAND_NUMBER = "+33757000000";
const CAMILLE = "+33612345678"; // demo seed: French
const AROHA = "+64211234567"; // demo seed: English
const SOLENE = "+33698765432"; // created below: French, subscribed by SMS to price drops
const OLIVIA = "+33611112222"; // created below: English, subscribed by SMS to back in stock

let api: ApiFixture;
let twilio: TwilioServer;
let demoId: string;
const ids: Record<string, string> = {};
const topics: Record<string, Topic> = {};

beforeAll(async () => {
  twilio = await startTwilioServer();
  api = await startApi({
    PUBLIC_URL,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM: BRAND_NUMBER,
    TWILIO_API_URL: twilio.url,
  });
  demoId = (await api.db.brand.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } })).id;
  for (const key of ["price-drop", "back-in-stock", "order-updates", "newsletter"]) {
    topics[key] = (await getTopic(api.db, { brandId: demoId, key }))!;
  }
  await upsertCustomer(api.db, demoId, { externalId: "cust-solene", phone: SOLENE, locale: "fr" });
  await upsertCustomer(api.db, demoId, { externalId: "cust-olivia", phone: OLIVIA, locale: "en" });
  for (const row of await api.db.customer.findMany({
    where: { brandId: demoId },
    select: { id: true, externalId: true },
  })) {
    ids[row.externalId] = row.id;
  }
  const subscribe = (customer: string, topic: string) =>
    setSubscription(
      api.db,
      { brandId: demoId, customerId: ids[customer]! },
      { topic: topics[topic]!, channel: "sms", status: "subscribed" },
      { source: "test" },
    );
  // Order updates by SMS for Camille and Aroha: service messages, which a STOP must not touch.
  await subscribe("cust-camille", "order-updates");
  await subscribe("cust-aroha", "order-updates");
  await subscribe("cust-aroha", "back-in-stock");
  await subscribe("cust-solene", "price-drop");
  await subscribe("cust-olivia", "back-in-stock");
});
afterAll(async () => {
  await api?.stop();
  await twilio?.stop();
});

let sequence = 0;
/** A webhook as Twilio sends it: every field it posts, signed over the public URL. */
async function inbound(
  from: string,
  body: string,
  options: {
    brand?: string;
    sign?: (form: URLSearchParams, url: string) => string | null;
    fields?: Record<string, string>;
  } = {},
) {
  const path = `/api/v1/sms/${options.brand ?? "demo"}/inbound`;
  sequence += 1;
  const form = new URLSearchParams({
    ToCountry: "FR",
    ToState: "",
    SmsMessageSid: `SM${sequence.toString(16).padStart(32, "0")}`,
    NumMedia: "0",
    ToCity: "",
    FromZip: "",
    SmsSid: `SM${sequence.toString(16).padStart(32, "0")}`,
    FromState: "",
    SmsStatus: "received",
    FromCity: "",
    Body: body,
    FromCountry: from.startsWith("+64") ? "NZ" : "FR",
    To: BRAND_NUMBER,
    MessagingServiceSid: "",
    ToZip: "",
    NumSegments: "1",
    MessageSid: `SM${sequence.toString(16).padStart(32, "0")}`,
    AccountSid: twilio.accountSid,
    From: from,
    ApiVersion: "2010-04-01",
    ...options.fields,
  });
  const sign = options.sign ?? ((fields, url) => twilioSignature(twilio.authToken, url, fields));
  const signature = sign(form, `${PUBLIC_URL}${path}`);
  const response = await fetch(`${api.server.url}${path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "User-Agent": "TwilioProxy/1.1",
      ...(signature !== null && { "X-Twilio-Signature": signature }),
    },
    body: form.toString(),
  });
  return {
    status: response.status,
    type: response.headers.get("content-type") ?? "",
    retryAfter: response.headers.get("retry-after"),
    text: await response.text(),
  };
}

async function smsSubscriptions(customer: string) {
  const rows = await api.db.subscription.findMany({
    where: { customerId: ids[customer], channel: "sms" },
    select: { status: true, topic: { select: { key: true } } },
  });
  return Object.fromEntries(rows.map((row) => [row.topic.key, row.status]));
}

async function smsKeywordEvents(customer: string) {
  const events = await api.db.consentEvent.findMany({
    where: { customerId: ids[customer], source: "sms_keyword" },
    orderBy: { seq: "asc" },
    select: { kind: true, subject: true, after: true },
  });
  return events.map((event) => ({ ...event, after: JSON.parse(event.after) as { status: string } }));
}

async function decision(customer: string, topic: string) {
  const response = await api.call("POST", "/api/v1/decisions", { customer, topic, channel: "sms" });
  expect(response.status).toBe(200);
  return response.body as { verdict: string; reasons: string[] };
}

const everything = () =>
  Promise.all([
    api.db.consentEvent.count({ where: { brandId: demoId } }),
    api.db.subscription.findMany({
      where: { brandId: demoId },
      orderBy: { id: "asc" },
      select: { id: true, status: true, updatedAt: true },
    }),
  ]);

describe(`the inbound SMS webhook (${testProvider})`, () => {
  it("opts a French customer out of every marketing and alert SMS topic on ARRET, and says so in French", async () => {
    expect((await decision("cust-camille", "price-drop")).reasons).not.toContain("topic.unsubscribed");
    const response = await inbound(CAMILLE, "ARRET");
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^text\/xml/);
    expect(response.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Vous ne recevrez plus de SMS marketing de Vitrine. ' +
        `Pour choisir à nouveau ce que vous recevez :\n${PUBLIC_URL}/portal/sign-in?brand=demo</Message></Response>`,
    );
    // price-drop was subscribed; back-in-stock had no row and now records the refusal.
    expect(await smsSubscriptions("cust-camille")).toEqual({
      "price-drop": "unsubscribed",
      "back-in-stock": "unsubscribed",
      "order-updates": "subscribed",
    });
    expect(await smsKeywordEvents("cust-camille")).toEqual([
      { kind: "subscription", subject: "price-drop:sms", after: expect.objectContaining({ status: "unsubscribed" }) },
      {
        kind: "subscription",
        subject: "back-in-stock:sms",
        after: expect.objectContaining({ status: "unsubscribed" }),
      },
    ]);
    expect(await decision("cust-camille", "price-drop")).toMatchObject({
      verdict: "deny",
      reasons: expect.arrayContaining(["topic.unsubscribed"]),
    });
    expect((await decision("cust-camille", "price-drop")).reasons[0]).toBe("topic.unsubscribed");
    expect((await decision("cust-camille", "order-updates")).reasons).not.toContain("topic.unsubscribed");
    // Email is another channel: her price-drop emails go on.
    const email = await api.call("POST", "/api/v1/decisions", {
      customer: "cust-camille",
      topic: "price-drop",
      channel: "email",
      attributes: { designer: "Isabel Marant", category: "shoes", size: "38", price: 250 },
    });
    expect(email.body.verdict).toBe("send");
  });

  it("opts an English customer out on a lower-case stop, answers in English, and records a repeat only once", async () => {
    expect((await decision("cust-aroha", "back-in-stock")).reasons).not.toContain("topic.unsubscribed");
    const response = await inbound(AROHA, "stop");
    expect(response.status).toBe(200);
    expect(response.text).toContain("<Message>You will no longer get marketing SMS from Vitrine.");
    expect(await smsSubscriptions("cust-aroha")).toEqual({
      "back-in-stock": "unsubscribed",
      "price-drop": "unsubscribed",
      "order-updates": "subscribed",
    });
    expect((await smsKeywordEvents("cust-aroha")).map((event) => [event.subject, event.after.status])).toEqual(
      expect.arrayContaining([
        ["back-in-stock:sms", "unsubscribed"],
        ["price-drop:sms", "unsubscribed"],
      ]),
    );
    expect(await smsKeywordEvents("cust-aroha")).toHaveLength(2);
    expect(await decision("cust-aroha", "back-in-stock")).toMatchObject({ verdict: "deny" });
    expect((await decision("cust-aroha", "back-in-stock")).reasons).toContain("topic.unsubscribed");
    expect((await decision("cust-aroha", "order-updates")).reasons).not.toContain("topic.unsubscribed");

    // Twilio retries a webhook it got no answer to: the second STOP confirms and records nothing.
    const [eventsBefore] = await everything();
    const again = await inbound(AROHA, "  STOP ");
    expect(again.status).toBe(200);
    expect(again.text).toContain("You will no longer get marketing SMS from Vitrine.");
    expect((await everything())[0]).toBe(eventsBefore);
  });

  it("follows Twilio's own reading of an opt-out keyword the brand configured there (Advanced Opt-Out)", async () => {
    const response = await inbound(OLIVIA, "No more texts please", { fields: { OptOutType: "STOP" } });
    expect(response.status).toBe(200);
    expect(response.text).toContain("<Message>You will no longer get marketing SMS from Vitrine.");
    expect(await smsSubscriptions("cust-olivia")).toMatchObject({
      "back-in-stock": "unsubscribed",
      "price-drop": "unsubscribed",
    });
    expect(await smsKeywordEvents("cust-olivia")).toHaveLength(2);
  });

  it("answers HELP with a bilingual default, then with the brand's own text, escaped for XML", async () => {
    const before = await everything();
    const help = await inbound(AROHA, "HELP");
    expect(help.status).toBe(200);
    expect(help.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Vitrine: the alerts and offers you chose. ' +
        `Reply STOP to stop marketing SMS. Your preferences:\n${PUBLIC_URL}/portal/sign-in?brand=demo</Message></Response>`,
    );
    expect((await inbound(SOLENE, "aide")).text).toContain("<Message>Vitrine : les alertes et les offres");

    await api.db.brand.update({
      where: { id: demoId },
      data: {
        smsHelpText: JSON.stringify({
          fr: "Vitrine <service client> : 01 23 45 67 89 & aide@vitrine.example",
          en: "Vitrine customer care: +33 1 23 45 67 89",
        }),
      },
    });
    expect((await inbound(SOLENE, "Aide")).text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>' +
        "Vitrine &#60;service client&#62; : 01 23 45 67 89 &#38; aide@vitrine.example</Message></Response>",
    );
    expect((await inbound(AROHA, "info")).text).toContain(
      "<Message>Vitrine customer care: +33 1 23 45 67 89</Message>",
    );
    expect(await everything()).toEqual(before);
  });

  it("does not re-subscribe on START, but points to the portal", async () => {
    const before = await everything();
    const start = await inbound(CAMILLE, "START");
    expect(start.status).toBe(200);
    expect(start.text).toContain(
      `<Message>Pour recevoir à nouveau des SMS de Vitrine, choisissez vos sujets ici :\n${PUBLIC_URL}/portal/sign-in?brand=demo</Message>`,
    );
    expect(await everything()).toEqual(before);
    expect((await decision("cust-camille", "price-drop")).reasons).toContain("topic.unsubscribed");
  });

  it("answers other messages with an empty TwiML response", async () => {
    const before = await everything();
    for (const body of ["stop by tomorrow", "Merci !", ""]) {
      const response = await inbound(SOLENE, body);
      expect(response.status).toBe(200);
      expect(response.type).toMatch(/^text\/xml/);
      expect(response.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    }
    expect(await everything()).toEqual(before);
  });

  it("refuses a missing or wrong signature with 403 and changes nothing", async () => {
    const before = await everything();
    const attempts = [
      () => null,
      (form: URLSearchParams, url: string) => twilioSignature("f".repeat(32), url, form),
      // Signed for the address the request reached, not the one Twilio was given: a forger's
      // guess, or a misconfigured PUBLIC_URL; either way not proof.
      (form: URLSearchParams) => twilioSignature(twilio.authToken, `${api.server.url}/api/v1/sms/demo/inbound`, form),
      // Signed, then the body changed on the way.
      (form: URLSearchParams, url: string) => {
        const signature = twilioSignature(
          twilio.authToken,
          url,
          new URLSearchParams({ ...Object.fromEntries(form), Body: "hello" }),
        );
        return signature;
      },
    ];
    for (const sign of attempts) {
      const response = await inbound(SOLENE, "STOP", { sign });
      expect(response.status).toBe(403);
      expect(JSON.parse(response.text)).toMatchObject({ error: { code: "forbidden" } });
    }
    expect(await everything()).toEqual(before);
    expect(await smsSubscriptions("cust-solene")).toEqual({ "price-drop": "subscribed" });
  });

  it("confirms a STOP from a number no customer has, in the brand's first language, changing nothing", async () => {
    const before = await everything();
    const response = await inbound("+33600000001", "Stop");
    expect(response.status).toBe(200);
    expect(response.text).toContain("<Message>Vous ne recevrez plus de SMS marketing de Vitrine.");
    expect(await everything()).toEqual(before);
  });

  it("answers 404 for an unknown brand and 405 for anything but POST", async () => {
    const before = await everything();
    expect((await inbound(SOLENE, "STOP", { brand: "no-such-brand" })).status).toBe(404);
    expect(await everything()).toEqual(before);
    const get = await fetch(`${api.server.url}/api/v1/sms/demo/inbound`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const put = await fetch(`${api.server.url}/api/v1/sms/demo/inbound`, { method: "PUT", body: "Body=STOP" });
    expect(put.status).toBe(405);
  });

  it("answers 404 when the server has no Twilio configuration", async () => {
    const withoutSms = await startServer({
      DATABASE_URL: api.env.DATABASE_URL,
      DATA_DIR: api.env.DATA_DIR,
      MESURE_SECRET: api.env.MESURE_SECRET,
      PUBLIC_URL,
      SEED_DEMO: "false",
    });
    try {
      const path = "/api/v1/sms/demo/inbound";
      const form = new URLSearchParams({ From: SOLENE, To: BRAND_NUMBER, Body: "STOP" });
      const response = await fetch(`${withoutSms.url}${path}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "X-Twilio-Signature": twilioSignature(twilio.authToken, `${PUBLIC_URL}${path}`, form),
        },
        body: form.toString(),
      });
      expect(response.status).toBe(404);
      expect(await smsSubscriptions("cust-solene")).toEqual({ "price-drop": "subscribed" });
    } finally {
      await withoutSms.stop();
    }
  });

  // Last: it leaves this client address refused for a minute.
  it("refuses a client address that keeps failing the signature check, even once it signs right", async () => {
    const forged = () => inbound(SOLENE, "STOP", { sign: () => "bm90IGEgc2lnbmF0dXJl" });
    let status = 0;
    for (let attempt = 0; attempt < 40 && status !== 429; attempt += 1) status = (await forged()).status;
    expect(status).toBe(429);
    const signed = await inbound(SOLENE, "STOP");
    expect(signed.status).toBe(429);
    expect(Number(signed.retryAfter)).toBeGreaterThan(0);
    expect(await smsSubscriptions("cust-solene")).toEqual({ "price-drop": "subscribed" });
  });
});
