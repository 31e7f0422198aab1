// Web Push subscriptions made in the portal, over real HTTP against the built server: the
// browser's subscription is saved and the very next decision knows the customer is reachable by
// push; a device is removed with a plain form (no JavaScript), only by its owner; a bad body
// gets 400 naming the field and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portalLink } from "~/lib/portal-link.server";
import { startApi, type ApiFixture } from "../support/api";
import { testProvider } from "../support/database";
import { PortalClient } from "../support/portal-client";
import { newBrowserSubscription } from "../support/push-service";

let api: ApiFixture;
let demoId: string;
const ids: Record<string, string> = {};
const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

beforeAll(async () => {
  api = await startApi();
  demoId = (await api.db.brand.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } })).id;
  for (const row of await api.db.customer.findMany({ select: { id: true, externalId: true } }))
    ids[row.externalId] = row.id;
});
afterAll(async () => {
  await api?.stop();
});

async function signIn(externalId: string): Promise<PortalClient> {
  const client = new PortalClient(api.server.url);
  const link = portalLink({
    secret: "k".repeat(64),
    publicUrl: api.server.url,
    brandId: demoId,
    customerId: ids[externalId]!,
    ttlSeconds: 600,
  });
  expect((await client.page(link)).url).toBe("/portal");
  return client;
}

/** Posts to /portal/push the way the page's script does (JSON back), or as a plain form. */
async function postPush(
  client: PortalClient,
  fields: Record<string, string>,
  options: { json?: boolean; csrf?: string | null } = {},
) {
  const body = new URLSearchParams(fields);
  const token = options.csrf === undefined ? await client.csrf("/portal/channels") : options.csrf;
  if (token !== null) body.set("csrf", token);
  const response = await client.request("/portal/push", {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: api.server.url,
      "User-Agent": firefox,
      ...(options.json !== false && { Accept: "application/json" }),
    },
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read field by field below
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a redirect or a page: kept as text
  }
  return { status: response.status, body: parsed, location: response.headers.get("location") };
}

const subscribe = (client: PortalClient, subscription: unknown) =>
  postPush(client, { intent: "subscribe", subscription: JSON.stringify(subscription) });

async function reasons(customer: string) {
  const response = await api.call("POST", "/api/v1/decisions", { customer, topic: "order-updates", channel: "push" });
  expect(response.status).toBe(200);
  return response.body.reasons as string[];
}

const devicesOf = (externalId: string) =>
  api.db.pushSubscription.findMany({
    where: { customerId: ids[externalId] },
    select: { id: true, brandId: true, endpoint: true, p256dh: true, auth: true, userAgent: true },
  });

describe(`push subscriptions in the portal (${testProvider})`, () => {
  it("the page explains that JavaScript is needed, and the service worker is served", async () => {
    const client = await signIn("cust-aroha");
    const page = await client.page("/portal/channels?lang=en");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Notifications on your devices");
    expect(page.html).toContain("JavaScript must be turned on");
    // The button only appears once a script has checked the browser can do push.
    expect(page.html).not.toContain("Get notifications on this device");

    const worker = await fetch(`${api.server.url}/push-sw.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get("content-type")).toMatch(/javascript/);
    expect(await worker.text()).toContain('addEventListener("push"');
    // script-src 'self' covers the worker's registration (worker-src falls back to it).
    const csp = (await fetch(`${api.server.url}/portal/sign-in?brand=demo`)).headers.get("content-security-policy");
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/worker-src/);
  });

  it("subscribing saves the subscription, and the next decision knows push reaches the customer", async () => {
    const client = await signIn("cust-camille");
    expect(await reasons("cust-camille")).toContain("channel.no_contact");
    const browser = newBrowserSubscription("https://push.example.test");

    const saved = await subscribe(client, browser.json);

    expect(saved.status).toBe(201);
    expect(saved.body).toEqual({ ok: true, id: expect.any(String) });
    expect(await devicesOf("cust-camille")).toEqual([
      {
        id: saved.body.id,
        brandId: demoId,
        endpoint: browser.json.endpoint,
        p256dh: browser.json.keys.p256dh,
        auth: browser.json.keys.auth,
        userAgent: firefox,
      },
    ]);
    expect(await reasons("cust-camille")).not.toContain("channel.no_contact");
    expect(await reasons("cust-camille")).toEqual([]);

    // The same browser again (a second click, a page reload): still one device.
    expect((await subscribe(client, browser.json)).status).toBe(200);
    expect(await devicesOf("cust-camille")).toHaveLength(1);

    const page = await client.page("/portal/channels");
    expect(page.html).toContain("Firefox sur Linux");
    expect(page.html).toMatch(/<button type="submit" class="button secondary">Retirer/);
  });

  it("removing works without JavaScript, and decisions learn of it", async () => {
    const client = await signIn("cust-james");
    const saved = await subscribe(client, newBrowserSubscription("https://push.example.test").json);
    expect(await reasons("cust-james")).not.toContain("channel.no_contact");
    // The form as the page renders it: hidden intent and id, the CSRF field.
    const page = await client.page("/portal/channels");
    expect(page.html).toContain('action="/portal/push"');
    expect(page.html).toContain(`name="id" value="${saved.body.id}"`);

    const removed = await postPush(client, { intent: "remove", id: saved.body.id }, { json: false });

    expect(removed.status).toBe(303);
    expect(removed.location).toBe("/portal/channels?push=removed#push");
    expect(await devicesOf("cust-james")).toEqual([]);
    expect(await reasons("cust-james")).toContain("channel.no_contact");
    expect((await client.page(removed.location!)).html).toContain("The device was removed");
    // Removed twice (a double click): nothing breaks, and the page says so.
    const again = await postPush(client, { intent: "remove", id: saved.body.id }, { json: false });
    expect(again.location).toBe("/portal/channels?push=not-found#push");
  });

  it("another customer cannot remove it", async () => {
    const owner = await signIn("cust-marie");
    const saved = await subscribe(owner, newBrowserSubscription("https://push.example.test").json);
    const intruder = await signIn("cust-lea");

    const asJson = await postPush(intruder, { intent: "remove", id: saved.body.id });
    expect(asJson.status).toBe(404);
    expect(asJson.body).toEqual({ ok: false, error: "not_found" });
    const asForm = await postPush(intruder, { intent: "remove", id: saved.body.id }, { json: false });
    expect(asForm.location).toBe("/portal/channels?push=not-found#push");

    expect(await devicesOf("cust-marie")).toHaveLength(1);
    expect(await reasons("cust-marie")).not.toContain("channel.no_contact");
  });

  it("a browser that changes hands moves to the customer signed in now", async () => {
    const browser = newBrowserSubscription("https://push.example.test");
    const first = await signIn("cust-aroha");
    expect((await subscribe(first, browser.json)).status).toBe(201);
    expect(await reasons("cust-aroha")).not.toContain("channel.no_contact");
    const second = await signIn("cust-kenji");
    expect(await reasons("cust-kenji")).toContain("channel.no_contact");

    expect((await subscribe(second, browser.json)).status).toBe(200);

    expect(await devicesOf("cust-aroha")).toEqual([]);
    expect(await reasons("cust-aroha")).toContain("channel.no_contact");
    // Kenji turned push off in his settings: reachable now, still not sent to.
    expect(await reasons("cust-kenji")).toEqual(["channel.disabled"]);
  });

  it("a bad body gets 400 naming the field, and changes nothing", async () => {
    const client = await signIn("cust-lea");
    const good = newBrowserSubscription("https://push.example.test").json;
    const before = await api.db.pushSubscription.count();
    const cases: [Record<string, string>, string][] = [
      [
        { intent: "subscribe", subscription: JSON.stringify({ ...good, endpoint: "http://push.example.test/x" }) },
        "subscription.endpoint",
      ],
      [
        { intent: "subscribe", subscription: JSON.stringify({ ...good, keys: { ...good.keys, p256dh: "AAAA" } }) },
        "subscription.keys.p256dh",
      ],
      [
        { intent: "subscribe", subscription: JSON.stringify({ ...good, keys: { p256dh: good.keys.p256dh } }) },
        "subscription.keys.auth",
      ],
      [{ intent: "subscribe", subscription: "{not json" }, "subscription"],
      // Valid JSON text whose escape parses to a lone surrogate, which no column can hold.
      [
        {
          intent: "subscribe",
          subscription: JSON.stringify({ ...good, endpoint: "https://push.example.test/\ud800" }),
        },
        "subscription",
      ],
      [{ intent: "subscribe" }, "subscription"],
      [{ intent: "remove" }, "id"],
      [{ intent: "delete-everything", id: "x" }, "intent"],
    ];
    for (const [fields, field] of cases) {
      const answer = await postPush(client, fields);
      expect(answer.status, JSON.stringify(fields)).toBe(400);
      expect(answer.body.ok).toBe(false);
      expect(Object.keys(answer.body.errors), JSON.stringify(fields)).toEqual([field]);
    }
    // In the visitor's language.
    const french = await postPush(client, { intent: "remove" });
    expect(french.body.errors.id).toBe("Ce champ est requis.");
    expect(await api.db.pushSubscription.count()).toBe(before);
    expect(await reasons("cust-lea")).toContain("channel.no_contact");
  });

  it("needs the CSRF token, a same-origin post and a session", async () => {
    const client = await signIn("cust-lea");
    const body = { intent: "subscribe", subscription: JSON.stringify(newBrowserSubscription("https://p.test").json) };
    expect((await postPush(client, body, { csrf: null })).status).toBe(403);
    expect((await postPush(client, body, { csrf: "forged" })).status).toBe(403);
    const crossSite = await client.request("/portal/push", {
      method: "POST",
      body: new URLSearchParams({ ...body, csrf: await client.csrf("/portal/channels") }),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);

    // A browser with a CSRF cookie but no session: the script is told, a form is sent to sign in.
    const stranger = new PortalClient(api.server.url);
    const token = await stranger.csrf("/portal/sign-in?brand=demo");
    expect((await postPush(stranger, body, { csrf: token })).status).toBe(401);
    const form = await postPush(stranger, body, { csrf: token, json: false });
    expect(form.status).toBe(302);
    expect(form.location).toMatch(/^\/portal\/sign-in/);

    expect(await devicesOf("cust-lea")).toEqual([]);
    // A GET of the action's address lands on the page.
    const get = await client.request("/portal/push");
    expect(get.headers.get("location")).toBe("/portal/channels#push");
  });
});
