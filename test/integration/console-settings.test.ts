// The console's settings pages over real HTTP, posted as a browser without JavaScript posts the
// forms it was served: topics (with the alert filter field editor), channels, the cookie banner,
// the brand and its embed origins. Each change is stored, audited and reaches what depends on it
// (decisions, the portal, the embed endpoints); bad input is a 400 beside the field and changes
// nothing; a viewer's post is a 403 and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portalLink } from "~/lib/portal-link.server";
import { parseCookieConfig, shownTextHash } from "~/privacy/cookie-config";
import { testProvider } from "../support/database";
import { startConsole, type ConsoleClient, type ConsoleFixture } from "../support/console";
import { PortalClient } from "../support/portal-client";

let app: ConsoleFixture;
let editor: ConsoleClient;
let viewer: ConsoleClient;
let demoId: string;

beforeAll(async () => {
  app = await startConsole();
  demoId = app.brandIds.demo;
  editor = await app.signIn("demo", "editor");
  viewer = await app.signIn("demo", "viewer");
});
afterAll(() => app?.stop());

type Fields = [string, string][];

function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of tag.matchAll(/\s([a-zA-Z][\w:-]*)(?:="([^"]*)")?/g)) found[match[1]!] = decode(match[2] ?? "");
  return found;
}

/** What the server-rendered form containing `marker` posts as it stands (ticked boxes, selected options). */
function formFields(html: string, marker: string): Fields {
  const form = [...html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)]
    .map((match) => match[1]!)
    .find((body) => body.includes(marker));
  if (!form) throw new Error(`no form with ${marker}`);
  const fields: Fields = [];
  const controls = /<input\b[^>]*>|<textarea\b([^>]*)>([\s\S]*?)<\/textarea>|<select\b([^>]*)>([\s\S]*?)<\/select>/g;
  for (const match of form.matchAll(controls)) {
    if (match[0].startsWith("<input")) {
      const input = attributes(match[0]);
      const type = input.type ?? "text";
      if (!input.name || type === "submit" || ((type === "checkbox" || type === "radio") && !("checked" in input)))
        continue;
      fields.push([input.name, input.value ?? (type === "checkbox" ? "on" : "")]);
    } else if (match[0].startsWith("<textarea")) {
      fields.push([attributes(match[1]!).name!, decode(match[2]!)]);
    } else {
      const options = [...match[4]!.matchAll(/<option\b[^>]*>/g)].map((option) => attributes(option[0]));
      const chosen = options.find((option) => "selected" in option) ?? options[0];
      fields.push([attributes(match[3]!).name!, chosen?.value ?? ""]);
    }
  }
  return fields;
}

/** The fields with `name` set to `values` (none: removed). */
function withField(fields: Fields, name: string, ...values: string[]): Fields {
  return [...fields.filter(([key]) => key !== name), ...values.map((value): [string, string] => [name, value])];
}

/** The number n of the blank row `list.n.*` the page offers to add one. */
function blankRow(fields: Fields, list: string, field: string): number {
  const numbers = fields
    .map(([name]) => new RegExp(`^${list.replace(/\./g, "\\.")}\\.(\\d+)\\.${field}$`).exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  return Math.max(...numbers);
}

async function post(client: ConsoleClient, path: string, fields: Fields) {
  // The fields carry the page's CSRF token already.
  return client.post(path, fields, { csrf: null });
}

/** The message shown beside the input `name` (FieldError), if any. */
function errorBeside(html: string, name: string): string | null {
  const id = `error-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  const match = new RegExp(`<p class="field-error" id="${id}">([^<]*)</p>`).exec(html);
  return match ? decode(match[1]!) : null;
}

async function audits(action: string) {
  return app.db.auditEntry.findMany({
    where: { brandId: demoId, action },
    orderBy: { createdAt: "asc" },
    select: { actor: true, target: true, detail: true },
  });
}

async function topicRow(key: string) {
  return app.db.topic.findUnique({
    where: { brandId_key: { brandId: demoId, key } },
    select: { channels: true, filterFields: true, nameEn: true, archivedAt: true },
  });
}

describe(`console settings (${testProvider})`, () => {
  it("creates a topic for an editor, audited; refuses bad input beside the fields and a viewer", async () => {
    const created = await editor.postForm("/console/topics", [
      ["key", "flash-sales"],
      ["nameFr", "Ventes flash"],
      ["nameEn", "Flash sales"],
      ["kind", "marketing"],
      ["channels", "email"],
      ["channels", "push"],
      ["defaultFrequency", "weekly"],
    ]);
    expect(created.status).toBe(302);
    expect(created.location).toBe("/console/topics/flash-sales?saved=created");
    expect(await topicRow("flash-sales")).toMatchObject({ channels: '["email","push"]', nameEn: "Flash sales" });
    expect(await audits("topic.create")).toEqual([
      { actor: "editor@demo.example", target: "flash-sales", detail: expect.stringContaining('"kind":"marketing"') },
    ]);
    const listed = await editor.page("/console/topics");
    expect(listed.html).toContain("Ventes flash");

    const bad = await editor.postForm("/console/topics", [
      ["key", "Bad key!"],
      ["nameFr", ""],
      ["nameEn", "Sale"],
      ["kind", "transactional"],
      ["defaultFrequency", "weekly"],
    ]);
    expect(bad.status).toBe(400);
    expect(errorBeside(bad.html, "key")).toMatch(/^De 2 à 40 caractères/);
    expect(errorBeside(bad.html, "nameFr")).toBe("Ce champ est requis.");
    expect(errorBeside(bad.html, "channels")).toBe("Choisissez au moins un canal.");
    expect(errorBeside(bad.html, "defaultFrequency")).toMatch(/transactionnel part toujours tout de suite/);
    const taken = await editor.postForm("/console/topics", [
      ["key", "newsletter"],
      ["nameFr", "Lettre"],
      ["nameEn", "Letter"],
      ["kind", "marketing"],
      ["channels", "email"],
      ["defaultFrequency", "weekly"],
    ]);
    expect(taken.status).toBe(400);
    expect(errorBeside(taken.html, "key")).toBe("Un sujet de la marque porte déjà cet identifiant.");

    const refused = await viewer.postForm("/console/topics", [
      ["key", "viewer-topic"],
      ["nameFr", "Non"],
      ["nameEn", "No"],
      ["kind", "marketing"],
      ["channels", "email"],
      ["defaultFrequency", "weekly"],
    ]);
    expect(refused.status).toBe(403);
    expect(await topicRow("viewer-topic")).toBeNull();
    expect(await app.db.topic.count({ where: { brandId: demoId, key: { in: ["bad-key", "viewer-topic"] } } })).toBe(0);
  });

  it("a topic's channels changed in the console reach the decision API at once", async () => {
    const camilleShoes = {
      customer: "cust-camille",
      topic: "price-drop",
      channel: "email",
      attributes: { designer: "Isabel Marant", category: "shoes", size: "38", price: 250 },
    };
    expect((await app.call("POST", "/api/v1/decisions", camilleShoes)).body.verdict).toBe("send");
    const page = await editor.page("/console/topics/price-drop");
    const fields = formFields(page.html, 'name="intent" value="save"');
    expect(fields.filter(([name]) => name === "channels").map(([, value]) => value)).toEqual(["email", "sms", "push"]);

    const saved = await post(editor, "/console/topics/price-drop", withField(fields, "channels", "sms", "push"));
    expect(saved.status).toBe(200);
    expect(saved.html).toContain("C&#x27;est enregistré");
    const decision = await app.call("POST", "/api/v1/decisions", camilleShoes);
    expect(decision.body).toMatchObject({ verdict: "deny", reasons: expect.arrayContaining(["channel.not_offered"]) });
    const [entry] = await audits("topic.update");
    expect(entry).toMatchObject({ actor: "editor@demo.example", target: "price-drop" });
    expect(JSON.parse(entry!.detail)).toEqual({
      channels: { from: ["email", "push", "sms"], to: ["sms", "push"] },
    });

    // Back as it was: the decision follows again.
    await post(editor, "/console/topics/price-drop", fields);
    expect((await app.call("POST", "/api/v1/decisions", camilleShoes)).body.verdict).toBe("send");

    // A viewer reads the page but cannot save it.
    const refused = await post(viewer, "/console/topics/price-drop", withField(fields, "channels", "sms"));
    expect(refused.status).toBe(403);
    expect(JSON.parse((await topicRow("price-drop"))!.channels)).toEqual(["email", "sms", "push"]);
  });

  it("edits the alert filter fields without JavaScript: adds a set field, removes one; the portal offers it", async () => {
    const page = await editor.page("/console/topics/price-drop");
    const fields = formFields(page.html, 'name="intent" value="save"');
    const sizeRow = fields
      .find(([name, value]) => /^fields\.\d+\.key$/.test(name) && value === "size")![0]
      .split(".")[1];
    const blank = blankRow(fields, "fields", "key");

    // A "set" without values, and an existing field's type changed: refused, nothing stored.
    const before = (await topicRow("price-drop"))!.filterFields;
    let draft = withField(fields, `fields.${blank}.key`, "colour");
    draft = withField(draft, `fields.${blank}.type`, "set");
    draft = withField(draft, `fields.${blank}.labelFr`, "Couleur");
    draft = withField(draft, `fields.${blank}.labelEn`, "Colour");
    draft = withField(draft, `fields.${sizeRow}.type`, "text");
    const bad = await post(editor, "/console/topics/price-drop", draft);
    expect(bad.status).toBe(400);
    expect(errorBeside(bad.html, `fields.${blank}.options`)).toBe("Indiquez au moins une valeur, une par ligne.");
    expect(errorBeside(bad.html, `fields.${sizeRow}.type`)).toMatch(/^Le type d'un champ existant ne change pas/);
    // What was typed comes back in the page.
    expect(bad.html).toContain('value="Couleur"');
    expect((await topicRow("price-drop"))!.filterFields).toBe(before);

    draft = withField(draft, `fields.${sizeRow}.type`, "set");
    draft = withField(draft, `fields.${blank}.options`, "noir\r\n rouge \r\n\r\nbleu");
    draft = withField(draft, `fields.${sizeRow}.remove`, "on");
    const saved = await post(editor, "/console/topics/price-drop", draft);
    expect(saved.status).toBe(200);
    const stored = JSON.parse((await topicRow("price-drop"))!.filterFields) as { key: string }[];
    expect(stored.map((field) => field.key)).toEqual(["designer", "category", "price", "colour"]);
    expect(stored.at(-1)).toEqual({
      key: "colour",
      type: "set",
      labelFr: "Couleur",
      labelEn: "Colour",
      options: ["noir", "rouge", "bleu"],
    });
    const entries = await audits("topic.update");
    const detail = JSON.parse(entries.at(-1)!.detail) as Record<string, unknown>;
    expect(Object.keys(detail)).toEqual(["filterFields"]);

    // The page shows the new field as an existing one, with a fresh blank row after it.
    const again = formFields((await editor.page("/console/topics/price-drop")).html, 'name="intent" value="save"');
    expect(again).toContainEqual([`fields.3.key`, "colour"]);
    expect(again).toContainEqual([`fields.3.existing`, "1"]);
    expect(again).toContainEqual([`fields.4.key`, ""]);

    // The customer's alerts page offers the new field and its values.
    const customer = await app.db.customer.findFirstOrThrow({
      where: { brandId: demoId, externalId: "cust-camille" },
      select: { id: true },
    });
    const portal = new PortalClient(app.server.url);
    await portal.page(
      portalLink({
        secret: "k".repeat(64),
        publicUrl: app.server.url,
        brandId: demoId,
        customerId: customer.id,
        ttlSeconds: 600,
      }),
    );
    const alerts = await portal.page("/portal/alerts");
    expect(alerts.status).toBe(200);
    expect(alerts.html).toContain("Couleur");
    expect(alerts.html).toContain("rouge");
  });

  it("archives and restores a topic, audited; the archived topic leaves the decisions", async () => {
    const page = await editor.page("/console/topics/flash-sales");
    const archived = await post(editor, "/console/topics/flash-sales", formFields(page.html, 'value="archive"'));
    expect(archived.status).toBe(200);
    expect((await topicRow("flash-sales"))!.archivedAt).not.toBeNull();
    const decision = await app.call("POST", "/api/v1/decisions", {
      customer: "cust-camille",
      topic: "flash-sales",
      channel: "email",
    });
    expect(decision.status).toBe(404);
    const restore = formFields((await editor.page("/console/topics/flash-sales")).html, 'value="unarchive"');
    expect((await post(editor, "/console/topics/flash-sales", restore)).status).toBe(200);
    expect((await topicRow("flash-sales"))!.archivedAt).toBeNull();
    expect((await audits("topic.archive")).map((entry) => entry.target)).toEqual(["flash-sales"]);
    expect((await audits("topic.unarchive")).map((entry) => entry.target)).toEqual(["flash-sales"]);
    expect((await editor.page("/console/topics/no-such-topic")).status).toBe(404);
  });

  it("saves channel rules and send windows, audited; bad rows answer 400 beside them; a viewer is refused", async () => {
    const page = await editor.page("/console/channels");
    const fields = formFields(page.html, 'name="globalWeeklyCap"');
    const blank = blankRow(fields, "email.windows", "start");
    let draft = withField(fields, `email.windows.${blank}.days`, "1", "2", "3", "4", "5");
    draft = withField(draft, `email.windows.${blank}.start`, "09:00");
    draft = withField(draft, `email.windows.${blank}.end`, "18:30");
    draft = withField(draft, "sms.dailyCap", "2");
    draft = withField(draft, "globalWeeklyCap", "12");
    draft = withField(draft, "highPriorityReserve", "10");

    const policies = () =>
      app.db.brandChannelPolicy.findMany({
        where: { brandId: demoId },
        orderBy: { channel: "asc" },
        select: { channel: true, enabled: true, dailyCap: true, weeklyCap: true, sendWindows: true },
      });
    const before = await policies();
    const broken = withField(
      withField(withField(draft, `email.windows.${blank}.days`), `email.windows.${blank}.end`, "09:00"),
      "push.weeklyCap",
      "-1",
    );
    const bad = await post(editor, "/console/channels", broken);
    expect(bad.status).toBe(400);
    expect(errorBeside(bad.html, `email.windows.${blank}.days`)).toBe("Cochez au moins un jour.");
    expect(errorBeside(bad.html, `email.windows.${blank}.end`)).toBe("Le début et la fin doivent différer.");
    expect(errorBeside(bad.html, "push.weeklyCap")).toBe("Doit être au moins 0.");
    expect(await policies()).toEqual(before);

    const refused = await post(viewer, "/console/channels", draft);
    expect(refused.status).toBe(403);
    expect(await policies()).toEqual(before);

    const saved = await post(editor, "/console/channels", draft);
    expect(saved.status).toBe(200);
    const after = await policies();
    expect(after.find((policy) => policy.channel === "email")!.sendWindows).toBe(
      JSON.stringify([{ days: [1, 2, 3, 4, 5], start: "09:00", end: "18:30" }]),
    );
    expect(after.find((policy) => policy.channel === "sms")).toMatchObject({
      dailyCap: 2,
      sendWindows: JSON.stringify([{ days: [1, 2, 3, 4, 5, 6], start: "08:00", end: "20:00" }]),
    });
    expect(
      await app.db.brand.findUniqueOrThrow({
        where: { id: demoId },
        select: { globalWeeklyCap: true, highPriorityReserve: true },
      }),
    ).toEqual({ globalWeeklyCap: 12, highPriorityReserve: 10 });
    const [entry] = await audits("channels.update");
    expect(entry!.actor).toBe("editor@demo.example");
    expect(Object.keys(JSON.parse(entry!.detail)).sort()).toEqual([
      "email.sendWindows",
      "globalWeeklyCap",
      "highPriorityReserve",
      "sms.dailyCap",
    ]);
  });

  it("publishes cookie banner changes only under a new policy version, audited with what it replaces", async () => {
    const page = await editor.page("/console/cookies");
    const fields = formFields(page.html, 'name="policyVersion"');
    expect(fields).toContainEqual(["policyVersion", "1"]);
    const config = async () =>
      (await app.db.brand.findUniqueOrThrow({ where: { id: demoId }, select: { cookieConfig: true } })).cookieConfig;
    const before = await config();

    const retitled = withField(fields, "titleFr", "Les cookies de la Maison");
    const unversioned = await post(editor, "/console/cookies", retitled);
    expect(unversioned.status).toBe(400);
    expect(errorBeside(unversioned.html, "policyVersion")).toMatch(/publiez-les sous une nouvelle version/);
    expect(await config()).toBe(before);

    const blank = blankRow(fields, "categories", "key");
    let draft = withField(retitled, "publishNew", "on");
    draft = withField(draft, `categories.${blank}.key`, "video");
    draft = withField(draft, `categories.${blank}.nameFr`, "Vidéos");
    draft = withField(draft, `categories.${blank}.nameEn`, "Videos");
    draft = withField(draft, `categories.${blank}.cookies`, "yt_*\nbad cookie");
    const badCookie = await post(editor, "/console/cookies", draft);
    expect(badCookie.status).toBe(400);
    expect(errorBeside(badCookie.html, `categories.${blank}.cookies`)).toBe(
      "« bad cookie » n'est pas un nom de cookie (un * final est permis, par exemple _ga_*).",
    );
    expect(await config()).toBe(before);

    const refused = await post(viewer, "/console/cookies", withField(draft, `categories.${blank}.cookies`, "yt_*"));
    expect(refused.status).toBe(403);
    expect(await config()).toBe(before);

    const published = await post(editor, "/console/cookies", withField(draft, `categories.${blank}.cookies`, "yt_*"));
    expect(published.status).toBe(200);
    expect(published.html).toContain("La version 2 est publiée");
    const stored = JSON.parse(await config()) as {
      policyVersion: string;
      texts: { fr: { title: string } };
      categories: { key: string; cookies: string[] }[];
    };
    expect(stored.policyVersion).toBe("2");
    expect(stored.texts.fr.title).toBe("Les cookies de la Maison");
    expect(stored.categories.at(-1)).toMatchObject({ key: "video", cookies: ["yt_*"] });
    const [entry] = await audits("cookies.publish");
    expect(entry).toMatchObject({ actor: "editor@demo.example", target: "2" });
    const detail = JSON.parse(entry!.detail) as {
      policyVersion: unknown;
      previous: { texts: { fr: { title: string } } };
    };
    expect(detail.policyVersion).toEqual({ from: "1", to: "2" });
    expect(detail.previous.texts.fr.title).toBe("Vos choix sur les cookies");

    // Its words are kept from now on, listed under the form with their fingerprint.
    const history = published.html.slice(published.html.indexOf('aria-labelledby="history-heading"'));
    expect(history).toContain("Les cookies de la Maison");
    expect(history).toContain(await shownTextHash(parseCookieConfig(await config()), "fr"));

    // The banner's endpoint serves the new version straight away.
    const banner = await app.call("GET", "/embed/v1/config?brand=demo", undefined, { key: null });
    expect(banner.body.policyVersion).toBe("2");

    // A delay alone needs no new version.
    const next = formFields((await editor.page("/console/cookies")).html, 'name="policyVersion"');
    expect((await post(editor, "/console/cookies", withField(next, "refusalMonths", "3"))).status).toBe(200);
    expect(JSON.parse(await config())).toMatchObject({ policyVersion: "2", refusalMonths: 3 });
    expect(await audits("cookies.update")).toHaveLength(1);
  });

  it("saves the brand and its embed origins; a new origin is accepted by the embed endpoints at once", async () => {
    const site = "http://localhost:9999";
    const config = () =>
      app.call("GET", "/embed/v1/config?brand=demo", undefined, { key: null, headers: { Origin: site } });
    expect((await config()).status).toBe(403);

    const page = await editor.page("/console/settings");
    expect(page.html).toContain(`data-brand=&quot;demo&quot;`);
    expect(page.html).toContain("/api/v1/portal-sessions");
    const fields = formFields(page.html, 'name="embedOrigins"');
    const brand = () =>
      app.db.brand.findUniqueOrThrow({
        where: { id: demoId },
        select: { name: true, theme: true, embedOrigins: true, locales: true, erasureGraceDays: true },
      });
    const before = await brand();

    const bad = await post(
      editor,
      "/console/settings",
      withField(
        withField(
          withField(fields, "embedOrigins", `${site}\nhttp://shop.example`),
          "logoUrl",
          "http://shop.example/logo.png",
        ),
        "erasureGraceDays",
        "40",
      ),
    );
    expect(bad.status).toBe(400);
    expect(errorBeside(bad.html, "embedOrigins")).toMatch(/^« http:\/\/shop\.example » n'est pas une origine acceptée/);
    expect(errorBeside(bad.html, "logoUrl")).toMatch(/^Une adresse https:\/\//);
    expect(errorBeside(bad.html, "erasureGraceDays")).toMatch(/^De 0 à 28 jours/);
    const withPath = await post(
      editor,
      "/console/settings",
      withField(fields, "embedOrigins", "https://shop.example/shop"),
    );
    expect(errorBeside(withPath.html, "embedOrigins")).toMatch(/shop\.example\/shop/);
    expect(await brand()).toEqual(before);

    let draft = withField(fields, "embedOrigins", `http://localhost:8080\n${site}\nhttps://Shop.Example:8443/`);
    draft = withField(draft, "name", "Maison Démo");
    draft = withField(draft, "primaryColor", "#112233");
    draft = withField(draft, "accentColorPicker", "#aa0000");
    draft = withField(draft, "defaultLocale", "en");

    const refused = await post(viewer, "/console/settings", draft);
    expect(refused.status).toBe(403);
    expect(await brand()).toEqual(before);

    const saved = await post(editor, "/console/settings", draft);
    expect(saved.status).toBe(200);
    const after = await brand();
    expect(after.name).toBe("Maison Démo");
    expect(JSON.parse(after.theme)).toEqual({ primaryColor: "#112233", accentColor: "#aa0000" });
    expect(JSON.parse(after.locales)).toEqual(["en", "fr"]);
    expect(JSON.parse(after.embedOrigins)).toEqual(["http://localhost:8080", site, "https://shop.example:8443"]);
    const [entry] = await audits("brand.update");
    expect(entry!.actor).toBe("editor@demo.example");
    expect(Object.keys(JSON.parse(entry!.detail)).sort()).toEqual(["embedOrigins", "locales", "name", "theme"]);

    const allowed = await config();
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(site);
    expect(allowed.body.theme).toEqual({ primaryColor: "#112233", accentColor: "#aa0000" });
  });

  it("answers malformed values with 400 beside the field they came in, never a 500", async () => {
    const topic = formFields((await editor.page("/console/topics/newsletter")).html, 'name="intent" value="save"');
    let draft = withField(topic, "channels", "email", "fax");
    draft = withField(draft, "kind", "spam");
    draft = withField(draft, "weeklyVolume", "lots");
    draft = withField(draft, "fields.9999.key", "x");
    const badTopic = await post(editor, "/console/topics/newsletter", draft);
    expect(badTopic.status).toBe(400);
    expect(errorBeside(badTopic.html, "channels")).toBe("Choisissez une des options proposées.");
    expect(errorBeside(badTopic.html, "kind")).toBe("Choisissez une des options proposées.");
    expect(errorBeside(badTopic.html, "weeklyVolume")).toBe("Doit être un nombre.");

    const channels = formFields((await editor.page("/console/channels")).html, 'name="globalWeeklyCap"');
    const row = blankRow(channels, "push.windows", "start");
    let rules = withField(channels, `push.windows.${row}.days`, "9");
    rules = withField(rules, `push.windows.${row}.start`, "25:00");
    rules = withField(rules, `push.windows.${row}.end`, "10:00");
    rules = withField(rules, "highPriorityReserve", "1.5");
    const badRules = await post(editor, "/console/channels", rules);
    expect(badRules.status).toBe(400);
    expect(errorBeside(badRules.html, `push.windows.${row}.days`)).toBe("Doit être au plus 7.");
    expect(errorBeside(badRules.html, `push.windows.${row}.start`)).toBe("Doit être une heure, par exemple 21:30.");
    expect(errorBeside(badRules.html, "highPriorityReserve")).toBe("Doit être un nombre entier.");

    const cookies = formFields((await editor.page("/console/cookies")).html, 'name="policyVersion"');
    const badCookies = await post(
      editor,
      "/console/cookies",
      withField(withField(cookies, "refusalMonths", "99"), "policyVersion", "two words"),
    );
    expect(badCookies.status).toBe(400);
    expect(errorBeside(badCookies.html, "refusalMonths")).toBe("Doit être au plus 24.");
    expect(errorBeside(badCookies.html, "policyVersion")).toMatch(/^De 1 à 40 caractères imprimables/);
  });

  it("refuses a post without the CSRF token and leaves another brand's members out", async () => {
    const noToken = await editor.post("/console/channels", [["globalWeeklyCap", "1"]], { csrf: null });
    expect(noToken.status).toBe(403);
    const stranger = await app.signIn("other", "owner");
    const theirs = await stranger.page("/console/topics/price-drop");
    expect(theirs.status).toBe(404);
    const list = await stranger.page("/console/topics");
    expect(list.html).not.toContain("price-drop");
  });
});
