import type { Polarity } from '../contrast.ts';
import { type Box, edgeMargin, LABEL_POSITIONS, type LabelPosition, padX, padY } from '../layout.ts';
import { MaskSums, type Raster } from './raster.ts';

/**
 * Finding a Hegui label in a picture from its pixels alone (no original to compare with, no record of where it was
 * drawn: a file may have been edited since). The renderer's layout is known (layout.ts): a plate at the edge margin
 * of a corner or edge, the text's ink box inside it with padding proportional to the ink height. So for every
 * position, polarity and ink height h the plate's anchored edges and the ink rows are predicted, and a hypothesis
 * holds when the ink sits where predicted, the padding around it has no ink, and the padding looks like a plate.
 */

/** Rough classes, used only to find the label; the measurement then uses thresholds taken from the label itself. */
const INK_LIGHT_MIN = 170;
const INK_DARK_MAX = 85;
const NEUTRAL_MAX = 64;
/** A plate is at least 60% opaque: a dark one leaves at most 102 of white showing through, a light one at least 153. */
const DARK_PLATE_MAX = 140;
const LIGHT_PLATE_MIN = 115;
/** Share of padding pixels that must look like plate. */
const PLATE_SHARE = 0.97;
/** Smallest ink height searched for (the renderer never draws under 8 px). */
const MIN_H = 7;
/** Largest share of the shortest side searched for (the renderer allows 0.25). */
const MAX_H_RATIO = 0.3;

export interface Located {
  position: LabelPosition;
  polarity: Polarity;
  plate: Box;
  ink: Box;
}

type Anchor = 'start' | 'centre' | 'end';
const ANCHORS: Record<LabelPosition, { x: Anchor; y: Anchor }> = {
  'top-left': { x: 'start', y: 'start' },
  'top-right': { x: 'end', y: 'start' },
  'bottom-left': { x: 'start', y: 'end' },
  'bottom-right': { x: 'end', y: 'end' },
  top: { x: 'centre', y: 'start' },
  bottom: { x: 'centre', y: 'end' },
  left: { x: 'start', y: 'centre' },
  right: { x: 'end', y: 'centre' },
};

/** Pixel `p` of `r` looks like the text of a label of this polarity (a near-white or near-black grey). */
export function isInk(r: Raster, p: number, polarity: Polarity): boolean {
  if (r.chroma[p]! > NEUTRAL_MAX) return false;
  const y = r.luma[p]!;
  return polarity === 'light-on-dark' ? y >= INK_LIGHT_MIN : y <= INK_DARK_MAX;
}

export function inkMask(r: Raster, polarity: Polarity): Uint8Array {
  const out = new Uint8Array(r.width * r.height);
  for (let p = 0; p < out.length; p++) out[p] = isInk(r, p, polarity) ? 1 : 0;
  return out;
}

export const plateLike = (polarity: Polarity, luma: number): boolean =>
  polarity === 'light-on-dark' ? luma <= DARK_PLATE_MAX : luma >= LIGHT_PLATE_MIN;

interface Hypothesis {
  located: Located;
  score: number;
}

class Search {
  private readonly sums: MaskSums;
  private readonly m: number;

  constructor(
    private readonly r: Raster,
    private readonly polarity: Polarity,
    mask: Uint8Array,
    /** Pixels a predicted edge may be off by (more when searching a reduced copy of the picture). */
    private readonly tol: number,
  ) {
    this.sums = new MaskSums(mask, r.width, r.height);
    this.m = edgeMargin(Math.min(r.width, r.height));
  }

  private colInk(x: number, y0: number, y1: number): boolean {
    return this.sums.sum(x, y0, x + 1, y1) > 0;
  }

  /** From `from`, walk in `dir` while the gaps between ink columns stay under `gap`; the last ink column, or -1. */
  private extent(from: number, dir: 1 | -1, y0: number, y1: number, gap: number, lo: number, hi: number): number {
    let last = -1;
    let run = 0;
    for (let x = from; x >= lo && x < hi; x += dir) {
      if (this.colInk(x, y0, y1)) {
        last = x;
        run = 0;
      } else if (++run >= gap) break;
    }
    return last;
  }

  /** The ink's columns [left, right) for a hypothesis of ink rows [y0, y1) and height h, or null. */
  private columns(anchor: Anchor, h: number, y0: number, y1: number): [number, number] | null {
    const { width: W } = this.r;
    const m = this.m;
    const px = padX(h);
    // Internal gaps (a space between words) stay under 0.45 h; the padding is 0.6 h.
    const gap = Math.ceil(0.5 * h);
    const lo = m + 1;
    const hi = W - m - 1;
    if (anchor === 'start') {
      let first = -1;
      for (let x = lo; x <= m + px + this.tol && x < hi; x++) {
        if (this.colInk(x, y0, y1)) {
          first = x;
          break;
        }
      }
      if (first < 0 || Math.abs(first - (m + px)) > this.tol) return null;
      const last = this.extent(first, 1, y0, y1, gap, lo, hi);
      return [first, last + 1];
    }
    if (anchor === 'end') {
      const expected = W - m - px - 1;
      let first = -1;
      for (let x = hi - 1; x >= expected - this.tol && x >= lo; x--) {
        if (this.colInk(x, y0, y1)) {
          first = x;
          break;
        }
      }
      if (first < 0 || Math.abs(first - expected) > this.tol) return null;
      const last = this.extent(first, -1, y0, y1, gap, lo, hi);
      return [last, first + 1];
    }
    const c = Math.floor(W / 2);
    const left = this.extent(c, -1, y0, y1, gap, lo, hi);
    const right = this.extent(c, 1, y0, y1, gap, lo, hi);
    if (left < 0 || right < 0) return null;
    // Centred: the renderer puts the plate at floor((W - w) / 2), so the ink box's centre is within a pixel of W / 2.
    if (Math.abs(left + right + 1 - W) > 2 + this.tol) return null;
    return [left, right + 1];
  }

  try(position: LabelPosition, h: number): Hypothesis | null {
    const { width: W, height: H } = this.r;
    const m = this.m;
    const a = ANCHORS[position];
    const py = padY(h);
    const px = padX(h);
    const plateH = h + 2 * py;
    const plateTop = a.y === 'start' ? m : a.y === 'end' ? H - m - plateH : Math.floor((H - plateH) / 2);
    if (plateTop < 0 || plateTop + plateH > H) return null;
    const inkTop = plateTop + py;
    const inkBot = inkTop + h;
    const cols = this.columns(a.x, h, inkTop - this.tol, inkBot + this.tol);
    if (!cols) return null;
    const [x0, x1] = cols;
    if (x1 - x0 < h) return null; // a label holds at least two characters
    const plate = { x: x0 - px, y: plateTop, width: x1 - x0 + 2 * px, height: plateH };
    if (plate.x < 0 || plate.x + plate.width > W) return null;
    // The ink's rows, measured within the plate: first and last rows with ink, within a pixel of the prediction.
    let top = -1;
    for (let y = plateTop + 1; y <= inkTop + this.tol; y++) {
      if (this.sums.sum(x0, y, x1, y + 1) > 0) {
        top = y;
        break;
      }
    }
    let bottom = -1;
    for (let y = plateTop + plateH - 2; y >= inkBot - 1 - this.tol; y--) {
      if (this.sums.sum(x0, y, x1, y + 1) > 0) {
        bottom = y + 1;
        break;
      }
    }
    if (top < 0 || bottom < 0 || Math.abs(top - inkTop) > this.tol || Math.abs(bottom - inkBot) > this.tol) return null;
    const ink = { x: x0, y: top, width: x1 - x0, height: bottom - top };
    if (!this.padsClean(plate, ink)) return null;
    const located: Located = { position, polarity: this.polarity, plate, ink };
    return { located, score: Math.abs(top - inkTop) + Math.abs(bottom - inkBot) };
  }

  /** The padding (plate minus the ink box grown by a pixel, minus the plate's outer pixel) holds no ink, and is plate. */
  private padsClean(plate: Box, ink: Box): boolean {
    const s = this.sums;
    const px0 = plate.x + 1;
    const py0 = plate.y + 1;
    const px1 = plate.x + plate.width - 1;
    const py1 = plate.y + plate.height - 1;
    const ix0 = ink.x - 1;
    const iy0 = ink.y - 1;
    const ix1 = ink.x + ink.width + 1;
    const iy1 = ink.y + ink.height + 1;
    const stray = s.sum(px0, py0, px1, py1) - s.sum(ix0, iy0, ix1, iy1);
    const padArea = (px1 - px0) * (py1 - py0) - (ix1 - ix0) * (iy1 - iy0);
    if (padArea <= 0 || stray > Math.max(2, 0.002 * padArea)) return false;
    const inkCount = s.sum(ink.x, ink.y, ink.x + ink.width, ink.y + ink.height);
    const density = inkCount / (ink.width * ink.height);
    if (density < 0.05 || density > 0.9) return false;
    let plateish = 0;
    let total = 0;
    const { luma, width } = this.r;
    for (let y = py0; y < py1; y++) {
      for (let x = px0; x < px1; x++) {
        if (x >= ix0 && x < ix1 && y >= iy0 && y < iy1) continue;
        total++;
        if (plateLike(this.polarity, luma[y * width + x]!)) plateish++;
      }
    }
    return plateish >= PLATE_SHARE * total;
  }
}

/**
 * Every position where a label is found, best first (closest to the predicted geometry, then the largest).
 * `positions` narrows the search (a video's later frames are checked where the first frame had its label).
 */
export function locateLabels(
  r: Raster,
  positions: readonly LabelPosition[] = LABEL_POSITIONS,
  tolerance = 1,
): Located[] {
  const short = Math.min(r.width, r.height);
  const maxH = Math.floor(MAX_H_RATIO * short);
  const found: Hypothesis[] = [];
  for (const polarity of ['light-on-dark', 'dark-on-light'] as const) {
    const search = new Search(r, polarity, inkMask(r, polarity), tolerance);
    for (const position of positions) {
      let best: Hypothesis | null = null;
      for (let h = MIN_H; h <= maxH; h++) {
        const hyp = search.try(position, h);
        if (hyp && (!best || hyp.score < best.score)) best = hyp;
      }
      if (best) found.push(best);
    }
  }
  found.sort((a, b) => a.score - b.score || b.located.ink.height - a.located.ink.height);
  return found.map((f) => f.located);
}
