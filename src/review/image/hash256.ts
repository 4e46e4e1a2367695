/**
 * A 256-bit PDQ hash held as eight 32-bit words, word 0 holding bits 0–31.
 *
 * Bit k is DCT coefficient (k >> 4, k & 15) of the 16×16 block. The hex form is the one ThreatExchange tools print:
 * 64 hex digits, most significant bit (bit 255) first, so the last eight digits are word 0.
 */
import { HeguiError } from '../../errors.ts';

export type Hash256 = Uint32Array;

export const HASH256_WORDS = 8;
const HEX64 = /^[0-9a-fA-F]{64}$/;

export function isHash256Hex(hex: string): boolean {
  return HEX64.test(hex);
}

export function hash256FromHex(hex: string): Hash256 {
  if (!HEX64.test(hex)) throw new HeguiError('usage', 'a PDQ hash must be 64 hex digits', { length: hex.length });
  const h = new Uint32Array(HASH256_WORDS);
  for (let w = 0; w < HASH256_WORDS; w++) {
    const at = (HASH256_WORDS - 1 - w) * 8;
    h[w] = Number.parseInt(hex.slice(at, at + 8), 16) >>> 0;
  }
  return h;
}

export function hash256ToHex(h: Hash256): string {
  let s = '';
  for (let w = HASH256_WORDS - 1; w >= 0; w--) s += h[w]!.toString(16).padStart(8, '0');
  return s;
}

export function setBit(h: Hash256, k: number): void {
  h[k >>> 5]! |= 1 << (k & 31);
}

export function getBit(h: Hash256, k: number): number {
  return (h[k >>> 5]! >>> (k & 31)) & 1;
}

/** Population count of a 32-bit word (SWAR; no table, no branches). */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance between hashes stored at word offsets `ai` of `a` and `bi` of `b`. */
export function hammingAt(a: Uint32Array, ai: number, b: Uint32Array, bi: number): number {
  let d = 0;
  for (let w = 0; w < HASH256_WORDS; w++) d += popcount32((a[ai + w]! ^ b[bi + w]!) >>> 0);
  return d;
}

export function hamming(a: Hash256, b: Hash256): number {
  return hammingAt(a, 0, b, 0);
}
