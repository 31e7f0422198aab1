// Cookies on the brand's site: the banner's own first-party cookie (`mesure_consent`), and the
// deletion of a refused category's cookies wherever a tag may have put them.
import type { Method, StoredChoice } from "./types";

export const CONSENT_COOKIE = "mesure_consent";
/** 13 months, the longest a consent may be kept (CNIL); re-prompt delays are shorter or equal. */
const CONSENT_COOKIE_SECONDS = 396 * 86_400;
const VISITOR_ID = /^[A-Za-z0-9_-]{16,64}$/;
const METHODS: Method[] = ["accept_all", "reject_all", "custom", "dismiss"];

/** A fresh anonymous visitor id: 16 random bytes, base64url (22 characters). */
export function newVisitorId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode.apply(null, Array.from(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Names of the cookies a `document.cookie` string holds. */
export function cookieNames(cookies: string): string[] {
  return cookies
    .split(";")
    .map((pair) => pair.split("=", 1)[0]!.trim())
    .filter(Boolean);
}

export function readCookie(cookies: string, name: string): string | null {
  for (const pair of cookies.split(";")) {
    const at = pair.indexOf("=");
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return null;
}

/** The `mesure_consent` cookie's value decoded, or null when absent or not ours (a tampered or
 * truncated cookie counts as no choice: the person is simply asked again). */
export function parseStoredChoice(raw: string | null): StoredChoice | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(decodeURIComponent(raw)) as Partial<StoredChoice> | null;
    if (
      !value ||
      typeof value.v !== "string" ||
      !VISITOR_ID.test(value.v) ||
      typeof value.p !== "string" ||
      typeof value.t !== "number" ||
      !isFinite(value.t) ||
      METHODS.indexOf(value.m as Method) < 0 ||
      !value.c ||
      typeof value.c !== "object" ||
      Object.keys(value.c).some((key) => value.c![key] !== 0 && value.c![key] !== 1)
    ) {
      return null;
    }
    return { v: value.v, p: value.p, c: value.c, t: value.t, m: value.m as Method };
  } catch {
    return null;
  }
}

export function consentCookie(choice: StoredChoice, secure: boolean): string {
  return (
    `${CONSENT_COOKIE}=${encodeURIComponent(JSON.stringify(choice))}; Path=/; Max-Age=${CONSENT_COOKIE_SECONDS}; SameSite=Lax` +
    (secure ? "; Secure" : "")
  );
}

export function matchesCookiePattern(name: string, pattern: string): boolean {
  return pattern.slice(-1) === "*" ? name.indexOf(pattern.slice(0, -1)) === 0 : name === pattern;
}

/** Domains a cookie visible on `hostname` may have been set for: host-only (null), then the host
 * and every parent with two labels or more. Parents past the registrable domain (co.uk) are
 * refused by the browser, so trying them costs nothing and spares us a public-suffix list. */
export function domainsToTry(hostname: string): (string | null)[] {
  const domains: (string | null)[] = [null];
  const host = hostname.replace(/\.$/, "");
  // localhost, IPv4 and IPv6 addresses take host-only cookies alone.
  if (host.indexOf(".") < 0 || /^[\d.]+$/.test(host) || host.indexOf(":") >= 0) return domains;
  const labels = host.split(".");
  for (let i = 0; i <= labels.length - 2; i++) domains.push(labels.slice(i).join("."));
  return domains;
}

/** Paths a cookie visible on `pathname` may have been set for: every prefix, with and without
 * its trailing slash (a cookie set from /shop/cart defaults to Path=/shop). */
export function pathsToTry(pathname: string): string[] {
  const paths = ["/"];
  let path = "";
  for (const segment of pathname.split("/")) {
    if (!segment) continue;
    path += "/" + segment;
    paths.push(path, path + "/");
  }
  return paths;
}

/** The `document.cookie` assignments that delete every present cookie matching `patterns`, at
 * every domain level and path it could live at (a cookie is only removed by naming its exact
 * domain and path, which `document.cookie` does not reveal). */
export function cookieDeletions(
  present: string[],
  patterns: string[],
  where: { hostname: string; pathname: string; secure: boolean },
): string[] {
  const deletions: string[] = [];
  for (const name of present) {
    if (name === CONSENT_COOKIE || !patterns.some((pattern) => matchesCookiePattern(name, pattern))) continue;
    for (const domain of domainsToTry(where.hostname)) {
      for (const path of pathsToTry(where.pathname)) {
        deletions.push(
          `${name}=; Max-Age=0; Path=${path}` + (domain ? `; Domain=${domain}` : "") + (where.secure ? "; Secure" : ""),
        );
      }
    }
  }
  return deletions;
}
