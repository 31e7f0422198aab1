// What an edit changed, for the audit log: each field whose value differs, before and after.
// Values are compared as JSON, so lists and nested objects compare by content.

export type FieldChange = { from: unknown; to: unknown };

export function changedFields<T extends Record<string, unknown>>(before: T, after: T): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes[key] = { from: before[key] ?? null, to: after[key] ?? null };
    }
  }
  return changes;
}
