// API keys: how a brand's systems authenticate. A key is shown once, at creation; Mesure keeps
// its SHA-256 (keys are 256-bit random, so a slow password hash would add nothing but latency
// on the hot path) and a short visible prefix so people can tell keys apart.
import crypto from "node:crypto";
import { z } from "zod";
import { transact, type Recorder } from "~/db/changes.server";
import type { Db, Tx } from "~/db/client.server";

const KEY_PREFIX = "msr_";
/** How many characters of the key stay visible in listings, prefix included. */
const VISIBLE = 12;
/** lastUsedAt is a hint for humans: write it at most once a minute per key, not per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const ApiKeyName = z.string().trim().min(1, "is required").max(80, "must be at most 80 characters");

export function hashApiKey(key: string): string {
  return crypto.createHash("sha256").update(key).digest("hex");
}

export function generateApiKey(): string {
  return KEY_PREFIX + crypto.randomBytes(32).toString("base64url");
}

/** Whether a string has the shape of a Mesure key (cheap check before any database read). */
export function looksLikeApiKey(value: string): boolean {
  return /^msr_[A-Za-z0-9_-]{43}$/.test(value);
}

export async function createApiKey(db: Tx, input: { brandId: string; name: string }) {
  const key = generateApiKey();
  const record = await db.apiKey.create({
    data: {
      brandId: input.brandId,
      name: ApiKeyName.parse(input.name),
      prefix: key.slice(0, VISIBLE),
      hash: hashApiKey(key),
    },
    select: { id: true, name: true, prefix: true, createdAt: true },
  });
  return { key, record };
}

export async function listApiKeys(db: Tx, brandId: string) {
  return db.apiKey.findMany({
    where: { brandId },
    orderBy: { createdAt: "asc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

/** Revokes a key of this brand named by id or visible prefix; null if the brand has no such key. */
export async function revokeApiKey(db: Db, input: { brandId: string; idOrPrefix: string }, now = new Date()) {
  const key = await db.apiKey.findFirst({
    where: { brandId: input.brandId, OR: [{ id: input.idOrPrefix }, { prefix: input.idOrPrefix }] },
    select: { id: true, prefix: true, revokedAt: true },
  });
  if (!key) return null;
  if (key.revokedAt) return key;
  return transact(db, async (tx, record) => {
    // Processes that cached this key must forget it now.
    await record({ brandId: input.brandId, scope: "api_key", subjectId: key.id });
    return tx.apiKey.update({
      where: { id: key.id },
      data: { revokedAt: now },
      select: { id: true, prefix: true, revokedAt: true },
    });
  });
}

/**
 * Revokes a key of this brand by id inside the caller's transaction (the console records who did
 * it in the same one), telling every process's snapshot to forget it. Null if the brand has no
 * such key; `already` when it was revoked before (nothing changes then).
 */
export async function revokeApiKeyIn(
  tx: Tx,
  record: Recorder,
  input: { brandId: string; id: string },
  now = new Date(),
): Promise<{ id: string; name: string; prefix: string; already: boolean } | null> {
  const key = await tx.apiKey.findFirst({
    where: { id: input.id, brandId: input.brandId },
    select: { id: true, name: true, prefix: true, revokedAt: true },
  });
  if (!key) return null;
  const { revokedAt, ...shown } = key;
  if (revokedAt) return { ...shown, already: true };
  await record({ brandId: input.brandId, scope: "api_key", subjectId: key.id });
  await tx.apiKey.updateMany({ where: { id: key.id, brandId: input.brandId }, data: { revokedAt: now } });
  return { ...shown, already: false };
}

/** The brand a presented key belongs to, or null for an unknown or revoked key. */
export async function authenticateApiKey(db: Db, presented: string, now = new Date()) {
  if (!looksLikeApiKey(presented)) return null;
  const key = await db.apiKey.findUnique({
    where: { hash: hashApiKey(presented) },
    select: { id: true, brandId: true, revokedAt: true, lastUsedAt: true },
  });
  if (!key || key.revokedAt) return null;
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now }, select: { id: true } });
  }
  return { keyId: key.id, brandId: key.brandId };
}
