/**
 * Token buckets per route and client address for public routes (login, registration, verification, documents), and
 * per API key in the gateway: `burst` requests at once, refilled at `perMinute`. A request without a token gets 429
 * `rate_limited` with Retry-After. Buckets live in this process (each instance limits on its own); full, idle buckets
 * are dropped.
 */
import { HeguiError } from '../errors.ts';

export interface RateLimit {
  burst: number;
  perMinute: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Takes one token or throws `rate_limited` with the seconds until one is available. */
  take(key: string, limit: RateLimit): void {
    const now = this.now();
    const rate = limit.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
      throw new HeguiError('rate_limited', 'too many requests; slow down', { retryAfterSeconds });
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > MAX_BUCKETS) this.prune(limit);
  }

  private prune(limit: RateLimit): void {
    const now = this.now();
    const rate = limit.perMinute / 60_000;
    for (const [k, b] of this.buckets) if (b.tokens + (now - b.at) * rate >= limit.burst) this.buckets.delete(k);
  }
}
