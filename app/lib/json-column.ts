// JSON text columns: written from typed values, read back through a zod schema so a row that
// does not hold what the model expects fails loudly at the read, not later in the policy.
import type { z } from "zod";

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson<T extends z.ZodType>(schema: T, text: string, column: string): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`Column ${column} does not hold JSON`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Column ${column} holds an unexpected value: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}
