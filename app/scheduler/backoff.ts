// When to try again after a transient failure: exponential backoff with full jitter (so that
// many messages failing together do not retry together), capped, and a limit after which the
// message is given up as failed. Pure: the random draw is passed in.

export const MAX_ATTEMPTS = 8;
const BASE_MS = 30_000;
const CAP_MS = 6 * 3_600_000;

/**
 * Delay before attempt `attempt + 1`, given `attempt` failures so far (1 after the first).
 * `random` is in [0, 1); a provider's Retry-After is honoured as a floor.
 */
export function retryDelay(attempt: number, random: number, retryAfterMs?: number): number {
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + (random * ceiling) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

export function shouldGiveUp(attempt: number): boolean {
  return attempt >= MAX_ATTEMPTS;
}
