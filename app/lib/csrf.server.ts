// Cross-site request forgery protection for every form: the double-submit pattern, signed.
// Each browser gets a random id in an http-only cookie (set by the HTTP layer on its first
// page); each form carries HMAC(secret, id). A forged form on another site can neither read
// the cookie nor compute the field. Forms posted from another origin are refused earlier still
// (server.server.ts).
import crypto from "node:crypto";
import { readCookie } from "./i18n";

export const CSRF_COOKIE = "mesure_csrf";
export const CSRF_FIELD = "csrf";

/** This request's browser id and the token its forms carry; a new id when it has none. */
export function csrfFor(
  cookieHeader: string | null | undefined,
  secret: string,
): { token: string; newCookieValue: string | null } {
  const existing = readCookie(cookieHeader ?? null, CSRF_COOKIE);
  const id = existing && /^[A-Za-z0-9_-]{22,64}$/.test(existing) ? existing : null;
  const browserId = id ?? crypto.randomBytes(18).toString("base64url");
  return { token: sign(secret, browserId), newCookieValue: id ? null : browserId };
}

export function csrfCookie(value: string, secure: boolean): string {
  return `${CSRF_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

function sign(secret: string, browserId: string): string {
  return crypto.createHmac("sha256", secret).update(`csrf:${browserId}`).digest("base64url");
}

/** Whether a posted form carries this browser's token. */
export function csrfMatches(expected: string, form: FormData): boolean {
  const given = form.get(CSRF_FIELD);
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
