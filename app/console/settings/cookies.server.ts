// The cookie banner's configuration changed in the console: stored through the brand settings
// (a brand change, so every process's banner learns of it at once) with its audit entry in the
// same transaction. A new policy version keeps, in the log, the texts and categories visitors
// had been shown under the version it replaces.
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import type { ConsoleVisit } from "~/console/auth.server";
import { recordAudit } from "~/models/audit.server";
import { getCookieConfig, writeBrandSettings } from "~/models/brand.server";
import type { CookieConfig } from "~/privacy/cookie-config";
import { changedFields } from "./audit-diff";

export async function saveCookieConfigFromConsole(
  db: Db,
  visit: ConsoleVisit,
  config: CookieConfig,
): Promise<{ published: boolean }> {
  const brandId = visit.brand.id;
  return transact(db, async (tx, record) => {
    const before = await getCookieConfig(tx, brandId);
    const diff = changedFields(before, config);
    if (Object.keys(diff).length === 0) return { published: false };
    await writeBrandSettings(tx, record, brandId, { cookieConfig: config });
    const published = before.policyVersion !== config.policyVersion;
    await recordAudit(tx, {
      brandId,
      actor: visit.member.email,
      action: published ? "cookies.publish" : "cookies.update",
      target: config.policyVersion,
      detail: published
        ? {
            policyVersion: { from: before.policyVersion, to: config.policyVersion },
            changed: Object.keys(diff),
            // What consents given under the old version were given to.
            previous: { texts: before.texts, categories: before.categories },
          }
        : diff,
    });
    return { published };
  });
}
