// The brand console under test: the API fixture (brands "demo" and "other", one key each) plus
// signed-in members of either brand, made directly in the database (the sign-in by email has its
// own tests in test/integration/console-auth.test.ts).
import type { Role } from "~/console/roles";
import { createConsoleSession, CONSOLE_COOKIE } from "~/models/console-session.server";
import { addMember } from "~/models/member.server";
import { startApi, type ApiFixture } from "./api";
import { PortalClient } from "./portal-client";

/** A member's browser without the browser: cookie jar, CSRF token and forms, as PortalClient. */
export class ConsoleClient extends PortalClient {
  constructor(
    base: string,
    readonly email: string,
  ) {
    super(base);
  }

  override async csrf(path = "/console"): Promise<string> {
    return super.csrf(path);
  }

  /** Posts a form from the page it lives on (the CSRF token comes from `from`, default the path). */
  async postForm(path: string, fields: [string, string][] | Record<string, string>, from?: string) {
    const csrf = await this.csrf(from ?? path.split("?")[0]);
    return this.post(path, fields, { csrf });
  }
}

export type ConsoleFixture = ApiFixture & {
  brandIds: Record<"demo" | "other", string>;
  /** A member of the brand with that role (created on first use), signed in. */
  signIn: (brand: "demo" | "other", role: Role) => Promise<ConsoleClient>;
  /** The session cookie of a fresh session for such a member, for a real browser. */
  sessionCookie: (brand: "demo" | "other", role: Role) => Promise<{ name: string; value: string }>;
};

export async function startConsole(extraEnv: Record<string, string> = {}): Promise<ConsoleFixture> {
  const api = await startApi(extraEnv);
  const brands = await api.db.brand.findMany({
    where: { slug: { in: ["demo", "other"] } },
    select: { id: true, slug: true },
  });
  const brandIds = Object.fromEntries(brands.map((brand) => [brand.slug, brand.id])) as Record<
    "demo" | "other",
    string
  >;

  async function session(brand: "demo" | "other", role: Role) {
    const email = `${role}@${brand}.example`;
    const existing = await api.db.brandMember.findFirst({
      where: { brandId: brandIds[brand], email },
      select: { id: true },
    });
    const memberId =
      existing?.id ??
      (await addMember(api.db, brandIds[brand], { email, role, name: `${role} of ${brand}`, invitedBy: "test" })).id;
    const { token } = await createConsoleSession(api.db, { brandId: brandIds[brand], memberId });
    return { email, token };
  }

  return {
    ...api,
    brandIds,
    async signIn(brand, role) {
      const { email, token } = await session(brand, role);
      const client = new ConsoleClient(api.server.url, email);
      client.setCookie(CONSOLE_COOKIE, token);
      return client;
    },
    async sessionCookie(brand, role) {
      return { name: CONSOLE_COOKIE, value: (await session(brand, role)).token };
    },
  };
}
