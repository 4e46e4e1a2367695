/**
 * PDQ perceptual hash (Meta, "The TMK+PDQF and PDQ hashing algorithms", 2019; reference code in
 * facebook/ThreatExchange pdq/): luminance → tent-filter downsample to 64×64 → DCT frequencies 1–16 on each axis →
 * one bit per coefficient, set when it is above the block's median. Quality is a gradient measure of the 64×64 image;
 * below 50 the hash is too unstable to match on.
 */
import { dct64To16 } from './dct.ts';
import { DIHEDRAL, type Dihedral, transformDct } from './dihedral.ts';
import { decimateTo64, jaroszFilter } from './downscale.ts';
import { HASH256_WORDS, type Hash256, setBit } from './hash256.ts';

const f32 = Math.fround;

/** Images smaller than this on either side get the all-zero hash and quality 0, as in the reference. */
export const MIN_HASHABLE_DIM = 5;

export interface PdqResult {
  hash: Hash256;
  /** 0–100; the reference treats < 50 as too featureless to match. */
  quality: number;
  /** The 16×16 DCT block the bits came from (kept so the dihedral hashes need no second pass). */
  dct: Float32Array;
}

/** Luma coefficients (ITU-R BT.601), as float32 like the reference, precomputed per byte value. */
const LUMA_R = Float32Array.from({ length: 256 }, (_, v) => f32(0.299) * v);
const LUMA_G = Float32Array.from({ length: 256 }, (_, v) => f32(0.587) * v);
const LUMA_B = Float32Array.from({ length: 256 }, (_, v) => f32(0.114) * v);

/** Interleaved 8-bit RGB (3 bytes per pixel, row-major) → float32 luminance. */
export function lumaFromRgb(rgb: Uint8Array, pixels: number, out = new Float32Array(pixels)): Float32Array {
  for (let p = 0, q = 0; p < pixels; p++, q += 3)
    out[p] = f32(LUMA_R[rgb[q]!]! + LUMA_G[rgb[q + 1]!]!) + LUMA_B[rgb[q + 2]!]!;
  return out;
}

/**
 * Hash a luminance image. `luma` is consumed (used as filter buffer). Sizes of exactly 64×64 are taken as already
 * downsampled, like the reference does for video frames.
 */
export function pdqFromLuma(luma: Float32Array, rows: number, cols: number): PdqResult {
  if (rows < MIN_HASHABLE_DIM || cols < MIN_HASHABLE_DIM) {
    return { hash: new Uint32Array(HASH256_WORDS), quality: 0, dct: new Float32Array(256) };
  }
  let block: Float32Array;
  if (rows === 64 && cols === 64) block = luma;
  else {
    jaroszFilter(luma, new Float32Array(rows * cols), rows, cols);
    block = new Float32Array(64 * 64);
    decimateTo64(luma, rows, cols, block);
  }
  const quality = qualityOf(block);
  const dct = dct64To16(block);
  return { hash: bitsAboveMedian(dct), quality, dct };
}

/** The hashes of the 8 rotations and flips of the image, all from one DCT block. */
export function dihedralHashes(dct: Float32Array): Record<Dihedral, Hash256> {
  const out = {} as Record<Dihedral, Hash256>;
  const scratch = new Float32Array(256);
  for (const d of DIHEDRAL) out[d] = bitsAboveMedian(transformDct(dct, d, scratch));
  return out;
}

/**
 * Sum of quantised vertical and horizontal gradients (in percent of full scale, truncated towards zero as the
 * reference's int conversion does), divided by 90 and capped at 100: the reference's heuristic.
 */
export function qualityOf(block: Float32Array): number {
  let sum = 0;
  const step = (u: number, v: number) => Math.abs(Math.trunc(f32(f32(f32(u - v) * 100) / 255)));
  for (let i = 0; i < 63; i++) for (let j = 0; j < 64; j++) sum += step(block[i * 64 + j]!, block[(i + 1) * 64 + j]!);
  for (let i = 0; i < 64; i++) for (let j = 0; j < 63; j++) sum += step(block[i * 64 + j]!, block[i * 64 + j + 1]!);
  return Math.min(100, Math.trunc(sum / 90));
}

/** Bit i·16+j is set when coefficient (i, j) exceeds the median (the 128th smallest, as Torben's method returns). */
export function bitsAboveMedian(dct: Float32Array): Hash256 {
  const median = Float32Array.from(dct).sort()[127]!;
  const h = new Uint32Array(HASH256_WORDS);
  for (let k = 0; k < 256; k++) if (dct[k]! > median) setBit(h, k);
  return h;
}
