// `mesure connector add|list|enable|disable|rotate-secret|remove`: the brand's systems that hear
// of every erasure. `add` and `rotate-secret` print the signing secret alone on standard output
// (it is shown once), so it can be captured and handed to the receiving system.
import type { Db } from "~/db/client.server";
import type { Env } from "~/lib/env.server";
import { resolveSecret } from "~/lib/secret.server";
import {
  ConnectorBusyError,
  ConnectorName,
  ConnectorNameTakenError,
  connectorUrl,
  createConnector,
  listConnectors,
  removeConnector,
  rotateConnectorSecret,
  setConnectorEnabled,
} from "~/models/connector.server";
import { parse, required, UsageError, validate } from "./args";
import { brandFromSlug } from "./brand-lookup.server";

export async function connectorCommand(
  db: Db,
  env: Env,
  [action, ...argv]: string[],
  out: (line: string) => void,
  note: (line: string) => void,
) {
  const secret = () => resolveSecret(env.MESURE_SECRET, env.DATA_DIR);
  if (action === "add") {
    const values = parse(argv, { brand: { type: "string" }, name: { type: "string" }, url: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    const name = validate(ConnectorName, required(values, "name"), { "": "--name" }) as string;
    const url = validate(connectorUrl(env.PUBLIC_URL), required(values, "url"), { "": "--url" }) as string;
    try {
      const created = await createConnector(db, secret(), { brandId: brand.id, name, url, publicUrl: env.PUBLIC_URL });
      out(created.secret);
      note(
        `added connector "${name}" (${url}) to ${brand.slug}; its signing secret (Standard Webhooks) is shown once, store it now`,
      );
    } catch (error) {
      if (error instanceof ConnectorNameTakenError) throw new UsageError(`--name: ${error.message}`);
      throw error;
    }
    return;
  }
  if (action === "list") {
    const values = parse(argv, { brand: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    for (const connector of await listConnectors(db, brand.id)) {
      out(`${connector.name}\t${connector.url}\t${connector.enabled ? "enabled" : "disabled"}`);
    }
    return;
  }
  if (action === "enable" || action === "disable") {
    const values = parse(argv, { brand: { type: "string" }, name: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    const name = required(values, "name");
    if (!(await setConnectorEnabled(db, { brandId: brand.id, name, enabled: action === "enable" })))
      throw new UsageError(`brand ${brand.slug} has no connector named "${name}" (see: mesure connector list)`);
    note(`connector "${name}" of ${brand.slug} is ${action}d`);
    return;
  }
  if (action === "rotate-secret") {
    const values = parse(argv, { brand: { type: "string" }, name: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    const name = required(values, "name");
    const rotated = await rotateConnectorSecret(db, secret(), { brandId: brand.id, name });
    if (!rotated)
      throw new UsageError(`brand ${brand.slug} has no connector named "${name}" (see: mesure connector list)`);
    out(rotated);
    note(`connector "${name}" of ${brand.slug} signs with this new secret from now on; the old one no longer works`);
    return;
  }
  if (action === "remove") {
    const values = parse(argv, {
      brand: { type: "string" },
      name: { type: "string" },
      "abandon-pending": { type: "boolean" },
    });
    const brand = await brandFromSlug(db, required(values, "brand"));
    const name = required(values, "name");
    try {
      const removed = await removeConnector(db, {
        brandId: brand.id,
        name,
        abandonPending: values["abandon-pending"] === true,
      });
      if (!removed)
        throw new UsageError(`brand ${brand.slug} has no connector named "${name}" (see: mesure connector list)`);
    } catch (error) {
      if (error instanceof ConnectorBusyError)
        throw new UsageError(
          `${error.message}; erase the person there by hand, then add --abandon-pending (or disable it to pause the calls)`,
        );
      throw error;
    }
    out(`removed connector "${name}" of ${brand.slug}`);
    return;
  }
  throw new UsageError(
    `connector takes "add", "list", "enable", "disable", "rotate-secret" or "remove", not ${JSON.stringify(action ?? "")}`,
  );
}
