/**
 * PDQ against Meta's published hashes. The reference tools decode with CImg / Java ImageIO, we decode with libvips,
 * and upstream notes a few bits of difference across decoders; the acceptance is ≤ 10 bits from the C++/Java values
 * (one named exception, explained below and in src/review/image/README.md), ≤ 16 from the other ports (the bound
 * pdq/python's own test uses), and 0 bits from the python-threatexchange values that are exact-match tests.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { ffmpegPath } from '../../src/media/tools.ts';
import { hamming, hash256FromHex, hash256ToHex } from '../../src/review/image/hash256.ts';
import { hashImage, type ImageHash } from '../../src/review/image/hasher.ts';
import { lumaFromRgb, pdqFromLuma } from '../../src/review/image/pdq.ts';
import { expectedHashes, isReference, PDQ_DIR, SKIP_PDQ } from './pdq-fixtures.ts';

const cache = new Map<string, Promise<ImageHash>>();
const hashOf = (file: string) => {
  const known = cache.get(file);
  if (known) return known;
  const p = hashImage(join(PDQ_DIR, file));
  cache.set(file, p);
  return p;
};

/** Rows that test something else than plain hashing (a preprocessing option, a 16-bit quirk: see below). */
const OTHER_PIPELINE = /letterboxed_sample-b|I16\.png/;

/**
 * The one C++ reference vector more than 10 bits away, with its bound. labelme q0003 has quality 3: a nearly flat
 * image whose DCT coefficients crowd the median, so its bits follow the JPEG decoder's rounding. Our arithmetic is the
 * reference's (the reference C++ code, fed the pixels libjpeg-turbo, Java ImageIO and ImageMagick decode from this
 * file, which are ours sample for sample, gives our hash bit for bit); the published value was made from pixels
 * decoded as IJG libjpeg 7 and later do by default (chroma brought to full size by a 16×16 scaled IDCT instead of
 * libjpeg 6b / libjpeg-turbo's triangle filter): decoded that way the hash is 2 bits from the published C++ value and
 * equal to the published pure-Python one. The test below shows the decoder alone moving this hash past 10 bits.
 */
const DECODER_BOUND: Readonly<Record<string, number>> = { 'reg-test-input/labelme-subset/q0003.jpg': 12 };

/**
 * Values python-threatexchange's own tests expect exactly (pdqhash, Meta's C++ core, with Pillow decoding), and its
 * `photo` command on the bridge photo. random-image.png carries a Display P3 ICC profile: equal only because the
 * stored samples are hashed, as the reference does, not colour-managed ones.
 */
const isExact = (e: { file: string; implementation: string }) =>
  /exact match|^threatexchange CLI `photo`/.test(e.implementation) && !OTHER_PIPELINE.test(e.file);

/** RGB as another decoder (ffmpeg: its own IDCT, chroma upsampling and YCbCr conversion) reads the file. */
async function ffmpegRgb(file: string): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { width, height } = await sharp(file).metadata();
  const { stdout } = await promisify(execFile)(
    ffmpegPath(),
    // Accurate rounding and full-resolution chroma interpolation: a careful decoder, not a sloppy one.
    [
      '-v',
      'error',
      '-i',
      file,
      '-sws_flags',
      'bilinear+accurate_rnd+full_chroma_int',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 1 << 28 },
  );
  assert.equal(stdout.length, width! * height! * 3);
  return { rgb: new Uint8Array(stdout), width: width!, height: height! };
}

describe('PDQ against the published hashes', { skip: SKIP_PDQ }, () => {
  it('is within 10 bits of the C++/Java reference on every present image but q0003 (≤ 12, decoder-bound)', async (t) => {
    const rows = expectedHashes().filter((e) => e.present && isReference(e));
    assert.ok(rows.length >= 25);
    const distances: number[] = [];
    for (const e of rows) {
      const h = await hashOf(e.file);
      const d = hamming(h.hash, hash256FromHex(e.hex));
      distances.push(d);
      t.diagnostic(`${String(d).padStart(3)} bits  q${h.quality}  ${e.implementation.split(' ')[0]}  ${e.file}`);
      assert.ok(d <= (DECODER_BOUND[e.file] ?? 10), `${e.file}: ${d} bits from the reference`);
    }
    t.diagnostic(`reference distances: ${summary(distances)}`);
  });

  it('q0003 follows the JPEG decoder: another decoder moves its hash past 10 bits, the detailed images by a few', async (t) => {
    for (const name of ['q0003', 'q0122', 'q0291', 'q0746', 'q1050', 'q2821']) {
      const file = join(PDQ_DIR, `reg-test-input/labelme-subset/${name}.jpg`);
      const ours = await hashOf(`reg-test-input/labelme-subset/${name}.jpg`);
      const other = await ffmpegRgb(file);
      const { data } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
      let differ = 0;
      for (let k = 0; k < data.length; k++) if (data[k] !== other.rgb[k]) differ++;
      const theirs = pdqFromLuma(lumaFromRgb(other.rgb, other.width * other.height), other.height, other.width);
      const d = hamming(ours.hash, theirs.hash);
      t.diagnostic(`${name}: quality ${ours.quality}, ${differ} samples decoded differently, ${d} bits apart`);
      assert.ok(differ > 0, `${name}: the two decoders differ`);
      if (ours.quality < 50) assert.ok(d > 10, `${name}: the decoder alone moves the hash ${d} bits`);
      else assert.ok(d <= 6, `${name}: ${d} bits between decoders`);
    }
  });

  it('equals the python-threatexchange values that are exact-match tests, bit for bit', async () => {
    const rows = expectedHashes().filter((e) => e.present && isExact(e));
    assert.equal(rows.length, 4);
    for (const e of rows) assert.equal(hash256ToHex((await hashOf(e.file)).hash), e.hex, e.file);
  });

  it('is within 16 bits of the other ports (Python, PHP, WASM, python-threatexchange)', async (t) => {
    const rows = expectedHashes().filter((e) => e.present && !isReference(e) && !OTHER_PIPELINE.test(e.file));
    assert.ok(rows.length >= 40);
    const distances: number[] = [];
    for (const e of rows) {
      const d = hamming((await hashOf(e.file)).hash, hash256FromHex(e.hex));
      distances.push(d);
      assert.ok(d <= 16, `${e.file} (${e.implementation}): ${d} bits`);
    }
    t.diagnostic(`other ports: ${summary(distances)}`);
  });

  it('has the published quality where one is given', async () => {
    const rows = expectedHashes().filter((e) => e.present && e.quality !== undefined && !OTHER_PIPELINE.test(e.file));
    assert.ok(rows.length >= 20);
    for (const e of rows) {
      const q = (await hashOf(e.file)).quality;
      assert.ok(Math.abs(q - e.quality!) <= 5, `${e.file}: quality ${q}, published ${e.quality}`);
    }
  });

  it('hashes the stored raster, ignoring EXIF Orientation, like the reference (exif-rotn-6 has Orientation 6)', async () => {
    for (const e of expectedHashes().filter((x) => x.present && x.file.includes('exif-rotn') && isReference(x))) {
      assert.ok(hamming((await hashOf(e.file)).hash, hash256FromHex(e.hex)) <= 4, e.file);
    }
  });

  it('converts 16-bit grey to 8 bits by scaling; the python-threatexchange value comes from saturating at 255', async () => {
    const file = join(PDQ_DIR, 'python-threatexchange-resources/I16.png');
    const row = expectedHashes().find((e) => e.file.endsWith('I16.png'))!;
    const ours = await hashImage(file);
    const eight = await hashImage(await sharp(file).toColourspace('b-w').png().toBuffer());
    assert.ok(hamming(ours.hash, eight.hash) <= 4, 'same as hashing an 8-bit copy');
    assert.equal(ours.quality, 100);
    // Reproduce the published value: Pillow's mode I → L conversion clips samples above 255.
    const { data, info } = await sharp(file)
      .toColourspace('grey16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    const u16 = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
    const luma = Float32Array.from(u16, (v) => Math.min(255, v));
    const clipped = pdqFromLuma(luma, info.height, info.width);
    assert.equal(hash256ToHex(clipped.hash), row.hex);
    assert.equal(clipped.quality, row.quality);
  });
});

function summary(ds: number[]): string {
  const hist = new Map<number, number>();
  for (const d of ds) hist.set(d, (hist.get(d) ?? 0) + 1);
  const sorted = [...ds].sort((a, b) => a - b);
  const parts = [...hist].sort((a, b) => a[0] - b[0]).map(([d, n]) => `${d}:${n}`);
  return `n=${ds.length} median=${sorted[sorted.length >> 1]} max=${sorted.at(-1)} histogram ${parts.join(' ')}`;
}
