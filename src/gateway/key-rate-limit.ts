/**
 * A rate limit per API key (per account for a session): a token bucket of `burst` requests refilled at `perMinute`.
 * One key cannot take the upstream's capacity from everyone else; the answer to a request over the limit says when to
 * retry. The buckets are per instance (several instances each allow the rate), and idle ones are dropped.
 */
import { GatewayError } from './openai-error.ts';

export interface KeyRateLimitConfig {
  perMinute: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets untouched for this long are full again and are forgotten. */
const IDLE_MS = 10 * 60_000;

export class KeyRateLimit {
  readonly #buckets = new Map<string, Bucket>();
  #sweptAt = 0;

  constructor(
    private readonly config: KeyRateLimitConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Take one request for `key`, or throw `rate_limited` with the seconds until one is free. */
  take(key: string): void {
    const now = this.now();
    this.#sweep(now);
    const perMs = this.config.perMinute / 60_000;
    const b = this.#buckets.get(key) ?? { tokens: this.config.burst, at: now };
    b.tokens = Math.min(this.config.burst, b.tokens + (now - b.at) * perMs);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
      throw new GatewayError('rate_limited', `too many requests with this API key; retry in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
    b.tokens -= 1;
  }

  #sweep(now: number): void {
    if (now - this.#sweptAt < IDLE_MS) return;
    this.#sweptAt = now;
    for (const [k, b] of this.#buckets) if (now - b.at > IDLE_MS) this.#buckets.delete(k);
  }
}
