/**
 * Labelled images served by `response_format: "url"`: kept in memory under an unguessable token for a short time,
 * then gone. The total is bounded (the oldest go first), so many url requests cannot exhaust memory.
 */
import { randomBytes } from 'node:crypto';

interface Held {
  bytes: Uint8Array;
  contentType: string;
  expiresAt: number;
}

export class ImageLinks {
  readonly #held = new Map<string, Held>();
  #total = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxTotalBytes = 256 * 1024 * 1024,
    private readonly now: () => number = Date.now,
  ) {}

  put(bytes: Uint8Array, contentType: string): string {
    this.#sweep();
    const token = randomBytes(24).toString('base64url');
    this.#held.set(token, { bytes, contentType, expiresAt: this.now() + this.ttlMs });
    this.#total += bytes.byteLength;
    // Map order is insertion order: the first entries are the oldest.
    for (const [k, v] of this.#held) {
      if (this.#total <= this.maxTotalBytes || k === token) break;
      this.#held.delete(k);
      this.#total -= v.bytes.byteLength;
    }
    return token;
  }

  get(token: string): Held | undefined {
    const h = this.#held.get(token);
    if (!h) return undefined;
    if (h.expiresAt <= this.now()) {
      this.#held.delete(token);
      this.#total -= h.bytes.byteLength;
      return undefined;
    }
    return h;
  }

  #sweep(): void {
    const t = this.now();
    for (const [k, v] of this.#held) {
      if (v.expiresAt > t) continue;
      this.#held.delete(k);
      this.#total -= v.bytes.byteLength;
    }
  }
}
