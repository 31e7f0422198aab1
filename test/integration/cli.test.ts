// The operator's command line, run as a real process against a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { readPortalToken } from "~/lib/portal-link.server";
import { resolveSecret } from "~/lib/secret.server";
import { hashApiKey } from "~/models/api-key.server";
import { createTestDatabase, testProvider, type TestDatabase } from "../support/database";
import { runCli } from "../support/processes";

let database: TestDatabase;
let db: Db;
const cli = (...args: string[]) =>
  runCli(args, {
    DATABASE_URL: database.url,
    DATA_DIR: database.dir,
    NODE_ENV: "development",
    PUBLIC_URL: "https://prefs.example",
  });

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.open().db;
});
afterAll(() => database.drop());

describe(`the operator CLI (${testProvider})`, () => {
  it("creates a brand, and refuses a duplicate or a bad slug with exit status 2", async () => {
    const created = await cli(
      "brand",
      "create",
      "--slug",
      "maison",
      "--name",
      "Maison",
      "--timezone",
      "America/New_York",
    );
    expect(created).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created brand maison \(Maison\)/) });
    expect(await db.brand.findUnique({ where: { slug: "maison" }, select: { defaultTimezone: true } })).toEqual({
      defaultTimezone: "America/New_York",
    });

    const duplicate = await cli("brand", "create", "--slug", "maison", "--name", "Again");
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('A brand with slug "maison" already exists');

    const bad = await cli("brand", "create", "--slug", "Not OK", "--name", "x");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^mesure: --slug may use only a-z/);
    const missing = await cli("brand", "create", "--name", "x");
    expect(missing.stderr).toMatch(/^mesure: --slug is required/);
    const zone = await cli("brand", "create", "--slug", "zone", "--name", "Z", "--timezone", "Mars/Base");
    expect(zone.stderr).toMatch(/^mesure: --timezone must be an IANA time zone/);
    expect(await db.brand.count()).toBe(1);
  });

  it("creates topics, naming the option at fault when one is wrong", async () => {
    const ok = await cli(
      "topic",
      "create",
      "--brand",
      "maison",
      "--key",
      "drops",
      "--name-fr",
      "Baisses",
      "--name-en",
      "Drops",
      "--kind",
      "alert",
      "--channels",
      "email,push",
      "--filter-fields",
      '[{"key":"size","type":"set","labelFr":"Taille","labelEn":"Size","options":["S","M"]}]',
    );
    expect(ok).toMatchObject({ code: 0, stdout: "created topic drops (alert, email, push) for maison\n" });
    const badKind = await cli(
      "topic",
      "create",
      "--brand",
      "maison",
      "--key",
      "xx",
      "--name-fr",
      "X",
      "--name-en",
      "X",
      "--kind",
      "spam",
      "--channels",
      "email",
    );
    expect(badKind.stderr).toMatch(/^mesure: --kind must be one of transactional, marketing, alert/);
    const badJson = await cli(
      "topic",
      "create",
      "--brand",
      "maison",
      "--key",
      "xx",
      "--name-fr",
      "X",
      "--name-en",
      "X",
      "--kind",
      "alert",
      "--channels",
      "email",
      "--filter-fields",
      "{oops",
    );
    expect(badJson.stderr).toMatch(/^mesure: --filter-fields must be JSON/);
    const noBrand = await cli("topic", "list", "--brand", "nobody");
    expect(noBrand).toMatchObject({ code: 2, stderr: expect.stringContaining('no brand with slug "nobody"') });
    const listed = await cli("topic", "list", "--brand", "maison");
    expect(listed.stdout).toBe("drops\talert\temail,push\tinstant\tDrops\n");
  });

  it("prints a new API key alone on standard output and stores only its hash; revokes it", async () => {
    const created = await cli("api-key", "create", "--brand", "maison", "--name", "shop backend");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^msr_[A-Za-z0-9_-]{43}\n$/);
    const key = created.stdout.trim();
    expect(created.stderr).toContain("shown once");
    const stored = await db.apiKey.findMany({ select: { hash: true, prefix: true, name: true } });
    expect(stored).toEqual([{ hash: hashApiKey(key), prefix: key.slice(0, 12), name: "shop backend" }]);

    const listed = await cli("api-key", "list", "--brand", "maison");
    expect(listed.stdout).toContain(`${key.slice(0, 12)}…`);
    expect(listed.stdout).not.toContain(key);

    expect((await cli("api-key", "revoke", "--brand", "maison", "--key", "msr_nothere")).code).toBe(2);
    const revoked = await cli("api-key", "revoke", "--brand", "maison", "--key", `${key.slice(0, 12)}…`);
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringContaining("revoked API key") });
    expect((await db.apiKey.findFirstOrThrow({ select: { revokedAt: true } })).revokedAt).not.toBeNull();
  });

  it("prints a signed portal link scoped to the brand and the customer", async () => {
    expect((await cli("seed", "demo")).stderr).toContain('created the demo brand "demo"');
    const link = await cli("portal-link", "--brand", "demo", "--customer", "cust-camille", "--ttl", "2h");
    expect(link.code).toBe(0);
    const url = new URL(link.stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe("https://prefs.example/portal/enter");
    const check = readPortalToken(resolveSecret(undefined, database.dir), url.searchParams.get("token")!);
    const brand = await db.brand.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } });
    const customer = await db.customer.findFirstOrThrow({
      where: { brandId: brand.id, externalId: "cust-camille" },
      select: { id: true },
    });
    expect(check).toMatchObject({ ok: true, payload: { b: brand.id, c: customer.id } });
    if (check.ok) expect(check.payload.e * 1000 - Date.now()).toBeLessThanOrEqual(2 * 3600_000);

    expect((await cli("portal-link", "--brand", "demo", "--customer", "nobody")).stderr).toContain(
      'no customer with external id "nobody"',
    );
    expect(
      (await cli("portal-link", "--brand", "demo", "--customer", "cust-camille", "--ttl", "90d")).stderr,
    ).toContain("--ttl must be a duration");
    // A customer of one brand cannot be reached through another brand.
    expect((await cli("portal-link", "--brand", "maison", "--customer", "cust-camille")).code).toBe(2);
  });

  it("explains how to use it when called wrongly", async () => {
    expect(await cli()).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("usage: npm run -s mesure -- <command>"),
    });
    expect(await cli("frobnicate")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "frobnicate"'),
    });
    expect(await cli("brand", "create", "--slug", "a1", "--name", "A", "--colour", "red")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("Unknown option '--colour'"),
    });
    expect((await cli("help")).stdout).toContain("api-key create --brand <slug>");
  });
});
