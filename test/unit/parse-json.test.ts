// Request bodies: malformed JSON, and U+0000 or a lone surrogate anywhere in a string, are the
// client's mistake (400, naming where), and an ordinary body parses as it is.
import { describe, expect, it } from "vitest";
import { ApiError } from "~/lib/api/errors";
import { parseJsonBody } from "~/lib/api/parse-json";

function refusal(text: string): ApiError {
  try {
    parseJsonBody(text);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`accepted ${text}`);
}

describe("parseJsonBody", () => {
  it("parses ordinary JSON, including a literal backslash-u text that is not U+0000", () => {
    expect(parseJsonBody('{"a":[1,"x"]}')).toEqual({ a: [1, "x"] });
    expect(parseJsonBody('{"a":"\\\\u0000"}')).toEqual({ a: "\\u0000" });
  });

  it("refuses malformed JSON", () => {
    expect(refusal("{nope").status).toBe(400);
    expect(refusal("{nope").body.error).toMatchObject({ code: "invalid_json", issues: [{ path: "(body)" }] });
  });

  it("refuses U+0000 in a value or a key, naming the path", () => {
    expect(refusal('{"customer":"a\\u0000b"}').body.error.issues).toEqual([
      { path: "customer", message: "must not contain the NUL character (U+0000)" },
    ]);
    expect(refusal('{"items":[{"tags":["ok","\\u0000"]}]}').body.error.issues[0]!.path).toBe("items.0.tags.1");
    expect(refusal('{"attributes":{"k\\u0000":1}}').body.error.issues[0]!.path).toBe("attributes.k\u0000");
    expect(refusal('"\\u0000"').body.error.issues[0]!.path).toBe("(body)");
  });

  it("refuses a lone surrogate (an escape JSON allows, Unicode does not) in a value or a key, naming the path", () => {
    const message = "must be well-formed Unicode (no lone surrogate such as \\ud800)";
    expect(refusal('{"name":"\\ud800"}').body.error.issues).toEqual([{ path: "name", message }]);
    expect(refusal('{"name":"a\\uDFFFb"}').body.error.issues).toEqual([{ path: "name", message }]);
    expect(refusal('{"items":[{"tags":["ok","\\udbff"]}]}').body.error.issues[0]!.path).toBe("items.0.tags.1");
    expect(refusal('{"attributes":{"k\\udc00":1}}').body.error.issues[0]!.path).toBe("attributes.k\udc00");
    expect(refusal('"\\ud800"').status).toBe(400);
  });

  it("takes a surrogate pair, escaped or not, and a literal backslash-u text", () => {
    expect(parseJsonBody('{"a":"\\ud83d\\ude00"}')).toEqual({ a: "\u{1F600}" });
    expect(parseJsonBody('{"a":"\u{1F600}"}')).toEqual({ a: "\u{1F600}" });
    expect(parseJsonBody('{"a":"\\\\ud800"}')).toEqual({ a: "\\ud800" });
  });
});
