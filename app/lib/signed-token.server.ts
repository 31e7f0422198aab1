// Signed, expiring tokens for links that grant access without a password (portal links,
// unsubscribe links, magic links). Format: base64url(payload JSON) "." base64url(HMAC-SHA256).
// Every token names its purpose, so a token minted for one use is refused for another.
import crypto from "node:crypto";
import { z } from "zod";

const Payload = z.object({
  /** What the token is for, e.g. "portal". */
  p: z.string(),
  /** Brand id and customer id it is scoped to. */
  b: z.string(),
  c: z.string().optional(),
  /** Expiry, seconds since the epoch. */
  e: z.number().int(),
  /** Random nonce, so two tokens minted in the same second differ. */
  n: z.string(),
  /** Purpose-specific extra data. */
  d: z.record(z.string(), z.unknown()).optional(),
});
export type TokenPayload = z.infer<typeof Payload>;

export type TokenCheck =
  | { ok: true; payload: TokenPayload }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" | "wrong_purpose" };

function sign(secret: string, body: string): string {
  return crypto.createHmac("sha256", secret).update(body).digest("base64url");
}

export function mintToken(
  secret: string,
  input: { purpose: string; brandId: string; customerId?: string; ttlSeconds: number; data?: Record<string, unknown> },
  now: Date = new Date(),
): string {
  const payload: TokenPayload = {
    p: input.purpose,
    b: input.brandId,
    c: input.customerId,
    e: Math.floor(now.getTime() / 1000) + input.ttlSeconds,
    n: crypto.randomBytes(6).toString("base64url"),
    d: input.data,
  };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${sign(secret, body)}`;
}

export function verifyToken(secret: string, token: string, purpose: string, now: Date = new Date()): TokenCheck {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    return { ok: false, reason: "bad_signature" };
  }
  let payload: TokenPayload;
  try {
    payload = Payload.parse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (payload.p !== purpose) return { ok: false, reason: "wrong_purpose" };
  if (payload.e * 1000 <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, payload };
}
