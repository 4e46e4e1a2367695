import sharp from 'sharp';
import { blendTileOverRgb } from './blend.ts';
import { contrastRatio, plateLevel, relativeLuminance, textLevel } from './contrast.ts';
import type { LabelTile } from './tile.ts';

/** Raw 8-bit pixels: 1 (grey), 2 (grey, alpha), 3 (RGB) or 4 (RGBA) channels. */
export interface RawInfo {
  width: number;
  height: number;
  channels: number;
}

const pack = (r: number, g: number, b: number): number => (r << 16) | (g << 8) | b;

/**
 * Call `fn` with the colour(s) a viewer can see at each pixel, packed 0xRRGGBB. A pixel that is not fully opaque is
 * seen over whatever is behind the picture, so it yields its colour over black and over white (the two extremes).
 */
function forEachSeenColour(data: Uint8Array, channels: number, fn: (c: number) => void): void {
  const hasAlpha = channels === 2 || channels === 4;
  const colourChannels = hasAlpha ? channels - 1 : channels;
  for (let i = 0; i < data.length; i += channels) {
    const r = data[i]!;
    const g = colourChannels >= 3 ? data[i + 1]! : r;
    const b = colourChannels >= 3 ? data[i + 2]! : r;
    const a = hasAlpha ? data[i + channels - 1]! : 255;
    if (a === 255) {
      fn(pack(r, g, b));
      continue;
    }
    const k = a / 255;
    const onBlack = (v: number) => Math.round(v * k);
    const onWhite = (v: number) => Math.round(v * k + 255 * (1 - k));
    fn(pack(onBlack(r), onBlack(g), onBlack(b)));
    fn(pack(onWhite(r), onWhite(g), onWhite(b)));
  }
}

/**
 * The distinct colours of opaque RGB pixels, deduplicated in an open-addressing table first: a plate's sample has
 * tens of thousands of pixels but a few thousand colours, and typed-array probing is several times cheaper than
 * adding every pixel to a Set.
 */
function distinctRgb(data: Uint8Array): Uint32Array {
  const n = Math.floor(data.length / 3);
  let bits = 6;
  while (1 << bits < n * 2) bits++;
  const mask = (1 << bits) - 1;
  const size = 1 << bits;
  // Slots hold colour + 1, so 0 means empty.
  const slots = new Uint32Array(size);
  const found = new Uint32Array(n);
  let count = 0;
  for (let i = 0; i < n * 3; i += 3) {
    const c = ((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!) + 1;
    // Fibonacci hashing: the product's top bits depend on every bit of the colour.
    let slot = Math.imul(c, 0x9e3779b1) >>> (32 - bits);
    for (;;) {
      const v = slots[slot]!;
      if (v === c) break;
      if (v === 0) {
        slots[slot] = c;
        found[count++] = c - 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return found.subarray(0, count);
}

/** The distinct colours of a background sample, for choosing a plate that holds over every one of them. */
export function backgroundColours(data: Uint8Array, channels: number): Set<number> {
  const set = new Set<number>();
  if (channels === 3) {
    for (const c of distinctRgb(data)) set.add(c);
    return set;
  }
  forEachSeenColour(data, channels, (c) => set.add(c));
  return set;
}

export interface CompositedSample {
  /** The sample with the tile composited over it (raw, `channels` per pixel). */
  pixels: Buffer;
  channels: number;
  /** Worst text/plate contrast over the composited plate pixels that no glyph touches. */
  contrast: number;
}

/** Composite with libvips, for backgrounds the JavaScript blend does not cover (grey, with alpha). */
async function compositeWithSharp(
  bg: Uint8Array,
  info: RawInfo,
  tile: LabelTile,
): Promise<{ data: Buffer; channels: number }> {
  const out = await sharp(bg, {
    raw: { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 },
  })
    .composite([{ input: tile.rgba, raw: { width: tile.width, height: tile.height, channels: 4 }, left: 0, top: 0 }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: out.data, channels: out.info.channels };
}

/**
 * The worst (lowest) contrast between the text and the plate as composited: the text level against every pixel of
 * `data` (the background with the tile drawn over it) where the tile is plate alone, at full plate opacity with no
 * glyph coverage. A floor, not an average.
 */
export function plateContrast(data: Uint8Array, channels: number, tile: LabelTile): number {
  const rgba = tile.rgba;
  const t = textLevel(tile.polarity);
  const lt = relativeLuminance(t, t, t);
  const P = plateLevel(tile.polarity);
  const a8 = Math.round(tile.alpha * 255);
  // The text is black or white: the worst ratio is at the plate pixel nearest it in luminance.
  const dark = lt < 0.5;
  let nearest = dark ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  const see = (l: number) => {
    if (dark ? l < nearest : l > nearest) nearest = l;
  };
  const n = tile.width * tile.height;
  for (let p = 0; p < n; p++) {
    // Plate only: full plate opacity, plate level, no glyph coverage.
    if (rgba[p * 4 + 3] !== a8 || rgba[p * 4] !== P) continue;
    if (channels === 3) {
      const i = p * 3;
      see(relativeLuminance(data[i]!, data[i + 1]!, data[i + 2]!));
      continue;
    }
    forEachSeenColour(data.subarray(p * channels, (p + 1) * channels), channels, (c) =>
      see(relativeLuminance((c >> 16) & 255, (c >> 8) & 255, c & 255)),
    );
  }
  return Number.isFinite(nearest) ? contrastRatio(lt, nearest) : Number.POSITIVE_INFINITY;
}

/**
 * The achieved contrast: the tile is composited over the sampled background with the arithmetic the picture gets
 * (libvips' own for grey and transparent backgrounds, its exact JavaScript twin in `blend.ts` for opaque RGB ones),
 * then measured by {@link plateContrast}.
 */
export async function compositeSample(bg: Uint8Array, info: RawInfo, tile: LabelTile): Promise<CompositedSample> {
  const out =
    info.channels === 3 && info.width === tile.width && info.height === tile.height
      ? { data: blendTileOverRgb(bg, tile), channels: 3 }
      : await compositeWithSharp(bg, info, tile);
  return { pixels: out.data, channels: out.channels, contrast: plateContrast(out.data, out.channels, tile) };
}
