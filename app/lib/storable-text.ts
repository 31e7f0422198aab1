// The one rule for text that comes in (JSON bodies, forms): what no column can hold. PostgreSQL
// cannot store U+0000 in text; Prisma cannot send half of a surrogate pair to its engine (a JSON
// `"\ud800"` parses to such a string). Either is the client's mistake, refused with a 400 at the
// edge, rather than a failure later inside a transaction.

export type TextProblem = "nul" | "surrogate";

/** With the u flag, a surrogate matches only when it is not one half of a pair. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** What a string holds that cannot be stored, if anything. */
export function textProblem(text: string): TextProblem | null {
  if (text.includes("\u0000")) return "nul";
  if (LONE_SURROGATE.test(text)) return "surrogate";
  return null;
}
