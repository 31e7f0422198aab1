// A running Mesure with the demo brand, a second brand, and an API key for each: the fixture
// API tests start from.
import type { Db } from "~/db/client.server";
import { createApiKey } from "~/models/api-key.server";
import { createBrand } from "~/models/brand.server";
import { upsertCustomer } from "~/models/customer.server";
import { setSubscription } from "~/models/preferences.server";
import { createTopic } from "~/models/topic.server";
import { createTestDatabase, type TestDatabase } from "./database";
import { startServer, type RunningServer } from "./processes";

export type ApiFixture = {
  database: TestDatabase;
  db: Db;
  server: RunningServer;
  demoKey: string;
  otherKey: string;
  env: Record<string, string>;
  call: (
    method: string,
    path: string,
    body?: unknown,
    options?: { key?: string | null; headers?: Record<string, string> },
    // Tests read arbitrary JSON answers field by field; the assertions are the type checks.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ) => Promise<{ status: number; body: any; headers: Headers }>;
  stop: () => Promise<void>;
};

export async function startApi(extraEnv: Record<string, string> = {}): Promise<ApiFixture> {
  const database = await createTestDatabase({ migrate: false });
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: database.dir,
    SEED_DEMO: "true",
    MESURE_SECRET: "k".repeat(64),
    ...extraEnv,
  };
  const server = await startServer(env);
  const { db } = database.open();
  const demo = await db.brand.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } });
  const other = await createBrand(db, { slug: "other", name: "Other brand" });
  const news = await createTopic(db, other.id, {
    key: "newsletter",
    nameFr: "Lettre",
    nameEn: "Letter",
    kind: "marketing",
    channels: ["email"],
  });
  const stranger = await upsertCustomer(db, other.id, { externalId: "other-1", email: "o1@example.com" });
  await setSubscription(
    db,
    { brandId: other.id, customerId: stranger.id },
    { topic: news, channel: "email", status: "subscribed" },
    { source: "test" },
  );
  const demoKey = (await createApiKey(db, { brandId: demo.id, name: "tests" })).key;
  const otherKey = (await createApiKey(db, { brandId: other.id, name: "tests" })).key;
  const call: ApiFixture["call"] = async (method, path, body, options = {}) => {
    const key = options.key === undefined ? demoKey : options.key;
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(body !== undefined && { "Content-Type": "application/json" }),
        ...(key && { Authorization: `Bearer ${key}` }),
        ...options.headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: left as text for the assertion to show
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    database,
    db,
    server,
    demoKey,
    otherKey,
    env,
    call,
    async stop() {
      await server.stop();
      await database.drop();
    },
  };
}
