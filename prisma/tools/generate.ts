// `npm run db:generate`: writes the PostgreSQL schema from the SQLite one, then generates both
// Prisma clients (app/db/generated/{sqlite,postgresql}). Runs on every npm install.
import { prisma, providers, writePostgresSchema, type Provider } from "./schemas";

writePostgresSchema();
for (const provider of Object.keys(providers) as Provider[]) {
  prisma(provider, ["generate", "--no-hints", "--schema", providers[provider].schema]);
}
console.log("Generated the SQLite and PostgreSQL Prisma clients.");
