/**
 * The eight dihedral hashes, computed from one DCT block, against hashing the rotated and flipped files that Meta
 * publishes (reg-test-input/dih) and images rotated here with sharp.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { DIHEDRAL, type Dihedral, transformDct } from '../../src/review/image/dihedral.ts';
import { hamming } from '../../src/review/image/hash256.ts';
import { hashImage } from '../../src/review/image/hasher.ts';
import { PDQ_DIR, SKIP_PDQ, TESTDATA } from './pdq-fixtures.ts';

const FILES: Record<Dihedral, string> = {
  original: '1-original',
  rotate90: '2-rotate-90',
  rotate180: '3-rotate-180',
  rotate270: '4-rotate-270',
  flipX: '5-flipx',
  flipY: '6-flipy',
  flipPlus1: '7-flip-plus-1',
  flipMinus1: '8-flip-minus-1',
};

describe('dihedral hashes', () => {
  it('equal the hashes of the transformed files within a few bits', { skip: SKIP_PDQ }, async () => {
    const dih = join(PDQ_DIR, 'reg-test-input/dih');
    const o = await hashImage(join(dih, 'bridge-1-original.jpg'), { dihedral: true });
    assert.deepEqual(o.dihedral!.original, o.hash);
    for (const d of DIHEDRAL) {
      const file = await hashImage(join(dih, `bridge-${FILES[d]}.jpg`));
      const dist = hamming(o.dihedral![d], file.hash);
      assert.ok(dist <= 10, `${d}: ${dist} bits`);
      // …and each is far from the hash of the untransformed image, so the check above is not vacuous.
      if (d !== 'original') assert.ok(hamming(o.hash, file.hash) > 64, `${d} differs from the original`);
    }
  });

  it('equal hashing the rotated and flipped image exactly when the geometry is symmetric', {
    skip: SKIP_PDQ,
  }, async () => {
    // 832×576: cells of 13 and 9 pixels, odd box windows (7, 5): filter and sampling are mirror-symmetric, so a
    // flipped image samples exactly the mirrored points and the DCT-domain transform is exact.
    const src = await sharp(join(TESTDATA, 'images/kodak/kodim23.png'))
      .resize(832, 576, { fit: 'fill' })
      .png()
      .toBuffer();
    const o = await hashImage(src, { dihedral: true });
    for (const [name, img, d] of variants(src)) {
      const h = await hashImage(await img.png().toBuffer());
      assert.equal(hamming(o.dihedral![d], h.hash), 0, name);
      assert.ok(hamming(o.hash, h.hash) > 64, `${name} is not close to the original by itself`);
    }
  });

  it('stay within the match threshold when even box windows make PDQ slightly asymmetric', {
    skip: SKIP_PDQ,
  }, async () => {
    // 768×512: windows 6 and 4 average [i−w/2+1, i+w/2] and sampling sits half a pixel right of each cell centre, so
    // a mirrored image is sampled about 3 pixels (a quarter cell) away; the reference has the same property.
    const src = join(TESTDATA, 'images/kodak/kodim23.png');
    const o = await hashImage(src, { dihedral: true });
    for (const [name, img, d] of variants(src)) {
      const dist = hamming(o.dihedral![d], (await hashImage(await img.png().toBuffer())).hash);
      assert.ok(dist <= 31, `${name}: ${dist} bits`);
    }
  });

  it('with EXIF orientation applied, equal the matching dihedral hash of the raw raster', {
    skip: SKIP_PDQ,
  }, async () => {
    const file = join(PDQ_DIR, 'reg-test-input/exif-rotn/exif-rotn-6.jpg');
    const raw = await hashImage(file, { dihedral: true });
    const oriented = await hashImage(file, { orientation: 'exif' });
    assert.deepEqual([oriented.width, oriented.height], [raw.height, raw.width]);
    assert.ok(hamming(raw.dihedral!.rotate270, oriented.hash) <= 6);
  });

  it('are a group action on the DCT block: inverses undo, four quarter turns are the identity', () => {
    const dct = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i * 1.7) * 100);
    const apply = (d: Dihedral, x: Float32Array) => transformDct(x, d, new Float32Array(256));
    assert.deepEqual(apply('rotate270', apply('rotate90', dct)), dct);
    assert.deepEqual(apply('rotate180', apply('rotate180', dct)), dct);
    for (const d of ['flipX', 'flipY', 'flipPlus1', 'flipMinus1'] as const)
      assert.deepEqual(apply(d, apply(d, dct)), dct);
    let x: Float32Array = dct;
    for (let i = 0; i < 4; i++) x = apply('rotate90', x);
    assert.deepEqual(x, dct);
    assert.notDeepEqual(apply('rotate90', dct), dct);
  });
});

/** sharp operations and the dihedral hash of the original that should equal the hash of their result. */
function variants(src: string | Buffer): [string, Sharp, Dihedral][] {
  return [
    ['rotate 90', sharp(src).rotate(90), 'rotate270'],
    ['rotate 180', sharp(src).rotate(180), 'rotate180'],
    ['rotate 270', sharp(src).rotate(270), 'rotate90'],
    ['flip (upside down)', sharp(src).flip(), 'flipX'],
    ['flop (mirror)', sharp(src).flop(), 'flipY'],
    ['transpose', sharp(src).rotate(90).flip(), 'flipPlus1'],
    ['transverse', sharp(src).rotate(90).flop(), 'flipMinus1'],
  ];
}
