/**
 * The tree shape of RFC 9162 §2.1.1 for any size n: the left subtree holds the largest power of two smaller than n
 * leaves, so every left subtree is perfect and only the right edge can be partial. Sizes and indices are plain numbers
 * (exact up to 2^53); no 32-bit bit operations.
 */

/** A perfect subtree: 2^level leaves starting at index·2^level. */
export interface Block {
  level: number;
  index: number;
}

/** A half-open leaf range [lo, hi) that appears in the RFC recursion. */
export type LeafRange = readonly [lo: number, hi: number];

/**
 * The storage key of a perfect subtree (level ≥ 1): the index just past its last leaf, times 64, plus its level.
 * Appends complete nodes in increasing order of this key, so the node table only ever grows at its end; exact to
 * 2^47 leaves.
 */
export function nodePos(level: number, index: number): number {
  return (index + 1) * 2 ** level * 64 + level;
}

/** k of RFC 9162 §2.1.1: the largest power of two smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees making up [lo, hi), largest first. For every range of the RFC recursion lo is a multiple of a
 * power of two at least as large as the first block, so MTH(D[lo:hi]) is these blocks folded from the right.
 */
export function blocksOf(lo: number, hi: number): Block[] {
  const out: Block[] = [];
  while (lo < hi) {
    let size = 1;
    while (size * 2 <= hi - lo && lo % (size * 2) === 0) size *= 2;
    const level = Math.log2(size);
    out.push({ level, index: lo / size });
    lo += size;
  }
  return out;
}

/** The ranges whose hashes form PATH(m, D[0:n]) (RFC 9162 §2.1.3.1), bottom first. */
export function inclusionRanges(m: number, n: number): LeafRange[] {
  const out: LeafRange[] = [];
  const walk = (lo: number, hi: number) => {
    if (hi - lo <= 1) return;
    const k = splitPoint(hi - lo);
    if (m < lo + k) {
      walk(lo, lo + k);
      out.push([lo + k, hi]);
    } else {
      walk(lo + k, hi);
      out.push([lo, lo + k]);
    }
  };
  walk(0, n);
  return out;
}

/** The ranges whose hashes form PROOF(m, D[0:n]) (RFC 9162 §2.1.4.1), 0 < m ≤ n. */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  const out: LeafRange[] = [];
  const subproof = (m: number, lo: number, hi: number, whole: boolean) => {
    if (m === hi - lo) {
      if (!whole) out.push([lo, hi]);
      return;
    }
    const k = splitPoint(hi - lo);
    if (m <= k) {
      subproof(m, lo, lo + k, whole);
      out.push([lo + k, hi]);
    } else {
      subproof(m - k, lo + k, hi, false);
      out.push([lo, lo + k]);
    }
  };
  subproof(m, 0, n, true);
  return out;
}
