/**
 * An independent RFC 9162 reference for the tests, sharing no code with src/platform/audit: the definitions of
 * §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (PROOF) written as recursion over leaf lists, and proof verification in
 * the decomposed form of transparency-dev/merkle (proof/verify.go: inner part + border part, 64-bit integers as BigInt)
 * rather than the RFC's loop the library follows.
 */
import { createHash } from 'node:crypto';

export const H = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const refLeafHash = (data: Uint8Array) => H(Buffer.of(0), data);
export const refNodeHash = (l: Uint8Array, r: Uint8Array) => H(Buffer.of(1), l, r);

const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);

/** MTH over leaf hashes. */
export function mth(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return H();
  if (hashes.length === 1) return hashes[0]!;
  const s = k(hashes.length);
  return refNodeHash(mth(hashes.slice(0, s)), mth(hashes.slice(s)));
}

export function path(m: number, hashes: readonly Buffer[]): Buffer[] {
  if (hashes.length <= 1) return [];
  const s = k(hashes.length);
  return m < s
    ? [...path(m, hashes.slice(0, s)), mth(hashes.slice(s))]
    : [...path(m - s, hashes.slice(s)), mth(hashes.slice(0, s))];
}

export function proof(m: number, hashes: readonly Buffer[]): Buffer[] {
  const sub = (m: number, d: readonly Buffer[], b: boolean): Buffer[] => {
    if (m === d.length) return b ? [] : [mth(d)];
    const s = k(d.length);
    return m <= s
      ? [...sub(m, d.slice(0, s), b), mth(d.slice(s))]
      : [...sub(m - s, d.slice(s), false), mth(d.slice(0, s))];
  };
  return sub(m, hashes, true);
}

const bitLen = (x: bigint) => (x === 0n ? 0 : x.toString(2).length);
const ones = (x: bigint) => [...x.toString(2)].filter((c) => c === '1').length;
const trailingZeros = (x: bigint) => {
  let n = 0;
  while (x > 0n && (x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
};

export function refVerifyInclusion(leaf: Buffer, index: number, size: number, p: Buffer[], root: Buffer): boolean {
  const i = BigInt(index);
  const n = BigInt(size);
  if (i >= n) return false;
  const inner = bitLen(i ^ (n - 1n));
  const border = ones(i >> BigInt(inner));
  if (p.length !== inner + border) return false;
  let r = leaf;
  for (let j = 0; j < inner; j++) r = ((i >> BigInt(j)) & 1n) === 0n ? refNodeHash(r, p[j]!) : refNodeHash(p[j]!, r);
  for (let j = inner; j < p.length; j++) r = refNodeHash(p[j]!, r);
  return r.equals(root);
}

export function refVerifyConsistency(size1: number, size2: number, p: Buffer[], root1: Buffer, root2: Buffer): boolean {
  if (size2 < size1 || size1 < 1) return false;
  if (size1 === size2) return p.length === 0 && root1.equals(root2);
  if (p.length === 0) return false;
  const s1 = BigInt(size1);
  const s2 = BigInt(size2);
  let inner = bitLen((s1 - 1n) ^ (s2 - 1n));
  const border = ones((s1 - 1n) >> BigInt(inner));
  const shift = trailingZeros(s1);
  inner -= shift;
  let seed = p[0]!;
  let start = 1;
  if (s1 === 1n << BigInt(shift)) {
    seed = root1;
    start = 0;
  }
  if (p.length !== start + inner + border) return false;
  const rest = p.slice(start);
  const mask = (s1 - 1n) >> BigInt(shift);
  let h1 = seed;
  let h2 = seed;
  for (let j = 0; j < inner; j++) {
    const bit = (mask >> BigInt(j)) & 1n;
    if (bit === 1n) h1 = refNodeHash(rest[j]!, h1);
    h2 = bit === 0n ? refNodeHash(h2, rest[j]!) : refNodeHash(rest[j]!, h2);
  }
  for (let j = inner; j < rest.length; j++) {
    h1 = refNodeHash(rest[j]!, h1);
    h2 = refNodeHash(rest[j]!, h2);
  }
  return h1.equals(root1) && h2.equals(root2);
}
