// Wall-clock arithmetic in a customer's time zone, exact across daylight-saving changes, with
// nothing but Intl. Instants are epoch milliseconds throughout the engine.
//
// A local time that does not exist (the hour skipped in spring) resolves to the first instant
// after the gap; a local time that exists twice (the hour repeated in autumn) resolves to the
// earlier of the two. Both are what a person means by "at 02:30".

export type LocalParts = {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

// Offsets only change at transitions, which every zone in use places on a quarter hour, so the
// offset is the same for a whole quarter hour: cache it per zone and quarter.
const QUARTER = 15 * MINUTE;
const offsetCache = new Map<string, number>();

/** The zone's offset from UTC at an instant, in milliseconds (Paris in summer: +7,200,000). */
export function offsetAt(timeZone: string, instant: number): number {
  const quarter = Math.floor(instant / QUARTER);
  const key = `${timeZone}|${quarter}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const start = quarter * QUARTER;
  const parts = formatter(timeZone).formatToParts(new Date(start));
  const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  const offset = asUtc - start;
  if (offsetCache.size > 200_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

export function localParts(instant: number, timeZone: string): LocalParts {
  const shifted = new Date(instant + offsetAt(timeZone, instant));
  const weekday = shifted.getUTCDay();
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    weekday: weekday === 0 ? 7 : weekday,
  };
}

/** Minutes since local midnight. */
export function localMinutes(instant: number, timeZone: string): number {
  const parts = localParts(instant, timeZone);
  return parts.hour * 60 + parts.minute;
}

/** The instant at which the zone's clocks show this wall time (see the module note for gaps and overlaps). */
export function zonedInstant(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Try each offset in force around that wall time; keep the earliest that shows it.
  const candidates = [wall - offsetAt(timeZone, wall - DAY), wall - offsetAt(timeZone, wall + DAY)];
  const matching = candidates.filter((instant) => instant + offsetAt(timeZone, instant) === wall).sort((a, b) => a - b);
  if (matching.length) return matching[0]!;
  // In the gap: the clocks jumped over this time; the first instant after the jump.
  const before = wall - offsetAt(timeZone, wall - DAY);
  const after = wall - offsetAt(timeZone, wall + DAY);
  return Math.max(before, after) === before
    ? transitionBetween(timeZone, after, before)
    : transitionBetween(timeZone, before, after);
}

/** The first instant in [from, to] whose offset differs from the offset at `from`. */
function transitionBetween(timeZone: string, from: number, to: number): number {
  const initial = offsetAt(timeZone, from);
  let low = from;
  let high = to;
  while (high - low > MINUTE) {
    const middle = low + Math.floor((high - low) / 2);
    if (offsetAt(timeZone, middle) === initial) low = middle;
    else high = middle;
  }
  return high - (high % MINUTE);
}

/** Adds days to a local calendar date (no time zone involved: calendar arithmetic). */
export function addLocalDays(parts: { year: number; month: number; day: number }, days: number) {
  const date = new Date(Date.UTC(parts.year, parts.month - 1, parts.day + days));
  const weekday = date.getUTCDay();
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    weekday: weekday === 0 ? 7 : weekday,
  };
}

/** The instant local midnight begins, `days` days after a local calendar date, in a time zone. */
export function localMidnightAfter(timeZone: string, date: { year: number; month: number; day: number }, days: number) {
  const next = addLocalDays(date, days);
  return zonedInstant(timeZone, next.year, next.month, next.day, 0, 0);
}

/** "21:30" → 1290. */
export function parseLocalTime(text: string): number {
  const [hours, minutes] = text.split(":").map(Number);
  return hours! * 60 + minutes!;
}

/**
 * The first instant at or after `from` whose local time is `minuteOfDay` on a day that
 * `dayAllowed` accepts (ISO weekday), looking at most `horizonDays` ahead.
 */
export function nextLocalTime(
  from: number,
  timeZone: string,
  minuteOfDay: number,
  dayAllowed: (weekday: number, date: { year: number; month: number; day: number }) => boolean = () => true,
  horizonDays = 400,
): number | null {
  const today = localParts(from, timeZone);
  for (let offset = 0; offset <= horizonDays; offset++) {
    const date = addLocalDays(today, offset);
    if (!dayAllowed(date.weekday, date)) continue;
    const instant = zonedInstant(
      timeZone,
      date.year,
      date.month,
      date.day,
      Math.floor(minuteOfDay / 60),
      minuteOfDay % 60,
    );
    if (instant >= from) return instant;
  }
  return null;
}
