// Rule 6 (`paused`): while the customer has paused everything, messages wait for the pause to
// end (or are dropped if they expire first). Critical messages go through.
import { isCritical } from "./priority";
import type { DecisionInput } from "./types";

/** When the pause that holds this message ends, or null if none holds it. */
export function pauseEnd({ customer, message, now }: DecisionInput): number | null {
  if (isCritical(message) || customer.pausedUntil === null || customer.pausedUntil <= now) return null;
  return customer.pausedUntil;
}
