// Prisma CLI configuration. The CLI is used only to generate the two clients and to diff
// schemas into migration SQL (see prisma/tools); migrations are applied by Mesure itself
// (app/db/migrate.server.ts), so no native engine is ever downloaded.
//
// The JavaScript schema engine (WebAssembly) needs a driver adapter even for diffs that touch
// no database, hence the adapters below; PRISMA_PROVIDER picks which schema the CLI works on.
import path from "node:path";
import { defineConfig } from "prisma/config";

const provider = process.env.PRISMA_PROVIDER === "postgresql" ? "postgresql" : "sqlite";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema:
    provider === "postgresql"
      ? path.join("prisma", "postgresql", "schema.prisma")
      : path.join("prisma", "schema.prisma"),
  async adapter() {
    if (provider === "postgresql") {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      // Schema-to-schema diffs read nothing, but the engine still opens a connection.
      return new PrismaPg({
        connectionString: process.env.PRISMA_DIFF_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
      });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: ":memory:" });
  },
});
