// Token buckets, in memory: `rate` tokens a second up to `burst`, one per request. Per process:
// with several processes each enforces its own share, which is the point (protect the process).
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {}

  /** Takes a token for `key`; when none is left, the seconds until one is. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfter: number } {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    if (this.buckets.size > 50_000) this.forgetFull(now);
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate)) };
    bucket.tokens -= 1;
    return { ok: true };
  }

  /** Whether `key` would be refused now, without taking a token. */
  exhausted(key: string, now = Date.now()): boolean {
    const bucket = this.buckets.get(key);
    if (!bucket) return false;
    return Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate) < 1;
  }

  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.rate >= this.burst) this.buckets.delete(key);
    }
  }
}
