// The console's CSV import and export over real HTTP, the real server's background runner and a
// real database: a 100,000-row file with about 1% bad rows of several kinds is uploaded; its
// progress is seen between 0 and the total while it runs; it completes with every row counted,
// every bad row in the report with its line and field, and good rows in the database with their
// subscriptions and consent events (source import, proof in `after`). A re-import updates
// instead of duplicating and does not undo a later unsubscribe; bad files and too-low roles
// change nothing; the export holds the brand's customers only and imports back cleanly. A
// runner that dies mid-import is taken over from its last chunk, never run twice at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createImportJob } from "~/console/import/job.server";
import { ImportRunner } from "~/console/import/runner.server";
import type { Db } from "~/db/client.server";
import { seedDemo } from "~/db/demo-seed.server";
import { getTopic } from "~/models/topic.server";
import { setSubscription } from "~/models/preferences.server";
import { verifyConsentChain } from "~/privacy/consent-ledger.server";
import { startConsole, type ConsoleClient, type ConsoleFixture } from "../support/console";
import { createTestDatabase, testProvider, type TestDatabase } from "../support/database";

const HEADER =
  "external_id,email,phone,name,locale,timezone,subscriptions,consented_at,consent_source,consent_text,policy_version";

let fixture: ConsoleFixture;
let editor: ConsoleClient;
let viewer: ConsoleClient;
let demoId: string;

beforeAll(async () => {
  fixture = await startConsole();
  editor = await fixture.signIn("demo", "editor");
  viewer = await fixture.signIn("demo", "viewer");
  demoId = fixture.brandIds.demo;
});
afterAll(async () => {
  await fixture?.stop();
});

async function upload(client: ConsoleClient, name: string, content: string | Uint8Array<ArrayBuffer>) {
  const csrf = await client.csrf("/console/import");
  const form = new FormData();
  form.set("csrf", csrf);
  form.set("file", new File([content], name, { type: "text/csv" }));
  const response = await client.request("/console/import", {
    method: "POST",
    body: form,
    headers: { Origin: client.base },
  });
  return { status: response.status, location: response.headers.get("location"), html: await response.text() };
}

async function jobCount(): Promise<number> {
  return fixture.db.importJob.count({ where: { brandId: demoId } });
}

/** Waits for the job to finish; calls `seen` with each state observed on the way. */
async function finish(id: string, seen: (job: { status: string; processedRows: number }) => void = () => {}) {
  const deadline = Date.now() + 220_000;
  for (;;) {
    const job = await fixture.db.importJob.findUniqueOrThrow({
      where: { id },
      select: {
        status: true,
        processedRows: true,
        totalRows: true,
        createdCount: true,
        updatedCount: true,
        failedCount: true,
        source: true,
        error: true,
        finishedAt: true,
      },
    });
    seen(job);
    if (job.status === "completed" || job.status === "failed") return job;
    if (Date.now() > deadline) throw new Error(`import ${id} did not finish: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const jobIdOf = (location: string | null) => /\/console\/import\/([^/?]+)$/.exec(location ?? "")?.[1] ?? "";

describe("refusals that change nothing", () => {
  it("refuses a file with an unknown column at once (400, beside the field), and stores nothing", async () => {
    const before = await jobCount();
    const result = await upload(editor, "bad.csv", "external_id,e_mail\ncust-x,x@example.com\n");
    expect(result.status).toBe(400);
    expect(result.html).toMatch(/id="error-file"[^>]*>[^<]*(Colonnes inconnues|Unknown columns)[^<]*e_mail/);
    expect(result.html).toContain('aria-invalid="true"');
    expect(await jobCount()).toBe(before);
  });

  it("refuses a file that is not UTF-8, one with a quote left open, and a form without a file", async () => {
    const before = await jobCount();
    const latin1 = new Uint8Array([...new TextEncoder().encode("external_id,name\ncust-x,Ren"), 0xe9, 0x0a]);
    expect((await upload(editor, "latin1.csv", latin1)).status).toBe(400);
    const open = await upload(editor, "open.csv", 'external_id,name\ncust-x,"Ren\n');
    expect(open.status).toBe(400);
    expect(open.html).toMatch(/(Ligne|Line) 2/);
    const noFile = await editor.postForm("/console/import", { other: "x" });
    expect(noFile.status).toBe(400);
    expect(await jobCount()).toBe(before);
  });

  it("refuses an upload from a viewer (403) or without the CSRF token, and stores nothing", async () => {
    const before = await jobCount();
    expect((await upload(viewer, "ok.csv", `${HEADER}\nv-1,,,,,,,,,,\n`)).status).toBe(403);
    const form = new FormData();
    form.set("file", new File([`${HEADER}\nv-1,,,,,,,,,,\n`], "ok.csv"));
    const forged = await editor.request("/console/import", {
      method: "POST",
      body: form,
      headers: { Origin: editor.base },
    });
    expect(forged.status).toBe(403);
    expect(await jobCount()).toBe(before);
    expect(await fixture.db.customer.count({ where: { externalId: "v-1" } })).toBe(0);
  });

  it("lets a viewer see the imports but not export, and hides another brand's import", async () => {
    expect((await viewer.page("/console/import")).status).toBe(200);
    expect((await viewer.request("/console/export.csv")).status).toBe(403);
    const job = await createImportJob(fixture.db, {
      brandId: fixture.brandIds.other,
      actor: "owner@other.example",
      fileName: "theirs.csv",
      totalRows: 1,
      source: `${HEADER}\nzz-1,,,,,,,,,,\n`,
    });
    expect((await editor.page(`/console/import/${job.id}`)).status).toBe(404);
    expect((await editor.request(`/console/import/${job.id}/errors.csv`)).status).toBe(404);
    const list = await editor.page("/console/import");
    expect(list.html).not.toContain("theirs.csv");
  });
});

describe("export", () => {
  it("streams the brand's customers only, in the import's columns, and imports back cleanly", async () => {
    const response = await editor.request("/console/export.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const bytes = new Uint8Array(await response.arrayBuffer()) as Uint8Array<ArrayBuffer>;
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // (TextDecoder drops the byte order mark.)
    const text = new TextDecoder().decode(bytes);
    expect(text.split("\r\n")[0]).toBe(HEADER);
    expect(text).toContain("cust-camille");
    expect(text).not.toContain("other-1");
    expect(text).not.toContain("o1@example.com");
    // Phones start with "+": defused for spreadsheets, and read back as they were.
    expect(text).toMatch(/,'\+33\d+,/);
    const audit = await fixture.db.auditEntry.findMany({
      where: { brandId: demoId, action: "customers.export" },
      select: { actor: true },
    });
    expect(audit.map((entry) => entry.actor)).toContain("editor@demo.example");

    const customersBefore = await fixture.db.customer.count({ where: { brandId: demoId, erasedAt: null } });
    const eventsBefore = await fixture.db.consentEvent.count({ where: { brandId: demoId } });
    const again = await upload(editor, "export.csv", bytes);
    expect(again.status).toBe(302);
    const job = await finish(jobIdOf(again.location));
    expect(job).toMatchObject({ status: "completed", failedCount: 0, createdCount: 0, source: null });
    expect(job.updatedCount).toBe(customersBefore);
    expect(await fixture.db.customer.count({ where: { brandId: demoId, erasedAt: null } })).toBe(customersBefore);
    // Nothing changed, so nothing new in the ledger.
    expect(await fixture.db.consentEvent.count({ where: { brandId: demoId } })).toBe(eventsBefore);
  });
});

type Expected = { line: number; field: string };

/** A 100,000-row file with about 1% bad rows of eight kinds spread through it, and where each is. */
function bigFile(total: number) {
  const lines = [HEADER];
  const bad: Expected[] = [];
  let line = 1;
  const zones = ["Europe/Paris", "Europe/London", "America/Montreal", "Asia/Tokyo"];
  for (let i = 1; i <= total; i++) {
    line++;
    const id = `imp-${i}`;
    const kind = i % 97 === 0 ? (i / 97) % 8 : -1;
    const consented = new Date(Date.UTC(2023, i % 12, 1 + (i % 28), 9, 30)).toISOString();
    const cells = [
      id,
      `person${i}@example.com`,
      i % 3 === 0 ? `+3361${String(i).padStart(7, "0")}` : "",
      i % 50 === 0 ? `"Dupont, Marie ${i}"` : `Person ${i}`,
      i % 2 ? "fr" : "en",
      zones[i % zones.length]!,
      i % 3 === 0 ? "newsletter:email;price-drop:sms:daily" : i % 5 === 0 ? "order-updates:email" : "newsletter:email",
      i % 5 === 0 && i % 3 !== 0 ? "" : consented,
      i % 5 === 0 && i % 3 !== 0 ? "" : "checkout form v3",
      // Some consent texts span two lines: the report's line numbers must still match the file.
      i % 1000 === 1 ? `"Je souhaite recevoir\r\nla lettre."` : "Je souhaite recevoir la lettre.",
      "3",
    ];
    switch (kind) {
      case 0:
        cells[1] = "not-an-email";
        bad.push({ line, field: "email" });
        break;
      case 1:
        cells[6] = "newsletter:email";
        cells[7] = "";
        cells[8] = "";
        bad.push({ line, field: "consented_at" }, { line, field: "consent_source" });
        break;
      case 2:
        cells[6] = "no-such-topic:email";
        bad.push({ line, field: "subscriptions" });
        break;
      case 3:
        cells[6] = "newsletter:email";
        cells[7] = "2999-01-01T00:00:00Z";
        cells[8] = "checkout form v3";
        bad.push({ line, field: "consented_at" });
        break;
      case 4:
        cells[2] = "0612345678";
        bad.push({ line, field: "phone" });
        break;
      case 5:
        cells[0] = `imp-${i - 1}`;
        bad.push({ line, field: "external_id" });
        break;
      case 6:
        cells.pop();
        bad.push({ line, field: "" });
        break;
      case 7:
        cells[6] = "newsletter:sms";
        bad.push({ line, field: "subscriptions" });
        break;
    }
    lines.push(cells.join(","));
    if (i % 1000 === 1) line++;
  }
  return { text: `${lines.join("\r\n")}\r\n`, bad };
}

describe("a 100,000-row import", () => {
  const TOTAL = 100_000;
  let jobId = "";

  it("completes with its progress reported, every row counted and every bad row reported", async () => {
    const { text, bad } = bigFile(TOTAL);
    const badLines = new Set(bad.map((entry) => entry.line));
    const started = Date.now();
    const sent = await upload(editor, "base-100k.csv", text);
    expect(sent.status).toBe(302);
    jobId = jobIdOf(sent.location);
    expect(jobId).not.toBe("");

    let between = 0;
    let finished = false;
    // Someone watching the page while it runs sees the bar move, and a page that refreshes
    // itself without JavaScript.
    const pageStates: { value: number; refresh: boolean }[] = [];
    const watching = (async () => {
      while (!finished) {
        // A busy server may drop a kept-alive connection now and then: the next look will do.
        const page = await editor.page(`/console/import/${jobId}`).catch(() => null);
        const value = page && /<progress[^>]*value="(\d+)"/.exec(page.html)?.[1];
        if (page && value) {
          pageStates.push({ value: Number(value), refresh: page.html.includes('http-equiv="refresh"') });
        }
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
    })();
    const job = await finish(jobId, (state) => {
      if (state.processedRows > 0 && state.processedRows < TOTAL) between++;
    }).finally(() => (finished = true));
    await watching;
    const seconds = (Date.now() - started) / 1000;
    console.info(
      `[import] ${TOTAL} rows on ${testProvider} in ${seconds.toFixed(1)} s: ${Math.round(TOTAL / seconds)} rows/s`,
    );
    expect(between).toBeGreaterThan(0);
    const midway = pageStates.filter((state) => state.value > 0 && state.value < TOTAL);
    expect(midway.length).toBeGreaterThan(0);
    expect(midway.every((state) => state.refresh)).toBe(true);
    expect(job.status).toBe("completed");
    expect(job.error).toBeNull();
    expect(job.source).toBeNull();
    expect(job.processedRows).toBe(TOTAL);
    expect(job.createdCount + job.updatedCount + job.failedCount).toBe(TOTAL);
    expect(job.failedCount).toBe(badLines.size);
    expect(job.createdCount).toBe(TOTAL - badLines.size);
    expect(job.updatedCount).toBe(0);

    // Every bad row is in the report, at its line, with its field; nothing else is.
    const errors = await fixture.db.importRowError.findMany({
      where: { jobId },
      select: { line: true, field: true, raw: true },
    });
    expect(new Set(errors.map((error) => error.line))).toEqual(badLines);
    const reported = new Set(errors.map((error) => `${error.line}|${error.field}`));
    for (const entry of bad)
      expect(reported, `line ${entry.line} field ${entry.field}`).toContain(`${entry.line}|${entry.field}`);
    const emailError = errors.find((error) => error.field === "email")!;
    expect(emailError.raw).toContain("not-an-email");
    // The bad rows are not in the database.
    expect(await fixture.db.customer.count({ where: { brandId: demoId, email: "not-an-email" } })).toBe(0);
    expect(await fixture.db.customer.count({ where: { brandId: demoId, externalId: { startsWith: "imp-" } } })).toBe(
      TOTAL - badLines.size,
    );
  }, 240_000);

  it("shows the finished job with its report, and the full report as CSV", async () => {
    const page = await editor.page(`/console/import/${jobId}`);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(
      /<progress[^>]*max="100000"[^>]*value="100000"|<progress[^>]*value="100000"[^>]*max="100000"/,
    );
    expect(page.html).toContain("100 %");
    expect(page.html).not.toContain('http-equiv="refresh"');
    expect(page.html).toContain("<code>email</code>");
    const csv = await editor.request(`/console/import/${jobId}/errors.csv`);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).split("\r\n").filter((line) => /^\d/.test(line));
    const errorCount = await fixture.db.importRowError.count({ where: { jobId } });
    expect(lines.length).toBe(errorCount);
    expect((await viewer.request(`/console/import/${jobId}/errors.csv`)).status).toBe(403);
    const audit = await fixture.db.auditEntry.findFirst({
      where: { brandId: demoId, action: "import.start", target: jobId },
      select: { actor: true, detail: true },
    });
    expect(audit?.actor).toBe("editor@demo.example");
    expect(JSON.parse(audit!.detail)).toEqual({ fileName: "base-100k.csv", rows: TOTAL });
  });

  it("holds good rows with their subscriptions, sources and consent events with proof", async () => {
    const sample = await fixture.db.customer.findMany({
      where: { brandId: demoId, externalId: { in: ["imp-1", "imp-3", "imp-5", "imp-50", "imp-99999"] } },
      select: {
        id: true,
        externalId: true,
        email: true,
        phone: true,
        name: true,
        locale: true,
        timezone: true,
        fieldSources: true,
        subscriptions: { select: { channel: true, status: true, frequency: true, topic: { select: { key: true } } } },
        consentEvents: {
          select: { subject: true, source: true, after: true, shownTextHash: true, policyVersion: true },
        },
      },
    });
    const byId = new Map(sample.map((customer) => [customer.externalId, customer]));
    expect(byId.size).toBe(5);
    const three = byId.get("imp-3")!;
    expect(three).toMatchObject({
      email: "person3@example.com",
      phone: "+33610000003",
      locale: "fr",
      name: "Person 3",
    });
    expect(JSON.parse(three.fieldSources)).toMatchObject({ externalId: "import", email: "import", phone: "import" });
    expect(three.subscriptions.map((s) => `${s.topic.key}:${s.channel}:${s.frequency}:${s.status}`).sort()).toEqual([
      "newsletter:email:weekly:subscribed",
      "price-drop:sms:daily:subscribed",
    ]);
    expect(three.consentEvents).toHaveLength(2);
    for (const event of three.consentEvents) {
      expect(event.source).toBe("import");
      expect(event.policyVersion).toBe("3");
      expect(event.shownTextHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.parse(event.after)).toMatchObject({
        status: "subscribed",
        proof: { consentedAt: "2023-04-04T09:30:00.000Z", source: "checkout form v3" },
      });
    }
    // Transactional only: no proof needed, none recorded.
    const five = byId.get("imp-5")!;
    expect(five.subscriptions.map((s) => s.topic.key)).toEqual(["order-updates"]);
    expect(JSON.parse(five.consentEvents[0]!.after)).not.toHaveProperty("proof");
    expect(JSON.parse(five.fieldSources)).toMatchObject({ locale: "import", timezone: "import" });
    expect(byId.get("imp-50")!.name).toBe("Dupont, Marie 50");
    const chain = await verifyConsentChain(fixture.db, demoId);
    expect(chain.intact).toBe(true);
  });

  it("updates on a re-import instead of duplicating, and does not undo a later unsubscribe", async () => {
    const db: Db = fixture.db;
    const newsletter = (await getTopic(db, { brandId: demoId, key: "newsletter" }))!;
    const two = await db.customer.findFirstOrThrow({
      where: { brandId: demoId, externalId: "imp-2" },
      select: { id: true },
    });
    await setSubscription(
      db,
      { brandId: demoId, customerId: two.id },
      { topic: newsletter, channel: "email", status: "unsubscribed" },
      { source: "portal" },
    );
    const eventsBefore = await db.consentEvent.count({ where: { brandId: demoId, customerId: two.id } });
    const file = [
      HEADER,
      "imp-1,,,Renamed One,,,newsletter:email:monthly,2024-06-01T00:00:00Z,phone call,,4",
      "imp-2,,,,,,newsletter:email,2024-06-01T00:00:00Z,old export,,",
      "imp-4,,,,,,,,,,",
      "imp-new-1,new1@example.com,,,,,newsletter:email,2024-06-01T00:00:00Z,fair stand,,",
    ].join("\n");
    const sent = await upload(editor, "small.csv", file);
    expect(sent.status).toBe(302);
    const job = await finish(jobIdOf(sent.location));
    expect(job).toMatchObject({ status: "completed", createdCount: 1, updatedCount: 2, failedCount: 1 });
    expect(
      await db.customer.count({ where: { brandId: demoId, externalId: { in: ["imp-1", "imp-2", "imp-4"] } } }),
    ).toBe(3);
    const one = await db.customer.findFirstOrThrow({
      where: { brandId: demoId, externalId: "imp-1" },
      select: { name: true, email: true, subscriptions: { select: { frequency: true, status: true } } },
    });
    // Changed what the file gives, kept what it leaves empty.
    expect(one).toMatchObject({ name: "Renamed One", email: "person1@example.com" });
    expect(one.subscriptions).toEqual([{ frequency: "monthly", status: "subscribed" }]);
    const errors = await db.importRowError.findMany({
      where: { jobId: jobIdOf(sent.location) },
      select: { line: true, field: true, message: true },
    });
    expect(errors).toEqual([{ line: 3, field: "subscriptions", message: expect.stringContaining("withdrawnLater") }]);
    const twoNow = await db.subscription.findFirstOrThrow({
      where: { customerId: two.id, topicId: newsletter.id },
      select: { status: true },
    });
    expect(twoNow.status).toBe("unsubscribed");
    expect(await db.consentEvent.count({ where: { brandId: demoId, customerId: two.id } })).toBe(eventsBefore);
    // The report says it in the reader's language.
    const page = await editor.page(`/console/import/${jobIdOf(sent.location)}?lang=en`);
    expect(page.html).toContain("after this consent: not subscribed again");
  });
});

describe("runners", () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.open().db;
    await seedDemo(db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("never run one job twice at once, and a dead runner's job resumes from its last chunk", async () => {
    const brand = await db.brand.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } });
    const rows = Array.from(
      { length: 2_500 },
      (_, i) => `run-${i},r${i}@example.com,,,,,newsletter:email,2024-01-01T00:00:00Z,form,,`,
    );
    const job = await createImportJob(db, {
      brandId: brand.id,
      actor: "test",
      fileName: "runners.csv",
      totalRows: rows.length,
      source: [HEADER, ...rows].join("\n"),
    });
    const t0 = new Date();
    const first = new ImportRunner({ db, chunkRows: 1_000, leaseMs: 60_000 });
    const second = new ImportRunner({ db, chunkRows: 1_000, leaseMs: 60_000 });
    const progress = async () =>
      (await db.importJob.findUniqueOrThrow({ where: { id: job.id }, select: { processedRows: true } })).processedRows;

    expect(await first.round(t0)).toBe(true);
    expect(await progress()).toBe(1_000);
    // Leased: the other runner finds nothing to do.
    expect(await second.round(t0)).toBe(false);
    expect(await progress()).toBe(1_000);

    // The first runner "dies"; once its lease has run out the second takes over where it stopped.
    const later = new Date(t0.getTime() + 120_000);
    expect(await second.round(later)).toBe(true);
    expect(await progress()).toBe(2_000);
    // The first one wakes up: the job is no longer its own, and it does nothing to it.
    expect(await first.round(new Date(t0.getTime() + 1_000))).toBe(false);
    expect(await progress()).toBe(2_000);
    expect(await second.round(later)).toBe(true);

    const done = await db.importJob.findUniqueOrThrow({
      where: { id: job.id },
      select: { status: true, createdCount: true, failedCount: true, source: true },
    });
    expect(done).toEqual({ status: "completed", createdCount: 2_500, failedCount: 0, source: null });
    expect(await db.customer.count({ where: { brandId: brand.id, externalId: { startsWith: "run-" } } })).toBe(2_500);
    expect(
      await db.consentEvent.count({ where: { brandId: brand.id, source: "import", subject: "newsletter:email" } }),
    ).toBe(2_500);
    expect((await verifyConsentChain(db, brand.id)).intact).toBe(true);
    expect(await second.round(later)).toBe(false);
  });
});
