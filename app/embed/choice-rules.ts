// When a stored choice still holds: same policy version, every category answered, and younger
// than the brand's re-prompt delay (refusalMonths if anything optional was refused, else
// consentMonths). Pure, clock passed in.
import type { CookieCategory, EmbedConfig, ServerChoice, StoredChoice } from "./types";

type Rules = Pick<EmbedConfig, "policyVersion" | "refusalMonths" | "consentMonths"> & {
  categories: Pick<CookieCategory, "key" | "required">[];
};

/** Calendar months later, in UTC (31 January + 1 month = 3 March, as Date does). */
export function addMonths(epochMs: number, months: number): number {
  const date = new Date(epochMs);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
}

export function refusedSomething(choice: StoredChoice, rules: Rules): boolean {
  return rules.categories.some((category) => !category.required && choice.c[category.key] !== 1);
}

/** The moment the person must be asked again, or null when they must be asked now. */
export function askAgainAt(choice: StoredChoice, rules: Rules): number | null {
  if (choice.p !== rules.policyVersion) return null;
  // A category added since the choice was made has never been answered.
  if (rules.categories.some((category) => !category.required && !(category.key in choice.c))) return null;
  return addMonths(choice.t, refusedSomething(choice, rules) ? rules.refusalMonths : rules.consentMonths);
}

export function isChoiceCurrent(choice: StoredChoice, rules: Rules, now: number): boolean {
  const until = askAgainAt(choice, rules);
  return until !== null && now < until;
}

export function fromServerChoice(choice: ServerChoice, visitorId: string): StoredChoice {
  const c: Record<string, 0 | 1> = {};
  for (const key of Object.keys(choice.categories)) c[key] = choice.categories[key] ? 1 : 0;
  return { v: visitorId, p: choice.policyVersion, c, t: Date.parse(choice.at), m: choice.method };
}

/** Same decision (policy and every category), whenever and however it was made. */
export function sameDecision(a: StoredChoice, b: StoredChoice): boolean {
  const keys = Object.keys(a.c);
  return a.p === b.p && keys.length === Object.keys(b.c).length && keys.every((key) => a.c[key] === b.c[key]);
}

export function acceptedCategories(choice: StoredChoice): Record<string, boolean> {
  const accepted: Record<string, boolean> = {};
  for (const key of Object.keys(choice.c)) accepted[key] = choice.c[key] === 1;
  return accepted;
}

/** What a choice grants in this browser: under Global Privacy Control, only a per-category
 * ("custom") choice grants the GPC categories, even when "accept all" was made before the
 * signal was on, or on another device without it. */
export function grantedCategories(
  choice: StoredChoice,
  categories: Pick<CookieCategory, "key" | "gpc">[],
  gpc: boolean,
): Record<string, boolean> {
  const granted = acceptedCategories(choice);
  if (gpc && choice.m !== "custom") for (const category of categories) if (category.gpc) granted[category.key] = false;
  return granted;
}
