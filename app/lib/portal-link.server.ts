// Links that open a customer's portal without a password: in message footers, and minted by
// support staff from the CLI. The token is scoped to one brand and one customer and expires.
import { mintToken, verifyToken } from "./signed-token.server";

export const PORTAL_TOKEN_PURPOSE = "portal";
export const PORTAL_ENTRY_PATH = "/portal/enter";

export function portalLink(
  input: { secret: string; publicUrl: string; brandId: string; customerId: string; ttlSeconds: number },
  now = new Date(),
): string {
  const token = mintToken(
    input.secret,
    {
      purpose: PORTAL_TOKEN_PURPOSE,
      brandId: input.brandId,
      customerId: input.customerId,
      ttlSeconds: input.ttlSeconds,
    },
    now,
  );
  return `${input.publicUrl}${PORTAL_ENTRY_PATH}?token=${encodeURIComponent(token)}`;
}

export function readPortalToken(secret: string, token: string, now = new Date()) {
  return verifyToken(secret, token, PORTAL_TOKEN_PURPOSE, now);
}

/** "30m", "24h", "7d" → seconds; null when the text is not such a duration. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,4})([mhd])$/.exec(text.trim());
  if (!match) return null;
  const unit = { m: 60, h: 3_600, d: 86_400 }[match[2] as "m" | "h" | "d"];
  return Number(match[1]) * unit;
}
