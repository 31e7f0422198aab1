// Signing in to the console, over real HTTP with a real SMTP server: a link goes only to a
// member's address while the page answers the same for anyone; the link opens the console once
// and only while fresh; every console page sends a visitor without a session to sign in; signing
// out and being removed from the team end a session at once; asking too often is a 429; a
// session of one brand never shows another brand's data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleEntryUrl } from "~/console/sign-in-mail.server";
import { CONSOLE_COOKIE } from "~/models/console-session.server";
import { addMember } from "~/models/member.server";
import { testProvider } from "../support/database";
import { ConsoleClient, startConsole, type ConsoleFixture } from "../support/console";
import { startSmtpSink, type SmtpSink } from "../support/smtp";

const SECRET = "k".repeat(64);
/** Every section of the console's navigation (app/routes/console.tsx). */
const SECTIONS = [
  "/console",
  "/console/topics",
  "/console/channels",
  "/console/cookies",
  "/console/settings",
  "/console/connectors",
  "/console/webhooks",
  "/console/api-keys",
  "/console/team",
  "/console/consents",
  "/console/privacy",
  "/console/import",
  "/console/audit",
];

let app: ConsoleFixture;
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  app = await startConsole({ SMTP_URL: smtp.url, WORKER: "false" });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

/** A browser that has signed in to nothing yet. */
const stranger = () => new ConsoleClient(app.server.url, "");

/** The path of a link in a mail (links name the public URL, the test server listens elsewhere). */
const pathOf = (link: string) => link.replace(/^https?:\/\/[^/]+/, "");

async function askForLink(client: ConsoleClient, email: string) {
  return client.post("/console/sign-in", { email }, { csrf: await client.csrf("/console/sign-in") });
}

/** The text of the page's status line (what the visitor is told). */
function statusLine(html: string): string {
  return /<p class="status status-\w+" role="\w+">([^<]*)<\/p>/.exec(html)?.[1] ?? "";
}

describe(`console sign-in by email (${testProvider})`, () => {
  let link: string;

  it("sends a link to a member's address only, and answers the same for an unknown one", async () => {
    const unknown = await askForLink(stranger(), "nobody@nowhere.example");
    const known = await askForLink(stranger(), "Owner@Demo.Example");
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    expect(statusLine(known.html)).toContain("Si cette adresse appartient à une équipe");
    expect(statusLine(unknown.html)).toBe(statusLine(known.html));

    const mail = await smtp.waitFor((message) => message.to.includes("owner@demo.example"));
    expect(mail.subject).toBe("Votre lien de connexion à la console Mesure");
    link = mail.links.find((href) => href.includes("/console/enter?token="))!;
    expect(link).toBeTruthy();
    // Sends happen in the background, in order; give the unknown one's time to show up if it were sent.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.filter((message) => message.to.includes("nobody@nowhere.example"))).toEqual([]);
  });

  it("the link opens the console once; a second use is refused (410)", async () => {
    const browser = stranger();
    const entered = await browser.page(pathOf(link));
    expect(entered.url).toBe("/console");
    expect(entered.status).toBe(200);
    expect(entered.html).toContain("owner@demo.example");
    expect(browser.cookie(CONSOLE_COOKIE)).toBeTruthy();
    expect((await browser.page("/console/team")).status).toBe(200);

    const again = await stranger().page(pathOf(link));
    expect(again.status).toBe(410);
    expect(again.html).toContain("Ce lien a déjà servi");
  });

  it("refuses expired, forged and malformed links, and links of removed members", async () => {
    const owner = await app.db.brandMember.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, email: "owner@demo.example" },
      select: { id: true },
    });
    const services = { secret: SECRET, publicUrl: app.server.url };
    const hourAgo = new Date(Date.now() - 3600_000);
    const expired = await stranger().page(pathOf(consoleEntryUrl(services, app.brandIds.demo, owner.id, hourAgo)));
    expect(expired.status).toBe(410);
    expect(expired.html).toContain("Ce lien a expiré.");

    const forged = await stranger().page(
      pathOf(consoleEntryUrl({ ...services, secret: "f".repeat(64) }, app.brandIds.demo, owner.id)),
    );
    expect(forged.status).toBe(400);
    // A valid token for one brand naming a member of another opens nothing either.
    const crossed = await stranger().page(pathOf(consoleEntryUrl(services, app.brandIds.other, owner.id)));
    expect(crossed.status).toBe(400);
    for (const token of ["", "abc", "abc.def", "a.b.c"]) {
      const refused = await stranger().page(`/console/enter?token=${encodeURIComponent(token)}`);
      expect(refused.status).toBe(400);
      expect(refused.html).toContain("Ce lien n&#x27;est pas valable");
    }

    const leaver = await addMember(app.db, app.brandIds.demo, {
      email: "leaver@demo.example",
      role: "viewer",
      invitedBy: "test",
    });
    const leaverLink = pathOf(consoleEntryUrl(services, app.brandIds.demo, leaver.id));
    await app.db.brandMember.delete({ where: { id: leaver.id } });
    const browser = stranger();
    expect((await browser.page(leaverLink)).status).toBe(400);
    expect(browser.cookie(CONSOLE_COOKIE)).toBeUndefined();
  });

  it("sends a visitor without a session to sign in, from every console page", async () => {
    const browser = stranger();
    const redirected: string[] = [];
    for (const section of SECTIONS) {
      const response = await browser.request(section);
      // A section another part of the work has not built yet is a plain 404.
      expect([302, 404], section).toContain(response.status);
      if (response.status === 404) continue;
      expect(response.headers.get("location"), section).toBe(`/console/sign-in?next=${encodeURIComponent(section)}`);
      redirected.push(section);
    }
    expect(redirected).toEqual(
      expect.arrayContaining(["/console", "/console/connectors", "/console/api-keys", "/console/team"]),
    );
    // A post without a session changes nothing and goes to sign in too (no `next` for a form).
    const csrf = await browser.csrf("/console/sign-in");
    const posted = await browser.post("/console/api-keys", { intent: "create", name: "sneaky" }, { csrf });
    expect(posted.status).toBe(302);
    expect(posted.location).toBe("/console/sign-in");
    expect(await app.db.apiKey.count({ where: { name: "sneaky" } })).toBe(0);
    // A made-up cookie is no session.
    browser.setCookie(CONSOLE_COOKIE, "x".repeat(43));
    expect((await browser.request("/console")).status).toBe(302);
  });

  it("signing out revokes the session: the old cookie no longer opens anything", async () => {
    const member = await app.signIn("demo", "editor");
    const token = member.cookie(CONSOLE_COOKIE)!;
    expect((await member.page("/console/connectors")).status).toBe(200);
    const out = await member.postForm("/console/sign-out", {}, "/console");
    expect(out.status).toBe(302);
    expect(out.location).toBe("/console/sign-in");
    expect(member.cookie(CONSOLE_COOKIE)).toBeUndefined();

    const copy = stranger();
    copy.setCookie(CONSOLE_COOKIE, token);
    const response = await copy.request("/console/connectors");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toContain("/console/sign-in");
  });

  it("a member removed from the team is signed out at once", async () => {
    const viewer = await app.signIn("demo", "viewer");
    expect((await viewer.page("/console")).status).toBe(200);
    const owner = await app.signIn("demo", "owner");
    const member = await app.db.brandMember.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, email: "viewer@demo.example" },
      select: { id: true },
    });
    const removed = await owner.postForm("/console/team", { intent: "remove", memberId: member.id });
    expect(removed.status).toBe(200);
    const after = await viewer.request("/console");
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toContain("/console/sign-in");
  });

  it("asking for links too often is refused with 429, and nothing more is sent", async () => {
    const browser = stranger();
    const email = "owner@demo.example";
    // The first link of this address was taken above; four more are allowed within the hour.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await askForLink(browser, email)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const limited = await askForLink(browser, email);
    expect(limited.status).toBe(429);
    expect(limited.html).toContain("Trop de demandes pour l&#x27;instant.");
    const sent = () => smtp.messages.filter((message) => message.to.includes(email)).length;
    for (let waited = 0; sent() < 5 && waited < 10_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.filter((message) => message.to.includes(email))).toHaveLength(5);
  });
});

describe(`console tenant isolation (${testProvider})`, () => {
  it("a session of brand “other” sees only its own brand on every console page", async () => {
    // Something of demo's on each page that lists things: a key, a connector, a member.
    const demoKeyPrefix = app.demoKey.slice(0, 12);
    const demoMember = "owner@demo.example";
    const otherOwner = await app.signIn("other", "owner");
    const otherKeyPrefix = app.otherKey.slice(0, 12);
    for (const section of SECTIONS) {
      const page = await otherOwner.page(section);
      // Sections still to be built answer 404; none may answer with demo's data.
      expect([200, 404], section).toContain(page.status);
      expect(page.html, section).not.toContain(demoKeyPrefix);
      expect(page.html, section).not.toContain(demoMember);
      expect(page.html, section).not.toContain("Vitrine");
      expect(page.html, section).not.toContain("camille.martin@example.fr");
    }
    const keys = await otherOwner.page("/console/api-keys");
    expect(keys.html).toContain(`${otherKeyPrefix}…`);
    const team = await otherOwner.page("/console/team");
    expect(team.html).toContain("owner@other.example");
    expect(team.html).toContain("Other brand");
  });
});
