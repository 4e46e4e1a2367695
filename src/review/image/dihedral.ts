/**
 * The eight symmetries of the square, applied to the 16×16 DCT block instead of the image (PDQ paper §4): flipping
 * the image along an axis multiplies the coefficient of frequency u on that axis by (−1)^u, and transposing the image
 * transposes the block. Rows are indexed from frequency 1, so an even row index i is an odd frequency.
 */
export const DIHEDRAL = [
  'original',
  'rotate90',
  'rotate180',
  'rotate270',
  'flipX',
  'flipY',
  'flipPlus1',
  'flipMinus1',
] as const;
export type Dihedral = (typeof DIHEDRAL)[number];

interface Symmetry {
  transpose: boolean;
  /** Sign of coefficient (i, j) of the original block in the transformed block. */
  sign(i: number, j: number): number;
}

const odd = (n: number) => (n & 1) === 1;

const SYMMETRIES: Record<Dihedral, Symmetry> = {
  original: { transpose: false, sign: () => 1 },
  rotate90: { transpose: true, sign: (_i, j) => (odd(j) ? 1 : -1) },
  rotate180: { transpose: false, sign: (i, j) => (odd(i + j) ? -1 : 1) },
  rotate270: { transpose: true, sign: (i) => (odd(i) ? 1 : -1) },
  flipX: { transpose: false, sign: (i) => (odd(i) ? 1 : -1) },
  flipY: { transpose: false, sign: (_i, j) => (odd(j) ? 1 : -1) },
  flipPlus1: { transpose: true, sign: () => 1 },
  flipMinus1: { transpose: true, sign: (i, j) => (odd(i + j) ? -1 : 1) },
};

/** The DCT block of the image transformed by `which`, computed from the block of the original image. */
export function transformDct(dct: Float32Array, which: Dihedral, out = new Float32Array(256)): Float32Array {
  const s = SYMMETRIES[which];
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const v = s.sign(i, j) * dct[i * 16 + j]!;
      out[s.transpose ? j * 16 + i : i * 16 + j] = v;
    }
  }
  return out;
}
