// What a form post may be, over real HTTP: at most 64 KB (the console's, 1 MB; its CSV import,
// 50 MB), counted as the bytes arrive, else a 413 page and nothing changed; from this site (its
// PUBLIC_URL, even behind a proxy that passes another Host), else a 403 page; and the subjects
// to avoid, at most 60 characters each, refused beside the field. Never a 500.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portalLink } from "~/lib/portal-link.server";
import { startConsole, type ConsoleClient, type ConsoleFixture } from "../support/console";
import { testProvider } from "../support/database";
import { changedTables, snapshotDatabase } from "../support/database-snapshot";
import { errorBeside, postForms } from "../support/forms";
import { PortalClient } from "../support/portal-client";

let app: ConsoleFixture;
let portal: PortalClient;
let editor: ConsoleClient;
let lea: string;

const MB = 1024 * 1024;
const IGNORED = ["PortalSession", "ConsoleSession"];
const STACK = /at \w+ \(|node_modules|\.ts:\d+/;

beforeAll(async () => {
  app = await startConsole({ WORKER: "false" });
  lea = (await app.db.customer.findFirstOrThrow({ where: { externalId: "cust-lea" }, select: { id: true } })).id;
  portal = new PortalClient(app.server.url);
  const link = portalLink({
    secret: "k".repeat(64),
    publicUrl: app.server.url,
    brandId: app.brandIds.demo,
    customerId: lea,
    ttlSeconds: 600,
  });
  expect((await portal.page(link)).url).toBe("/portal");
  editor = await app.signIn("demo", "owner");
});
afterAll(() => app?.stop());

type Answer = { status: number; type: string | null; body: string; error: string | null };

/**
 * A post on a connection of its own, its body written piece by piece (chunked unless a
 * Content-Length is given), as a client that does not watch for an early answer would; with
 * `stopOnAnswer`, it stops writing once the answer came. Resolves with the whole answer.
 */
function rawPost(
  client: PortalClient,
  path: string,
  options: {
    headers?: Record<string, string>;
    pieces: Iterable<Buffer>;
    contentLength?: number;
    stopOnAnswer?: boolean;
  },
): Promise<Answer> {
  return new Promise((resolve) => {
    const answer: Answer = { status: 0, type: null, body: "", error: null };
    let answered = false;
    let written = false;
    const finish = () => answered && written && resolve(answer);
    const req = http.request(new URL(path, client.base), {
      method: "POST",
      agent: false,
      headers: {
        Cookie: client.cookieHeader(),
        Origin: client.base,
        ...options.headers,
        ...(options.contentLength !== undefined && { "Content-Length": String(options.contentLength) }),
      },
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      answer.error ??= error.code ?? error.message;
      answered = written = true;
      finish();
    });
    req.on("response", (res) => {
      answer.status = res.statusCode ?? 0;
      answer.type = res.headers["content-type"] ?? null;
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (answer.body += chunk));
      res.on("end", () => {
        answered = true;
        if (options.stopOnAnswer && !written) {
          written = true;
          req.destroy();
        }
        finish();
      });
    });
    void (async () => {
      for (const piece of options.pieces) {
        if (answer.error || (options.stopOnAnswer && answered)) break;
        if (!req.write(piece)) await new Promise((drained) => req.once("drain", drained));
      }
      if (!written && !answer.error) req.end(() => ((written = true), finish()));
    })();
  });
}

/** The form of `page` that holds `marker`, as it stands, with its CSRF token. */
async function formOf(client: PortalClient, page: string, marker: string): Promise<[string, string][]> {
  const { html } = await client.page(page);
  const form = postForms(html, page).find((candidate) => candidate.controls.some((control) => control.name === marker));
  if (!form) throw new Error(`no form with ${marker} on ${page}`);
  return form.fields;
}

function* repeated(piece: Buffer, times: number) {
  for (let i = 0; i < times; i++) yield piece;
}

describe(`form bodies (${testProvider})`, () => {
  it("a 10 MB form, with its session and token, gets 413 and changes nothing", async () => {
    const pad = "x".repeat(10 * MB);
    const cases: [PortalClient, string, string, string][] = [
      [portal, "/portal/subscriptions", "freq:newsletter", "64 Ko"],
      [portal, "/portal/channels", "globalWeeklyCap", "64 Ko"],
      [portal, "/portal/avoid", "add", "64 Ko"],
      // The console's settings may hold more (a large cookie banner): its limit is 1 MB.
      [editor, "/console/settings", "name", "1 Mo"],
    ];
    for (const [client, page, marker, limit] of cases) {
      const fields = await formOf(client, page, marker);
      const before = await snapshotDatabase(app.database, IGNORED);
      const answer = await client.post(page, [...fields, ["pad", pad]], { csrf: null });
      expect(answer.status, page).toBe(413);
      expect(answer.html).toContain("Formulaire trop volumineux");
      expect(answer.html).toContain(`Ce formulaire dépasse ${limit}`);
      expect(answer.html).not.toMatch(STACK);
      expect(changedTables(before, await snapshotDatabase(app.database, IGNORED)), page).toEqual([]);
      // The same form without the padding goes through.
      expect((await client.post(page, fields, { csrf: null })).status, page).toBeLessThan(400);
    }
    // Just over the portal's limit is too much there, and well within the console's.
    const over = ["pad", "x".repeat(70 * 1024)] as [string, string];
    expect(
      (await portal.post("/portal/avoid", [...(await formOf(portal, "/portal/avoid", "add")), over], { csrf: null }))
        .status,
    ).toBe(413);
    expect(
      (
        await editor.post("/console/settings", [...(await formOf(editor, "/console/settings", "name")), over], {
          csrf: null,
        })
      ).status,
    ).toBeLessThan(400);
  });

  it("counts a chunked body as it arrives: cut off past 64 KB, whole below it", async () => {
    const fields = await formOf(portal, "/portal/avoid", "add");
    const form = (add: string, padBytes: number) =>
      Buffer.from(
        new URLSearchParams([
          ...fields.filter(([name]) => name !== "add"),
          ["add", add],
          ["pad", "x".repeat(padBytes)],
        ]).toString(),
      );
    const type = { "Content-Type": "application/x-www-form-urlencoded" };
    const before = await snapshotDatabase(app.database, IGNORED);
    const split = (body: Buffer) =>
      Array.from({ length: Math.ceil(body.length / 4096) }, (_, i) => body.subarray(i * 4096, (i + 1) * 4096));
    const large = await rawPost(portal, "/portal/avoid?lang=en", {
      headers: type,
      pieces: split(form("Chunked", 2 * MB)),
    });
    expect(large).toMatchObject({ status: 413, error: null });
    expect(large.body).toContain("Form too large");
    expect(large.body).toContain("64 KB");
    expect(changedTables(before, await snapshotDatabase(app.database, IGNORED))).toEqual([]);

    const small = await rawPost(portal, "/portal/avoid", { headers: type, pieces: split(form("Chunked", 60 * 1024)) });
    expect(small).toMatchObject({ status: 200, error: null });
    const saved = await app.db.customerPreference.findUniqueOrThrow({
      where: { customerId: lea },
      select: { excludedTags: true },
    });
    expect(JSON.parse(saved.excludedTags)).toContain("chunked");
  });

  it("refuses a Content-Length over the limit before the body is sent", async () => {
    const fields = await formOf(portal, "/portal/avoid", "add");
    const head = Buffer.from(new URLSearchParams([...fields, ["pad", "x".repeat(1024)]]).toString());
    const answer = await rawPost(portal, "/portal/avoid", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      contentLength: 10 * MB,
      pieces: [head],
      stopOnAnswer: true,
    });
    expect(answer).toMatchObject({ status: 413, error: null });
    expect(answer.type).toMatch(/^text\/html/);
  });

  it("keeps the console's CSV import: a file over 64 KB is taken, a body over 50 MB is refused", async () => {
    const csrf = await editor.csrf("/console/import");
    const rows = Array.from(
      { length: 3000 },
      (_, i) => `imp-${i},imp-${i}@example.com,,Import ${i},fr,Europe/Paris,,,,,`,
    );
    const csv = `external_id,email,phone,name,locale,timezone,subscriptions,consented_at,consent_source,consent_text,policy_version\n${rows.join("\n")}\n`;
    expect(csv.length).toBeGreaterThan(128 * 1024);
    const form = new FormData();
    form.set("csrf", csrf);
    form.set("file", new File([csv], "customers.csv", { type: "text/csv" }));
    const taken = await editor.request("/console/import?index", {
      method: "POST",
      body: form,
      headers: { Origin: editor.base },
    });
    expect(taken.status).toBe(302);
    expect(taken.headers.get("location")).toMatch(/^\/console\/import\/\w+/);

    const jobs = await app.db.importJob.count();
    const boundary = "----mesure-limit-test";
    const part = (name: string, body: string, file?: string) =>
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"` : ""}\r\n` +
          `${file ? "Content-Type: text/csv\r\n" : ""}\r\n${body}\r\n`,
      );
    const headers = { "Content-Type": `multipart/form-data; boundary=${boundary}` };
    // Declared too large: refused before any of it is read.
    const declared = await rawPost(editor, "/console/import?index", {
      headers,
      contentLength: 51 * MB,
      pieces: [part("csrf", csrf)],
      stopOnAnswer: true,
    });
    expect(declared).toMatchObject({ status: 413, error: null });
    expect(declared.body).toContain("50 Mo");
    // Chunked, its file small but a part the import ignores huge: cut off once the body passes.
    const junk = Buffer.alloc(MB, "j");
    const streamed = await rawPost(editor, "/console/import?index", {
      headers,
      pieces: [
        part("csrf", csrf),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="junk"\r\n\r\n`),
        ...repeated(junk, 51),
        Buffer.from("\r\n"),
        part("file", csv, "customers.csv"),
        Buffer.from(`--${boundary}--\r\n`),
      ],
    });
    expect(streamed).toMatchObject({ status: 413, error: null });
    expect(errorBeside(streamed.body, "file")).toBe("Le fichier dépasse 50 Mo.");
    expect(await app.db.importJob.count()).toBe(jobs);
  });
});

describe(`form origins (${testProvider})`, () => {
  async function avoid(headers: Record<string, string>, add: string) {
    const fields = await formOf(portal, "/portal/avoid", "add");
    const body = new URLSearchParams([...fields.filter(([name]) => name !== "add"), ["add", add]]);
    const response = await portal.request("/portal/avoid", {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    });
    return { status: response.status, type: response.headers.get("content-type"), html: await response.text() };
  }
  const excluded = async () =>
    JSON.parse(
      (
        await app.db.customerPreference.findUniqueOrThrow({
          where: { customerId: lea },
          select: { excludedTags: true },
        })
      ).excludedTags,
    ) as string[];

  it("takes a post from PUBLIC_URL's origin whatever Host the proxy passed, and one whose Origin is its Host", async () => {
    // PUBLIC_URL is http://localhost:<port>; the request reaches 127.0.0.1:<port>, as through a proxy.
    const publicOrigin = `http://localhost:${app.server.port}`;
    const fromPublic = await avoid({ Origin: publicOrigin }, "Proxied");
    expect(fromPublic.status).toBe(200);
    expect(await excluded()).toContain("proxied");
    // A proxy that names the public host in X-Forwarded-Host, and an Origin that is the Host itself.
    const forwarded = await avoid({ Origin: app.server.url, "X-Forwarded-Host": "prefs.example.com" }, "Forwarded");
    expect(forwarded.status).toBe(200);
    expect(await excluded()).toContain("forwarded");
    const both = await avoid({ Origin: publicOrigin, "X-Forwarded-Host": `localhost:${app.server.port}` }, "Both");
    expect(both.status).toBe(200);
  });

  it("refuses a post from another site, or from no site, with a 403 page and no change", async () => {
    const before = await snapshotDatabase(app.database, IGNORED);
    for (const origin of ["https://evil.example", "null", `http://localhost:${app.server.port + 1}`, "not a url"]) {
      const answer = await avoid({ Origin: origin }, "Forged");
      expect(answer.status, origin).toBe(403);
      expect(answer.type).toMatch(/^text\/html/);
      expect(answer.html).toContain("Formulaire refusé");
      expect(answer.html).not.toMatch(STACK);
    }
    expect(changedTables(before, await snapshotDatabase(app.database, IGNORED))).toEqual([]);
  });
});

describe(`subjects to avoid (${testProvider})`, () => {
  it("refuses a subject over 60 characters beside its field, in the visitor's language, and changes nothing", async () => {
    const before = await snapshotDatabase(app.database, IGNORED);
    const fields = (await formOf(portal, "/portal/avoid", "add")).filter(([name]) => name !== "add");
    const typed = await portal.post("/portal/avoid", [...fields, ["add", "s".repeat(61)]], { csrf: null });
    expect(typed.status).toBe(400);
    expect(errorBeside(typed.html, "add")).toBe("Doit faire au plus 60 caractères.");
    // A ticked box the page never wrote (a forged or stale form).
    const ticked = await portal.post("/portal/avoid", [...fields, ["tags", "t".repeat(61)]], { csrf: null });
    expect(ticked.status).toBe(400);
    expect(errorBeside(ticked.html, "tags")).toBe("Un sujet fait au plus 60 caractères.");
    const english = await portal.post("/portal/avoid?lang=en", [...fields, ["tags", "t".repeat(61)]], { csrf: null });
    expect(english.status).toBe(400);
    expect(errorBeside(english.html, "tags")).toBe("A subject is at most 60 characters long.");
    await portal.page("/portal/avoid?lang=fr");
    expect(changedTables(before, await snapshotDatabase(app.database, IGNORED))).toEqual([]);
  });
});

describe(`the server (${testProvider})`, () => {
  it("logged no error through all of it", () => {
    expect(app.server.output()).not.toMatch(/error|at \w+ \(/i);
  });
});
