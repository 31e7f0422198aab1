// Rights in the portal over real HTTP, as a browser without JavaScript uses them: what we know
// (fields with purpose and source, forgetting one), the exports (only this customer's data,
// escaped), the consent receipt (every hash recomputes), erasure from the portal (systems, cancel
// in the grace period) and by a code sent by email (real SMTP), with its refusals.
import http from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowPrivateAddresses } from "~/lib/outbound.server";
import { portalLink } from "~/lib/portal-link.server";
import { mintToken } from "~/lib/signed-token.server";
import { appendConsentEvent, consentEventHash } from "~/models/consent.server";
import { createConnector } from "~/models/connector.server";
import { suppress } from "~/models/suppression.server";
import { verifyConsentChain } from "~/privacy/consent-ledger.server";
import { startErasureCode } from "~/privacy/erasure-access.server";
import { startApi, type ApiFixture } from "../support/api";
import { testProvider } from "../support/database";
import { PortalClient } from "../support/portal-client";
import { startSmtpSink, type SmtpSink } from "../support/smtp";

const SECRET = "k".repeat(64);

let api: ApiFixture;
let smtp: SmtpSink;
let crm: http.Server;
let crmCalls = 0;
let demoId: string;
let otherId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  // The connector is added in this process and listens on 127.0.0.1 (see outbound.server.ts).
  allowPrivateAddresses(true);
  smtp = await startSmtpSink();
  api = await startApi({ SMTP_URL: smtp.url });
  // A connector of the brand's that acknowledges every erasure call.
  crm = http.createServer((req, res) => {
    crmCalls++;
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => crm.listen(0, "127.0.0.1", resolve));
  demoId = (await api.db.brand.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } })).id;
  otherId = (await api.db.brand.findUniqueOrThrow({ where: { slug: "other" }, select: { id: true } })).id;
  for (const row of await api.db.customer.findMany({
    where: { brandId: demoId },
    select: { id: true, externalId: true },
  }))
    ids[row.externalId] = row.id;
  const address = crm.address() as { port: number };
  await createConnector(api.db, SECRET, {
    brandId: demoId,
    name: "CRM Vitrine",
    url: `http://127.0.0.1:${address.port}/mesure`,
    publicUrl: api.server.url,
  });
});
afterAll(async () => {
  await api?.stop();
  await smtp?.stop();
  await new Promise((resolve) => crm?.close(resolve));
});

async function signIn(externalId: string, brandId = demoId, customerId = ids[externalId]!): Promise<PortalClient> {
  const client = new PortalClient(api.server.url);
  const entered = await client.page(
    portalLink({ secret: SECRET, publicUrl: api.server.url, brandId, customerId, ttlSeconds: 600 }),
  );
  expect(entered.url).toBe("/portal");
  return client;
}

/** The text the page announces in its status line, entities decoded. */
const statusText = (html: string) =>
  /role="status"[^>]*>(?:<strong>)?([^<]*)</
    .exec(html)?.[1]
    ?.replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

describe(`what we know about you (${testProvider})`, () => {
  it("the customers API takes a name, trimmed, at most 120 characters", async () => {
    const saved = await api.call("PUT", "/api/v1/customers/cust-camille", { name: "  Camille Martin " });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ externalId: "cust-camille", name: "Camille Martin" });
    expect((await api.call("GET", "/api/v1/customers/cust-camille")).body.name).toBe("Camille Martin");
    const long = await api.call("PUT", "/api/v1/customers/cust-camille", { name: "x".repeat(121) });
    expect(long.status).toBe(400);
    expect(long.body.error.issues[0].path).toBe("name");
    const created = await api.call("PUT", "/api/v1/customers/new-with-name", { email: "nwn@example.fr", name: "Noé" });
    expect(created.status).toBe(201);
    const row = await api.db.customer.findFirstOrThrow({
      where: { brandId: demoId, externalId: "new-with-name" },
      select: { name: true, fieldSources: true },
    });
    expect(row.name).toBe("Noé");
    expect(JSON.parse(row.fieldSources)).toEqual({
      externalId: "api",
      email: "api",
      name: "api",
      locale: "default",
      timezone: "default",
    });
  });

  it("lists every field with its value, purpose and source", async () => {
    const client = await signIn("cust-camille");
    const page = await client.page("/portal/data");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Ce que nous savons de vous");
    for (const value of ["cust-camille", "camille.martin@example.fr", "+33612345678", "Camille Martin", "Europe/Paris"])
      expect(page.html).toContain(value);
    expect(page.html).toContain("Vous appeler par votre nom dans les messages.");
    expect(page.html).toContain("Vous envoyer les SMS que vous avez choisis.");
    expect(page.html).toContain("Transmis par les systèmes de la marque");
    // Email cannot be forgotten alone, and the page says why; phone and name can.
    expect(page.html).toContain("C&#x27;est par elle que vous vous connectez à ce portail");
    expect(page.html).toContain('href="/portal/data?forget=phone#confirm-phone"');
    expect(page.html).toContain('href="/portal/data?forget=name#confirm-name"');
    expect(page.html).not.toContain("forget=email");
    expect(page.html).toContain('href="/portal/consents"');
    expect(page.html).toContain('href="/portal/export.json"');
    expect(page.html).toContain('href="/portal/erase"');
    const confirm = await client.page("/portal/data?forget=phone");
    expect(confirm.html).toContain("Oublier votre numéro de téléphone ?");
  });

  it("writes the latest consents with the punctuation of the page's language", async () => {
    const latest = (html: string) =>
      /<ul>(.*?)<\/ul>/s.exec(html.slice(html.indexOf('id="consents-title"')))?.[1]?.replace(/<!-- -->/g, "") ?? "";
    const client = await signIn("cust-james");
    const english = latest((await client.page("/portal/data?lang=en")).html);
    expect(english).toMatch(/<li>[^<]+ — [^<]+: [^<]+<\/li>/);
    expect(english).not.toContain(" : ");
    const french = latest((await client.page("/portal/data?lang=fr")).html);
    expect(french).toMatch(/<li>[^<]+ — [^<]+ : [^<]+<\/li>/);
  });

  it("forgets the phone: gone from the database, a ledger event without the value, SMS stop at once", async () => {
    const client = await signIn("cust-camille");
    const decideSms = () =>
      api.call("POST", "/api/v1/decisions", {
        customer: "cust-camille",
        topic: "price-drop",
        channel: "sms",
        attributes: { designer: "Isabel Marant", category: "shoes", size: "38", price: 200 },
      });
    expect((await decideSms()).body.reasons).not.toContain("channel.no_contact");
    const forged = await client.post("/portal/data", { intent: "forget", field: "phone" }, { csrf: null });
    expect(forged.status).toBe(403);
    const refused = await client.post("/portal/data", { intent: "forget", field: "email" });
    expect(refused.status).toBe(400);
    const before = await api.db.consentEvent.count({ where: { customerId: ids["cust-camille"] } });
    const done = await client.post("/portal/data", { intent: "forget", field: "phone" });
    expect(done.status).toBe(200);
    expect(statusText(done.html)).toBe("C'est fait : votre numéro de téléphone est oublié.");
    const row = await api.db.customer.findUniqueOrThrow({
      where: { id: ids["cust-camille"] },
      select: { phone: true, email: true, fieldSources: true },
    });
    expect(row.phone).toBeNull();
    expect(row.email).toBe("camille.martin@example.fr");
    expect(JSON.parse(row.fieldSources)).not.toHaveProperty("phone");
    const events = await api.db.consentEvent.findMany({
      where: { customerId: ids["cust-camille"] },
      orderBy: { seq: "desc" },
      select: { kind: true, subject: true, before: true, after: true, source: true },
    });
    expect(events.length).toBe(before + 1);
    expect(events[0]).toMatchObject({ kind: "data", subject: "field:phone", source: "portal" });
    expect(JSON.parse(events[0]!.after)).toEqual({ forgotten: true });
    expect(`${events[0]!.before}${events[0]!.after}`).not.toMatch(/612345678/);
    expect((await decideSms()).body.reasons).toContain("channel.no_contact");
    expect((await client.page("/portal/data")).html).not.toContain("+33612345678");
    // Forgetting again changes nothing and writes nothing.
    const again = await client.post("/portal/data", { intent: "forget", field: "phone" });
    expect(statusText(again.html)).toBe("Il n'y avait rien à oublier.");
    expect(await api.db.consentEvent.count({ where: { customerId: ids["cust-camille"] } })).toBe(before + 1);
    expect(await verifyConsentChain(api.db, demoId)).toMatchObject({ intact: true });
  });
});

describe(`exports and the consent receipt (${testProvider})`, () => {
  it("exports everything about this customer as JSON, and nothing about anyone else", async () => {
    // Another brand's customer with the same external id, and a neighbour in the same brand.
    expect(
      (
        await api.call(
          "PUT",
          "/api/v1/customers/cust-kenji",
          { email: "kenji.elsewhere@example.com", name: "Other Kenji" },
          { key: api.otherKey },
        )
      ).status,
    ).toBe(201);
    const client = await signIn("cust-kenji");
    const response = await client.request("/portal/export.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="demo-data-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const text = await response.text();
    const document = JSON.parse(text);
    expect(Object.keys(document)).toEqual([
      "format",
      "generatedAt",
      "brand",
      "fields",
      "account",
      "preferences",
      "consentHistory",
      "messagesSent",
      "messagesHeldBack",
      "inbox",
      "pushDevices",
      "visitorLinks",
      "portalSessions",
      "suppressions",
      "erasureRequests",
    ]);
    expect(document.format).toBe("mesure-export/1");
    expect(document.brand).toEqual({ slug: "demo", name: "Vitrine" });
    expect(document.fields.map((field: { field: string }) => field.field)).toEqual([
      "externalId",
      "email",
      "phone",
      "name",
      "locale",
      "timezone",
    ]);
    expect(document.fields[1]).toMatchObject({ value: "kenji.sato@example.jp", source: "api", optional: false });
    expect(document.fields[1].purpose.en).toMatch(/emails you chose/);
    expect(document.preferences.subscriptions.length).toBeGreaterThan(0);
    expect(document.preferences.alertFilters[0]).toMatchObject({ topic: "price-drop", label: "Jacquemus bags" });
    const events = await api.db.consentEvent.count({ where: { brandId: demoId, customerId: ids["cust-kenji"] } });
    expect(document.consentHistory).toHaveLength(events);
    expect(document.consentHistory[0]).toHaveProperty("hash");
    const deliveries = await api.db.delivery.count({ where: { brandId: demoId, customerId: ids["cust-kenji"] } });
    expect(deliveries).toBeGreaterThan(0);
    expect(document.messagesSent).toHaveLength(deliveries);
    expect(document.portalSessions.length).toBeGreaterThan(0);
    // Nobody else's data: not the neighbours', not the other brand's namesake.
    for (const stranger of [
      "kenji.elsewhere@example.com",
      "Other Kenji",
      "o1@example.com",
      "camille.martin@example.fr",
      ids["cust-camille"]!,
      otherId,
    ])
      expect(text).not.toContain(stranger);

    const namesake = await api.db.customer.findFirstOrThrow({
      where: { brandId: otherId, externalId: "cust-kenji" },
      select: { id: true },
    });
    const theirs = await signIn("cust-kenji", otherId, namesake.id);
    const their = await (await theirs.request("/portal/export.json")).text();
    expect(JSON.parse(their).fields[1].value).toBe("kenji.elsewhere@example.com");
    for (const stranger of ["kenji.sato@example.jp", "Vitrine", "Jacquemus", ids["cust-kenji"]!])
      expect(their).not.toContain(stranger);
  });

  it("exports a readable HTML page, escaped, in the portal's language", async () => {
    await api.call("PUT", "/api/v1/customers/cust-james", { name: "<script>alert(1)</script> James" });
    const client = await signIn("cust-james");
    const response = await client.request("/portal/export.html");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="demo-data-[\d-]+\.html"$/);
    const html = await response.text();
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    // James's portal speaks English (his language, set when he signed in).
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("Your data at Vitrine");
    expect(html).toContain("What we know about you");
    expect(html).toContain("james.walker@example.com");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; James");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toMatch(/<script/i);
    const french = await (await client.request("/portal/export.html?lang=fr")).text();
    expect(french).toContain("Vos données chez Vitrine");
    // Stored codes (how a session began, why an address is blocked) are written in words.
    await suppress(api.db, demoId, { kind: "email", value: "james.walker@example.com" }, "complaint");
    const blocked = await (await client.request("/portal/export.html")).text();
    expect(blocked).toContain("Email address: message reported as spam (");
    expect(blocked).toMatch(/\(through a link from the brand\)/);
    expect(blocked).not.toContain("(link)");
    const bloque = await (await client.request("/portal/export.html?lang=fr")).text();
    expect(bloque).toContain("Adresse e-mail : message signalé comme indésirable (");
    expect(bloque).toContain("(par un lien de la marque)");
  });

  it("gives a consent receipt whose every hash recomputes", async () => {
    const client = await signIn("cust-kenji");
    const response = await client.request("/portal/consent-receipt.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="demo-consent-receipt-/);
    const receipt = await response.json();
    expect(receipt.format).toBe("mesure-consent-receipt/1");
    expect(receipt.instructions.en.length).toBeGreaterThan(0);
    const head = await api.db.consentChain.findUniqueOrThrow({ where: { brandId: demoId } });
    expect(receipt.chainHead).toEqual({ length: head.length, hash: head.headHash });
    expect(receipt.events.length).toBe(
      await api.db.consentEvent.count({ where: { brandId: demoId, customerId: ids["cust-kenji"] } }),
    );
    for (const event of receipt.events) {
      expect(event.customerId).toBe(ids["cust-kenji"]);
      const { id: _id, hash, ...content } = event;
      expect(consentEventHash({ ...content, createdAt: new Date(content.createdAt) })).toBe(hash);
    }
    // A tampered copy no longer matches.
    const first = receipt.events[0];
    const { id: _id, hash, ...content } = first;
    expect(
      consentEventHash({ ...content, after: '{"status":"unsubscribed"}', createdAt: new Date(content.createdAt) }),
    ).not.toBe(hash);
    const page = await client.page("/portal/consents");
    expect(page.html).toContain("Your consents");
    expect(page.html).toContain(first.hash);
    expect(page.html).toContain('href="/portal/consent-receipt.json"');
  });

  it("never shows a customer the choices someone else made on a browser now linked to them", async () => {
    const visitorId = `shared-browser-${testProvider}`.padEnd(22, "x");
    // Camille signs in on a shared browser and makes a cookie choice there (filed under both ids)...
    expect((await api.call("POST", `/api/v1/visitors/${visitorId}/link`, { customer: "cust-camille" })).status).toBe(
      201,
    );
    await api.db.$transaction((tx) =>
      appendConsentEvent(tx, {
        brandId: demoId,
        customerId: ids["cust-camille"]!,
        visitorId,
        kind: "cookies",
        subject: "cookies",
        before: null,
        after: { categories: { necessary: true, analytics: true }, method: "accept_all", gpc: false },
        source: "banner",
      }),
    );
    // ...then Marie signs in on the same browser, which moves the link to her.
    expect((await api.call("POST", `/api/v1/visitors/${visitorId}/link`, { customer: "cust-marie" })).status).toBe(201);
    const client = await signIn("cust-marie");
    const receipt = await (await client.request("/portal/consent-receipt.json")).json();
    for (const event of receipt.events) expect([ids["cust-marie"], null]).toContain(event.customerId);
    for (const path of ["/portal/consent-receipt.json", "/portal/export.json", "/portal/consents", "/portal/data"]) {
      const text = await (await client.request(path)).text();
      expect(text, path).not.toContain(ids["cust-camille"]!);
    }
  });

  it("needs a session for every export", async () => {
    const anonymous = new PortalClient(api.server.url);
    for (const path of ["/portal/export.json", "/portal/export.html", "/portal/consent-receipt.json", "/portal/data"]) {
      const response = await anonymous.request(path);
      expect(response.status, path).toBe(302);
      expect(response.headers.get("location")).toMatch(/^\/portal\/sign-in/);
    }
  });
});

describe(`erasure (${testProvider})`, () => {
  it("from the portal: what happens, the systems told, progress, cancel during the grace period", async () => {
    await api.db.brand.update({ where: { id: demoId }, data: { erasureGraceDays: 7 } });
    const client = await signIn("cust-aroha");
    const page = await client.page("/portal/erase");
    expect(page.html).toContain("In 7 days, during which you can cancel.");
    expect(page.html).toContain("CRM Vitrine");
    expect(page.html).toContain("salted fingerprint");
    const unticked = await client.post("/portal/erase", { intent: "request" });
    expect(unticked.status).toBe(400);
    expect(unticked.html).toContain("Tick this box to confirm that you understand.");
    expect(await api.db.erasureRequest.count({ where: { customerId: ids["cust-aroha"] } })).toBe(0);
    const asked = await client.post("/portal/erase", { intent: "request", understand: "on" });
    expect(asked.status).toBe(302);
    expect(asked.location).toBe("/portal/erase");
    const status = await client.page("/portal/erase");
    expect(status.html).toContain("Scheduled: the erasure will take place on");
    expect(status.html).toMatch(/Mesure<\/span><span class="system-state-waiting">Waiting/);
    expect(status.html).toContain("CRM Vitrine");
    expect(status.html).toContain("Cancel my request");
    // A second request returns the open one rather than making another.
    await client.post("/portal/erase", { intent: "request", understand: "on" });
    expect(await api.db.erasureRequest.count({ where: { customerId: ids["cust-aroha"] } })).toBe(1);
    const mail = await smtp.waitFor((m) => m.to.includes("aroha.ngata@example.nz") && /erase/i.test(m.subject));
    const link = mail.links.find((href) => href.includes("/privacy/erasure/"))!;
    expect(link).toBeTruthy();
    const anonymous = new PortalClient(api.server.url);
    const outside = await anonymous.page(link);
    expect(outside.status).toBe(200);
    expect(outside.html).toContain("CRM Vitrine");
    const cancelled = await client.post("/portal/erase", { intent: "cancel" });
    expect(cancelled.status).toBe(200);
    expect(statusText(cancelled.html)).toBe("Your request is cancelled: nothing was erased.");
    const row = await api.db.erasureRequest.findFirstOrThrow({
      where: { customerId: ids["cust-aroha"] },
      select: { status: true },
    });
    expect(row.status).toBe("cancelled");
    expect((await client.page("/portal/erase")).html).toContain("Erase my data");
    const customer = await api.db.customer.findUniqueOrThrow({
      where: { id: ids["cust-aroha"] },
      select: { email: true },
    });
    expect(customer.email).toBe("aroha.ngata@example.nz");
  });

  it("by a code sent by email: same answer for unknown addresses, wrong code, done, used twice refused", async () => {
    await api.db.brand.update({ where: { id: demoId }, data: { erasureGraceDays: 0 } });
    const known = new PortalClient(api.server.url);
    // Titled for what it is (WCAG 2.4.2), not just "Mesure".
    expect((await known.page("/privacy/erase?brand=demo")).html).toContain(
      "<title>Effacer mes données — Mesure</title>",
    );
    const asked = await known.post("/privacy/erase?brand=demo", { intent: "send", email: "Lea.Bernard@example.fr" });
    const stranger = new PortalClient(api.server.url);
    const unknown = await stranger.post("/privacy/erase?brand=demo", { intent: "send", email: "nobody@example.fr" });
    expect(asked.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(statusText(unknown.html)).toBe(statusText(asked.html));
    const tokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1];
    const token = tokenOf(asked.html)!;
    expect(tokenOf(unknown.html)).toBeTruthy();
    // The token is readable: it must not name the customer, whose id (a cuid, its time first)
    // would tell a known address from the decoy an unknown one gets.
    const subjectOf = (value: string) =>
      JSON.parse(Buffer.from(value.split(".")[0]!, "base64url").toString("utf8")).c as string;
    expect(subjectOf(token)).not.toContain(ids["cust-lea"]!);
    expect(subjectOf(token).length).toBe(subjectOf(tokenOf(unknown.html)!).length);
    const mail = await smtp.waitFor((m) => m.to.includes("lea.bernard@example.fr") && /effacer/i.test(m.subject));
    const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
    expect(smtp.messages.some((m) => m.to.includes("nobody@example.fr"))).toBe(false);

    const confirm = (client: PortalClient, fields: Record<string, string>) =>
      client.post("/privacy/erase?brand=demo", { intent: "confirm", token, ...fields });
    const wrong = await confirm(known, { code: code === "000000" ? "111111" : "000000", understand: "on" });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain("Ce n&#x27;est pas le code envoyé.");
    const unticked = await confirm(known, { code });
    expect(unticked.status).toBe(400);
    expect(unticked.html).toContain("Cochez cette case pour confirmer que vous avez compris.");
    expect(await api.db.erasureRequest.count({ where: { customerId: ids["cust-lea"] } })).toBe(0);

    const done = await confirm(known, { code, understand: "on" });
    expect(done.status).toBe(302);
    expect(done.location).toMatch(/^\/privacy\/erasure\/[\w-]+\.[\w-]+$/);
    const request = await api.db.erasureRequest.findFirstOrThrow({
      where: { customerId: ids["cust-lea"] },
      select: { via: true },
    });
    expect(request.via).toBe("email_code");
    // No grace period: the erasure runs at once and the connector acknowledges; the status page
    // (no session) follows it to the end.
    let page = await known.page(done.location!);
    for (let i = 0; i < 60 && !page.html.includes("Terminé le"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      page = await known.page(done.location!);
    }
    expect(page.html).toContain("Terminé le");
    expect(page.html).toMatch(/CRM Vitrine<\/span><span class="system-state-acknowledged">Fait le/);
    expect(crmCalls).toBeGreaterThan(0);
    const erased = await api.db.customer.findUniqueOrThrow({
      where: { id: ids["cust-lea"] },
      select: { erasedAt: true, email: true },
    });
    expect(erased.erasedAt).not.toBeNull();
    expect(erased.email).toBeNull();

    const again = await confirm(known, { code, understand: "on" });
    expect(again.status).toBe(410);
    expect(again.html).toContain("Ce code a déjà servi.");
  });

  it("refuses an expired code, and a sixth try even with the right code", async () => {
    const expired = startErasureCode(SECRET, demoId, ids["cust-marie"]!, new Date(Date.now() - 16 * 60_000));
    const client = new PortalClient(api.server.url);
    const late = await client.post("/privacy/erase?brand=demo", {
      intent: "confirm",
      token: expired.token,
      code: expired.code,
      understand: "on",
    });
    expect(late.status).toBe(410);
    expect(late.html).toContain("Ce code a expiré.");

    const fresh = startErasureCode(SECRET, demoId, ids["cust-marie"]!);
    const wrong = fresh.code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) {
      const tried = await client.post("/privacy/erase?brand=demo", {
        intent: "confirm",
        token: fresh.token,
        code: wrong,
        understand: "on",
      });
      expect(tried.status).toBe(400);
    }
    const sixth = await client.post("/privacy/erase?brand=demo", {
      intent: "confirm",
      token: fresh.token,
      code: fresh.code,
      understand: "on",
    });
    expect(sixth.status).toBe(429);
    expect(await api.db.erasureRequest.count({ where: { customerId: ids["cust-marie"] } })).toBe(0);

    // A token for another brand's page, or one tampered with, is refused.
    const forged = await client.post("/privacy/erase?brand=other", {
      intent: "confirm",
      token: startErasureCode(SECRET, demoId, ids["cust-marie"]!).token.replace(/.$/, "A"),
      code: "123456",
      understand: "on",
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
  });

  it("the status page refuses tampered and expired links", async () => {
    const client = new PortalClient(api.server.url);
    expect((await client.page("/privacy/erasure/not-a-token")).status).toBe(404);
    const old = mintToken(
      SECRET,
      { purpose: "erasure-status", brandId: demoId, ttlSeconds: 60, data: { r: "x" } },
      new Date(Date.now() - 3600_000),
    );
    const expired = await client.page(`/privacy/erasure/${old}`);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain("Ce lien de suivi a expiré");
  });
});

describe(`malformed forms (${testProvider})`, () => {
  it("never answer with a 500", async () => {
    const client = await signIn("cust-james");
    const token = await client.csrf();
    const field = fc.oneof(
      fc.constantFrom("intent", "field", "email", "code", "token", "understand", "website"),
      fc.string({ maxLength: 10 }),
    );
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        "",
        "forget",
        "cancel",
        "confirm",
        "send",
        "phone",
        "name",
        "email",
        "on",
        "123456",
        "a.b",
        "\u0000",
      ),
    );
    const paths = [
      "/portal/data",
      "/portal/erase",
      "/privacy/erase?brand=demo",
      "/privacy/erase?brand=nope",
      "/privacy/erasure/x.y",
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.array(fc.tuple(field, value), { maxLength: 6 }),
        async (path, fields) => {
          const response = await client.post(path, fields, { csrf: token });
          expect(response.status, `${path} ${JSON.stringify(fields)}`).toBeLessThan(500);
        },
      ),
      { numRuns: 80 },
    );
  });
});
