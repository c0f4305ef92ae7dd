import type { RateLimit } from './types.js';

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterS: number };

/**
 * Fixed-window counter per key, the way most vendor APIs do it: a window opens at the
 * first request, `limit` requests pass, the rest are refused until the window ends.
 * Refused requests do not use up the next window.
 */
export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  check(key: string, limit: RateLimit, now: number): RateDecision {
    let w = this.windows.get(key);
    if (w === undefined || now >= w.start + limit.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= limit.limit) {
      return { allowed: false, retryAfterS: Math.max(1, Math.ceil((w.start + limit.windowMs - now) / 1000)) };
    }
    w.count += 1;
    return { allowed: true, remaining: limit.limit - w.count };
  }

  reset(): void {
    this.windows.clear();
  }
}
