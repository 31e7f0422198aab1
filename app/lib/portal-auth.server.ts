// Who is visiting the portal: the session cookie, checked on every portal request. No valid
// session sends the visitor to the sign-in page of the brand they last visited.
import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { crossSiteCookie } from "~/http/security-headers.server";
import { findPortalSession, PORTAL_COOKIE, type PortalVisit } from "~/models/portal-session.server";
import { readCookie } from "./i18n";

/** The slug of the brand whose portal this browser last opened: not a secret, a signpost. */
export const PORTAL_BRAND_COOKIE = "mesure_portal_brand";

// The frame's loader and the page's both need the visit: one session read per HTTP request.
// Remix hands each loader its own copy of the Request, but the same load context.
const visits = new WeakMap<AppLoadContext, Promise<PortalVisit | null>>();

export async function requireVisit(request: Request, context: AppLoadContext): Promise<PortalVisit> {
  let pending = visits.get(context);
  if (!pending) {
    const token = readCookie(request.headers.get("Cookie"), PORTAL_COOKIE);
    pending = token ? findPortalSession(context.services.db, token) : Promise.resolve(null);
    visits.set(context, pending);
  }
  const visit = await pending;
  if (!visit) {
    const brand = readCookie(request.headers.get("Cookie"), PORTAL_BRAND_COOKIE);
    throw redirect(`/portal/sign-in${brand ? `?brand=${encodeURIComponent(brand)}&expired=1` : ""}`);
  }
  return visit;
}

/** The session's cookies; `framed` for a session opened inside a brand's site (embed). */
export function sessionCookies(
  input: { token: string; expiresAt: Date; brandSlug: string },
  secure: boolean,
  framed = false,
): string[] {
  const flags = `Path=/; SameSite=Lax${secure ? "; Secure" : ""}`;
  const cookies = [
    `${PORTAL_COOKIE}=${input.token}; HttpOnly; Expires=${input.expiresAt.toUTCString()}; ${flags}`,
    `${PORTAL_BRAND_COOKIE}=${encodeURIComponent(input.brandSlug)}; Max-Age=31536000; ${flags}`,
  ];
  return framed ? cookies.map(crossSiteCookie) : cookies;
}

/**
 * Lets the brand's site that opened this session frame the page (and only that one); a
 * session opened elsewhere, or from a site the brand no longer declares, stays unframeable.
 * The origin the page may talk to (postMessage), or null.
 */
export function allowEmbedding(visit: PortalVisit, context: AppLoadContext): string | null {
  if (visit.embedOrigin) context.allowFraming([visit.embedOrigin]);
  return visit.embedOrigin;
}

export function clearSessionCookie(secure: boolean): string {
  return `${PORTAL_COOKIE}=; HttpOnly; Max-Age=0; Path=/; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** Whether cookies must be Secure: Mesure is reached over https. */
export function isSecure(context: AppLoadContext): boolean {
  return context.services.publicUrl.startsWith("https:");
}
