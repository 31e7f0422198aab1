// The console's Connectors, API keys and Team pages over real HTTP, posted as a browser without
// JavaScript posts them: changes are saved and audited (never a secret in the log), bad input is
// a 400 with the message beside the field and changes nothing, a viewer's or an editor's post
// beyond their role is a 403 that changes nothing, the last owner stays, a created key is shown
// once and works at once, a revoked one is refused on the very next call, and "send test"
// reaches a local receiver with a valid Standard Webhooks signature.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verify } from "~/lib/standard-webhooks.server";
import { testProvider } from "../support/database";
import { ConsoleClient, startConsole, type ConsoleFixture } from "../support/console";
import { startSmtpSink, type SmtpSink } from "../support/smtp";

type Call = { headers: http.IncomingHttpHeaders; body: string };

/** A brand's system on node:http: answers `status` (changeable), keeps every call. */
async function startReceiver(status = 204) {
  const calls: Call[] = [];
  const state = { status };
  const server = http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      calls.push({ headers: request.headers, body });
      response.writeHead(state.status, { "Content-Type": "text/plain" });
      response.end(state.status >= 300 ? "receiver says no" : "");
    });
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
  return {
    url: `http://127.0.0.1:${port}/hooks/mesure`,
    calls,
    state,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let app: ConsoleFixture;
let smtp: SmtpSink;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  smtp = await startSmtpSink();
  receiver = await startReceiver();
  // No background jobs: the erasure calls this test leaves pending must stay pending.
  app = await startConsole({ SMTP_URL: smtp.url, WORKER: "false" });
});
afterAll(async () => {
  await app?.stop();
  await receiver?.stop();
  await smtp?.stop();
});

/** The one-time secret box of an answer, if any. */
function shownOnce(html: string): string | null {
  return /class="secret-once"><code>([^<]+)<\/code>/.exec(html)?.[1] ?? null;
}

async function auditOf(brand: "demo" | "other", action: string) {
  return app.db.auditEntry.findMany({
    where: { brandId: app.brandIds[brand], action },
    orderBy: { createdAt: "asc" },
    select: { actor: true, target: true, detail: true },
  });
}

/** The audit log as text, to check no secret ever reaches it. */
async function wholeAudit(): Promise<string> {
  const rows = await app.db.auditEntry.findMany({ select: { actor: true, action: true, target: true, detail: true } });
  return JSON.stringify(rows);
}

describe(`console: connectors (${testProvider})`, () => {
  let editor: ConsoleClient;
  let secret: string;

  beforeAll(async () => {
    editor = await app.signIn("demo", "editor");
  });

  it("refuses bad input beside the field, with nothing saved", async () => {
    const bad = await editor.postForm("/console/connectors", { intent: "add", name: "  ", url: "ftp://crm.example" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Ce champ est requis.");
    expect(bad.html).toContain("Doit être une adresse en http ou https.");
    expect(bad.html).toMatch(/id="connector-url"[^>]*aria-invalid="true"/);
    expect(bad.html).toMatch(/id="connector-url"[^>]*aria-describedby="error-url"/);
    expect(bad.html).toContain('id="error-url"');
    // What was typed stays in the field.
    expect(bad.html).toContain('value="ftp://crm.example"');
    const credentials = await editor.postForm("/console/connectors", {
      intent: "add",
      name: "CRM <b>",
      url: "https://user:pw@crm.example.com/hook",
    });
    expect(credentials.status).toBe(400);
    expect(credentials.html).toContain("Ne doit contenir ni nom d&#x27;utilisateur ni mot de passe.");
    expect(credentials.html).toContain("Uniquement des lettres");
    expect(await app.db.connector.count({ where: { brandId: app.brandIds.demo } })).toBe(0);
    expect(await auditOf("demo", "connector.add")).toEqual([]);
  });

  it("adds a connector and shows its signing secret once; the audit log never holds it", async () => {
    const added = await editor.postForm("/console/connectors", { intent: "add", name: "CRM", url: receiver.url });
    expect(added.status).toBe(200);
    expect(added.html).toContain("Connecteur « CRM » ajouté.");
    secret = shownOnce(added.html)!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const stored = await app.db.connector.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, name: "CRM" },
      select: { url: true, enabled: true, secretCiphertext: true },
    });
    expect(stored).toMatchObject({ url: receiver.url, enabled: true });
    expect(stored.secretCiphertext).not.toContain(secret.slice(6));

    const later = await editor.page("/console/connectors");
    expect(later.status).toBe(200);
    expect(later.html).toContain(receiver.url);
    expect(shownOnce(later.html)).toBeNull();
    expect(later.html).not.toContain(secret);

    expect(await auditOf("demo", "connector.add")).toEqual([
      { actor: "editor@demo.example", target: "CRM", detail: JSON.stringify({ url: receiver.url }) },
    ]);
    const taken = await editor.postForm("/console/connectors", { intent: "add", name: "CRM", url: receiver.url });
    expect(taken.status).toBe(400);
    expect(taken.html).toContain("Cette marque a déjà un connecteur de ce nom.");
  });

  it("sends a test call the receiver can verify, and shows what it answered", async () => {
    const before = receiver.calls.length;
    const tested = await editor.postForm("/console/connectors", { intent: "test", name: "CRM" });
    expect(tested.status).toBe(200);
    expect(tested.html).toMatch(/« CRM » a répondu 204 en \d+ ms/);
    expect(receiver.calls).toHaveLength(before + 1);
    const call = receiver.calls.at(-1)!;
    expect(verify(secret, call.headers as Record<string, string>, call.body)).toEqual({ ok: true });
    expect(call.headers["webhook-id"]).toMatch(/^test_/);
    expect(JSON.parse(call.body)).toMatchObject({
      type: "connector.test",
      data: { brand: "demo", connector: "CRM" },
    });
    // A tampered body does not verify: the check above is a real one.
    expect(verify(secret, call.headers as Record<string, string>, call.body.replace("CRM", "CRX")).ok).toBe(false);

    receiver.state.status = 500;
    const failed = await editor.postForm("/console/connectors", { intent: "test", name: "CRM" });
    receiver.state.status = 204;
    expect(failed.status).toBe(200);
    expect(failed.html).toContain("Le test de « CRM » a échoué");
    expect(failed.html).toContain("HTTP 500: receiver says no");
    const tests = await auditOf("demo", "connector.test");
    expect(tests.map((entry) => JSON.parse(entry.detail).status)).toEqual([204, 500]);
  });

  it("rotates the secret (the old one stops verifying) and switches the connector off and on", async () => {
    const rotated = await editor.postForm("/console/connectors", { intent: "rotate", name: "CRM" });
    expect(rotated.status).toBe(200);
    const fresh = shownOnce(rotated.html)!;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secret);
    await editor.postForm("/console/connectors", { intent: "test", name: "CRM" });
    const call = receiver.calls.at(-1)!;
    expect(verify(fresh, call.headers as Record<string, string>, call.body)).toEqual({ ok: true });
    expect(verify(secret, call.headers as Record<string, string>, call.body)).toEqual({
      ok: false,
      reason: "bad_signature",
    });

    const off = await editor.postForm("/console/connectors", { intent: "disable", name: "CRM" });
    expect(off.status).toBe(200);
    expect(off.html).toContain("« CRM » est désactivé");
    const stored = () =>
      app.db.connector.findFirstOrThrow({
        where: { brandId: app.brandIds.demo, name: "CRM" },
        select: { enabled: true },
      });
    expect((await stored()).enabled).toBe(false);
    expect((await editor.postForm("/console/connectors", { intent: "enable", name: "CRM" })).status).toBe(200);
    expect((await stored()).enabled).toBe(true);
    const codes = await app.db.auditEntry.findMany({
      where: { brandId: app.brandIds.demo, action: { startsWith: "connector." } },
      orderBy: { createdAt: "asc" },
      select: { action: true },
    });
    expect(codes.map((entry) => entry.action)).toEqual([
      "connector.add",
      "connector.test",
      "connector.test",
      "connector.rotate_secret",
      "connector.test",
      "connector.disable",
      "connector.enable",
    ]);
    const log = await wholeAudit();
    expect(log).not.toContain(secret.slice(6));
    expect(log).not.toContain(fresh.slice(6));
  });

  it("a viewer sees the connectors but may change nothing (403)", async () => {
    const viewer = await app.signIn("demo", "viewer");
    const page = await viewer.page("/console/connectors");
    expect(page.status).toBe(200);
    expect(page.html).toContain(receiver.url);
    expect(page.html).not.toContain('name="intent"');
    const calls = receiver.calls.length;
    const csrf = await viewer.csrf("/console/connectors");
    const tries: Record<string, string>[] = [
      { intent: "disable", name: "CRM" },
      { intent: "test", name: "CRM" },
      { intent: "remove", name: "CRM", abandon: "on" },
      { intent: "add", name: "Viewer's", url: receiver.url },
    ];
    for (const fields of tries) {
      const refused = await viewer.post("/console/connectors", fields, { csrf });
      expect(refused.status).toBe(403);
    }
    expect(receiver.calls.length).toBe(calls);
    expect(
      await app.db.connector.findMany({ where: { brandId: app.brandIds.demo }, select: { name: true, enabled: true } }),
    ).toEqual([{ name: "CRM", enabled: true }]);
  });

  it("another brand's editor cannot see, test or remove it (404)", async () => {
    const stranger = await app.signIn("other", "editor");
    const page = await stranger.page("/console/connectors");
    expect(page.html).not.toContain(receiver.url);
    const calls = receiver.calls.length;
    expect((await stranger.postForm("/console/connectors", { intent: "test", name: "CRM" })).status).toBe(404);
    const removed = await stranger.postForm("/console/connectors", { intent: "remove", name: "CRM", abandon: "on" });
    expect(removed.status).toBe(404);
    expect(removed.html).toContain("Ce connecteur n&#x27;existe pas, ou plus.");
    expect(receiver.calls.length).toBe(calls);
    expect(await app.db.connector.count({ where: { brandId: app.brandIds.demo } })).toBe(1);
  });

  it("refuses to remove a connector erasures still wait on, unless told to abandon those calls", async () => {
    const customer = await app.db.customer.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, externalId: "cust-kenji" },
      select: { id: true },
    });
    const connector = await app.db.connector.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, name: "CRM" },
      select: { id: true },
    });
    const now = new Date();
    const request = await app.db.erasureRequest.create({
      data: {
        brandId: app.brandIds.demo,
        customerId: customer.id,
        via: "api",
        status: "propagating",
        executeAt: now,
        deadlineAt: new Date(now.getTime() + 30 * 86_400_000),
        dispatches: { create: { connectorId: connector.id, connectorName: "CRM" } },
      },
      select: { id: true },
    });
    const listed = await editor.page("/console/connectors?remove=CRM");
    expect(listed.html).toContain("Retirer « CRM » ?");
    expect(listed.html).toContain("1 effacement attend encore sa réponse.");

    const refused = await editor.postForm("/console/connectors?remove=CRM", { intent: "remove", name: "CRM" });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain(
      "Cochez cette case pour retirer un connecteur que des effacements attendent encore.",
    );
    expect(refused.html).toMatch(/id="abandon"[^>]*aria-invalid="true"/);
    expect(await app.db.connector.count({ where: { id: connector.id } })).toBe(1);

    const removed = await editor.postForm("/console/connectors?remove=CRM", {
      intent: "remove",
      name: "CRM",
      abandon: "on",
    });
    expect(removed.status).toBe(200);
    expect(removed.html).toContain("« CRM » est retiré.");
    expect(await app.db.connector.count({ where: { id: connector.id } })).toBe(0);
    const dispatch = await app.db.erasureDispatch.findFirstOrThrow({
      where: { requestId: request.id },
      select: { status: true, connectorId: true, connectorName: true },
    });
    expect(dispatch).toEqual({ status: "acknowledged", connectorId: null, connectorName: "CRM" });
    expect(await auditOf("demo", "connector.remove")).toEqual([
      { actor: "editor@demo.example", target: "CRM", detail: JSON.stringify({ abandonedCalls: 1 }) },
    ]);
    expect((await editor.postForm("/console/connectors", { intent: "enable", name: "CRM" })).status).toBe(404);
  });
});

describe(`console: API keys (${testProvider})`, () => {
  let editor: ConsoleClient;
  let key: string;
  const decide = (presented: string) =>
    app.call(
      "POST",
      "/api/v1/decisions",
      { customer: "cust-kenji", topic: "newsletter", channel: "email" },
      { key: presented },
    );
  const lookUp = (presented: string) => app.call("GET", "/api/v1/customers/cust-kenji", undefined, { key: presented });

  beforeAll(async () => {
    editor = await app.signIn("demo", "editor");
  });

  it("refuses a missing or too long name beside the field, creating nothing", async () => {
    const count = await app.db.apiKey.count({ where: { brandId: app.brandIds.demo } });
    const empty = await editor.postForm("/console/api-keys", { intent: "create", name: " " });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain("Ce champ est requis.");
    expect(empty.html).toMatch(/id="key-name"[^>]*aria-invalid="true"/);
    const long = await editor.postForm("/console/api-keys", { intent: "create", name: "x".repeat(81) });
    expect(long.status).toBe(400);
    expect(long.html).toContain("Doit faire au plus 80 caractères.");
    const nonsense = await editor.postForm("/console/api-keys", { intent: "explode" });
    expect(nonsense.status).toBe(400);
    expect(await app.db.apiKey.count({ where: { brandId: app.brandIds.demo } })).toBe(count);
  });

  it("creates a key shown once, which works against the API at once", async () => {
    const created = await editor.postForm("/console/api-keys", { intent: "create", name: "CRM production" });
    expect(created.status).toBe(200);
    expect(created.html).toContain("Clé « CRM production » créée.");
    key = shownOnce(created.html)!;
    expect(key).toMatch(/^msr_[A-Za-z0-9_-]{43}$/);
    expect((await decide(key)).status).toBe(200);
    expect((await lookUp(key)).status).toBe(200);

    const later = await editor.page("/console/api-keys");
    expect(later.html).not.toContain(key);
    expect(later.html).toContain(`${key.slice(0, 12)}…`);
    expect(shownOnce(later.html)).toBeNull();
    const [entry] = await auditOf("demo", "api_key.create");
    expect(entry).toMatchObject({ actor: "editor@demo.example", target: key.slice(0, 12) });
    expect(await wholeAudit()).not.toContain(key);
  });

  it("a viewer may not create or revoke keys (403), and nothing changes", async () => {
    const viewer = await app.signIn("demo", "viewer");
    const page = await viewer.page("/console/api-keys");
    expect(page.html).toContain("CRM production");
    expect(page.html).not.toContain("Révoquer…");
    const id = (await app.db.apiKey.findFirstOrThrow({ where: { prefix: key.slice(0, 12) }, select: { id: true } })).id;
    const csrf = await viewer.csrf("/console/api-keys");
    expect((await viewer.post("/console/api-keys", { intent: "revoke", id }, { csrf })).status).toBe(403);
    expect((await viewer.post("/console/api-keys", { intent: "create", name: "mine" }, { csrf })).status).toBe(403);
    expect((await decide(key)).status).toBe(200);
    expect(await app.db.apiKey.count({ where: { name: "mine" } })).toBe(0);
  });

  it("another brand cannot revoke it (404)", async () => {
    const stranger = await app.signIn("other", "editor");
    const id = (await app.db.apiKey.findFirstOrThrow({ where: { prefix: key.slice(0, 12) }, select: { id: true } })).id;
    expect((await stranger.postForm("/console/api-keys", { intent: "revoke", id })).status).toBe(404);
    expect((await decide(key)).status).toBe(200);
  });

  it("revokes after a confirmation, and the very next call is refused (401)", async () => {
    const id = (await app.db.apiKey.findFirstOrThrow({ where: { prefix: key.slice(0, 12) }, select: { id: true } })).id;
    // The key is in the decision snapshot's cache now: the revocation must reach it.
    expect((await decide(key)).status).toBe(200);
    const asking = await editor.page(`/console/api-keys?revoke=${id}`);
    expect(asking.html).toContain("Révoquer la clé « CRM production »");
    const revoked = await editor.postForm("/console/api-keys", { intent: "revoke", id });
    expect(revoked.status).toBe(200);
    expect(revoked.html).toContain("La clé « CRM production » est révoquée");
    expect((await decide(key)).status).toBe(401);
    expect((await lookUp(key)).status).toBe(401);
    // The fixture's key of the same brand is untouched.
    expect((await decide(app.demoKey)).status).toBe(200);
    expect(await auditOf("demo", "api_key.revoke")).toEqual([
      {
        actor: "editor@demo.example",
        target: key.slice(0, 12),
        detail: JSON.stringify({ id, name: "CRM production" }),
      },
    ]);
    const again = await editor.postForm("/console/api-keys", { intent: "revoke", id });
    expect(again.html).toContain("était déjà révoquée");
    expect(await auditOf("demo", "api_key.revoke")).toHaveLength(1);
  });
});

describe(`console: team (${testProvider})`, () => {
  let owner: ConsoleClient;

  beforeAll(async () => {
    // The demo seed's owner, the brand's only owner.
    owner = await app.signIn("demo", "owner");
  });

  it("an owner adds a member, who gets a sign-in link that opens the console", async () => {
    const bad = await owner.postForm("/console/team", { intent: "add", email: "not-an-address", role: "boss" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Doit être une adresse e-mail");
    expect(bad.html).toContain("Choisissez une des options proposées.");
    expect(bad.html).toMatch(/id="member-email"[^>]*aria-invalid="true"/);
    expect(await app.db.brandMember.count({ where: { email: "not-an-address" } })).toBe(0);

    const added = await owner.postForm("/console/team", {
      intent: "add",
      email: " Nadia@Demo.Example ",
      name: "Nadia",
      role: "editor",
    });
    expect(added.status).toBe(200);
    expect(added.html).toContain("nadia@demo.example fait partie de l&#x27;équipe");
    const member = await app.db.brandMember.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, email: "nadia@demo.example" },
      select: { id: true, role: true, name: true, invitedBy: true },
    });
    expect(member).toMatchObject({ role: "editor", name: "Nadia", invitedBy: "owner@demo.example" });
    expect(await auditOf("demo", "member.add")).toContainEqual({
      actor: "owner@demo.example",
      target: "nadia@demo.example",
      detail: JSON.stringify({ role: "editor" }),
    });

    const mail = await smtp.waitFor((message) => message.to.includes("nadia@demo.example"));
    const link = mail.links.find((href) => href.includes("/console/enter?token="))!;
    expect(link).toBeTruthy();
    const nadia = new ConsoleClient(app.server.url, "nadia@demo.example");
    const entered = await nadia.page(link.replace(/^https?:\/\/[^/]+/, ""));
    expect(entered.url).toBe("/console");
    expect(entered.status).toBe(200);
    expect(entered.html).toContain("nadia@demo.example");

    const twice = await owner.postForm("/console/team", { intent: "add", email: "nadia@demo.example", role: "viewer" });
    expect(twice.status).toBe(400);
    expect(twice.html).toContain("Cette adresse fait déjà partie de l&#x27;équipe.");
  });

  it("changes a role, audited with before and after", async () => {
    const nadia = await app.db.brandMember.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, email: "nadia@demo.example" },
      select: { id: true },
    });
    const changed = await owner.postForm("/console/team", { intent: "role", memberId: nadia.id, role: "viewer" });
    expect(changed.status).toBe(200);
    expect(changed.html).toContain("nadia@demo.example est maintenant lecture seule.");
    expect(await auditOf("demo", "member.role")).toEqual([
      {
        actor: "owner@demo.example",
        target: "nadia@demo.example",
        detail: JSON.stringify({ before: "editor", after: "viewer" }),
      },
    ]);
    const bad = await owner.postForm("/console/team", { intent: "role", memberId: nadia.id, role: "admin" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Choisissez une des options proposées.");
    expect((await app.db.brandMember.findUniqueOrThrow({ where: { id: nadia.id }, select: { role: true } })).role).toBe(
      "viewer",
    );
  });

  it("an editor or a viewer may not change the team (403)", async () => {
    const nadia = await app.db.brandMember.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, email: "nadia@demo.example" },
      select: { id: true },
    });
    for (const role of ["editor", "viewer"] as const) {
      const member = await app.signIn("demo", role);
      const page = await member.page("/console/team");
      expect(page.status).toBe(200);
      expect(page.html).toContain("nadia@demo.example");
      expect(page.html).not.toContain('name="intent"');
      const csrf = await member.csrf("/console/team");
      const tries: Record<string, string>[] = [
        { intent: "add", email: `by-${role}@demo.example`, role: "owner" },
        { intent: "role", memberId: nadia.id, role: "owner" },
        { intent: "remove", memberId: nadia.id },
      ];
      for (const fields of tries) expect((await member.post("/console/team", fields, { csrf })).status).toBe(403);
    }
    expect(await app.db.brandMember.count({ where: { email: { startsWith: "by-" } } })).toBe(0);
    expect((await app.db.brandMember.findUniqueOrThrow({ where: { id: nadia.id }, select: { role: true } })).role).toBe(
      "viewer",
    );
  });

  it("the last owner can be neither demoted nor removed, even by themselves", async () => {
    const me = await app.db.brandMember.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, email: "owner@demo.example" },
      select: { id: true },
    });
    const demoted = await owner.postForm("/console/team", { intent: "role", memberId: me.id, role: "editor" });
    expect(demoted.status).toBe(400);
    expect(demoted.html).toContain("La marque doit garder au moins un·e propriétaire");
    expect(demoted.html).toMatch(new RegExp(`id="role-${me.id}"[^>]*aria-invalid="true"`));
    const removed = await owner.postForm(`/console/team?remove=${me.id}`, { intent: "remove", memberId: me.id });
    expect(removed.status).toBe(400);
    expect(removed.html).toContain("La marque doit garder au moins un·e propriétaire");
    expect(await app.db.brandMember.findUniqueOrThrow({ where: { id: me.id }, select: { role: true } })).toEqual({
      role: "owner",
    });
    expect((await owner.page("/console/team")).status).toBe(200);
  });

  it("removing a member ends their sessions at once", async () => {
    const nadia = await app.db.brandMember.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, email: "nadia@demo.example" },
      select: { id: true },
    });
    expect(await app.db.consoleSession.count({ where: { memberId: nadia.id } })).toBeGreaterThan(0);
    const asking = await owner.page(`/console/team?remove=${nadia.id}`);
    expect(asking.html).toContain("Retirer nadia@demo.example de l&#x27;équipe ?");
    const removed = await owner.postForm(`/console/team?remove=${nadia.id}`, { intent: "remove", memberId: nadia.id });
    expect(removed.status).toBe(200);
    expect(removed.html).toContain("nadia@demo.example ne fait plus partie de l&#x27;équipe");
    expect(await app.db.consoleSession.count({ where: { memberId: nadia.id } })).toBe(0);
    expect(await auditOf("demo", "member.remove")).toEqual([
      { actor: "owner@demo.example", target: "nadia@demo.example", detail: "{}" },
    ]);
    const gone = await owner.postForm("/console/team", { intent: "remove", memberId: nadia.id });
    expect(gone.status).toBe(404);
  });

  it("another brand's owner cannot touch demo's members (404)", async () => {
    const stranger = await app.signIn("other", "owner");
    const me = await app.db.brandMember.findFirstOrThrow({
      where: { brandId: app.brandIds.demo, email: "owner@demo.example" },
      select: { id: true, role: true },
    });
    expect((await stranger.postForm("/console/team", { intent: "role", memberId: me.id, role: "viewer" })).status).toBe(
      404,
    );
    expect((await stranger.postForm("/console/team", { intent: "remove", memberId: me.id })).status).toBe(404);
    expect(await app.db.brandMember.findUniqueOrThrow({ where: { id: me.id }, select: { role: true } })).toEqual({
      role: "owner",
    });
  });
});
