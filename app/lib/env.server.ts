// The process's configuration: every environment variable Mesure reads, parsed once by zod.
// A bad value stops start-up with one line naming the variable, never a stack trace later.
import { z } from "zod";

const booleanText = z
  .enum(["true", "false", "1", "0", "yes", "no"], {
    error: "must be true or false",
  })
  .transform((value) => value === "true" || value === "1" || value === "yes");

const databaseUrl = z
  .string()
  .trim()
  .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
    message: 'must start with "file:" (SQLite) or "postgresql://" (PostgreSQL)',
  })
  .refine((url) => !/^postgres/.test(url) || URL.canParse(url), {
    message: "is not a valid PostgreSQL connection URL",
  });

export const envSchema = z
  .object({
    // `npm start` is a production run; `npm run dev` (remix dev) sets development.
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    PORT: z.coerce
      .number({ error: "must be a port number" })
      .int("must be a whole number")
      .min(0, "must be between 0 and 65535")
      .max(65535, "must be between 0 and 65535")
      .default(3000),
    HOST: z.string().trim().min(1, "must not be empty").optional(),
    DATABASE_URL: databaseUrl.default("file:./data/mesure.db"),
    PUBLIC_URL: z
      .url({ error: "must be an absolute http(s) URL, e.g. https://prefs.example.com" })
      .refine((url) => /^https?:/.test(url), { message: "must be an http or https URL" })
      .optional(),
    MESURE_SECRET: z
      .string()
      .min(32, "must be at least 32 characters (e.g. the output of `openssl rand -hex 32`)")
      .optional(),
    DATA_DIR: z.string().trim().min(1, "must not be empty").default("./data"),
    SEED_DEMO: booleanText.optional(),
    LOG_LEVEL: z.enum(["silent", "error", "info", "debug"]).default("info"),
    API_RATE_LIMIT: z.coerce
      .number({ error: "must be a number of requests per second" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .default(100_000),
    EMBED_RATE_LIMIT: z.coerce
      .number({ error: "must be a number of requests per second" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .default(20),
    AUTH_FAILURES_PER_MINUTE: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .default(30),
    SMTP_URL: z
      .url({ error: "must be an SMTP URL, e.g. smtp://user:pass@mail.example.com:587" })
      .refine((url) => /^smtps?:\/\//.test(url), { message: 'must start with "smtp://" or "smtps://"' })
      .optional(),
    MAIL_FROM: z
      .string()
      .trim()
      .regex(/^(.+<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, 'must be an address, e.g. "Mesure <prefs@example.com>"')
      .default("Mesure <no-reply@mesure.localhost>"),
    WORKER: booleanText.default(true),
    WORKER_CONCURRENCY: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(256, "must be at most 256")
      .default(16),
    LEASE_SECONDS: z.coerce
      .number({ error: "must be a number of seconds" })
      .int("must be a whole number")
      .min(5, "must be at least 5")
      .max(3600, "must be at most 3600")
      .default(60),
    TWILIO_ACCOUNT_SID: z
      .string()
      .trim()
      .regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio Account SID (AC followed by 32 hex digits)")
      .optional(),
    TWILIO_AUTH_TOKEN: z.string().trim().min(16, "must be the account's auth token").optional(),
    TWILIO_FROM: z
      .string()
      .trim()
      .regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, "must be an E.164 number or a Messaging Service SID (MG…)")
      .optional(),
    TWILIO_API_URL: z
      .url({ error: "must be an absolute URL" })
      .default("https://api.twilio.com")
      .transform((url) => url.replace(/\/$/, "")),
    VAPID_PUBLIC_KEY: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{86,88}$/, "must be the base64url P-256 public key (87 characters)")
      .optional(),
    VAPID_PRIVATE_KEY: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{42,44}$/, "must be the base64url P-256 private key (43 characters)")
      .optional(),
    VAPID_SUBJECT: z
      .string()
      .trim()
      .regex(/^(mailto:|https:\/\/)/, 'must be a "mailto:" or "https://" contact for push services')
      .optional(),
    OUTBOUND_PRIVATE_ADDRESSES: z.enum(["allow", "refuse"], { error: 'must be "allow" or "refuse"' }).optional(),
    TRUSTED_PROXIES: z.coerce
      .number({ error: "must be a number of proxies" })
      .int("must be a whole number")
      .min(0, "must be at least 0")
      .max(10, "must be at most 10")
      .default(0),
    DECISION_STATS_FLUSH_MS: z.coerce
      .number({ error: "must be a number of milliseconds" })
      .int("must be a whole number")
      .min(10, "must be at least 10")
      .max(600_000, "must be at most 600000")
      .default(5_000),
    SNAPSHOT_MAX_CUSTOMERS: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(100, "must be at least 100")
      .default(250_000),
  })
  .superRefine((env, ctx) => {
    // SMS needs the three together; one or two alone is a half-done configuration.
    const twilio = [env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, env.TWILIO_FROM];
    if (twilio.some(Boolean) && !twilio.every(Boolean)) {
      const missing = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"].find((_, i) => !twilio[i])!;
      ctx.addIssue({ code: "custom", path: [missing], message: "is required with the other TWILIO_ variables" });
    }
    if (Boolean(env.VAPID_PUBLIC_KEY) !== Boolean(env.VAPID_PRIVATE_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: [env.VAPID_PUBLIC_KEY ? "VAPID_PRIVATE_KEY" : "VAPID_PUBLIC_KEY"],
        message: "is required with the other VAPID_ key (generate a pair with `npm run -s mesure -- vapid-keys`)",
      });
    }
    // On SQLite every process shares one machine, so the generated key file in DATA_DIR serves
    // them all; PostgreSQL means several hosts, which must sign links with the same key.
    if (env.NODE_ENV === "production" && env.DATABASE_URL.startsWith("postgres") && !env.MESURE_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["MESURE_SECRET"],
        message: "is required in production on PostgreSQL (every process must sign links with the same key)",
      });
    }
  });

export type Env = z.infer<typeof envSchema> & {
  PUBLIC_URL: string;
  SEED_DEMO: boolean;
  OUTBOUND_PRIVATE_ADDRESSES: "allow" | "refuse";
};

/** Parses the environment, or returns the one line that says what is wrong with it. */
export function parseEnv(
  source: Record<string, string | undefined>,
): { ok: true; env: Env } | { ok: false; error: string } {
  // An empty variable is treated as unset, as shells and .env files often leave them.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    const raw = source[name];
    const got = raw === undefined ? "" : ` (got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)})`;
    const message = issue.code === "invalid_type" && raw === undefined ? "is required" : issue.message;
    return { ok: false, error: `mesure: invalid configuration: ${name} ${message}${got}` };
  }
  const env = result.data;
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
  return {
    ok: true,
    env: {
      ...env,
      PUBLIC_URL: publicUrl,
      // Webhooks, connectors and push services on a private network: refused when Mesure is
      // served over https (a real deployment), allowed for a local run over plain http.
      OUTBOUND_PRIVATE_ADDRESSES:
        env.OUTBOUND_PRIVATE_ADDRESSES ?? (publicUrl.startsWith("https:") ? "refuse" : "allow"),
      // The demo brand is seeded on the embedded default database unless told otherwise;
      // a production database pointed at by DATABASE_URL gets it only when asked.
      SEED_DEMO: env.SEED_DEMO ?? source.DATABASE_URL === undefined,
    },
  };
}

let cached: Env | undefined;

/** The validated configuration; exits the process with one clear line if it is invalid. */
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = parseEnv(process.env);
  if (!parsed.ok) {
    console.error(parsed.error);
    process.exit(1);
  }
  cached = parsed.env;
  return cached;
}
