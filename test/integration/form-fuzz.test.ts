// Every form of the portal and the console, as its page serves it, posted again with one field at
// a time replaced by a lone surrogate, by bytes that are not UTF-8, or by 10,000 characters:
// never a 5xx or a stack trace; a text field given too much is refused (4xx) with a message
// beside it; and whatever is refused changes nothing in the database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portalLink } from "~/lib/portal-link.server";
import { unsubscribeLink } from "~/lib/unsubscribe-link.server";
import { createConnector } from "~/models/connector.server";
import { createWebhookEndpoint } from "~/models/webhook-endpoint.server";
import { startConsole, type ConsoleFixture } from "../support/console";
import { testProvider } from "../support/database";
import { changedTables, snapshotDatabase } from "../support/database-snapshot";
import { errorBeside, postForms, type PageForm } from "../support/forms";
import { PortalClient } from "../support/portal-client";

const SECRET = "k".repeat(64);
let app: ConsoleFixture;

beforeAll(async () => {
  app = await startConsole({ WORKER: "false", OUTBOUND_PRIVATE_ADDRESSES: "allow" });
});
afterAll(() => app?.stop());

type Variant = { label: string; value: string; bytes?: string };
const LONG = "a".repeat(10_000);
const variants: Variant[] = [
  // What a browser sends of a lone surrogate is U+FFFD (its form encoder replaces it).
  { label: "\\ud800", value: "\ud800" },
  // A careless encoder's bytes for \udfff (CESU-8): not UTF-8, so they decode to U+FFFD too.
  { label: "%ED%BF%BF", value: "\udfff", bytes: "%ED%BF%BF" },
  { label: "10,000 characters", value: LONG },
];
/** Controls a person types into: given 10,000 characters, each must be refused beside itself. */
const TYPED = new Set(["text", "textarea", "email", "url", "tel", "search", "number", "date", "time", "password"]);
/** The public forms' honeypot (app/components/public-page.tsx): a bot that fills it is told all went well. */
const HONEYPOT = "website";
/** Tables a request touches whatever it carries (a session seen, a rate limit counted). */
const TOUCHED_BY_ANY_REQUEST = ["PortalSession", "ConsoleSession"];

const STACK = /at \w+ \(|node_modules|\.ts:\d+/;

function body(form: PageForm, name: string, variant: Variant): { body: BodyInit; type?: string } {
  const others = form.fields.filter(([key]) => key !== name);
  if (form.enctype === "multipart/form-data") {
    const data = new FormData();
    for (const [key, value] of others) data.append(key, value);
    const file = form.controls.some((control) => control.name === name && control.type === "file");
    const content = variant.bytes ? Buffer.from(variant.bytes.replaceAll("%", ""), "hex") : variant.value;
    if (file) data.append(name, new File([content], "fuzz.csv", { type: "text/csv" }));
    else data.append(name, variant.value);
    return { body: data };
  }
  const text = new URLSearchParams(variant.bytes ? others : [...others, [name, variant.value]]).toString();
  const tail = variant.bytes ? `${text ? "&" : ""}${encodeURIComponent(name)}=${variant.bytes}` : "";
  return { body: text + tail, type: "application/x-www-form-urlencoded" };
}

/** Posts every form of `pages` once for each field and variant, checking each answer. */
async function fuzzPages(client: PortalClient, pages: string[], skip: RegExp) {
  const failures: string[] = [];
  let posts = 0;
  const statuses = new Set<number>();
  // The database as it stands: taken again after each answer (a taken form changes it).
  let before = await snapshotDatabase(app.database, TOUCHED_BY_ANY_REQUEST);
  for (const page of pages) {
    const served = await client.page(page);
    expect(served.status, page).toBe(200);
    const forms = postForms(served.html, page).filter((form) => !skip.test(form.action));
    for (const form of forms) {
      const names = [...new Set(form.controls.map((control) => control.name))].filter((name) => name !== "csrf");
      for (const name of names) {
        const control = form.controls.find((candidate) => candidate.name === name)!;
        for (const variant of variants) {
          const { body: sent, type } = body(form, name, variant);
          const response = await client.request(form.action, {
            method: "POST",
            body: sent,
            headers: { ...(type && { "Content-Type": type }), Origin: client.base },
          });
          const html = await response.text();
          posts++;
          statuses.add(response.status);
          const where = `${form.action} ${name} = ${variant.label}: ${response.status}`;
          if (response.status >= 500 || STACK.test(html)) failures.push(`${where} ${html.slice(0, 200)}`);
          const typed = (TYPED.has(control.type) || control.type === "file") && name !== HONEYPOT;
          if (variant.value === LONG && typed) {
            if (response.status < 400 || response.status >= 500) failures.push(`${where} (accepted 10,000 characters)`);
            else if (!errorBeside(html, name)) failures.push(`${where} (no message beside the field)`);
          }
          const after = await snapshotDatabase(app.database, TOUCHED_BY_ANY_REQUEST);
          if (response.status >= 400) {
            const changed = changedTables(before, after);
            if (changed.length) failures.push(`${where} (refused, yet changed ${changed.join(", ")})`);
          }
          before = after;
        }
      }
    }
  }
  return { failures, posts, statuses };
}

describe(`fuzzing every form (${testProvider})`, () => {
  it("the portal's, signed in and not", async () => {
    const camille = await app.db.customer.findFirstOrThrow({
      where: { externalId: "cust-camille" },
      select: { id: true },
    });
    const client = new PortalClient(app.server.url);
    const entered = await client.page(
      portalLink({
        secret: SECRET,
        publicUrl: app.server.url,
        brandId: app.brandIds.demo,
        customerId: camille.id,
        ttlSeconds: 600,
      }),
    );
    expect(entered.url).toBe("/portal");
    const delivery = await app.db.delivery.findFirst({ where: { customerId: camille.id }, select: { id: true } });
    const signedIn = await fuzzPages(
      client,
      [
        "/portal",
        "/portal/subscriptions",
        "/portal/channels",
        "/portal/alerts",
        "/portal/pause",
        "/portal/avoid",
        "/portal/inbox",
        "/portal/cookies",
        ...(delivery ? [`/portal/why/${delivery.id}`] : []),
        // Last: its form asks for the erasure.
        "/portal/erase",
      ],
      /sign-out/,
    );
    const unsubscribe = unsubscribeLink({
      secret: SECRET,
      publicUrl: "",
      brandId: app.brandIds.demo,
      customerId: camille.id,
      topic: "newsletter",
      channel: "email",
    });
    const anonymous = await fuzzPages(
      new PortalClient(app.server.url),
      ["/portal/sign-in?brand=demo", "/privacy/erase?brand=demo", unsubscribe],
      /sign-out/,
    );
    expect([...signedIn.failures, ...anonymous.failures]).toEqual([]);
    expect(signedIn.posts + anonymous.posts).toBeGreaterThan(100);
    // Forms were taken and refused alike: the token and session held all along.
    expect([...signedIn.statuses]).toEqual(expect.arrayContaining([200, 400]));
  }, 240_000);

  it("the console's", async () => {
    const owner = await app.signIn("demo", "owner");
    const { endpoint } = await createWebhookEndpoint(app.db, SECRET, {
      actor: "test",
      brandId: app.brandIds.demo,
      url: "https://hooks.example.com/mesure",
      description: "CRM",
      events: ["preference.changed"],
      publicUrl: app.server.url,
    });
    await createConnector(app.db, SECRET, {
      brandId: app.brandIds.demo,
      name: "Warehouse",
      url: "https://warehouse.example.com/erase",
      publicUrl: app.server.url,
    });
    const console_ = await fuzzPages(
      owner,
      [
        "/console/api-keys",
        "/console/channels",
        "/console/connectors",
        "/console/cookies",
        "/console/import",
        "/console/settings",
        "/console/topics",
        "/console/topics/newsletter",
        "/console/webhooks",
        `/console/webhooks/${endpoint.id}`,
        "/console/team",
      ],
      /sign-out/,
    );
    const anonymous = await fuzzPages(new PortalClient(app.server.url), ["/console/sign-in"], /sign-out/);
    expect([...console_.failures, ...anonymous.failures]).toEqual([]);
    expect(console_.posts).toBeGreaterThan(100);
    expect([...console_.statuses]).toEqual(expect.arrayContaining([400]));
    expect([...console_.statuses].some((status) => status < 400)).toBe(true);
  }, 240_000);
});
