// The console's audit log: who changed what in a brand's settings, when. Entries are only ever
// added (the database refuses updates); they go with their brand.
import type { Db, Tx } from "~/db/client.server";

export type AuditInput = {
  brandId: string;
  /** A member's email, "cli", or "api-key:<prefix>". */
  actor: string;
  /** Dotted code, e.g. "topic.update". */
  action: string;
  target?: string;
  /** What changed; never a secret. */
  detail?: Record<string, unknown>;
};

export async function recordAudit(db: Tx | Db, entry: AuditInput, now = new Date()): Promise<void> {
  await db.auditEntry.create({
    data: {
      brandId: entry.brandId,
      actor: entry.actor.slice(0, 254),
      action: entry.action,
      target: (entry.target ?? "").slice(0, 500),
      detail: JSON.stringify(entry.detail ?? {}),
      createdAt: now,
    },
    select: { id: true },
  });
}

export type AuditEntryView = {
  id: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  createdAt: Date;
};

/** A page of a brand's log, newest first; `cursor` is the id of the last entry of the previous page. */
export async function listAudit(
  db: Tx | Db,
  brandId: string,
  options: { cursor?: string; take?: number; action?: string; actor?: string } = {},
): Promise<{ entries: AuditEntryView[]; next: string | null }> {
  const take = Math.min(Math.max(options.take ?? 50, 1), 200);
  const rows = await db.auditEntry.findMany({
    where: {
      brandId,
      ...(options.action ? { action: { startsWith: options.action } } : {}),
      ...(options.actor ? { actor: options.actor } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: take + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
    select: { id: true, actor: true, action: true, target: true, detail: true, createdAt: true },
  });
  const entries = rows.slice(0, take).map((row) => ({ ...row, detail: parseDetail(row.detail) }));
  return { entries, next: rows.length > take ? entries.at(-1)!.id : null };
}

function parseDetail(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
