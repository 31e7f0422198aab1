// What the console's API keys page does: a key created (shown once, its hash kept) or revoked,
// each with its audit entry in the same transaction. A revocation reaches every process's
// snapshot at once (change scope "api_key"), so the key stops working on the very next call.
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { createApiKey, revokeApiKeyIn } from "~/models/api-key.server";
import { recordAudit } from "~/models/audit.server";

type Who = { brandId: string; actor: string };

/** The new key in clear (to be shown this once) and what the list shows of it. */
export async function issueApiKey(db: Db, input: Who & { name: string }) {
  return transact(db, async (tx) => {
    const created = await createApiKey(tx, input);
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "api_key.create",
      target: created.record.prefix,
      detail: { id: created.record.id, name: created.record.name },
    });
    return created;
  });
}

/** Null when the brand has no such key; `already` when it was revoked before (not audited again). */
export async function withdrawApiKey(db: Db, input: Who & { id: string }) {
  return transact(db, async (tx, record) => {
    const revoked = await revokeApiKeyIn(tx, record, input);
    if (revoked && !revoked.already) {
      await recordAudit(tx, {
        brandId: input.brandId,
        actor: input.actor,
        action: "api_key.revoke",
        target: revoked.prefix,
        detail: { id: revoked.id, name: revoked.name },
      });
    }
    return revoked;
  });
}
