// Which database a DATABASE_URL names: Prisma cannot pick its provider at run time, so this
// decides which of the two generated clients, adapters and migration folders to use.
import path from "node:path";

export type DatabaseTarget = { provider: "sqlite"; file: string } | { provider: "postgresql"; url: string };

export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseTarget {
  if (url.startsWith("file:")) {
    const file = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (file === "" || file === ":memory:") {
      throw new Error("DATABASE_URL must name a SQLite file, e.g. file:./data/mesure.db");
    }
    return { provider: "sqlite", file: path.resolve(cwd, file) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: "postgresql", url };
  throw new Error('DATABASE_URL must start with "file:" or "postgresql://"');
}
