// Editable lists in plain HTML forms (filter fields, send windows, cookie categories): each row's
// inputs are named `<list>.<n>.<field>`, so a page without JavaScript posts every row at once,
// an empty row adds one and a "remove" box takes one out.

/** The most rows a list may post: far above real use, low enough to bound the work. */
export const MAX_ROWS = 40;

/** The row numbers `n` the form posted for `list`, in order. */
export function rowNumbers(form: FormData, list: string): number[] {
  const pattern = new RegExp(`^${list.replace(/\./g, "\\.")}\\.(\\d{1,4})\\.`);
  const seen = new Set<number>();
  for (const name of form.keys()) {
    const match = pattern.exec(name);
    if (match) seen.add(Number(match[1]));
  }
  return [...seen].sort((a, b) => a - b);
}

/** A text input's value ("" when absent or a file). */
export function textOf(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** Every value posted under a name (checkbox groups, multiple selects). */
export function allOf(form: FormData, name: string): string[] {
  return form.getAll(name).filter((value): value is string => typeof value === "string");
}

export function checked(form: FormData, name: string): boolean {
  return form.has(name);
}

/** A textarea's non-empty lines, trimmed. */
export function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** A number input: undefined when left empty (for `.optional()`), NaN-proof otherwise. */
export function numberOf(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const value = Number(trimmed.replace(",", "."));
  // Left as text when it is not a number, so zod says "must be a number" beside the field.
  return Number.isFinite(value) ? value : trimmed;
}
