// Portal sessions: who is signed in to a brand's portal. The cookie carries 32 random bytes;
// the database keeps their SHA-256 only, so reading the table opens no session. Sessions
// expire, can be revoked (sign-out), and die with the customer. A session opened inside a
// brand's site (embed) remembers the origin that frames it.
import crypto from "node:crypto";
import { z } from "zod";
import type { Db, Tx } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { fromJson } from "~/lib/json-column";
import { Theme } from "~/lib/vocabulary";

export const PORTAL_COOKIE = "mesure_portal";
export const SESSION_TTL_MS = 7 * 24 * 3600_000;
// A session inside a brand's site lasts about as long as a visit there: the brand mints a
// fresh one whenever its signed-in customer opens the portal, and the browser may be shared.
export const EMBED_SESSION_TTL_MS = 2 * 3600_000;

export type PortalVia = "link" | "magic_link" | "embed";

function hash(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export async function createPortalSession(
  db: Db,
  input: { brandId: string; customerId: string; via: PortalVia; embedOrigin?: string },
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = crypto.randomBytes(32).toString("base64url");
  const ttl = input.via === "embed" ? EMBED_SESSION_TTL_MS : SESSION_TTL_MS;
  const expiresAt = new Date(now.getTime() + ttl);
  await db.portalSession.create({
    data: {
      brandId: input.brandId,
      customerId: input.customerId,
      via: input.via,
      embedOrigin: input.embedOrigin ?? null,
      tokenHash: hash(token),
      expiresAt,
      createdAt: now,
    },
    select: { id: true },
  });
  return { token, expiresAt };
}

/** The brand's customer (not erased) a session may open for, by the brand's own id; null if none. */
export async function findSessionCustomer(db: Tx, input: { brandId: string; externalId: string }) {
  return db.customer.findFirst({
    where: { brandId: input.brandId, externalId: input.externalId, erasedAt: null },
    select: { id: true },
  });
}

/** What opening a session inside a brand's site needs: the brand's declared sites and the
 * customer (not erased) the link was minted for. Null parts when they are gone. */
export async function findEmbedTarget(db: Tx, input: { brandId: string; customerId?: string }) {
  const [brand, customer] = await Promise.all([
    db.brand.findUnique({ where: { id: input.brandId }, select: { slug: true, embedOrigins: true } }),
    input.customerId
      ? db.customer.findFirst({
          where: { id: input.customerId, brandId: input.brandId, erasedAt: null },
          select: { id: true, locale: true },
        })
      : null,
  ]);
  return {
    brand: brand && {
      slug: brand.slug,
      embedOrigins: fromJson(z.array(z.string()), brand.embedOrigins, "Brand.embedOrigins"),
    },
    customer,
  };
}

/** The customer and brand behind a session cookie, or null if it is unknown, expired or revoked. */
export async function findPortalSession(db: Tx, token: string, now = new Date()) {
  const session = await db.portalSession.findUnique({
    where: { tokenHash: hash(token) },
    select: {
      id: true,
      expiresAt: true,
      revokedAt: true,
      embedOrigin: true,
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
          brand: { select: { id: true, slug: true, name: true, theme: true, locales: true, embedOrigins: true } },
        },
      },
    },
  });
  if (!session || session.revokedAt || session.expiresAt <= now || session.customer.erasedAt) return null;
  const { brand, ...customer } = session.customer;
  const embedOrigins = fromJson(z.array(z.string()), brand.embedOrigins, "Brand.embedOrigins");
  return {
    sessionId: session.id,
    customer,
    brand: { ...brand, theme: fromJson(Theme, brand.theme, "Brand.theme"), embedOrigins },
    // Framed only while the brand still declares that origin: removing a site from the list
    // takes the portal out of it at once, sessions opened there included.
    embedOrigin: session.embedOrigin && embedOrigins.includes(session.embedOrigin) ? session.embedOrigin : null,
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
