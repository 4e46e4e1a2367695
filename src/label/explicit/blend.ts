import type { LabelTile } from './tile.ts';

/**
 * The tile drawn over an opaque 8-bit RGB background in JavaScript, with the very arithmetic of libvips' `composite`
 * ("over", non-premultiplied inputs, the 3-band vector path): single-precision floats, values scaled to 0–1, the
 * tile premultiplied, `B = A + (1 − aA)·B`, divided by `aR = aA + (1 − aA)`, scaled back and truncated. So the one-decode
 * path for plain JPEGs gives the pixels the general libvips pipeline gives (`test/explicit/blend.test.ts` compares
 * all 256 × 256 background and opacity values for a set of levels against sharp), without a round trip through the
 * thread pool for a few thousand pixels.
 */

const f = Math.fround;

/** The result of drawing grey `level` at 8-bit opacity `alpha8` over each background value 0–255. */
function overTable(level: number, alpha8: number): Uint8Array {
  const a = f(alpha8 / 255);
  const premultiplied = f(f(level / 255) * a);
  const t1 = f(1 - a);
  const aR = f(a + t1);
  const table = new Uint8Array(256);
  for (let bg = 0; bg < 256; bg++) {
    const b = f(premultiplied + f(t1 * f(bg / 255)));
    const v = f(f(b / aR) * 255);
    table[bg] = v >= 255 ? 255 : v <= 0 ? 0 : Math.trunc(v);
  }
  return table;
}

/** Tables by `level << 8 | alpha8`: a tile has a few hundred distinct pixels (plate, glyph edges), most repeat. */
const tables = new Map<number, Uint8Array>();
const MAX_TABLES = 4096;

function tableFor(level: number, alpha8: number): Uint8Array {
  const key = (level << 8) | alpha8;
  let t = tables.get(key);
  if (!t) {
    if (tables.size >= MAX_TABLES) tables.clear();
    t = overTable(level, alpha8);
    tables.set(key, t);
  }
  return t;
}

/** `rgb` (3 bytes per pixel, the tile's size) with the tile drawn over it, as a new buffer. */
export function blendTileOverRgb(rgb: Uint8Array, tile: LabelTile): Buffer {
  const n = tile.width * tile.height;
  if (rgb.length !== n * 3) throw new RangeError('the background is not the size of the tile');
  const out = Buffer.from(rgb);
  const px = tile.rgba;
  // Neighbouring pixels mostly share a level and opacity (the plate): keep the last table at hand.
  let lastKey = -1;
  let t: Uint8Array = new Uint8Array(0);
  for (let p = 0; p < n; p++) {
    const alpha8 = px[p * 4 + 3]!;
    if (alpha8 === 0) continue;
    const key = (px[p * 4]! << 8) | alpha8;
    if (key !== lastKey) {
      t = tableFor(px[p * 4]!, alpha8);
      lastKey = key;
    }
    const i = p * 3;
    out[i] = t[out[i]!]!;
    out[i + 1] = t[out[i + 1]!]!;
    out[i + 2] = t[out[i + 2]!]!;
  }
  return out;
}
