// The banner's cookie helpers: its own `mesure_consent` cookie read back exactly as written (and
// anything else refused), and deletions aimed at every domain level and path a refused
// category's cookie may live at.
import { describe, expect, it } from "vitest";
import {
  consentCookie,
  cookieDeletions,
  cookieNames,
  domainsToTry,
  matchesCookiePattern,
  newVisitorId,
  parseStoredChoice,
  pathsToTry,
  readCookie,
} from "~/embed/cookies";
import type { StoredChoice } from "~/embed/types";

const choice: StoredChoice = {
  v: "AbCdEfGhIjKlMnOpQrStUv",
  p: "2025-01",
  c: { necessary: 1, analytics: 0, advertising: 1 },
  t: 1_750_000_000_000,
  m: "custom",
};

describe("the mesure_consent cookie", () => {
  it("is written URL-encoded, first-party, for 13 months, and read back", () => {
    const written = consentCookie(choice, false);
    expect(written).toMatch(/^mesure_consent=%7B.*; Path=\/; Max-Age=34214400; SameSite=Lax$/);
    expect(consentCookie(choice, true)).toMatch(/; Secure$/);
    const value = written.slice("mesure_consent=".length, written.indexOf(";"));
    expect(JSON.parse(decodeURIComponent(value))).toEqual(choice);
    const jar = `_ga=GA1.1.2; mesure_consent=${value}; other=x=y`;
    expect(parseStoredChoice(readCookie(jar, "mesure_consent"))).toEqual(choice);
    expect(readCookie(jar, "other")).toBe("x=y");
    expect(cookieNames(jar)).toEqual(["_ga", "mesure_consent", "other"]);
  });

  it.each([
    ["absent", null],
    ["not JSON", "%7Bnope"],
    ["bad visitor id", encodeURIComponent(JSON.stringify({ ...choice, v: "short" }))],
    ["unknown method", encodeURIComponent(JSON.stringify({ ...choice, m: "maybe" }))],
    ["category not 0 or 1", encodeURIComponent(JSON.stringify({ ...choice, c: { analytics: true } }))],
    ["no time", encodeURIComponent(JSON.stringify({ ...choice, t: "yesterday" }))],
    ["null", "null"],
  ])("counts as no choice when %s", (_, raw) => {
    expect(parseStoredChoice(raw)).toBeNull();
  });

  it("makes 22-character base64url visitor ids, different each time", () => {
    const ids = new Set(Array.from({ length: 50 }, newVisitorId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe("deleting a refused category's cookies", () => {
  it("tries host-only and every parent domain with two labels or more", () => {
    expect(domainsToTry("www.shop.test")).toEqual([null, "www.shop.test", "shop.test"]);
    expect(domainsToTry("a.b.shop.co.uk")).toEqual([null, "a.b.shop.co.uk", "b.shop.co.uk", "shop.co.uk", "co.uk"]);
    expect(domainsToTry("shop.test.")).toEqual([null, "shop.test"]);
  });

  it.each(["localhost", "127.0.0.1", "[::1]"])("tries host-only alone on %s", (host) => {
    expect(domainsToTry(host)).toEqual([null]);
  });

  it("tries every path prefix, with and without its slash", () => {
    expect(pathsToTry("/")).toEqual(["/"]);
    expect(pathsToTry("/shop/cart/")).toEqual(["/", "/shop", "/shop/", "/shop/cart", "/shop/cart/"]);
    expect(pathsToTry("/a/b/c")).toEqual(["/", "/a", "/a/", "/a/b", "/a/b/", "/a/b/c", "/a/b/c/"]);
  });

  it("matches names exactly or by a trailing-* prefix", () => {
    expect(matchesCookiePattern("_ga", "_ga")).toBe(true);
    expect(matchesCookiePattern("_gat", "_ga")).toBe(false);
    expect(matchesCookiePattern("_ga_XYZ123", "_ga_*")).toBe(true);
    expect(matchesCookiePattern("_ga", "_ga_*")).toBe(false);
  });

  it("deletes each present cookie a pattern names, at every domain and path, never its own", () => {
    const deletions = cookieDeletions(["_ga", "_ga_ABC", "session", "mesure_consent"], ["_ga", "_ga_*", "mesure_*"], {
      hostname: "www.shop.test",
      pathname: "/a/b",
      secure: true,
    });
    // 2 cookies × 3 domains × 5 paths.
    expect(deletions).toHaveLength(30);
    expect(deletions).toContain("_ga=; Max-Age=0; Path=/; Secure");
    expect(deletions).toContain("_ga=; Max-Age=0; Path=/a/b; Domain=shop.test; Secure");
    expect(deletions).toContain("_ga_ABC=; Max-Age=0; Path=/a/; Domain=www.shop.test; Secure");
    expect(deletions.some((line) => line.startsWith("session=") || line.startsWith("mesure_consent="))).toBe(false);
  });
});
