/**
 * Login throttling (GB/T 22239-2019 8.1.4.1 b: limit failed logins): after `maxFailures` failures within `windowMs`
 * for the same user name, or 4× that from the same address, further attempts are refused until the window has moved
 * on. Success clears the user name's count. Counts live behind LoginAttemptStore so several server instances can share
 * them in the database.
 */
export interface LoginAttemptStore {
  /** Record a failure for the key at `at` (ms) and return the failures within [since, at]. */
  fail(key: string, at: number, since: number): Promise<number>;
  /** Failures since `since` and the time of the oldest one counted (to compute Retry-After). */
  count(key: string, since: number): Promise<{ failures: number; oldest?: number }>;
  clear(key: string): Promise<void>;
}

export interface LoginThrottleOptions {
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { maxFailures: 5, windowMs: 15 * 60_000 };

export class LoginThrottle {
  constructor(
    private readonly store: LoginAttemptStore,
    private readonly o: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
  ) {}

  /** Milliseconds to wait before another attempt is allowed; 0 when allowed now. */
  async blockedFor(username: string, ip: string, now: number): Promise<number> {
    const since = now - this.o.windowMs;
    const checks: [string, number][] = [
      [`user:${username}`, this.o.maxFailures],
      [`ip:${ip}`, this.o.maxFailures * 4],
    ];
    let wait = 0;
    for (const [key, limit] of checks) {
      const c = await this.store.count(key, since);
      if (c.failures >= limit && c.oldest !== undefined) wait = Math.max(wait, c.oldest + this.o.windowMs - now);
    }
    return Math.max(0, wait);
  }

  async failed(username: string, ip: string, now: number): Promise<void> {
    const since = now - this.o.windowMs;
    await this.store.fail(`user:${username}`, now, since);
    await this.store.fail(`ip:${ip}`, now, since);
  }

  async succeeded(username: string): Promise<void> {
    await this.store.clear(`user:${username}`);
  }
}
