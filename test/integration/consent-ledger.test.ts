// The consent ledger's proof: `mesure consent verify` walks a brand's hash chain, and each way of
// tampering with it (editing a row, editing and re-hashing it, removing one, cutting the end off)
// makes verification fail at the right event. The database itself refuses edits; the tests turn
// that guard off the way someone with direct access to the database would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { createBrand } from "~/models/brand.server";
import { appendConsentEvent, consentEventHash } from "~/models/consent.server";
import { upsertCustomer } from "~/models/customer.server";
import { verifyConsentChain } from "~/privacy/consent-ledger.server";
import { createTestDatabase, testProvider, type TestDatabase } from "../support/database";
import { runCli } from "../support/processes";

let database: TestDatabase;
let db: Db;
const env = () => ({ DATABASE_URL: database.url, DATA_DIR: database.dir, MESURE_SECRET: "t".repeat(32) });
const verify = (slug: string) => runCli(["consent", "verify", "--brand", slug], env());

/** A brand whose ledger holds `count` events about one customer. */
async function brandWithLedger(slug: string, count = 8): Promise<string> {
  const brand = await createBrand(db, { slug, name: slug });
  const customer = await upsertCustomer(db, brand.id, { externalId: "c-1", email: `${slug}@example.com` });
  for (let i = 0; i < count; i++) {
    await transact(db, (tx) =>
      appendConsentEvent(tx, {
        brandId: brand.id,
        customerId: customer.id,
        kind: "subscription",
        subject: "news:email",
        before: { status: i % 2 ? "subscribed" : "unsubscribed" },
        after: { status: i % 2 ? "unsubscribed" : "subscribed" },
        source: "portal",
        policyVersion: "2026-01",
      }),
    );
  }
  return brand.id;
}

const table = '"ConsentEvent"';
const unguard =
  testProvider === "postgresql"
    ? `ALTER TABLE ${table} DISABLE TRIGGER "ConsentEvent_no_update_or_delete"`
    : `DROP TRIGGER IF EXISTS "ConsentEvent_no_update"; DROP TRIGGER IF EXISTS "ConsentEvent_no_delete"`;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.open().db;
});
afterAll(() => database.drop());

describe(`consent ledger verification (${testProvider})`, () => {
  it("proves an untouched chain intact, from the command line", async () => {
    const brandId = await brandWithLedger("intact", 12);
    const result = await verify("intact");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^intact: 12 consent event\(s\) for intact, head [0-9a-f]{64}$/m);
    expect(await verifyConsentChain(db, brandId)).toMatchObject({ intact: true, length: 12 });
    // A brand that never recorded anything has an empty, intact chain.
    await createBrand(db, { slug: "empty", name: "Empty" });
    expect((await verify("empty")).stdout).toMatch(/^intact: 0 consent event/);
  });

  it("is append-only: the database refuses to edit or delete an event", async () => {
    await brandWithLedger("guarded", 2);
    await expect(database.raw(`UPDATE ${table} SET "after" = '{}'`)).rejects.toThrow(
      /append-only|not allowed|ConsentEvent/i,
    );
    await expect(database.raw(`DELETE FROM ${table}`)).rejects.toThrow(/append-only|not allowed|ConsentEvent/i);
  });

  describe("with the database's guard removed", () => {
    beforeAll(() => database.raw(unguard));

    it("names an event edited in place", async () => {
      const brandId = await brandWithLedger("edited");
      await database.raw(
        `UPDATE ${table} SET "after" = '{"status":"subscribed"}' WHERE "brandId" = '${brandId}' AND "seq" = 4`,
      );
      const result = await verify("edited");
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^broken at event #4 \(\w+\): event #4 .* was changed after it was written/m);
      expect(result.stdout).toContain("events #1 to #3 verify");
      // The other brands' chains are not affected.
      expect((await verify("intact")).code).toBe(0);
    });

    it("names the event after one that was edited and re-hashed", async () => {
      const brandId = await brandWithLedger("rehashed");
      const row = await db.consentEvent.findFirstOrThrow({ where: { brandId, seq: 5 } });
      const forged = { ...row, after: JSON.stringify({ status: "subscribed", forged: true }) };
      const { id: _id, hash: _hash, ...content } = forged;
      await database.raw(
        `UPDATE ${table} SET "after" = '${forged.after}', "hash" = '${consentEventHash(content)}' WHERE "id" = '${row.id}'`,
      );
      const report = await verifyConsentChain(db, brandId);
      expect(report).toMatchObject({ intact: false, checked: 5, break: { seq: 6, problem: "relinked" } });
      expect((await verify("rehashed")).stdout).toMatch(/^broken at event #6 .*does not point to event #5/m);
    });

    it("names a removed event", async () => {
      const brandId = await brandWithLedger("removed");
      await database.raw(`DELETE FROM ${table} WHERE "brandId" = '${brandId}' AND "seq" = 3`);
      const result = await verify("removed");
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^broken at event #4 .*: event #3 is missing: #2 is followed by #4/m);
    });

    it("notices events cut off the end of the chain", async () => {
      const brandId = await brandWithLedger("cut");
      await database.raw(`DELETE FROM ${table} WHERE "brandId" = '${brandId}' AND "seq" >= 7`);
      const result = await verify("cut");
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^broken at event #7: the chain ends at event #6, but its head records 8 events/m);
    });
  });

  it("refuses an unknown brand or a missing option with exit status 2", async () => {
    expect(await verify("nobody")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no brand with slug "nobody"'),
    });
    const missing = await runCli(["consent", "verify"], env());
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("--brand is required") });
  });
});
