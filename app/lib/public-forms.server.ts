// What the public forms that email an address typed into them share (the portal's sign-in, the
// erasure by code): the brand the page's address names, the email step's schema, and the rate
// limits per client and per address.
import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import type { Tx } from "~/db/client.server";
import { fromJson } from "./json-column";
import { Slug, Theme } from "./vocabulary";

/** The brand named by `?brand=<slug>`, with its theme for the emails; null when there is none. */
export async function brandFromQuery(request: Request, db: Tx) {
  const slug = Slug.safeParse(new URL(request.url).searchParams.get("brand"));
  if (!slug.success) return null;
  const brand = await db.brand.findUnique({
    where: { slug: slug.data },
    select: { id: true, slug: true, name: true, theme: true },
  });
  return brand && { ...brand, theme: fromJson(Theme, brand.theme, "Brand.theme") };
}

export const EmailStep = z.object({ email: z.string().trim().toLowerCase().email().max(254) });

/**
 * Takes one email's worth of the client's allowance, then of `key`'s (what the email is for and
 * where it goes, e.g. `email:ann@example.com`). False when either is spent: send nothing.
 */
export function takeEmailAllowance(context: AppLoadContext, key: string): boolean {
  const { limits } = context.services;
  return limits.magicLinkPerIp.take(context.clientIp).ok && limits.magicLinkPerEmail.take(key).ok;
}
