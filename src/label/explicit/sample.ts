import sharp from 'sharp';
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

/** The distinct colours of a background sample, for choosing a plate that holds over every one of them. */
export function backgroundColours(data: Uint8Array, channels: number): Set<number> {
  const set = new Set<number>();
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

/**
 * The achieved contrast: the tile is composited over the sampled background with the same libvips operation the
 * picture gets, and the text level is compared with every resulting plate pixel that no glyph touches. The worst
 * (lowest) ratio is returned, so the figure is a floor, not an average.
 */
export async function compositeSample(bg: Uint8Array, info: RawInfo, tile: LabelTile): Promise<CompositedSample> {
  const out = await sharp(bg, {
    raw: { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 },
  })
    .composite([{ input: tile.rgba, raw: { width: tile.width, height: tile.height, channels: 4 }, left: 0, top: 0 }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  const channels = out.info.channels;
  const t = textLevel(tile.polarity);
  const lt = relativeLuminance(t, t, t);
  const P = plateLevel(tile.polarity);
  const a8 = Math.round(tile.alpha * 255);
  let worst = Number.POSITIVE_INFINITY;
  for (let p = 0; p < tile.width * tile.height; p++) {
    const q = p * 4;
    // Plate only: full plate opacity, plate level, no glyph coverage.
    if (tile.rgba[q + 3] !== a8 || tile.rgba[q] !== P) continue;
    forEachSeenColour(out.data.subarray(p * channels, (p + 1) * channels), channels, (c) => {
      const r = contrastRatio(lt, relativeLuminance((c >> 16) & 255, (c >> 8) & 255, c & 255));
      if (r < worst) worst = r;
    });
  }
  return { pixels: out.data, channels, contrast: worst };
}
