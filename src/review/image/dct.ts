/**
 * The part of the 64×64 two-dimensional DCT-II that PDQ keeps: frequencies 1–16 on each axis (frequency 0, the mean,
 * carries no structure). B = D · A · Dᵀ with D the 16×64 DCT matrix, in single precision as in the reference.
 */
const f32 = Math.fround;

/** D[i][j] = √(2/64) · cos(π/128 · (i + 1) · (2j + 1)), row-major 16×64. */
const DCT_16x64 = (() => {
  const scale = f32(Math.sqrt(2 / 64));
  const d = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++)
    for (let j = 0; j < 64; j++) d[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
  return d;
})();

/** 64×64 row-major input → 16×16 row-major output (row index = vertical frequency − 1). */
export function dct64To16(a: Float32Array, out: Float32Array = new Float32Array(256)): Float32Array {
  const d = DCT_16x64;
  const t = new Float32Array(16 * 64); // T = D · A
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = f32(s + f32(d[i * 64 + k]! * a[k * 64 + j]!));
      t[i * 64 + j] = s;
    }
  }
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = f32(s + f32(t[i * 64 + k]! * d[j * 64 + k]!));
      out[i * 16 + j] = s;
    }
  }
  return out;
}
