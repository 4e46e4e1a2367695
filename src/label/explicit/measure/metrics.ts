import { contrastRatio, type Polarity, relativeLuminance } from '../contrast.ts';
import type { Box } from '../layout.ts';
import { isInk } from './detect.ts';
import type { Raster } from './raster.ts';

/** What a found label measures, from its own pixels. */
export interface LabelMetrics {
  /** Ink box: pixels nearer the text colour than the plate's (half coverage, as the renderer measures). */
  ink: Box;
  /** The text colour: the median of the most saturated half of the ink pixels (the glyphs' cores). */
  textColour: [number, number, number];
  /** Worst 1% of the text/plate contrast ratios over the plate's padding (robust to single coding artefacts). */
  contrast: number;
  contrastMin: number;
  contrastMedian: number;
  /** Luma halfway between the text colour and the plate's median: the ink/plate boundary used to measure. */
  inkThreshold: number;
  /** Median luma of the plate's padding. */
  plateLuma: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? 0;
};

const grow = (b: Box, d: number): Box => ({ x: b.x - d, y: b.y - d, width: b.width + 2 * d, height: b.height + 2 * d });
const intersect = (a: Box, b: Box): Box => {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - x),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - y),
  };
};
const inside = (b: Box, x: number, y: number): boolean =>
  x >= b.x && y >= b.y && x < b.x + b.width && y < b.y + b.height;

/**
 * Measure a label whose plate and rough ink box are known (in `r`'s coordinates). `inset` keeps the padding sample
 * clear of the plate's anti-aliased outline and of any error in where the plate was located.
 */
export function measureLabel(r: Raster, polarity: Polarity, plate: Box, roughInk: Box, inset = 1): LabelMetrics | null {
  const light = polarity === 'light-on-dark';
  const inner = grow(plate, -inset);
  const near = intersect(grow(roughInk, 2), inner);
  const inkPixels: number[] = [];
  const pads: number[] = [];
  for (let y = Math.max(0, inner.y); y < Math.min(r.height, inner.y + inner.height); y++) {
    for (let x = Math.max(0, inner.x); x < Math.min(r.width, inner.x + inner.width); x++) {
      const p = y * r.width + x;
      if (inside(near, x, y)) {
        if (isInk(r, p, polarity)) inkPixels.push(p);
      } else pads.push(p);
    }
  }
  if (inkPixels.length === 0 || pads.length === 0) return null;
  // The glyph cores: the more extreme half of the ink pixels (edges are mixed with the plate).
  inkPixels.sort((a, b) => (light ? r.luma[b]! - r.luma[a]! : r.luma[a]! - r.luma[b]!));
  const core = inkPixels.slice(0, Math.max(1, inkPixels.length >> 1));
  const textColour: [number, number, number] = [0, 1, 2].map((c) => median(core.map((p) => r.rgb[p * 3 + c]!))) as [
    number,
    number,
    number,
  ];
  const textLuma = 0.2126 * textColour[0] + 0.7152 * textColour[1] + 0.0722 * textColour[2];
  const plateLuma = median(pads.map((p) => r.luma[p]!));
  const threshold = (textLuma + plateLuma) / 2;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = -1;
  let y1 = -1;
  for (let y = Math.max(0, near.y); y < Math.min(r.height, near.y + near.height); y++) {
    for (let x = Math.max(0, near.x); x < Math.min(r.width, near.x + near.width); x++) {
      const l = r.luma[y * r.width + x]!;
      if (light ? l < threshold : l > threshold) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) return null;
  const lt = relativeLuminance(...textColour);
  const ratios = pads
    .map((p) => contrastRatio(lt, relativeLuminance(r.rgb[p * 3]!, r.rgb[p * 3 + 1]!, r.rgb[p * 3 + 2]!)))
    .sort((a, b) => a - b);
  return {
    ink: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 },
    textColour,
    contrast: ratios[Math.floor(0.01 * ratios.length)]!,
    contrastMin: ratios[0]!,
    contrastMedian: ratios[ratios.length >> 1]!,
    inkThreshold: threshold,
    plateLuma,
  };
}
