/** A decoded picture as the checker sees it: 8-bit RGB, row-major, with luminance precomputed. */
export interface Raster {
  width: number;
  height: number;
  rgb: Uint8Array;
  /** Luma in 8-bit units (BT.709 weights on the coded values): enough to tell ink from plate. */
  luma: Uint8Array;
  /** Spread between the largest and smallest channel: the label draws only in greys. */
  chroma: Uint8Array;
}

/** Build a raster from raw pixels of 1–4 channels (alpha, if any, is ignored: the checker sees what is stored). */
export function toRaster(data: Uint8Array, width: number, height: number, channels: number): Raster {
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  const luma = new Uint8Array(n);
  const chroma = new Uint8Array(n);
  const colour = channels >= 3;
  for (let p = 0; p < n; p++) {
    const i = p * channels;
    const r = data[i]!;
    const g = colour ? data[i + 1]! : r;
    const b = colour ? data[i + 2]! : r;
    rgb[p * 3] = r;
    rgb[p * 3 + 1] = g;
    rgb[p * 3 + 2] = b;
    luma[p] = Math.round(0.2126 * r + 0.7152 * g + 0.0722 * b);
    chroma[p] = Math.max(r, g, b) - Math.min(r, g, b);
  }
  return { width, height, rgb, luma, chroma };
}

/** Summed-area table of a 0/1 mask: `sum(x0, y0, x1, y1)` counts set pixels in [x0, x1) × [y0, y1) in O(1). */
export class MaskSums {
  private readonly t: Int32Array;
  private readonly w: number;

  constructor(mask: Uint8Array, width: number, height: number) {
    const w = width + 1;
    const t = new Int32Array(w * (height + 1));
    for (let y = 0; y < height; y++) {
      let row = 0;
      for (let x = 0; x < width; x++) {
        row += mask[y * width + x]!;
        t[(y + 1) * w + x + 1] = t[y * w + x + 1]! + row;
      }
    }
    this.t = t;
    this.w = w;
  }

  sum(x0: number, y0: number, x1: number, y1: number): number {
    if (x1 <= x0 || y1 <= y0) return 0;
    const w = this.w;
    const t = this.t;
    return t[y1 * w + x1]! - t[y0 * w + x1]! - t[y1 * w + x0]! + t[y0 * w + x0]!;
  }
}
