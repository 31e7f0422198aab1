// Argument parsing for the operator CLI: node's parseArgs, with errors that say which option is
// wrong and how to get it right, and zod messages mapped back to option names.
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { z } from "zod";

/** A mistake in how the command was called: exit status 2, with usage help. */
export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parse(argv: string[], options: Options) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, ""));
  }
}

export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`--${name} is required`);
  return value;
}

export function list(value: unknown): string[] | undefined {
  if (typeof value !== "string") return undefined;
  return value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Parses with a zod schema; a failure names the option (--name-fr) rather than the field. */
export function validate<T extends z.ZodType>(
  schema: T,
  input: unknown,
  optionFor: Record<string, string> = {},
): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0] ?? "");
  const option = optionFor[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new UsageError(`${option} ${issue.message}`);
}
