// `mesure portal-link --brand <slug> --customer <externalId> [--ttl 7d]`: a signed link to the
// customer's portal, for support staff to send them.
import type { Db } from "~/db/client.server";
import type { Env } from "~/lib/env.server";
import { parseDuration, portalLink } from "~/lib/portal-link.server";
import { resolveSecret } from "~/lib/secret.server";
import { getCustomer } from "~/models/customer.server";
import { parse, required, UsageError } from "./args";
import { brandFromSlug } from "./brand-lookup.server";

const MAX_TTL_SECONDS = 30 * 86_400;

export async function portalLinkCommand(db: Db, env: Env, argv: string[], out: (line: string) => void) {
  const values = parse(argv, { brand: { type: "string" }, customer: { type: "string" }, ttl: { type: "string" } });
  const brand = await brandFromSlug(db, required(values, "brand"));
  const externalId = required(values, "customer");
  const ttlSeconds = parseDuration(String(values.ttl ?? "7d"));
  if (ttlSeconds === null || ttlSeconds <= 0 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new UsageError("--ttl must be a duration such as 30m, 24h or 7d, at most 30d");
  }
  const customer = await getCustomer(db, { brandId: brand.id, externalId });
  if (!customer) throw new UsageError(`brand ${brand.slug} has no customer with external id "${externalId}"`);
  const secret = resolveSecret(env.MESURE_SECRET, env.DATA_DIR);
  out(portalLink({ secret, publicUrl: env.PUBLIC_URL, brandId: brand.id, customerId: customer.id, ttlSeconds }));
}
