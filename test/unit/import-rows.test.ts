// The import's reading of files, without a database: CSV as spreadsheets write it (quotes,
// CRLF, BOM, line breaks inside cells), the header rules, each row's checks (customer fields,
// subscriptions against the brand's topics, proof of consent), and the export's defusing of
// formulas undone on the way back in.
import { describe, expect, it } from "vitest";
import { IMPORT_COLUMNS, sampleCsv } from "~/console/import/columns";
import { csvCell, csvLine, CsvSyntaxError, parseCsv, undefuse } from "~/console/import/csv";
import { exportRow } from "~/console/import/export.server";
import { fileIssueText, rowIssueText, storeIssue } from "~/console/import/issues";
import { earlierLines, parseIsoDate, readHeader, readRow, type CatalogTopic, type Header } from "~/console/import/rows";
import { checkFile } from "~/console/import/upload.server";

const topics = new Map<string, CatalogTopic>(
  (
    [
      { id: "t1", key: "newsletter", kind: "marketing", channels: ["email"], defaultFrequency: "weekly" },
      { id: "t2", key: "price-drop", kind: "alert", channels: ["email", "sms", "push"], defaultFrequency: "instant" },
      {
        id: "t3",
        key: "order-updates",
        kind: "transactional",
        channels: ["email", "sms"],
        defaultFrequency: "instant",
      },
    ] satisfies CatalogTopic[]
  ).map((topic) => [topic.key, topic]),
);
const now = new Date("2025-06-01T12:00:00Z");

function header(names: readonly string[] = IMPORT_COLUMNS): Header {
  const read = readHeader(names);
  if (!read.ok) throw new Error("bad header in test");
  return read.header;
}

/** A full row from named cells (the rest empty), in IMPORT_COLUMNS order. */
function cells(values: Partial<Record<(typeof IMPORT_COLUMNS)[number], string>>): string[] {
  return IMPORT_COLUMNS.map((column) => values[column] ?? "");
}

function issuesOf(values: Partial<Record<(typeof IMPORT_COLUMNS)[number], string>>) {
  const result = readRow(cells(values), header(), topics, now);
  return result.ok ? [] : result.issues.map((issue) => `${issue.field}:${issue.code}`);
}

describe("parseCsv", () => {
  it("reads quoted fields, doubled quotes, CRLF, a BOM, and line breaks inside cells with the right line numbers", () => {
    const text = '\uFEFFa,b\r\n1,"x\r\ny"\r\n\r\n"q""z",\r\n3,"4"\n5,6';
    const records = parseCsv(text);
    expect(records.map((r) => r.cells)).toEqual([
      ["a", "b"],
      ["1", "x\r\ny"],
      ['q"z', ""],
      ["3", "4"],
      ["5", "6"],
    ]);
    // Line 3 is the second half of record 2, line 4 is blank.
    expect(records.map((r) => r.line)).toEqual([1, 2, 5, 6, 7]);
    expect(records[1]!.raw).toBe('1,"x\r\ny"');
  });

  it("keeps a line of empty cells (it is reported), skips blank lines, reads a lone CR as a line end", () => {
    expect(parseCsv("a,b\n,\n\n\n").map((r) => r.cells)).toEqual([
      ["a", "b"],
      ["", ""],
    ]);
    expect(parseCsv("a\rb\r").map((r) => [r.line, r.cells[0]])).toEqual([
      [1, "a"],
      [2, "b"],
    ]);
    expect(parseCsv("a,").map((r) => r.cells)).toEqual([["a", ""]]);
    expect(parseCsv("")).toEqual([]);
  });

  it("keeps a stray quote inside a plain field", () => {
    expect(parseCsv('ab"c,d')[0]!.cells).toEqual(['ab"c', "d"]);
  });

  it("refuses a quote that is never closed, or text after a closing quote, naming the line", () => {
    const refusal = (text: string) => {
      try {
        parseCsv(text);
      } catch (error) {
        if (error instanceof CsvSyntaxError) return { line: error.line, reason: error.reason };
        throw error;
      }
      throw new Error("expected a CsvSyntaxError");
    };
    expect(refusal('a,b\n1,"2\n3,4\n')).toEqual({ line: 2, reason: "quote_not_closed" });
    expect(refusal('a,b\n1,2\n3,"4\n')).toEqual({ line: 3, reason: "quote_not_closed" });
    expect(refusal('a,b\n"1"x,2\n')).toEqual({ line: 2, reason: "text_after_quote" });
  });

  it("reads back what csvLine writes, formulas defused and undone", () => {
    const values = ['=HYPERLINK("x")', "+33612345678", "-2", "@SUM(A1)", "\tx", 'a "b", c', "line\nbreak", "é"];
    const [record] = parseCsv(csvLine(values));
    expect(record!.cells.map(undefuse)).toEqual(values);
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+33612345678")).toBe("'+33612345678");
    expect(csvCell("plain")).toBe("plain");
    expect(undefuse("'plain")).toBe("'plain");
  });
});

describe("readHeader", () => {
  it("takes known columns in any order and case", () => {
    const read = readHeader([" Email ", "EXTERNAL_ID", "subscriptions"]);
    expect(read).toEqual({ ok: true, header: { index: { email: 0, external_id: 1, subscriptions: 2 }, width: 3 } });
  });

  it("refuses unknown, repeated or missing columns, naming them", () => {
    expect(readHeader(["external_id", "mail", "age"])).toMatchObject({
      ok: false,
      issue: { code: "unknownColumns", values: { names: "“mail”, “age”" } },
    });
    expect(readHeader(["external_id", "email", "Email"])).toMatchObject({
      ok: false,
      issue: { code: "repeatedColumns", values: { names: "email" } },
    });
    expect(readHeader(["email"])).toMatchObject({ ok: false, issue: { code: "missingExternalId" } });
    const unknown = readHeader(["external_id", "mail"]);
    if (unknown.ok) throw new Error("expected a refusal");
    expect(fileIssueText(unknown.issue, "en")).toContain("Unknown columns: “mail”");
    expect(fileIssueText(unknown.issue, "fr")).toContain("Colonnes inconnues : “mail”");
  });
});

describe("readRow", () => {
  it("takes a full row with proof of consent, normalised", () => {
    const result = readRow(
      cells({
        external_id: " cust-1 ",
        email: "Camille@Example.FR",
        phone: "+33612345678",
        name: "Camille",
        locale: "fr",
        timezone: "Europe/Paris",
        subscriptions: "newsletter:email; price-drop:SMS:daily ;order-updates:email",
        consented_at: "2024-05-01T10:30:00+02:00",
        consent_source: "checkout form v3",
        consent_text: "Je souhaite recevoir la lettre.",
        policy_version: "3",
      }),
      header(),
      topics,
      now,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.row).toMatchObject({
      externalId: "cust-1",
      email: "camille@example.fr",
      phone: "+33612345678",
      locale: "fr",
      proof: { consentedAt: new Date("2024-05-01T08:30:00Z"), source: "checkout form v3" },
      consentText: "Je souhaite recevoir la lettre.",
      policyVersion: "3",
    });
    expect(result.row.subscriptions.map((s) => [s.topic.key, s.channel, s.frequency])).toEqual([
      ["newsletter", "email", undefined],
      ["price-drop", "sms", "daily"],
      ["order-updates", "email", undefined],
    ]);
  });

  it("leaves empty cells out (an import does not clear what is stored)", () => {
    const result = readRow(cells({ external_id: "c2" }), header(), topics, now);
    expect(result).toEqual({ ok: true, row: { externalId: "c2", subscriptions: [], proof: null } });
  });

  it("takes a transactional subscription without proof", () => {
    expect(issuesOf({ external_id: "c3", subscriptions: "order-updates:sms" })).toEqual([]);
  });

  it("refuses a marketing or alert subscription without its proof, naming both missing fields", () => {
    expect(issuesOf({ external_id: "c4", subscriptions: "newsletter:email" })).toEqual([
      "consented_at:proofRequired",
      "consent_source:proofRequired",
    ]);
    expect(issuesOf({ external_id: "c4", subscriptions: "price-drop:push", consented_at: "2024-01-01" })).toEqual([
      "consent_source:proofRequired",
    ]);
    const result = readRow(cells({ external_id: "c4", subscriptions: "newsletter:email" }), header(), topics, now);
    if (result.ok) throw new Error("expected a refusal");
    expect(rowIssueText(storeIssue(result.issues[0]!), "en")).toContain("Required for newsletter");
    expect(rowIssueText(storeIssue(result.issues[0]!), "fr")).toContain("Requis pour newsletter");
  });

  it("names each field at fault", () => {
    expect(
      issuesOf({
        external_id: "has space",
        email: "not-an-email",
        phone: "0612345678",
        locale: "de",
        timezone: "Mars/Olympus",
        name: "x".repeat(121),
      }),
    ).toEqual([
      "external_id:externalId",
      "email:email",
      "phone:phone",
      "name:tooLong",
      "locale:locale",
      "timezone:timezone",
    ]);
    expect(issuesOf({ email: "a@b.fr" })).toEqual(["external_id:required"]);
    expect(issuesOf({ external_id: "erased:abc" })).toEqual(["external_id:externalId"]);
  });

  it("checks subscriptions against the brand's topics", () => {
    const proof = { consented_at: "2024-01-01", consent_source: "form" };
    const codes = (subscriptions: string) =>
      issuesOf({ external_id: "c5", subscriptions, ...proof }).map((issue) => issue.split(":")[1]);
    expect(codes("unknown:email")).toEqual(["topicUnknown"]);
    expect(codes("newsletter:fax")).toEqual(["channelUnknown"]);
    expect(codes("newsletter:sms")).toEqual(["channelNotOffered"]);
    expect(codes("newsletter:email:hourly")).toEqual(["frequencyUnknown"]);
    expect(codes("order-updates:email:weekly")).toEqual(["transactionalInstant"]);
    expect(codes("newsletter")).toEqual(["subscriptionFormat"]);
    expect(codes("newsletter:email:weekly:extra")).toEqual(["subscriptionFormat"]);
    expect(codes("newsletter:email;newsletter:EMAIL")).toEqual(["subscriptionRepeated"]);
    expect(codes(";newsletter:email;")).toEqual([]);
  });

  it("refuses a consent date that is not ISO 8601 or lies in the future", () => {
    const row = { external_id: "c6", subscriptions: "newsletter:email", consent_source: "form" };
    expect(issuesOf({ ...row, consented_at: "01/05/2024" })).toEqual(["consented_at:date"]);
    expect(issuesOf({ ...row, consented_at: "2024-02-30" })).toEqual(["consented_at:date"]);
    expect(issuesOf({ ...row, consented_at: "2025-06-02" })).toEqual(["consented_at:future"]);
    expect(issuesOf({ ...row, consented_at: "2025-06-01T11:59:59Z" })).toEqual([]);
  });

  it("refuses proof texts that are too long", () => {
    const row = { external_id: "c7", subscriptions: "newsletter:email", consented_at: "2024-01-01" };
    expect(issuesOf({ ...row, consent_source: "s".repeat(201) })).toEqual(["consent_source:tooLong"]);
    expect(issuesOf({ ...row, consent_source: "ok", consent_text: "t".repeat(2001) })).toEqual([
      "consent_text:tooLong",
    ]);
  });

  it("refuses a row with more or fewer cells than the header", () => {
    const result = readRow(["c8", "a@b.fr"], header(), topics, now);
    expect(result).toEqual({ ok: false, issues: [{ field: "", code: "cells", values: { count: 2, expected: 11 } }] });
  });

  it("reads a defused cell as the export wrote it", () => {
    const result = readRow(
      cells({ external_id: "c9", phone: "'+33612345678", name: "'-Marie" }),
      header(),
      topics,
      now,
    );
    expect(result).toMatchObject({ ok: true, row: { phone: "+33612345678", name: "-Marie" } });
  });
});

describe("parseIsoDate", () => {
  it("reads dates, times, fractions and zones, and refuses the rest", () => {
    expect(parseIsoDate("2024-05-01")?.toISOString()).toBe("2024-05-01T00:00:00.000Z");
    expect(parseIsoDate("2024-05-01 10:30")?.toISOString()).toBe("2024-05-01T10:30:00.000Z");
    expect(parseIsoDate("2024-05-01T10:30:15.5-0130")?.toISOString()).toBe("2024-05-01T12:00:15.500Z");
    expect(parseIsoDate("2024-02-29T00:00:00Z")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
    for (const bad of ["2023-02-29", "2024-13-01", "2024-05-01T24:00", "2024-05-01Z", "yesterday", "0099-01-01"]) {
      expect(parseIsoDate(bad), bad).toBeNull();
    }
  });
});

describe("earlierLines", () => {
  it("points each repeated external id at its first line", () => {
    const repeats = earlierLines([
      { line: 2, externalId: "a" },
      { line: 3, externalId: "b" },
      { line: 4, externalId: "a" },
      { line: 5, externalId: undefined },
      { line: 6, externalId: "a" },
    ]);
    expect([...repeats]).toEqual([
      [4, 2],
      [6, 2],
    ]);
  });
});

describe("checkFile", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it("counts the rows of a good file", () => {
    expect(
      checkFile("base.csv", bytes(sampleCsv([{ key: "newsletter", kind: "marketing", channels: ["email"] }]))),
    ).toMatchObject({ ok: true, fileName: "base.csv", totalRows: 2 });
  });

  it("refuses a file that is not UTF-8, not text, empty, without rows or unreadable", () => {
    expect(checkFile("x.csv", new Uint8Array([0x65, 0x78, 0xe9, 0x0a]))).toMatchObject({ issue: { code: "notUtf8" } });
    expect(checkFile("x.csv", bytes("external_id\n\u0000"))).toMatchObject({ issue: { code: "binary" } });
    expect(checkFile("x.csv", bytes(""))).toMatchObject({ issue: { code: "empty" } });
    expect(checkFile("x.csv", bytes("\n\n"))).toMatchObject({ issue: { code: "empty" } });
    expect(checkFile("x.csv", bytes("external_id\r\n"))).toMatchObject({ issue: { code: "noRows" } });
    expect(checkFile("x.csv", bytes('external_id\n"a\n'))).toMatchObject({
      issue: { code: "quoteNotClosed", values: { line: 2 } },
    });
    expect(checkFile("x.csv", bytes("id,email\n1,a@b.fr"))).toMatchObject({ issue: { code: "unknownColumns" } });
  });
});

describe("exportRow", () => {
  it("writes a customer in the import's columns, which read back as the same row", () => {
    const line = exportRow({
      id: "x",
      externalId: "cust-1",
      email: "a@b.fr",
      phone: "+33612345678",
      name: "=Marie",
      locale: "fr",
      timezone: "Europe/Paris",
      subscriptions: [
        {
          channel: "sms",
          frequency: "daily",
          confirmedAt: new Date("2024-03-01T00:00:00Z"),
          updatedAt: new Date("2024-03-01T00:00:00Z"),
          topic: { key: "price-drop", kind: "alert" },
        },
        {
          channel: "email",
          frequency: "weekly",
          confirmedAt: new Date("2024-01-01T00:00:00Z"),
          updatedAt: new Date("2024-01-01T00:00:00Z"),
          topic: { key: "newsletter", kind: "marketing" },
        },
        {
          channel: "email",
          frequency: "instant",
          confirmedAt: new Date("2025-01-01T00:00:00Z"),
          updatedAt: new Date("2025-01-01T00:00:00Z"),
          topic: { key: "order-updates", kind: "transactional" },
        },
      ],
    });
    const [record] = parseCsv(line);
    const result = readRow(record!.cells, header(), topics, now);
    expect(result).toMatchObject({
      ok: true,
      row: {
        externalId: "cust-1",
        phone: "+33612345678",
        name: "=Marie",
        // The latest opt-in that needed proof; the transactional one needs none.
        proof: { consentedAt: new Date("2024-03-01T00:00:00Z"), source: "Mesure consent ledger" },
      },
    });
    expect(record!.cells[6]).toBe("newsletter:email:weekly;order-updates:email:instant;price-drop:sms:daily");
  });
});
