// Reading an uploaded import file: the multipart form (size-limited, kept in memory), its CSRF
// token checked as readForm does for plain forms, then the file itself checked as a whole (UTF-8,
// CSV that parses, a valid header, at least one row) before anything is stored. A file that
// fails here is answered at once, beside the file field, and leaves no trace.
import { data, MaxPartSizeExceededError } from "@remix-run/node";
import { unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { BodyTooLargeError } from "~/http/page-posts.server";
import { readForm } from "~/lib/forms.server";
import { csrfMatches } from "~/lib/csrf.server";
import { FILE_FIELD, MAX_IMPORT_BYTES } from "./columns";
import { CsvSyntaxError, parseCsv } from "./csv";
import type { FileIssue } from "./issues";
import { readHeader } from "./rows";

export type Upload = { ok: true; fileName: string; text: string; totalRows: number } | { ok: false; issue: FileIssue };

/** The form's file, checked; throws 403 when the CSRF token does not match. */
export async function readUpload(request: Request, csrf: string): Promise<Upload> {
  const type = request.headers.get("Content-Type") ?? "";
  let form: FormData;
  if (/^multipart\/form-data/i.test(type)) {
    try {
      form = await unstable_parseMultipartFormData(
        request,
        unstable_createMemoryUploadHandler({
          maxPartSize: MAX_IMPORT_BYTES,
          filter: ({ name }) => name === FILE_FIELD || name === "csrf",
        }),
      );
    } catch (error) {
      // The file past its own limit, or the whole body past the HTTP layer's (app/http/page-posts.server.ts).
      if (error instanceof MaxPartSizeExceededError || error instanceof BodyTooLargeError) {
        return { ok: false, issue: { code: "tooLarge", values: { max: MAX_IMPORT_BYTES / 1024 / 1024 } } };
      }
      throw data({ formError: "invalid" }, { status: 400 });
    }
    if (!csrfMatches(csrf, form)) throw data({ formError: "csrf" }, { status: 403 });
  } else {
    // A form posted without its file (no enctype): checked all the same, then told to choose one.
    form = await readForm(request, csrf);
  }
  const file = form.get(FILE_FIELD);
  if (!file || typeof file === "string" || (file.size === 0 && !file.name))
    return { ok: false, issue: { code: "noFile" } };
  return checkFile(fileNameOf(file.name), new Uint8Array(await file.arrayBuffer()));
}

/** The file's bytes as an import: its text and row count, or what is wrong with it as a whole. */
export function checkFile(fileName: string, bytes: Uint8Array): Upload {
  if (bytes.length === 0) return { ok: false, issue: { code: "empty" } };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Windows' default "CSV" is not UTF-8: decoding it anyway would import garbled names.
    return { ok: false, issue: { code: "notUtf8" } };
  }
  if (text.includes("\u0000")) return { ok: false, issue: { code: "binary" } };
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      const code = error.reason === "quote_not_closed" ? "quoteNotClosed" : "textAfterQuote";
      return { ok: false, issue: { code, values: { line: error.line } } };
    }
    throw error;
  }
  const [head] = records;
  if (!head) return { ok: false, issue: { code: "empty" } };
  const header = readHeader(head.cells);
  if (!header.ok) return { ok: false, issue: header.issue };
  if (records.length < 2) return { ok: false, issue: { code: "noRows" } };
  return { ok: true, fileName, text, totalRows: records.length - 1 };
}

/** The name to show for an upload: its last path part, printable, not too long. */
function fileNameOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = [...base]
    .filter((char) => char >= " " && char !== "\u007f")
    .join("")
    .trim()
    .slice(0, 200);
  return clean || "import.csv";
}
