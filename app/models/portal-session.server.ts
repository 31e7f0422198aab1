// Portal sessions: who is signed in to a brand's portal. The cookie carries 32 random bytes;
// the database keeps their SHA-256 only, so reading the table opens no session. Sessions
// expire, can be revoked (sign-out), and die with the customer.
import crypto from "node:crypto";
import type { Db, Tx } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { fromJson } from "~/lib/json-column";
import { Theme } from "~/lib/vocabulary";

export const PORTAL_COOKIE = "mesure_portal";
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

export type PortalVia = "link" | "magic_link" | "embed";

function hash(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export async function createPortalSession(
  db: Db,
  input: { brandId: string; customerId: string; via: PortalVia },
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = crypto.randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.portalSession.create({
    data: { ...input, tokenHash: hash(token), expiresAt, createdAt: now },
    select: { id: true },
  });
  return { token, expiresAt };
}

/** The customer and brand behind a session cookie, or null if it is unknown, expired or revoked. */
export async function findPortalSession(db: Tx, token: string, now = new Date()) {
  const session = await db.portalSession.findUnique({
    where: { tokenHash: hash(token) },
    select: {
      id: true,
      expiresAt: true,
      revokedAt: true,
      customer: {
        select: {
          id: true,
          brandId: true,
          externalId: true,
          email: true,
          phone: true,
          locale: true,
          timezone: true,
          erasedAt: true,
          brand: { select: { id: true, slug: true, name: true, theme: true, locales: true } },
        },
      },
    },
  });
  if (!session || session.revokedAt || session.expiresAt <= now || session.customer.erasedAt) return null;
  const { brand, ...customer } = session.customer;
  return {
    sessionId: session.id,
    customer,
    brand: { ...brand, theme: fromJson(Theme, brand.theme, "Brand.theme") },
  };
}
export type PortalVisit = NonNullable<Awaited<ReturnType<typeof findPortalSession>>>;

export async function revokePortalSession(db: Db, token: string, now = new Date()): Promise<void> {
  await db.portalSession.updateMany({ where: { tokenHash: hash(token), revokedAt: null }, data: { revokedAt: now } });
}

/**
 * Marks a one-time token (magic link, confirmation) as used; false if it already was. The row
 * lives until the token would have expired anyway.
 */
export async function spendOneTimeToken(db: Db, token: string, expiresAt: Date): Promise<boolean> {
  try {
    await db.usedToken.create({ data: { id: hash(token), expiresAt }, select: { id: true } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Removes expired sessions and spent tokens (housekeeping). */
export async function pruneExpiredAccess(db: Db, now = new Date()): Promise<void> {
  await db.portalSession.deleteMany({ where: { expiresAt: { lt: now } } });
  await db.usedToken.deleteMany({ where: { expiresAt: { lt: now } } });
}
