// The one JSON reader for request bodies (API, decision endpoints, banner): a parse error, or a
// string no column can hold (U+0000, a lone surrogate: app/lib/storable-text.ts), is the
// client's mistake (400, naming where), never a 500.
import { textProblem, type TextProblem } from "~/lib/storable-text";
import { ApiError } from "./errors";

/** The escapes that can make such a string: \u0000, and \ud800 to \udfff. */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, "invalid_json", `The body is not valid JSON: ${(error as Error).message}`, [
      { path: "(body)", message: "is not valid JSON" },
    ]);
  }
  // JSON can only carry these characters escaped (UTF-8 text decodes to well-formed strings):
  // look closer only when such an escape is there at all, so the usual body costs one search.
  if (SUSPECT_ESCAPE.test(text)) {
    const found = findIllFormed(value, "");
    if (found !== null) {
      const path = found.path || "(body)";
      const message =
        found.problem === "nul"
          ? "must not contain the NUL character (U+0000)"
          : "must be well-formed Unicode (no lone surrogate such as \\ud800)";
      const short = found.problem === "nul" ? "must not contain U+0000" : "must not contain a lone surrogate";
      throw new ApiError(400, "invalid_request", `The request is not valid: ${path} ${short}`, [{ path, message }]);
    }
  }
  return value;
}

/** The dotted path of the first string (value or key) holding U+0000 or a lone surrogate, or null. */
export function findIllFormed(value: unknown, path: string): { path: string; problem: TextProblem } | null {
  if (typeof value === "string") {
    const problem = textProblem(value);
    return problem ? { path, problem } : null;
  }
  if (value === null || typeof value !== "object") return null;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const problem = textProblem(key);
    if (problem) return { path: at, problem };
    const found = findIllFormed(child, at);
    if (found !== null) return found;
  }
  return null;
}
