/**
 * Independent checks for explicit labels: the label is found by diffing the output against the input (decoded by
 * sharp), never by the library's own detector, and measured with plain formulas written out here.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';

export interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Upright 8-bit RGB pixels of an image (alpha flattened onto black, as compared pixels must have one meaning). */
export async function rgb(input: string | Uint8Array): Promise<Pixels> {
  const { data, info } = await sharp(input).autoOrient().removeAlpha().toColourspace('srgb').raw().toBuffer({
    resolveWithObject: true,
  });
  if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

const luma = (d: Buffer, p: number) => 0.2126 * d[p * 3]! + 0.7152 * d[p * 3 + 1]! + 0.0722 * d[p * 3 + 2]!;

/** WCAG 2 relative luminance of an 8-bit sRGB colour, written out again here on purpose (not imported). */
export function wcagLuminance(r: number, g: number, b: number): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
export const wcagRatio = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** Bounding box of the pixels whose largest channel difference exceeds `threshold`, or null. */
export function changedBox(a: Pixels, b: Pixels, threshold: number): Rect | null {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const p = (y * a.width + x) * 3;
      const d = Math.max(
        Math.abs(a.data[p]! - b.data[p]!),
        Math.abs(a.data[p + 1]! - b.data[p + 1]!),
        Math.abs(a.data[p + 2]! - b.data[p + 2]!),
      );
      if (d <= threshold) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

export const contains = (outer: Rect, inner: Rect, slack = 0): boolean =>
  inner.x >= outer.x - slack &&
  inner.y >= outer.y - slack &&
  inner.x + inner.width <= outer.x + outer.width + slack &&
  inner.y + inner.height <= outer.y + outer.height + slack;

export interface InkMeasure {
  ink: Rect;
  /** Worst 1% and worst pixel of text/plate contrast over the plate outside the ink box. */
  contrast1: number;
  contrastMin: number;
}

/**
 * Measure the label inside `plate` of the output: the text is near `textLevel` (0 or 255); the plate's level is the
 * median luma of the pixels far from it; ink is every pixel past the midpoint towards the text.
 */
export function measureInk(out: Pixels, plate: Rect, textLevel: number): InkMeasure {
  // Leave out the plate's rounded corners (the background shows through there): a border of 12% of its height.
  const s = Math.ceil(0.12 * plate.height);
  const inner = { x: plate.x + s, y: plate.y + s, width: plate.width - 2 * s, height: plate.height - 2 * s };
  const inPlate: number[] = [];
  for (let y = inner.y; y < inner.y + inner.height; y++)
    for (let x = inner.x; x < inner.x + inner.width; x++) inPlate.push(y * out.width + x);
  const far = inPlate.map((p) => luma(out.data, p)).filter((l) => Math.abs(l - textLevel) > 100);
  far.sort((a, b) => a - b);
  const plateLuma = far[far.length >> 1] ?? 255 - textLevel;
  const mid = (plateLuma + textLevel) / 2;
  const isInk = (p: number) => (textLevel > mid ? luma(out.data, p) >= mid : luma(out.data, p) <= mid);
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = -1;
  let y1 = -1;
  for (const p of inPlate) {
    if (!isInk(p)) continue;
    const x = p % out.width;
    const y = Math.floor(p / out.width);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  const ink = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  const core = inPlate.filter((p) => Math.abs(luma(out.data, p) - textLevel) < 40);
  const med = (c: number) => {
    const v = core.map((p) => out.data[p * 3 + c]!).sort((a, b) => a - b);
    return v[v.length >> 1] ?? textLevel;
  };
  const lt = wcagLuminance(med(0), med(1), med(2));
  const ratios: number[] = [];
  for (const p of inPlate) {
    const x = p % out.width;
    const y = Math.floor(p / out.width);
    // The plate around the text: outside the ink box grown by 2 px, inside the plate shrunk by 1 px.
    if (x >= ink.x - 2 && x < ink.x + ink.width + 2 && y >= ink.y - 2 && y < ink.y + ink.height + 2) continue;
    const d = out.data;
    ratios.push(wcagRatio(lt, wcagLuminance(d[p * 3]!, d[p * 3 + 1]!, d[p * 3 + 2]!)));
  }
  ratios.sort((a, b) => a - b);
  return { ink, contrast1: ratios[Math.floor(0.01 * ratios.length)] ?? 0, contrastMin: ratios[0] ?? 0 };
}

/** PSNR (dB) between two images over the pixels outside `box` grown by `margin`. */
export function psnrOutside(a: Pixels, b: Pixels, box: Rect, margin: number): number {
  let se = 0;
  let n = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (
        x >= box.x - margin &&
        x < box.x + box.width + margin &&
        y >= box.y - margin &&
        y < box.y + box.height + margin
      )
        continue;
      const p = (y * a.width + x) * 3;
      for (let c = 0; c < 3; c++) se += (a.data[p + c]! - b.data[p + c]!) ** 2;
      n += 3;
    }
  }
  return se === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255 * n) / se);
}

/** A deterministic noise picture (xorshift), the hardest background for a plate: every level, every colour. */
export function noise(width: number, height: number, seed = 1): Sharp {
  const data = Buffer.alloc(width * height * 3);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = s & 255;
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

export const solid = (width: number, height: number, colour: string): Sharp =>
  sharp({ create: { width, height, channels: 3, background: colour } });

/**
 * Shared read-only test data, or null when it is not there: `$HEGUI_TESTDATA`, else `shared/testdata` beside the
 * repository folder, else one level further up (a repository checked out as a worktree in a subfolder).
 */
export function testdata(rel: string): string | null {
  const candidates = [
    ...(process.env['HEGUI_TESTDATA'] ? [`${process.env['HEGUI_TESTDATA']}/${rel}`] : []),
    fileURLToPath(new URL(`../../../shared/testdata/${rel}`, import.meta.url)),
    fileURLToPath(new URL(`../../../../shared/testdata/${rel}`, import.meta.url)),
  ];
  return candidates.find((p) => existsSync(p)) ?? null;
}
