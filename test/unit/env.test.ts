import { describe, expect, it } from "vitest";
import { parseEnv } from "~/lib/env.server";

describe("configuration", () => {
  it("needs nothing for the default run", () => {
    const result = parseEnv({});
    expect(result).toMatchObject({
      ok: true,
      env: {
        PORT: 3000,
        DATABASE_URL: "file:./data/mesure.db",
        PUBLIC_URL: "http://localhost:3000",
        SEED_DEMO: true,
        NODE_ENV: "production",
      },
    });
  });

  it("honours PORT and DATABASE_URL, and does not seed the demo on a database it was pointed at", () => {
    const result = parseEnv({
      PORT: "8080",
      DATABASE_URL: "postgresql://u@db:5432/mesure",
      MESURE_SECRET: "x".repeat(32),
    });
    expect(result).toMatchObject({
      ok: true,
      env: {
        PORT: 8080,
        DATABASE_URL: "postgresql://u@db:5432/mesure",
        PUBLIC_URL: "http://localhost:8080",
        SEED_DEMO: false,
      },
    });
  });

  it.each([
    [{ PORT: "abc" }, /^mesure: invalid configuration: PORT .*\(got "abc"\)$/],
    [{ PORT: "70000" }, /^mesure: invalid configuration: PORT must be between 0 and 65535 \(got "70000"\)$/],
    [{ DATABASE_URL: "mysql://localhost/x" }, /^mesure: invalid configuration: DATABASE_URL must start with "file:"/],
    [{ PUBLIC_URL: "not a url" }, /^mesure: invalid configuration: PUBLIC_URL must be an absolute/],
    [{ MESURE_SECRET: "short" }, /^mesure: invalid configuration: MESURE_SECRET must be at least 32 characters/],
    [{ SEED_DEMO: "maybe" }, /^mesure: invalid configuration: SEED_DEMO must be true or false/],
    [{ TRUSTED_PROXIES: "all" }, /^mesure: invalid configuration: TRUSTED_PROXIES must be a number of proxies/],
    [{ TRUSTED_PROXIES: "-1" }, /^mesure: invalid configuration: TRUSTED_PROXIES must be at least 0/],
    [
      { OUTBOUND_PRIVATE_ADDRESSES: "yes" },
      /^mesure: invalid configuration: OUTBOUND_PRIVATE_ADDRESSES must be "allow" or "refuse"/,
    ],
    [
      { DATABASE_URL: "postgresql://db/mesure" },
      /^mesure: invalid configuration: MESURE_SECRET is required in production on PostgreSQL/,
    ],
  ])("refuses %j with one line naming the variable", (source, message) => {
    const result = parseEnv(source);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatch(message);
      expect(result.error).not.toContain("\n");
    }
  });

  it("refuses calls to private addresses when served over https, allows them for a local run", () => {
    const outbound = (source: Record<string, string>) => {
      const result = parseEnv(source);
      return result.ok ? result.env.OUTBOUND_PRIVATE_ADDRESSES : result.error;
    };
    expect(outbound({ PUBLIC_URL: "https://prefs.example.com" })).toBe("refuse");
    expect(outbound({})).toBe("allow");
    expect(outbound({ PUBLIC_URL: "https://prefs.example.com", OUTBOUND_PRIVATE_ADDRESSES: "allow" })).toBe("allow");
    expect(outbound({ OUTBOUND_PRIVATE_ADDRESSES: "refuse" })).toBe("refuse");
  });

  it("treats empty variables as unset", () => {
    expect(parseEnv({ PORT: "", DATABASE_URL: "" })).toMatchObject({ ok: true, env: { PORT: 3000 } });
  });

  it("does not require a secret outside production", () => {
    expect(parseEnv({ NODE_ENV: "development", DATABASE_URL: "postgresql://db/mesure" }).ok).toBe(true);
  });
});
