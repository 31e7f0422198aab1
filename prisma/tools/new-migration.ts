// `npm run db:migration -- <name>`: after editing prisma/schema.prisma, writes the migration
// that brings each database from the last migration's schema to the current one, under the
// same folder name for SQLite and PostgreSQL. Each migration folder keeps the schema it leads
// to (schema.prisma), so the next diff is schema-to-schema and needs no database (the
// PostgreSQL schema engine cannot introspect offline, prisma/orm#27403).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { prisma, providers, writePostgresSchema, type Provider } from "./schemas";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name>   (lower-case letters, digits and _)");
  process.exit(2);
}

writePostgresSchema();
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const folder = `${stamp}_${name}`;
let wrote = 0;

for (const provider of Object.keys(providers) as Provider[]) {
  const { schema, migrations } = providers[provider];
  fs.mkdirSync(migrations, { recursive: true });
  const previous = fs
    .readdirSync(migrations)
    .filter((entry) => fs.existsSync(path.join(migrations, entry, "schema.prisma")))
    .sort()
    .at(-1);
  const from = previous
    ? ["--from-schema-datamodel", copyToTemp(path.join(migrations, previous, "schema.prisma"))]
    : ["--from-empty"];
  const sql = prisma(provider, ["migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"]);
  if (!/\b(CREATE|ALTER|DROP)\b/i.test(sql)) continue;
  const target = path.join(migrations, folder);
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(target, "migration.sql"), sql);
  fs.copyFileSync(schema, path.join(target, "schema.prisma"));
  console.log(`wrote ${path.relative(process.cwd(), target)}/migration.sql`);
  wrote++;
}
if (wrote === 0) console.log("The schema has not changed since the last migration.");

/** The Prisma CLI reads a schema's generator output relative to the file: keep the copy apart. */
function copyToTemp(file: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesure-schema-"));
  const copy = path.join(dir, "schema.prisma");
  fs.copyFileSync(file, copy);
  return copy;
}
