// Rule 10 (`quiet_hours`, `send_window`): the customer's own quiet hours on a channel, and the
// brand's send windows for it (by default no SMS between 20:00 and 08:00 or on Sundays), both
// in the customer's local time. A message that falls outside waits for the window to open.
import { localParts, nextLocalTime, parseLocalTime } from "./time";
import type { ChannelRules, CustomerChannel } from "./types";

/** If `at` falls in the quiet hours, the instant they end; otherwise null. */
export function quietHoursEnd(at: number, timeZone: string, preference: CustomerChannel | undefined): number | null {
  if (!preference?.quietStart || !preference.quietEnd) return null;
  const start = parseLocalTime(preference.quietStart);
  const end = parseLocalTime(preference.quietEnd);
  if (start === end) return null;
  const parts = localParts(at, timeZone);
  const minute = parts.hour * 60 + parts.minute;
  const quiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  return quiet ? nextLocalTime(at, timeZone, end) : null;
}

/**
 * If `at` is outside every send window, the instant the next one opens (null when none opens
 * within a year: the channel is closed); `at` itself when it is inside one or there are none.
 */
export function sendWindowOpening(at: number, timeZone: string, rules: ChannelRules): number | null {
  if (rules.sendWindows.length === 0) return at;
  const parts = localParts(at, timeZone);
  const minute = parts.hour * 60 + parts.minute;
  for (const window of rules.sendWindows) {
    const start = parseLocalTime(window.start);
    const end = parseLocalTime(window.end);
    const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
    // A window that wraps midnight belongs to the day it starts on.
    const day = start < end || minute >= start ? parts.weekday : parts.weekday === 1 ? 7 : parts.weekday - 1;
    if (inside && window.days.includes(day)) return at;
  }
  let earliest: number | null = null;
  for (const window of rules.sendWindows) {
    const opening = nextLocalTime(
      at,
      timeZone,
      parseLocalTime(window.start),
      (weekday) => window.days.includes(weekday),
      366,
    );
    if (opening !== null && (earliest === null || opening < earliest)) earliest = opening;
  }
  return earliest;
}
