// Who is visiting the portal: the session cookie, checked on every portal request. No valid
// session sends the visitor to the sign-in page of the brand they last visited.
import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
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

export function sessionCookies(
  input: { token: string; expiresAt: Date; brandSlug: string },
  secure: boolean,
): string[] {
  const flags = `Path=/; SameSite=Lax${secure ? "; Secure" : ""}`;
  return [
    `${PORTAL_COOKIE}=${input.token}; HttpOnly; Expires=${input.expiresAt.toUTCString()}; ${flags}`,
    `${PORTAL_BRAND_COOKIE}=${encodeURIComponent(input.brandSlug)}; Max-Age=31536000; ${flags}`,
  ];
}

export function clearSessionCookie(secure: boolean): string {
  return `${PORTAL_COOKIE}=; HttpOnly; Max-Age=0; Path=/; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** Whether cookies must be Secure: Mesure is reached over https. */
export function isSecure(context: AppLoadContext): boolean {
  return context.services.publicUrl.startsWith("https:");
}
