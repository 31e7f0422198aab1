// Sealing secrets under the server secret: round trip, and every way a sealed value must not open.
import { describe, expect, it } from "vitest";
import { open, seal, SealError } from "~/lib/encryption.server";

const secret = "s".repeat(64);

describe("seal and open", () => {
  it("round-trips, with a fresh IV each time, in the versioned format", () => {
    const text = "whsec_abc — é ✓";
    const sealed = seal(secret, "connector-secret", text);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("whsec");
    expect(open(secret, "connector-secret", sealed)).toBe(text);
    expect(seal(secret, "connector-secret", text)).not.toBe(sealed);
    expect(open(secret, "x", seal(secret, "x", ""))).toBe("");
  });

  it("refuses a value altered anywhere", () => {
    const sealed = seal(secret, "p", "hello");
    const parts = sealed.split(".");
    for (const index of [1, 2, 3]) {
      const bytes = Buffer.from(parts[index]!, "base64url");
      bytes[0]! ^= 1;
      const altered = parts.map((part, i) => (i === index ? bytes.toString("base64url") : part)).join(".");
      expect(() => open(secret, "p", altered)).toThrow(SealError);
    }
    expect(() => open(secret, "p", sealed.replace(/^v1/, "v2"))).toThrow(SealError);
    expect(() => open(secret, "p", "garbage")).toThrow(SealError);
  });

  it("refuses to open for another purpose or under another secret", () => {
    const sealed = seal(secret, "erasure-identifiers", "alice@example.com");
    expect(() => open(secret, "connector-secret", sealed)).toThrow(SealError);
    expect(() => open("t".repeat(64), "erasure-identifiers", sealed)).toThrow(SealError);
  });
});
