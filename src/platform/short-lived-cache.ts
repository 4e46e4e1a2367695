/**
 * A per-instance cache of answers that may be at most `ttlMs` old. Concurrent callers asking for the same key share one
 * load. The age counts from the start of the load that read the answer. `clear()` drops everything at once, loads in
 * flight included: an answer being read while a write commits goes to the callers already waiting for it and is not
 * kept, so no caller that arrives after the write is given an answer from before it.
 */
export interface ShortLivedCacheOptions {
  ttlMs: number;
  /** Beyond this many keys the oldest are dropped (a bound on memory, not on staleness). */
  maxEntries?: number;
  /** Milliseconds (the platform's clock, so tests can move it). */
  now?: () => number;
}

interface Held<V> {
  value: Promise<V>;
  /** undefined while the load is in flight. */
  expiresAt: number | undefined;
}

export class ShortLivedCache<V> {
  readonly #held = new Map<string, Held<V>>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(o: ShortLivedCacheOptions) {
    this.#ttlMs = Math.max(0, o.ttlMs);
    this.#max = Math.max(1, o.maxEntries ?? 10_000);
    this.#now = o.now ?? Date.now;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  get size(): number {
    return this.#held.size;
  }

  /**
   * The held answer for `key`, or `load()`'s. `undefined` answers and failures are not kept (a key that is refused
   * now may be valid a moment later, and a failed read says nothing about the answer).
   */
  get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    if (this.#ttlMs === 0) return load();
    const held = this.#held.get(key);
    if (held && (held.expiresAt === undefined || held.expiresAt > this.#now())) return held.value;
    if (held) this.#held.delete(key);
    const started = this.#now();
    const value = load();
    const entry: Held<V> = { value: value as Promise<V>, expiresAt: undefined };
    this.#held.set(key, entry);
    if (this.#held.size > this.#max) this.#held.delete(this.#held.keys().next().value!);
    value.then(
      (v) => {
        // Not ours any more: cleared (or evicted) while loading.
        if (this.#held.get(key) !== entry) return;
        if (v === undefined) this.#held.delete(key);
        else entry.expiresAt = started + this.#ttlMs;
      },
      () => {
        if (this.#held.get(key) === entry) this.#held.delete(key);
      },
    );
    return value;
  }

  delete(key: string): void {
    this.#held.delete(key);
  }

  /** Forget every answer, and every load in flight. */
  clear(): void {
    this.#held.clear();
  }
}
