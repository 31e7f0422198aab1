// Console sessions: the cookie carries 32 random bytes, the database their SHA-256, so a copy of
// the table opens nothing. Shorter than a customer's (a console can change everything), revocable,
// and gone with the member.
import crypto from "node:crypto";
import type { Db, Tx } from "~/db/client.server";
import { Role } from "~/console/roles";

export const CONSOLE_COOKIE = "mesure_console";
export const CONSOLE_SESSION_TTL_MS = 12 * 3600_000;

function hash(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export async function createConsoleSession(
  db: Db,
  input: { brandId: string; memberId: string },
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = crypto.randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + CONSOLE_SESSION_TTL_MS);
  await db.$transaction([
    db.consoleSession.create({
      data: { ...input, tokenHash: hash(token), createdAt: now, expiresAt },
      select: { id: true },
    }),
    db.brandMember.updateMany({ where: { id: input.memberId, brandId: input.brandId }, data: { lastSignInAt: now } }),
  ]);
  return { token, expiresAt };
}

/** The member and brand behind a session cookie, or null if unknown, expired, revoked or removed. */
export async function findConsoleSession(db: Tx | Db, token: string, now = new Date()) {
  const session = await db.consoleSession.findUnique({
    where: { tokenHash: hash(token) },
    select: {
      id: true,
      brandId: true,
      expiresAt: true,
      revokedAt: true,
      member: {
        select: {
          id: true,
          brandId: true,
          email: true,
          name: true,
          role: true,
          brand: { select: { id: true, slug: true, name: true } },
        },
      },
    },
  });
  if (!session || session.revokedAt || session.expiresAt <= now) return null;
  // A session belongs to one membership of one brand; a mismatch would be a bug, never a pass.
  if (session.member.brandId !== session.brandId) return null;
  const { brand, ...member } = session.member;
  return {
    sessionId: session.id,
    member: { id: member.id, email: member.email, name: member.name, role: Role.catch("viewer").parse(member.role) },
    brand,
  };
}

export async function revokeConsoleSession(db: Db, token: string, now = new Date()): Promise<void> {
  await db.consoleSession.updateMany({ where: { tokenHash: hash(token), revokedAt: null }, data: { revokedAt: now } });
}
