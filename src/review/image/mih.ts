/**
 * Multi-index hashing (Norouzi, Punjani, Fleet, "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012)
 * for 256-bit PDQ hashes.
 *
 * Each hash is cut into 16 chunks of 16 bits. If two hashes are within distance r, then by the pigeonhole principle
 * at least one chunk differs in at most ⌊r / 16⌋ bits — for PDQ's r = 31, at most one bit. So a query probes, per
 * chunk, the bucket of its own chunk value and of the 16 one-bit neighbours (272 buckets), and checks every hash found
 * there with the full Hamming distance. Nothing within r is missed; results equal a linear scan.
 *
 * Storage is compact and flat: the hashes (32 bytes each) and, per chunk, a bucket table in CSR form (65,537 offsets and
 * one 4-byte position per hash): about 96 bytes per hash plus 4 MiB.
 */
import { HASH256_WORDS, type Hash256, hammingAt, popcount32 } from './hash256.ts';

const CHUNKS = 16;
const BUCKETS = 1 << 16;

export interface IndexMatch {
  /** Position of the hash in the order it was given to `build`. */
  index: number;
  distance: number;
}

/** Every 16-bit mask with at most s bits set, lightest first; built once per s. */
const maskCache: Uint16Array[] = [];
function masksUpTo(s: number): Uint16Array {
  let m = maskCache[s];
  if (!m) {
    const all = Array.from({ length: BUCKETS }, (_, v) => v).filter((v) => popcount32(v) <= s);
    m = Uint16Array.from(all.sort((x, y) => popcount32(x) - popcount32(y) || x - y));
    maskCache[s] = m;
  }
  return m;
}

const chunkOf = (hashes: Uint32Array, at: number, c: number): number => {
  const word = hashes[at + (c >> 1)]!;
  return c & 1 ? word >>> 16 : word & 0xffff;
};

export class PdqIndex {
  /** Number of hashes. */
  readonly size: number;
  /** size × 8 words, hash i at words 8i … 8i + 7. */
  readonly hashes: Uint32Array;
  /** Per chunk c, bucket v holds positions ids[c·size + offsets[c·65537 + v] …]. */
  private readonly offsets: Uint32Array;
  private readonly ids: Uint32Array;

  private constructor(hashes: Uint32Array) {
    this.size = hashes.length / HASH256_WORDS;
    this.hashes = hashes;
    this.offsets = new Uint32Array(CHUNKS * (BUCKETS + 1));
    this.ids = new Uint32Array(CHUNKS * this.size);
    this.fillBuckets();
  }

  /** Build from hashes laid end to end (8 words each). The array is kept, not copied. */
  static build(hashes: Uint32Array): PdqIndex {
    if (hashes.length % HASH256_WORDS !== 0) throw new RangeError('hash array length must be a multiple of 8 words');
    return new PdqIndex(hashes);
  }

  static fromHashes(list: readonly Hash256[]): PdqIndex {
    const flat = new Uint32Array(list.length * HASH256_WORDS);
    for (let i = 0; i < list.length; i++) flat.set(list[i]!, i * HASH256_WORDS);
    return new PdqIndex(flat);
  }

  /** Counting sort of positions by chunk value, one chunk at a time. */
  private fillBuckets(): void {
    const n = this.size;
    for (let c = 0; c < CHUNKS; c++) {
      const off = this.offsets.subarray(c * (BUCKETS + 1), (c + 1) * (BUCKETS + 1));
      for (let i = 0; i < n; i++) off[chunkOf(this.hashes, i * HASH256_WORDS, c) + 1]!++;
      for (let v = 0; v < BUCKETS; v++) off[v + 1]! += off[v]!;
      const cursor = off.slice(0, BUCKETS);
      const ids = this.ids.subarray(c * n, (c + 1) * n);
      for (let i = 0; i < n; i++) ids[cursor[chunkOf(this.hashes, i * HASH256_WORDS, c)]!++] = i;
    }
  }

  /** Every indexed hash within `radius` of `q`, nearest first (ties by position). */
  query(q: Hash256, radius = 31): IndexMatch[] {
    const out: IndexMatch[] = [];
    if (this.size === 0 || radius < 0) return out;
    // A near hash shows up through several chunks: keep one result per position. Far hashes that share one chunk
    // with the query are re-checked when they share another, which is rarer than a per-hash marker array is slow.
    const found = new Map<number, number>();
    const n = this.size;
    const { offsets, ids, hashes } = this;
    const q0 = q[0]!,
      q1 = q[1]!,
      q2 = q[2]!,
      q3 = q[3]!,
      q4 = q[4]!,
      q5 = q[5]!,
      q6 = q[6]!,
      q7 = q[7]!;
    const masks = masksUpTo(Math.min(16, Math.floor(radius / CHUNKS)));
    for (let c = 0; c < CHUNKS; c++) {
      const qv = chunkOf(q, 0, c);
      const offBase = c * (BUCKETS + 1);
      const idBase = c * n;
      for (let mi = 0; mi < masks.length; mi++) {
        const v = offBase + (qv ^ masks[mi]!);
        const end = idBase + offsets[v + 1]!;
        for (let k = idBase + offsets[v]!; k < end; k++) {
          const i = ids[k]!;
          const b = i * HASH256_WORDS;
          // Half the words first: a random 128-bit half differs in ~64 bits, far over any useful radius.
          const h =
            popcount32(hashes[b]! ^ q0) +
            popcount32(hashes[b + 1]! ^ q1) +
            popcount32(hashes[b + 2]! ^ q2) +
            popcount32(hashes[b + 3]! ^ q3);
          if (h > radius) continue;
          const d =
            h +
            popcount32(hashes[b + 4]! ^ q4) +
            popcount32(hashes[b + 5]! ^ q5) +
            popcount32(hashes[b + 6]! ^ q6) +
            popcount32(hashes[b + 7]! ^ q7);
          if (d <= radius) found.set(i, d);
        }
      }
    }
    for (const [index, distance] of found) out.push({ index, distance });
    return out.sort((a, b) => a.distance - b.distance || a.index - b.index);
  }

  /** The hash at a position (a view, not a copy). */
  hashAt(index: number): Hash256 {
    return this.hashes.subarray(index * HASH256_WORDS, (index + 1) * HASH256_WORDS);
  }
}

/** Linear scan: the definition `PdqIndex.query` must agree with, and the baseline it is measured against. */
export function bruteForceQuery(hashes: Uint32Array, q: Hash256, radius = 31): IndexMatch[] {
  const out: IndexMatch[] = [];
  const n = hashes.length / HASH256_WORDS;
  for (let i = 0; i < n; i++) {
    const d = hammingAt(hashes, i * HASH256_WORDS, q, 0);
    if (d <= radius) out.push({ index: i, distance: d });
  }
  return out.sort((a, b) => a.distance - b.distance || a.index - b.index);
}
