// A brand's team always keeps an owner, even when two owners demote or remove each other at the
// same moment (on PostgreSQL both transactions would otherwise count two owners and go ahead).
import { afterAll, beforeAll, expect, it } from "vitest";
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { createBrand } from "~/models/brand.server";
import { addMember, MemberError, removeMember, setMemberRole } from "~/models/member.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.open().db;
});
afterAll(async () => {
  await database?.drop();
});

async function twoOwners(slug: string) {
  const brand = await createBrand(db, { slug, name: slug });
  const ann = await addMember(db, brand.id, { email: "ann@example.com", role: "owner", invitedBy: "test" });
  const bob = await addMember(db, brand.id, { email: "bob@example.com", role: "owner", invitedBy: "test" });
  return { brandId: brand.id, ann, bob };
}

const outcome = (attempt: Promise<unknown>) =>
  attempt.then(
    () => "done",
    (error: unknown) => (error instanceof MemberError ? error.code : `unexpected: ${String(error)}`),
  );

it("lets only one of two owners demoting each other at once go through", async () => {
  for (let round = 0; round < 5; round++) {
    const { brandId, ann, bob } = await twoOwners(`demote-${round}`);
    const results = await Promise.all([
      outcome(transact(db, (tx) => setMemberRole(tx, brandId, ann.id, "viewer"))),
      outcome(transact(db, (tx) => setMemberRole(tx, brandId, bob.id, "viewer"))),
    ]);
    expect(results.sort()).toEqual(["done", "last_owner"]);
    expect(await db.brandMember.count({ where: { brandId, role: "owner" } })).toBe(1);
  }
});

it("lets only one of two owners removing each other at once go through", async () => {
  for (let round = 0; round < 5; round++) {
    const { brandId, ann, bob } = await twoOwners(`remove-${round}`);
    const results = await Promise.all([
      outcome(transact(db, (tx) => removeMember(tx, brandId, ann.id))),
      outcome(transact(db, (tx) => removeMember(tx, brandId, bob.id))),
    ]);
    expect(results.sort()).toEqual(["done", "last_owner"]);
    expect(await db.brandMember.count({ where: { brandId, role: "owner" } })).toBe(1);
  }
});
