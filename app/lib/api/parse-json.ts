// The one JSON reader for request bodies (API, decision endpoints, banner): a parse error, or a
// string holding U+0000, is the client's mistake (400), never a 500. PostgreSQL cannot store
// U+0000 in text, so letting it through would fail later, inside a transaction.
import { ApiError } from "./errors";

const NUL_ESCAPE = "\\u0000";

export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, "invalid_json", `The body is not valid JSON: ${(error as Error).message}`, [
      { path: "(body)", message: "is not valid JSON" },
    ]);
  }
  // JSON can only carry U+0000 escaped: look closer only when the escape is there at all, so
  // the usual body costs one substring search.
  if (text.includes(NUL_ESCAPE)) {
    const path = findNul(value, "");
    if (path !== null) {
      throw new ApiError(
        400,
        "invalid_request",
        `The request is not valid: ${path || "(body)"} must not contain U+0000`,
        [{ path: path || "(body)", message: "must not contain the NUL character (U+0000)" }],
      );
    }
  }
  return value;
}

/** The dotted path of the first string (value or key) holding U+0000, or null. */
function findNul(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (value === null || typeof value !== "object") return null;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes("\u0000")) return at;
    const found = findNul(child, at);
    if (found !== null) return found;
  }
  return null;
}
