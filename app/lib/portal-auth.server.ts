// Who is visiting the portal: the session cookie, checked on every portal request. No valid
// session sends the visitor to the sign-in page of the brand they last visited.
import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { findPortalSession, PORTAL_COOKIE, type PortalVisit } from "~/models/portal-session.server";
import { readCookie } from "./i18n";

/** The slug of the brand whose portal this browser last opened: not a secret, a signpost. */
export const PORTAL_BRAND_COOKIE = "mesure_portal_brand";

export async function requireVisit(request: Request, context: AppLoadContext): Promise<PortalVisit> {
  const token = readCookie(request.headers.get("Cookie"), PORTAL_COOKIE);
  const visit = token ? await findPortalSession(context.services.db, token) : null;
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
