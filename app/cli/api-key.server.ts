// `mesure api-key create|list|revoke`. `create` prints the key alone on standard output, so it
// can be captured (`KEY=$(npm run -s mesure -- api-key create --brand demo)`); everything else
// goes to standard error.
import type { Db } from "~/db/client.server";
import { ApiKeyName, createApiKey, listApiKeys, revokeApiKey } from "~/models/api-key.server";
import { parse, required, UsageError, validate } from "./args";
import { brandFromSlug } from "./brand-lookup.server";

export async function apiKeyCommand(
  db: Db,
  [action, ...argv]: string[],
  out: (line: string) => void,
  note: (line: string) => void,
) {
  if (action === "create") {
    const values = parse(argv, { brand: { type: "string" }, name: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    const name = validate(ApiKeyName, values.name ?? "default", {}) as string;
    const { key, record } = await createApiKey(db, { brandId: brand.id, name });
    out(key);
    note(`created API key ${record.prefix}… (${record.name}) for ${brand.slug}; it is shown once, store it now`);
    return;
  }
  if (action === "list") {
    const values = parse(argv, { brand: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    for (const key of await listApiKeys(db, brand.id)) {
      const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
      const used = key.lastUsedAt ? `last used ${key.lastUsedAt.toISOString()}` : "never used";
      out(`${key.prefix}…\t${key.id}\t${key.name}\t${state}\t${used}`);
    }
    return;
  }
  if (action === "revoke") {
    const values = parse(argv, { brand: { type: "string" }, key: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    const idOrPrefix = required(values, "key").replace(/…$/, "");
    const revoked = await revokeApiKey(db, { brandId: brand.id, idOrPrefix });
    if (!revoked)
      throw new UsageError(
        `brand ${brand.slug} has no API key "${idOrPrefix}" (give its id or its prefix, see: mesure api-key list)`,
      );
    out(`revoked API key ${revoked.prefix}… of ${brand.slug}`);
    return;
  }
  throw new UsageError(`api-key takes "create", "list" or "revoke", not ${JSON.stringify(action ?? "")}`);
}
