/**
 * Exact-match bank of SHA-256 file digests: catches byte-identical copies of a known file, including files PDQ
 * cannot hash (undecodable or featureless images) and non-image media.
 */

const HEX = /^[0-9a-fA-F]{64}$/;

export function isSha256Hex(hex: string): boolean {
  return HEX.test(hex);
}

export class Sha256Bank {
  /** Lower-case hex digest → positions of the entries that carry it. */
  private readonly map = new Map<string, number[]>();

  add(hex: string, position: number): void {
    if (!HEX.test(hex)) throw new RangeError('a SHA-256 digest must be 64 hex digits');
    const key = hex.toLowerCase();
    const list = this.map.get(key);
    if (list) list.push(position);
    else this.map.set(key, [position]);
  }

  has(hex: string): boolean {
    return this.map.has(hex.toLowerCase());
  }

  /** Positions registered under the digest, in insertion order; empty when unknown. */
  lookup(hex: string): readonly number[] {
    return this.map.get(hex.toLowerCase()) ?? [];
  }

  /** Number of distinct digests. */
  get size(): number {
    return this.map.size;
  }
}
