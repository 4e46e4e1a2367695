import { type Polarity, plateLevel, textLevel } from './contrast.ts';
import type { TextMask } from './glyphs.ts';
import { type Box, cornerRadius, padX, padY } from './layout.ts';

/**
 * The label as drawn: the text on a rounded, semi-opaque plate, as non-premultiplied RGBA. The same tile goes onto an
 * image (sharp composite) and a video (ffmpeg overlay), so both carry identical glyphs of the same measured height.
 */
export interface LabelTile {
  rgba: Buffer;
  width: number;
  height: number;
  /** The text's ink box inside the tile. */
  ink: Box;
  polarity: Polarity;
  /** Plate opacity as stored (a multiple of 1/255). */
  alpha: number;
  fontPx: number;
}

/** Coverage of pixel (x, y) by a rounded rectangle filling `w`×`h` with radius `r` (signed distance, 1 px ramp). */
function roundedCoverage(x: number, y: number, w: number, h: number, r: number): number {
  const qx = Math.abs(x + 0.5 - w / 2) - (w / 2 - r);
  const qy = Math.abs(y + 0.5 - h / 2) - (h / 2 - r);
  // Inside the straight parts: the distance is at most −r, so the pixel is fully covered (r ≥ 0.5).
  if (qx <= 0 && qy <= 0 && r >= 0.5) return 1;
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  const d = outside + Math.min(Math.max(qx, qy), 0) - r;
  return Math.min(1, Math.max(0, 0.5 - d));
}

/** The plate's size around a text's ink box: the ink plus the padding of layout.ts on each side. */
export function plateSize(text: TextMask): { width: number; height: number } {
  const h = text.ink.height;
  return { width: text.ink.width + 2 * padX(h), height: h + 2 * padY(h) };
}

/**
 * Tiles already drawn, per text mask (themselves cached by `fitText`) and look: a run over pictures of one size draws
 * the same tile again and again. Callers treat a tile as read-only.
 */
const drawn = new WeakMap<TextMask, Map<string, LabelTile>>();
const TILES_PER_TEXT = 16;

export function composeTile(text: TextMask, polarity: Polarity, plateAlpha: number): LabelTile {
  const alpha8 = Math.round(Math.min(1, Math.max(0, plateAlpha)) * 255);
  const key = `${polarity}:${alpha8}`;
  let tiles = drawn.get(text);
  const hit = tiles?.get(key);
  if (hit) return hit;
  const tile = drawTile(text, polarity, alpha8);
  if (!tiles) {
    tiles = new Map();
    drawn.set(text, tiles);
  }
  if (tiles.size >= TILES_PER_TEXT) tiles.delete(tiles.keys().next().value!);
  tiles.set(key, tile);
  return tile;
}

function drawTile(text: TextMask, polarity: Polarity, alpha8: number): LabelTile {
  const h = text.ink.height;
  const px = padX(h);
  const py = padY(h);
  const { width, height } = plateSize(text);
  const r = cornerRadius(h);
  // The opacity is stored in 8 bits; report the stored value so contrast is computed on what is really drawn.
  const alpha = alpha8 / 255;
  const T = textLevel(polarity);
  const P = plateLevel(polarity);
  const ox = px - text.ink.x;
  const oy = py - text.ink.y;
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const my = y - oy;
    for (let x = 0; x < width; x++) {
      const mx = x - ox;
      const m = mx >= 0 && my >= 0 && mx < text.width && my < text.height ? text.mask[my * text.width + mx]! / 255 : 0;
      const plate = alpha * roundedCoverage(x, y, width, height, r);
      const a = m + plate * (1 - m);
      const i = (y * width + x) * 4;
      if (a <= 0) continue;
      const level = Math.round((T * m + P * plate * (1 - m)) / a);
      rgba[i] = level;
      rgba[i + 1] = level;
      rgba[i + 2] = level;
      rgba[i + 3] = Math.round(a * 255);
    }
  }
  return {
    rgba,
    width,
    height,
    ink: { x: px, y: py, width: text.ink.width, height: h },
    polarity,
    alpha,
    fontPx: text.fontPx,
  };
}
