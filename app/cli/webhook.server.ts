// `mesure webhook add|list|remove`: the addresses where a brand's systems hear of changes
// (app/webhooks/events.ts). `add` prints the signing secret alone on standard output (it is
// shown once), so it can be captured and handed to the receiving system. Audited as "cli".
import type { Db } from "~/db/client.server";
import type { Env } from "~/lib/env.server";
import { PRIVATE_ADDRESS } from "~/lib/outbound.server";
import { resolveSecret } from "~/lib/secret.server";
import {
  createWebhookEndpoint,
  listWebhookEndpoints,
  parseWebhookEndpoint,
  removeWebhookEndpoint,
  type WebhookProblem,
} from "~/models/webhook-endpoint.server";
import { WEBHOOK_EVENT_TYPES } from "~/webhooks/events";
import { list, parse, required, UsageError } from "./args";
import { brandFromSlug } from "./brand-lookup.server";

const problems: Record<WebhookProblem, string> = {
  required: "is required",
  tooLong: "is too long",
  url: "must be an absolute http(s) URL, e.g. https://crm.example.com/hooks/mesure",
  credentials: "must not hold a user name or password",
  https: "must be https (plain http only to this machine, when Mesure itself is served over http)",
  private: PRIVATE_ADDRESS,
  events: "needs at least one event",
  choice: `takes events among ${WEBHOOK_EVENT_TYPES.join(", ")}`,
};

export async function webhookCommand(
  db: Db,
  env: Env,
  [action, ...argv]: string[],
  out: (line: string) => void,
  note: (line: string) => void,
) {
  if (action === "add") {
    const values = parse(argv, {
      brand: { type: "string" },
      url: { type: "string" },
      events: { type: "string" },
      description: { type: "string" },
    });
    const brand = await brandFromSlug(db, required(values, "brand"));
    const input = {
      url: required(values, "url"),
      description: typeof values.description === "string" ? values.description : "",
      // Every event unless told otherwise.
      events: list(values.events) ?? [...WEBHOOK_EVENT_TYPES],
    };
    const parsed = parseWebhookEndpoint(input, env.PUBLIC_URL);
    if (!parsed.ok) {
      const [field, problem] = Object.entries(parsed.problems)[0]!;
      throw new UsageError(`--${field} ${problems[problem]}`);
    }
    const created = await createWebhookEndpoint(db, resolveSecret(env.MESURE_SECRET, env.DATA_DIR), {
      ...parsed.data,
      brandId: brand.id,
      actor: "cli",
      publicUrl: env.PUBLIC_URL,
    });
    out(created.secret);
    note(
      `added webhook ${created.endpoint.id} (${created.endpoint.url}: ${created.endpoint.events.join(", ")}) to ${brand.slug}; its signing secret (Standard Webhooks) is shown once, store it now`,
    );
    return;
  }
  if (action === "list") {
    const values = parse(argv, { brand: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    for (const endpoint of await listWebhookEndpoints(db, brand.id)) {
      out(
        `${endpoint.id}\t${endpoint.url}\t${endpoint.enabled ? "enabled" : "disabled"}\t${endpoint.events.join(",")}`,
      );
    }
    return;
  }
  if (action === "remove") {
    const values = parse(argv, { brand: { type: "string" }, id: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    const id = required(values, "id");
    if (!(await removeWebhookEndpoint(db, { brandId: brand.id, id, actor: "cli" })))
      throw new UsageError(`brand ${brand.slug} has no webhook ${id} (see: mesure webhook list)`);
    out(`removed webhook ${id} of ${brand.slug}`);
    return;
  }
  throw new UsageError(`webhook takes "add", "list" or "remove", not ${JSON.stringify(action ?? "")}`);
}
