// The rows of the settings forms as typed (kept as text so a page can show them again beside
// their errors), and what both the server and the page need to know of them. Not a .server
// module: the pages' components use these in the browser too.

export const filterFieldTypes = ["set", "range", "text"] as const;

/** An alert filter field of a topic (`fields.<n>.*`). */
export type FieldRowDraft = {
  n: number;
  key: string;
  type: string;
  labelFr: string;
  labelEn: string;
  /** A set's values, one per line. */
  options: string;
  unit: string;
  /** Saved before: its key and type are fixed, customers' alerts name them. */
  existing: boolean;
  remove: boolean;
};

/** A send window of a channel (`<channel>.windows.<n>.*`), days as ISO weekdays. */
export type WindowDraft = { n: number; days: string[]; start: string; end: string; remove: boolean };

/** A cookie banner category (`categories.<n>.*`). */
export type CategoryDraft = {
  n: number;
  key: string;
  nameFr: string;
  nameEn: string;
  descriptionFr: string;
  descriptionEn: string;
  required: boolean;
  gpc: boolean;
  /** Cookie names, one per line. */
  cookies: string;
  consentMode: string[];
  /** Saved before: its key is fixed, visitors' choices are filed under it. */
  existing: boolean;
  remove: boolean;
};

const empty = (values: string[]) => values.every((value) => value.trim() === "");

/** Rows left entirely empty are the blank row each list offers to add one: ignored. */
export function isBlankFieldRow(row: FieldRowDraft): boolean {
  return !row.existing && empty([row.key, row.labelFr, row.labelEn, row.options, row.unit]);
}

export function isBlankWindow(window: WindowDraft): boolean {
  return window.days.length === 0 && empty([window.start, window.end]);
}

export function isBlankCategory(row: CategoryDraft): boolean {
  return (
    !row.existing &&
    !row.required &&
    !row.gpc &&
    row.consentMode.length === 0 &&
    empty([row.key, row.nameFr, row.nameEn, row.descriptionFr, row.descriptionEn, row.cookies])
  );
}

/** The next free row number, for the blank row a page offers to add one. */
export function nextRow(rows: { n: number }[]): number {
  return rows.reduce((max, row) => Math.max(max, row.n + 1), 0);
}
