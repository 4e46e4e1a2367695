/**
 * The JavaScript blend of the label tile over opaque RGB pixels must give libvips' composite result exactly: the
 * one-decode JPEG path uses it, and the general pipeline uses libvips. Every background value and opacity is
 * compared for a spread of grey levels (the tile draws only greys), plus a real tile over a real photo.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { blendTileOverRgb } from '../../src/label/explicit/blend.ts';
import { fitText } from '../../src/label/explicit/glyphs.ts';
import { compositeSample } from '../../src/label/explicit/sample.ts';
import { composeTile, type LabelTile } from '../../src/label/explicit/tile.ts';
import { noise } from './support.ts';

async function libvips(bg: Buffer, tile: LabelTile): Promise<Buffer> {
  const { data, info } = await sharp(bg, { raw: { width: tile.width, height: tile.height, channels: 3 } })
    .composite([{ input: tile.rgba, raw: { width: tile.width, height: tile.height, channels: 4 }, left: 0, top: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  return data;
}

describe('blendTileOverRgb', () => {
  it('equals libvips for every background value and opacity, at 16 grey levels', async () => {
    // One row per (level, opacity), one column per background value: 16 × 256 rows of 256 pixels.
    const width = 256;
    const height = 16 * 256;
    const bg = Buffer.alloc(width * height * 3);
    const rgba = Buffer.alloc(width * height * 4);
    for (let y = 0; y < height; y++) {
      const level = Math.min(255, (y >> 8) * 17);
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        bg[i * 3] = x;
        bg[i * 3 + 1] = 255 - x;
        bg[i * 3 + 2] = (x * 7) & 255;
        rgba.fill(level, i * 4, i * 4 + 3);
        rgba[i * 4 + 3] = y & 255;
      }
    }
    const tile: LabelTile = {
      rgba,
      width,
      height,
      ink: { x: 0, y: 0, width, height },
      polarity: 'light-on-dark',
      alpha: 1,
      fontPx: 0,
    };
    const ours = blendTileOverRgb(bg, tile);
    const theirs = await libvips(bg, tile);
    let differing = 0;
    for (let i = 0; i < ours.length; i++) if (ours[i] !== theirs[i]) differing++;
    assert.equal(differing, 0, `${differing} of ${ours.length} samples differ from libvips`);
  });

  it('equals libvips for a real label tile over a photo-like background, and leaves the input alone', async () => {
    const text = await fitText('AI生成', 40);
    for (const [polarity, alpha] of [
      ['light-on-dark', 0.6],
      ['dark-on-light', 0.83],
    ] as const) {
      const tile = composeTile(text, polarity, alpha);
      const bg = await noise(tile.width, tile.height, 5).raw().toBuffer();
      const before = Buffer.from(bg);
      const ours = blendTileOverRgb(bg, tile);
      assert.ok(ours.equals(await libvips(bg, tile)), polarity);
      assert.ok(bg.equals(before), 'the background is not written to');
      const sample = await compositeSample(bg, { width: tile.width, height: tile.height, channels: 3 }, tile);
      assert.ok(sample.pixels.equals(ours));
      assert.ok(sample.contrast >= 4.5);
    }
  });

  it('refuses a background of another size', () => {
    const tile: LabelTile = {
      rgba: Buffer.alloc(4 * 4),
      width: 2,
      height: 2,
      ink: { x: 0, y: 0, width: 2, height: 2 },
      polarity: 'light-on-dark',
      alpha: 1,
      fontPx: 0,
    };
    assert.throws(() => blendTileOverRgb(Buffer.alloc(3), tile), RangeError);
  });
});
