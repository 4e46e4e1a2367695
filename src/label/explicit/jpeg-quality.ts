/**
 * Estimate the quality a JPEG was saved at from its luminance quantisation table, so a re-encoded labelled copy keeps
 * a similar quality instead of a fixed default. Tables scaled from the IJG reference (ITU T.81 Annex K, Table K.1;
 * libjpeg's `jpeg_quality_scaling`) give the exact setting; other encoders' tables (cameras, Photoshop) are matched by
 * the scale of their sum, which is what the quality setting controls.
 */

/** ITU T.81 Table K.1, luminance, natural (row-major) order. */
const K1 = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
  87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
];
const K1_SUM = K1.reduce((a, b) => a + b, 0);

/** T.81 Figure A.6: the natural (row-major) position of each coefficient in the zig-zag order DQT stores them in. */
const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
  55, 62, 63,
];

/** The quality used when the input's cannot be estimated: high enough that re-encoding is not visibly worse. */
export const DEFAULT_JPEG_QUALITY = 90;

const DQT = 0xdb;
const SOS = 0xda;

/** The luminance (id 0) quantisation table in natural order, from the header segments; null if absent. */
export function luminanceTable(bytes: Uint8Array): number[] | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let pos = 2;
  // Header segments only, each bounded by the file: a bad length ends the walk, it is never trusted.
  for (let segments = 0; pos + 4 <= bytes.length && segments < 65_536; segments++) {
    if (bytes[pos] !== 0xff) return null;
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === SOS) return null;
    const len = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    if (len < 2 || pos + 2 + len > bytes.length) return null;
    if (marker === DQT) {
      let p = pos + 4;
      const end = pos + 2 + len;
      while (p < end) {
        const precision = bytes[p]! >> 4;
        const id = bytes[p]! & 15;
        const size = precision ? 128 : 64;
        if (p + 1 + size > end) return null;
        if (id === 0) {
          const table = new Array<number>(64);
          for (let z = 0; z < 64; z++) {
            table[ZIGZAG[z]!] = precision ? (bytes[p + 1 + 2 * z]! << 8) | bytes[p + 2 + 2 * z]! : bytes[p + 1 + z]!;
          }
          return table;
        }
        p += 1 + size;
      }
    }
    pos += 2 + len;
  }
  return null;
}

/** libjpeg's `jpeg_quality_scaling` and `jpeg_add_quant_table` (baseline: entries clamped to 1–255). */
function ijgTable(q: number): number[] {
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  return K1.map((v) => Math.min(255, Math.max(1, Math.floor((v * scale + 50) / 100))));
}

/** The estimated quality (1–100) of a JPEG, or null when it has no usable luminance table. */
export function estimateJpegQuality(bytes: Uint8Array): number | null {
  const table = luminanceTable(bytes);
  if (!table || table.some((v) => v < 1)) return null;
  let best = 0;
  let bestError = Number.POSITIVE_INFINITY;
  for (let q = 1; q <= 100; q++) {
    const t = ijgTable(q);
    let err = 0;
    for (let i = 0; i < 64; i++) err += Math.abs(t[i]! - table[i]!);
    if (err < bestError) {
      bestError = err;
      best = q;
    }
  }
  if (bestError <= 64) return best;
  // Not an IJG-scaled table: invert the scaling on the table's sum.
  const s = (100 * table.reduce((a, b) => a + b, 0)) / K1_SUM;
  const q = s <= 100 ? (200 - s) / 2 : 5000 / s;
  return Math.min(100, Math.max(1, Math.round(q)));
}
