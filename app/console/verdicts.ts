// The dashboard's vocabulary, shared by its server code and its page (a *.server module is
// empty in the browser): decision verdicts, those that hold a message back, and the ranges.
export const VERDICTS = ["send", "defer", "digest", "deny"] as const;
export type Verdict = (typeof VERDICTS)[number];
/** The verdicts that keep a message from leaving now. */
export const HELD_BACK = ["defer", "digest", "deny"] as const;
export type HeldBack = (typeof HELD_BACK)[number];
/** The dashboard's ranges, in days. */
export const RANGES = ["7", "30", "90"] as const;
