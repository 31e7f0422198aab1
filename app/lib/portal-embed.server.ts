// One-time links that open a customer's portal inside the brand's own site: the brand's backend
// mints one for its signed-in customer (POST /api/v1/portal-sessions), the page frames it, and
// /portal/embed turns it into a session. Scoped to one brand and one customer, short-lived,
// and pinned to the framing origin when the brand names one.
import { z } from "zod";
import { mintToken, verifyToken, type TokenCheck } from "./signed-token.server";

export const EMBED_PURPOSE = "embed";
export const EMBED_ENTRY_PATH = "/portal/embed";
export const EMBED_TTL_DEFAULT_SECONDS = 300;
export const EMBED_TTL_MAX_SECONDS = 900;

/** A page of the portal, e.g. /portal or /portal/alerts (the same rule as /portal/enter's next). */
export const PORTAL_PAGE = /^\/portal(\/[A-Za-z0-9_-]+)*$/;

const EmbedData = z.object({ origin: z.string().optional(), page: z.string().regex(PORTAL_PAGE).optional() });
export type EmbedGrant = { brandId: string; customerId: string; origin: string | null; page: string; expiresAt: Date };

export function embedLink(
  input: {
    secret: string;
    publicUrl: string;
    brandId: string;
    customerId: string;
    ttlSeconds: number;
    origin?: string;
    page?: string;
  },
  now = new Date(),
): { url: string; expiresAt: Date } {
  const data: z.infer<typeof EmbedData> = {};
  if (input.origin) data.origin = input.origin;
  if (input.page) data.page = input.page;
  const token = mintToken(
    input.secret,
    {
      purpose: EMBED_PURPOSE,
      brandId: input.brandId,
      customerId: input.customerId,
      ttlSeconds: input.ttlSeconds,
      data,
    },
    now,
  );
  const expiresAt = new Date((Math.floor(now.getTime() / 1000) + input.ttlSeconds) * 1000);
  return { url: `${input.publicUrl}${EMBED_ENTRY_PATH}?token=${encodeURIComponent(token)}`, expiresAt };
}

/** The grant a link carries, or why it is refused; an expired one still names its brand. */
export function readEmbedToken(
  secret: string,
  token: string,
  now = new Date(),
):
  | { ok: true; grant: EmbedGrant }
  | { ok: false; reason: Extract<TokenCheck, { ok: false }>["reason"]; brandId: string | null } {
  const checked = verifyToken(secret, token, EMBED_PURPOSE, now);
  if (!checked.ok) {
    // Signed by us but expired: its brand can be trusted, to let the refusal show in its frame.
    const stale = checked.reason === "expired" ? verifyToken(secret, token, EMBED_PURPOSE, new Date(0)) : null;
    return { ok: false, reason: checked.reason, brandId: stale?.ok ? stale.payload.b : null };
  }
  const { payload } = checked;
  const data = EmbedData.safeParse(payload.d ?? {});
  if (!payload.c || !data.success) return { ok: false, reason: "malformed", brandId: payload.b };
  return {
    ok: true,
    grant: {
      brandId: payload.b,
      customerId: payload.c,
      origin: data.data.origin ?? null,
      page: data.data.page ?? "/portal",
      expiresAt: new Date(payload.e * 1000),
    },
  };
}
