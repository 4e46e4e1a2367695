/** Building blocks of PDQ: hash layout, Hamming distance, the box filter, quality, decoder conversions. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import fc from 'fast-check';
import sharp from 'sharp';
import { ffmpegPath } from '../../src/media/tools.ts';
import { decodeLuma } from '../../src/review/image/decode.ts';
import { boxAlongCols, boxAlongRows, jaroszWindowSize } from '../../src/review/image/downscale.ts';
import {
  getBit,
  hamming,
  hash256FromHex,
  hash256ToHex,
  isHash256Hex,
  popcount32,
} from '../../src/review/image/hash256.ts';
import { hashImage } from '../../src/review/image/hasher.ts';
import { lumaFromRgb, pdqFromLuma } from '../../src/review/image/pdq.ts';
import { PDQ_DIR, SKIP_PDQ, TESTDATA } from './pdq-fixtures.ts';

describe('Hash256', () => {
  it('reads and writes hex with bit 255 first, like the ThreatExchange tools', () => {
    const h = hash256FromHex(`8${'0'.repeat(61)}01`);
    assert.equal(getBit(h, 255), 1);
    assert.equal(getBit(h, 0), 1);
    assert.equal(getBit(h, 1), 0);
    assert.equal(hash256ToHex(h), `8${'0'.repeat(61)}01`);
    assert.equal(hash256ToHex(hash256FromHex('F'.repeat(64))), 'f'.repeat(64));
    assert.throws(() => hash256FromHex('abc'), { code: 'usage' });
    assert.equal(isHash256Hex('g'.repeat(64)), false);
  });

  it('popcount and Hamming distance agree with counting bits one by one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 16, maxLength: 16 }), (w) => {
        const a = Uint32Array.from(w.slice(0, 8));
        const b = Uint32Array.from(w.slice(8));
        let slow = 0;
        for (let k = 0; k < 256; k++) slow += getBit(a, k) ^ getBit(b, k);
        assert.equal(hamming(a, b), slow);
        assert.equal(popcount32(w[0]!), w[0]!.toString(2).replaceAll('0', '').length);
      }),
    );
  });
});

describe('Jarosz box filter', () => {
  it('window sizes follow the reference: ⌈dimension / 128⌉', () => {
    assert.equal(jaroszWindowSize(1024, 64), 8);
    assert.equal(jaroszWindowSize(1600, 64), 13);
    assert.equal(jaroszWindowSize(64, 64), 1);
    assert.equal(jaroszWindowSize(5, 64), 1);
  });

  it('each output is the mean of its clipped window, along rows and along columns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 1e6 }),
        (window, rows, cols, seed) => {
          fc.pre(window <= rows && window <= cols);
          const src = Float32Array.from({ length: rows * cols }, (_, i) => ((i * 7919 + seed) % 255) + 0.25);
          const half = (window + 2) >> 1;
          const expect = (get: (k: number) => number, len: number, i: number) => {
            const lo = Math.max(0, i - (window - half));
            const hi = Math.min(len - 1, i + half - 1);
            let s = 0;
            for (let k = lo; k <= hi; k++) s += get(k);
            return s / (hi - lo + 1);
          };
          const byRows = new Float32Array(rows * cols);
          boxAlongRows(src, byRows, rows, cols, window);
          const byCols = new Float32Array(rows * cols);
          boxAlongCols(src, byCols, rows, cols, window);
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) {
              const er = expect((k) => src[r * cols + k]!, cols, c);
              const ec = expect((k) => src[k * cols + c]!, rows, r);
              assert.ok(Math.abs(byRows[r * cols + c]! - er) < 1e-3 * Math.max(1, er), `row filter at ${r},${c}`);
              assert.ok(Math.abs(byCols[r * cols + c]! - ec) < 1e-3 * Math.max(1, ec), `column filter at ${r},${c}`);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('pdqFromLuma', () => {
  it('gives the zero hash and quality 0 below 5 pixels a side, as the reference does', () => {
    const r = pdqFromLuma(new Float32Array(4 * 100).fill(7), 4, 100);
    assert.equal(hash256ToHex(r.hash), '0'.repeat(64));
    assert.equal(r.quality, 0);
  });

  it('rates a flat or barely varying image as quality 0 and a textured one as 100', () => {
    assert.equal(pdqFromLuma(new Float32Array(200 * 300).fill(128), 200, 300).quality, 0);
    const ramp = Float32Array.from({ length: 200 * 300 }, (_, i) => (i % 300) / 300);
    assert.equal(pdqFromLuma(ramp, 200, 300).quality, 0);
    const noise = Float32Array.from({ length: 200 * 300 }, (_, i) => ((i * 2654435761) >>> 24) & 255);
    assert.equal(pdqFromLuma(noise, 200, 300).quality, 100);
  });

  it('sets exactly 128 bits on an image whose coefficients are all distinct', () => {
    const img = Float32Array.from({ length: 128 * 96 }, (_, i) => ((i * 2654435761) >>> 24) & 255);
    const h = pdqFromLuma(img, 96, 128).hash;
    let bits = 0;
    for (let k = 0; k < 256; k++) bits += getBit(h, k);
    assert.equal(bits, 128);
  });
});

describe('decoding', () => {
  it('lands within a few bits of the original for palette, grey, 1-bit and other Pillow modes', {
    skip: SKIP_PDQ,
  }, async () => {
    const modes = join(PDQ_DIR, 'misc-images/modes');
    const base = await hashImage(join(modes, 'original.jpg'));
    for (const f of ['1.png', 'F.webp', 'HSV.webp', 'I.webp', 'LAB.webp', 'P.png', 'PA.webp', 'RGB.jpg', 'YCbCr.jpg']) {
      const h = await hashImage(join(modes, f));
      assert.ok(hamming(base.hash, h.hash) <= 8, `${f}: ${hamming(base.hash, h.hash)} bits`);
    }
  });

  it('converts CMYK, 16-bit, palette and grey+alpha encodings to RGB like the reference pipeline', {
    skip: SKIP_PDQ,
  }, async () => {
    const src = join(TESTDATA, 'images/kodak/kodim05.png');
    const base = await hashImage(src);
    const variants: [string, Promise<Buffer>][] = [
      ['CMYK JPEG', sharp(src).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer()],
      ['16-bit PNG', sharp(src).toColourspace('rgb16').png().toBuffer()],
      ['palette PNG', sharp(src).png({ palette: true, colours: 256 }).toBuffer()],
      ['RGBA PNG', sharp(src).ensureAlpha(0.5).png().toBuffer()],
      ['grey+alpha PNG', sharp(src).toColourspace('b-w').ensureAlpha(0.5).png().toBuffer()],
      ['grey JPEG', sharp(src).toColourspace('b-w').jpeg({ quality: 95 }).toBuffer()],
      ['WebP', sharp(src).webp({ quality: 90 }).toBuffer()],
    ];
    for (const [name, bytes] of variants) {
      const b = await bytes;
      const meta = await sharp(b).metadata();
      if (name.startsWith('CMYK')) assert.equal(meta.space, 'cmyk');
      if (name.startsWith('16-bit')) assert.equal(meta.depth, 'ushort');
      const h = await hashImage(b);
      assert.ok(hamming(base.hash, h.hash) <= 10, `${name}: ${hamming(base.hash, h.hash)} bits`);
      assert.equal(h.quality, base.quality, name);
    }
  });

  it('hashes the stored samples of an image with an embedded ICC profile, as the reference does (no colour management)', async () => {
    // A saturated gradient, stored as Display P3 with its profile embedded.
    const w = 96;
    const h = 64;
    const rgb = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        rgb.set([(x * 255) / (w - 1), (y * 255) / (h - 1), 255 - ((x * 2) % 256)], (y * w + x) * 3);
    const png = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
      .withIccProfile('p3')
      .png()
      .toBuffer();
    assert.ok((await sharp(png).metadata()).icc, 'the profile is embedded');
    // The stored samples, as an independent reader (ffmpeg's PNG decoder, lossless, no profile) returns them.
    const dir = await mkdtemp(join(tmpdir(), 'hegui-icc-'));
    try {
      const file = join(dir, 'p3.png');
      await writeFile(file, png);
      const { stdout } = await promisify(execFile)(
        ffmpegPath(),
        ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
        { encoding: 'buffer' },
      );
      const stored = new Uint8Array(stdout);
      const d = await decodeLuma(png);
      assert.deepEqual(d.luma, lumaFromRgb(stored, w * h));
      // A colour-managed decode (the profile applied, to sRGB) would have hashed other samples.
      const managed = await sharp(png).toColourspace('srgb').raw().toBuffer();
      assert.notDeepEqual(new Uint8Array(managed), stored);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bounds memory by resizing images over maxPixels, changing the hash by a few bits', {
    skip: SKIP_PDQ,
  }, async () => {
    const file = join(PDQ_DIR, 'reg-test-input/dih/bridge-1-original.jpg');
    const full = await hashImage(file);
    const small = await hashImage(file, { maxPixels: 400_000 });
    assert.equal(full.resized, false);
    assert.equal(small.resized, true);
    assert.ok(hamming(full.hash, small.hash) <= 10);
  });

  it('refuses bytes that are not an image, without quoting them', async () => {
    await assert.rejects(hashImage(new TextEncoder().encode('110105194912310021 not an image')), (e: Error) => {
      assert.equal((e as { code?: string }).code, 'format_unknown');
      assert.doesNotMatch(e.message, /1101/);
      return true;
    });
  });
});
