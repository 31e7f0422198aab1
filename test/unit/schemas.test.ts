// The two databases must hold the same model, and every schema change must come with a
// migration for both: these checks fail the build when someone forgets either.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema, providers } from "../../prisma/tools/schemas";

const read = (file: string) => fs.readFileSync(file, "utf8");
const folders = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((entry) => fs.statSync(path.join(dir, entry)).isDirectory())
    .sort();

describe("schemas and migrations", () => {
  it("keeps the PostgreSQL schema derived from the SQLite one (run npm run db:generate)", () => {
    expect(read(providers.postgresql.schema)).toBe(derivePostgresSchema(read(providers.sqlite.schema)));
  });

  it("has the same migrations, by name, for both databases", () => {
    expect(folders(providers.postgresql.migrations)).toEqual(folders(providers.sqlite.migrations));
  });

  it("has a migration for the current schema (run npm run db:migration -- <name>)", () => {
    for (const provider of ["sqlite", "postgresql"] as const) {
      const { schema, migrations } = providers[provider];
      const last = folders(migrations).at(-1)!;
      expect(read(path.join(migrations, last, "schema.prisma")), provider).toBe(read(schema));
    }
  });

  it("keeps the consent ledger append-only in both databases", () => {
    for (const provider of ["sqlite", "postgresql"] as const) {
      const { migrations } = providers[provider];
      const all = folders(migrations)
        .map((name) => read(path.join(migrations, name, "migration.sql")))
        .join("\n");
      expect(all, provider).toMatch(/TRIGGER "ConsentEvent_no_(update_or_)?delete"/);
    }
  });
});
