// A refused import row keeps its text only for a while: the brand can fix it, but it is personal
// data no consent covers. After ROW_TEXT_DAYS the text goes; line, column and reason stay.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ImportRunner, ROW_TEXT_DAYS } from "~/console/import/runner.server";
import type { Db } from "~/db/client.server";
import { createBrand } from "~/models/brand.server";
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

it("forgets the text of refused rows once their import is old, and only then", async () => {
  const brand = await createBrand(db, { slug: "retention", name: "Retention" });
  const now = new Date("2026-11-23T12:00:00Z");
  const day = 86_400_000;
  const job = (finishedDaysAgo: number) =>
    db.importJob.create({
      data: {
        brandId: brand.id,
        createdBy: "owner@retention.example",
        fileName: `${finishedDaysAgo}.csv`,
        status: "completed",
        finishedAt: new Date(now.getTime() - finishedDaysAgo * day),
        rowErrors: { create: { line: 2, field: "email", message: "bad", raw: "c-1,ann@example" } },
      },
      select: { id: true },
    });
  const old = await job(ROW_TEXT_DAYS + 1);
  const recent = await job(ROW_TEXT_DAYS - 1);

  await new ImportRunner({ db }).round(now);

  const rows = await db.importRowError.findMany({ select: { jobId: true, raw: true, line: true, message: true } });
  expect(rows.find((row) => row.jobId === old.id)).toMatchObject({ raw: "", line: 2, message: "bad" });
  expect(rows.find((row) => row.jobId === recent.id)).toMatchObject({ raw: "c-1,ann@example" });
});
