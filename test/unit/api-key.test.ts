import { describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey, looksLikeApiKey } from "~/models/api-key.server";

describe("API keys", () => {
  it("are 256-bit random with a recognisable prefix", () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key).toMatch(/^msr_[A-Za-z0-9_-]{43}$/);
      expect(looksLikeApiKey(key)).toBe(true);
    }
  });

  it("are stored as a SHA-256 that does not contain the key", () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(key)).not.toContain(key.slice(4, 20));
  });

  it.each(["", "msr_", "Bearer msr_x", `msr_${"a".repeat(42)}`, `sk_${"a".repeat(44)}`])(
    "rejects %j without a database read",
    (value) => {
      expect(looksLikeApiKey(value)).toBe(false);
    },
  );
});
