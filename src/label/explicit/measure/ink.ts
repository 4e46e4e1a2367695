import type { Box } from '../layout.ts';

/**
 * A pixel is ink when the glyph covers at least half of it. GB 45438 §5 speaks of the text's height; measuring the
 * half-covered ink, not the font size, is what a reader of the picture sees (the font size includes the line's
 * ascent and descent, the anti-aliased fringe adds a pixel that is not really text).
 */
export const INK_COVERAGE = 128;

/** Bounding box of the pixels of a one-byte-per-pixel coverage mask at or above `threshold`, or null when empty. */
export function inkBox(mask: Uint8Array, width: number, height: number, threshold = INK_COVERAGE): Box | null {
  let top = -1;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (mask[row + x]! >= threshold) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (top < 0) top = y;
    bottom = y;
    if (first < left) left = first;
    if (last > right) right = last;
  }
  if (top < 0) return null;
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}
