// When a webhook that failed is tried again: a fixed ladder (30 s, 2 min, 10 min, 1 h, 6 h,
// 12 h, then daily) with ±10 % jitter, so endpoints that fail together do not all retry
// together; after nine attempts, about three days after the first, the delivery is given up.
// Unlike an erasure (which must reach every system, whatever it takes), an event about a
// preference is stale after a few days; the console can still send it again. Pure.

const LADDER_MS = [30_000, 120_000, 600_000, 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 24 * 3_600_000];

/** Attempts in all: the ninth comes about 67 hours after the first; failing it gives up. */
export const MAX_WEBHOOK_ATTEMPTS = 9;

/**
 * The delay before the next attempt after `attempts` failed ones (1 after the first), or null
 * when that was the last. `random` is in [0, 1); a receiver's Retry-After (at most a day) is a floor.
 */
export function webhookRetryDelay(attempts: number, random: number, retryAfterMs?: number): number | null {
  if (attempts >= MAX_WEBHOOK_ATTEMPTS) return null;
  const base = LADDER_MS[Math.min(Math.max(attempts, 1), LADDER_MS.length) - 1]!;
  const jittered = Math.round(base * (0.9 + 0.2 * random));
  return Math.max(jittered, retryAfterMs ?? 0);
}
