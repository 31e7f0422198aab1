// Channel rules changed in the console: written with their audit entry in one transaction, and
// recorded as a brand change so every process decides with them at once.
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import type { ConsoleVisit } from "~/console/auth.server";
import { recordAudit } from "~/models/audit.server";
import { getChannelRules, writeChannelRules, type ChannelRules } from "~/models/brand.server";
import { channels } from "~/lib/vocabulary";
import { changedFields } from "./audit-diff";

/** One flat record per rule ("sms.sendWindows", "globalWeeklyCap"…), so the log says which changed. */
function flatten(rules: ChannelRules): Record<string, unknown> {
  const flat: Record<string, unknown> = {
    globalWeeklyCap: rules.globalWeeklyCap,
    highPriorityReserve: rules.highPriorityReserve,
  };
  for (const channel of channels) {
    for (const [field, value] of Object.entries(rules.channels[channel])) flat[`${channel}.${field}`] = value;
  }
  return flat;
}

export async function saveChannelRulesFromConsole(db: Db, visit: ConsoleVisit, rules: ChannelRules): Promise<void> {
  const brandId = visit.brand.id;
  await transact(db, async (tx, record) => {
    const before = await getChannelRules(tx, brandId);
    const after = await writeChannelRules(tx, record, brandId, rules);
    const diff = before ? changedFields(flatten(before), flatten(after)) : flatten(after);
    if (Object.keys(diff).length === 0) return;
    await recordAudit(tx, { brandId, actor: visit.member.email, action: "channels.update", detail: diff });
  });
}
