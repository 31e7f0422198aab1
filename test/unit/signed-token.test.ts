import { describe, expect, it } from "vitest";
import { mintToken, verifyToken } from "~/lib/signed-token.server";
import { parseDuration, portalLink, readPortalToken } from "~/lib/portal-link.server";

const secret = "s".repeat(64);
const now = new Date("2026-03-01T10:00:00Z");

describe("signed tokens", () => {
  const token = mintToken(secret, { purpose: "portal", brandId: "b1", customerId: "c1", ttlSeconds: 3600 }, now);

  it("verifies a fresh token and returns its scope", () => {
    const check = verifyToken(secret, token, "portal", now);
    expect(check).toMatchObject({ ok: true, payload: { p: "portal", b: "b1", c: "c1" } });
  });

  it("refuses an expired token", () => {
    expect(verifyToken(secret, token, "portal", new Date(now.getTime() + 3600_000))).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(verifyToken(secret, token, "portal", new Date(now.getTime() + 3599_000)).ok).toBe(true);
  });

  it("refuses a token signed with another secret", () => {
    expect(verifyToken("t".repeat(64), token, "portal", now)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a token whose payload was changed, even by one character", () => {
    const [body, signature] = token.split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString());
    payload.c = "c2";
    const forged = `${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${signature}`;
    expect(verifyToken(secret, forged, "portal", now)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a token minted for another purpose", () => {
    const unsubscribe = mintToken(
      secret,
      { purpose: "unsubscribe", brandId: "b1", customerId: "c1", ttlSeconds: 3600 },
      now,
    );
    expect(verifyToken(secret, unsubscribe, "portal", now)).toEqual({ ok: false, reason: "wrong_purpose" });
  });

  it.each(["", "abc", "a.b.c", "...", "eyJ9.sig"])("refuses the malformed token %j", (bad) => {
    expect(verifyToken(secret, bad, "portal", now).ok).toBe(false);
  });

  it("gives two tokens minted at the same instant different values", () => {
    expect(mintToken(secret, { purpose: "portal", brandId: "b", ttlSeconds: 60 }, now)).not.toBe(
      mintToken(secret, { purpose: "portal", brandId: "b", ttlSeconds: 60 }, now),
    );
  });
});

describe("portal links", () => {
  it("carry a portal token scoped to brand and customer", () => {
    const link = new URL(
      portalLink({ secret, publicUrl: "https://prefs.example", brandId: "b1", customerId: "c1", ttlSeconds: 60 }, now),
    );
    expect(link.origin + link.pathname).toBe("https://prefs.example/portal/enter");
    expect(readPortalToken(secret, link.searchParams.get("token")!, now)).toMatchObject({
      ok: true,
      payload: { b: "b1", c: "c1" },
    });
  });

  it.each([
    ["30m", 1800],
    ["24h", 86400],
    ["7d", 604800],
    ["7 days", null],
    ["-1d", null],
    ["", null],
  ])("reads the duration %j as %j seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });
});
