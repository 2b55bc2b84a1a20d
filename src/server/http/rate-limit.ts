/**
 * Per-identity call rate over a sliding one-minute window (policy `limits.requestsPerMinute`).
 * Exact, not approximate: it keeps the times of the calls it let through in the last window,
 * which is at most `limit` numbers per identity.
 */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class SlidingWindowLimiter {
  private readonly calls = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
  ) {}

  /** Takes `cost` calls for `key` at time `now`, all or none. */
  take(key: string, now: number, cost = 1): RateDecision {
    const since = now - this.windowMs;
    const recent = (this.calls.get(key) ?? []).filter((at) => at > since);
    if (recent.length + cost > this.limit) {
      this.calls.set(key, recent);
      // The call frees up when enough of the oldest calls leave the window.
      const freedBy = recent[Math.min(recent.length - 1, Math.max(0, recent.length + cost - this.limit - 1))] ?? now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freedBy + this.windowMs - now) / 1000)) };
    }
    for (let i = 0; i < cost; i++) recent.push(now);
    this.calls.set(key, recent);
    return { allowed: true };
  }
}
