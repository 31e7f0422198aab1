// The brand's profile and embedding settings changed in the console: both written, with their
// audit entry, in one transaction; recorded as a brand change, so the embed endpoints' CORS and
// frame-ancestors follow the new list of sites at once.
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import type { ConsoleVisit } from "~/console/auth.server";
import { recordAudit } from "~/models/audit.server";
import { getBrandProfile, getBrandSettings, writeBrandProfile, writeBrandSettings } from "~/models/brand.server";
import { changedFields } from "./audit-diff";
import type { BrandChanges } from "./brand-form.server";

export async function saveBrandFromConsole(db: Db, visit: ConsoleVisit, changes: BrandChanges): Promise<void> {
  const brandId = visit.brand.id;
  await transact(db, async (tx, record) => {
    const profile = await getBrandProfile(tx, brandId);
    const settings = await getBrandSettings(tx, brandId);
    const before = {
      ...profile,
      embedOrigins: settings?.embedOrigins,
      privacyEmail: settings?.privacyEmail,
      erasureGraceDays: settings?.erasureGraceDays,
    };
    const diff = changedFields(before, { ...changes.profile, ...changes.settings });
    if (Object.keys(diff).length === 0) return;
    await writeBrandProfile(tx, record, brandId, changes.profile);
    await writeBrandSettings(tx, record, brandId, changes.settings);
    await recordAudit(tx, {
      brandId,
      actor: visit.member.email,
      action: "brand.update",
      target: visit.brand.slug,
      detail: diff,
    });
  });
}
