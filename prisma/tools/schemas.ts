// Where the two Prisma schemas and their migration folders live, and how the PostgreSQL
// schema is derived from the SQLite one (the only differences are the datasource and the
// generated client's folder).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export const providers = {
  sqlite: {
    schema: path.join(projectRoot, "prisma/schema.prisma"),
    migrations: path.join(projectRoot, "prisma/migrations"),
  },
  postgresql: {
    schema: path.join(projectRoot, "prisma/postgresql/schema.prisma"),
    migrations: path.join(projectRoot, "prisma/postgresql/migrations"),
  },
} as const;

export type Provider = keyof typeof providers;

const generatedNotice =
  "// GENERATED from prisma/schema.prisma by `npm run db:generate`: edit that file, not this one.\n";

/** The PostgreSQL schema text for a given SQLite schema text. */
export function derivePostgresSchema(sqliteSchema: string): string {
  const swapped = sqliteSchema
    .replace('output       = "../app/db/generated/sqlite"', 'output       = "../../app/db/generated/postgresql"')
    .replace(
      /datasource db \{[^}]*\}/,
      'datasource db {\n  provider = "postgresql"\n  url      = "postgresql://localhost/mesure"\n}',
    );
  if (swapped === sqliteSchema || !swapped.includes("generated/postgresql")) {
    throw new Error("prisma/schema.prisma no longer has the generator output or datasource this tool rewrites");
  }
  return generatedNotice + swapped;
}

export function writePostgresSchema(): void {
  const text = derivePostgresSchema(fs.readFileSync(providers.sqlite.schema, "utf8"));
  fs.mkdirSync(path.dirname(providers.postgresql.schema), { recursive: true });
  fs.writeFileSync(providers.postgresql.schema, text);
}

/** Runs the Prisma CLI for one provider without letting it download a native engine. */
export function prisma(provider: Provider, args: string[]): string {
  const stub = process.execPath; // any existing file: the JS engine never runs it
  const result = spawnSync(process.execPath, [path.join(projectRoot, "node_modules/prisma/build/index.js"), ...args], {
    cwd: projectRoot,
    encoding: "utf8",
    env: {
      ...process.env,
      PRISMA_PROVIDER: provider,
      PRISMA_SCHEMA_ENGINE_BINARY: stub,
      PRISMA_QUERY_ENGINE_LIBRARY: stub,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
  if (result.status !== 0) {
    throw new Error(`prisma ${args.join(" ")} failed:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}
