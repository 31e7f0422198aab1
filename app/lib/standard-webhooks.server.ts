// Signing outgoing webhooks by the Standard Webhooks scheme (https://www.standardwebhooks.com),
// so a brand's system can check a call came from Mesure with any of the scheme's libraries:
// secret "whsec_<base64 key>", headers webhook-id / webhook-timestamp (unix seconds) /
// webhook-signature "v1,<base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`)>", several
// signatures separated by spaces (during a secret rotation).
import crypto from "node:crypto";

const PREFIX = "whsec_";
/** How far a timestamp may be from the receiver's clock (the scheme's recommendation). */
export const TOLERANCE_SECONDS = 5 * 60;

export type WebhookHeaders = { "webhook-id": string; "webhook-timestamp": string; "webhook-signature": string };

/** A new secret: 32 random bytes (the scheme allows 24 to 64). */
export function generateWebhookSecret(): string {
  return PREFIX + crypto.randomBytes(32).toString("base64");
}

/** The key bytes of a secret, with or without its "whsec_" prefix; throws when it is not 24–64 bytes of base64. */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new Error("a webhook secret is whsec_ followed by base64");
  const key = Buffer.from(encoded, "base64");
  if (key.length < 24 || key.length > 64) throw new Error("a webhook secret holds 24 to 64 bytes");
  return key;
}

/** The bare signature ("v1,…") of `body` sent as message `id` at `timestamp`. */
export function signature(secret: string, id: string, timestamp: Date | number, body: string): string {
  const seconds = Math.floor((timestamp instanceof Date ? timestamp.getTime() : timestamp) / 1000);
  const mac = crypto
    .createHmac("sha256", secretKey(secret))
    .update(`${id}.${seconds}.${body}`, "utf8")
    .digest("base64");
  return `v1,${mac}`;
}

/** The three headers that sign `body` as message `id` at `timestamp`. */
export function sign(secret: string, id: string, timestamp: Date, body: string): WebhookHeaders {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": signature(secret, id, timestamp, body),
  };
}

export type VerifyResult =
  { ok: true } | { ok: false; reason: "missing_headers" | "bad_timestamp" | "too_old" | "too_new" | "bad_signature" };

/**
 * Whether `headers` sign `body` under `secret`, at most five minutes from `now`. Accepts any one
 * matching v1 signature among several; compares in constant time.
 */
export function verify(
  secret: string,
  headers: Record<string, string | string[] | undefined> | Headers,
  body: string,
  now: Date = new Date(),
): VerifyResult {
  const read = (name: string) => {
    const value = headers instanceof Headers ? headers.get(name) : headers[name];
    return Array.isArray(value) ? value[0] : (value ?? undefined);
  };
  const id = read("webhook-id");
  const timestamp = read("webhook-timestamp");
  const signatures = read("webhook-signature");
  if (!id || !timestamp || !signatures) return { ok: false, reason: "missing_headers" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "bad_timestamp" };
  const seconds = Number(timestamp);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (seconds < nowSeconds - TOLERANCE_SECONDS) return { ok: false, reason: "too_old" };
  if (seconds > nowSeconds + TOLERANCE_SECONDS) return { ok: false, reason: "too_new" };
  const expected = Buffer.from(signature(secret, id, seconds * 1000, body).slice(3), "base64");
  const matches = signatures.split(" ").some((candidate) => {
    const [version, mac] = candidate.split(",", 2);
    if (version !== "v1" || !mac) return false;
    const given = Buffer.from(mac, "base64");
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
  return matches ? { ok: true } : { ok: false, reason: "bad_signature" };
}
