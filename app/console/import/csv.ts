// CSV as RFC 4180 has it (quoted fields, doubled quotes, CRLF or LF, a UTF-8 byte order mark),
// read into records that remember the line they start on and their text as written, so an
// error report can point at the very line a person sees in their spreadsheet; and written
// back out with spreadsheet formulas defused.
//
// Our own small parser rather than a package: the error report needs each record's first
// physical line and raw text, which csv-parse 7 gets wrong when a quoted field holds a CRLF.

/** One record of the file: its cells, the line it starts on (the first line is 1), its text. */
export type CsvRecord = { line: number; cells: string[]; raw: string };

/** The file cannot be read as CSV at all (a quote left open): no row after it can be trusted. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: "quote_not_closed" | "text_after_quote",
  ) {
    super(
      `${reason === "quote_not_closed" ? "A quoted field is never closed" : "Text follows a closing quote"} (line ${line})`,
    );
  }
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/**
 * Every record of `text`. Blank lines are not records (spreadsheets leave them at the end);
 * a line of empty cells (",,,") is one, so that it is reported rather than skipped.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const length = text.length;
  while (position < length) {
    const start = position;
    const startLine = line;
    const cells: string[] = [];
    let ended = false;
    while (!ended) {
      if (text.charCodeAt(position) === QUOTE) {
        // A quoted field: up to the quote that is not doubled.
        let value = "";
        let from = position + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) throw new CsvSyntaxError(startLine, "quote_not_closed");
          value += text.slice(from, quote);
          if (text.charCodeAt(quote + 1) === QUOTE) {
            value += '"';
            from = quote + 2;
            continue;
          }
          // Line breaks inside the quotes still move the next record's line number.
          line += countLineBreaks(text, position + 1, quote);
          position = quote + 1;
          break;
        }
        cells.push(value);
        const next = text.charCodeAt(position);
        if (next === COMMA) position++;
        else if (position >= length || next === LF || next === CR) ended = true;
        else throw new CsvSyntaxError(line, "text_after_quote");
      } else {
        // A plain field: up to the next comma or end of line (a stray quote inside is kept).
        // At the end of the text this reads the empty field a trailing comma opens.
        let end = position;
        while (end < length) {
          const code = text.charCodeAt(end);
          if (code === COMMA || code === LF || code === CR) break;
          end++;
        }
        cells.push(text.slice(position, end));
        position = end;
        if (position < length && text.charCodeAt(position) === COMMA) position++;
        else ended = true;
      }
    }
    const end = position;
    // The record's terminator: CRLF, LF or a lone CR.
    if (text.charCodeAt(position) === CR) position++;
    if (text.charCodeAt(position) === LF) position++;
    if (position > end) line++;
    if (!(cells.length === 1 && cells[0] === "" && end === start)) {
      records.push({ line: startLine, cells, raw: text.slice(start, end) });
    }
  }
  return records;
}

/** Line breaks (CRLF, LF or lone CR, each counted once) between two offsets. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = from; index < to; index++) {
    const code = text.charCodeAt(index);
    if (code === LF) count++;
    else if (code === CR && text.charCodeAt(index + 1) !== LF) count++;
  }
  return count;
}

// A cell a spreadsheet would run as a formula (CSV injection): =, +, -, @, tab or CR first.
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as written to a file people open in a spreadsheet: formulas defused with a leading '. */
export function csvCell(value: string | null | undefined): string {
  let text = value ?? "";
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line of CSV, CRLF-terminated as RFC 4180 asks. */
export function csvLine(cells: readonly (string | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** Undoes csvCell's defusing on the way back in, so an export imports as it was. */
export function undefuse(cell: string): string {
  return cell.charCodeAt(0) === 39 && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** The byte order mark spreadsheets (Excel) need to read a CSV file as UTF-8. */
export const UTF8_BOM = "\uFEFF";
