/**
 * The header guess that lets the decode of a plain JPEG start early. Whatever it says, the metadata read by libvips
 * decides the drawing path, so a wrong guess must only cost time: the rendered result is the same.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { renderImageLabel } from '../../src/index.ts';
import { looksLikePlainJpeg } from '../../src/label/explicit/jpeg-header.ts';
import { noise } from './support.ts';

describe('looksLikePlainJpeg', () => {
  it('says yes for an upright 8-bit colour JPEG, with or without EXIF', async () => {
    assert.equal(await looksLikePlainJpeg(await noise(64, 48).jpeg().toBuffer()), true);
    const exif = await noise(64, 48)
      .withExif({ IFD0: { Make: 'Cam' } })
      .withMetadata({ orientation: 1 })
      .jpeg()
      .toBuffer();
    assert.equal(await looksLikePlainJpeg(exif), true);
  });

  it('says no for rotated, grey, CMYK and non-JPEG inputs', async () => {
    for (const orientation of [3, 6, 8]) {
      const b = await noise(64, 48).withMetadata({ orientation }).jpeg().toBuffer();
      assert.equal(await looksLikePlainJpeg(b), false, `orientation ${orientation}`);
    }
    assert.equal(await looksLikePlainJpeg(await noise(64, 48).toColourspace('b-w').jpeg().toBuffer()), false, 'grey');
    assert.equal(await looksLikePlainJpeg(await noise(64, 48).toColourspace('cmyk').jpeg().toBuffer()), false, 'CMYK');
    assert.equal(await looksLikePlainJpeg(await noise(64, 48).png().toBuffer()), false, 'PNG');
  });

  it('says no, without throwing, for cut-off and hostile headers', async () => {
    const good = await noise(64, 48).withMetadata({ orientation: 1 }).jpeg().toBuffer();
    for (let cut = 0; cut < 400; cut++)
      assert.equal(typeof (await looksLikePlainJpeg(good.subarray(0, cut))), 'boolean');
    const hostile = Buffer.from(good);
    hostile.writeUInt16BE(0xffff, 4); // the first segment claims 64 KiB
    assert.equal(await looksLikePlainJpeg(hostile), false);
    const fill = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(100_000, 0xff)]);
    assert.equal(await looksLikePlainJpeg(fill), false);
  });

  it('a wrong guess changes nothing: EXIF rotation after the frame header is still applied', async () => {
    // Move the EXIF segment (orientation 6) behind SOF0, where the guess does not look.
    const rotated = await noise(400, 200).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const segs: Buffer[] = [];
    let pos = 2;
    while (rotated[pos + 1] !== 0xda) {
      const len = rotated.readUInt16BE(pos + 2);
      segs.push(rotated.subarray(pos, pos + 2 + len));
      pos += 2 + len;
    }
    const exif = segs.filter((s) => s[1] === 0xe1);
    const rest = segs.filter((s) => s[1] !== 0xe1);
    const sof = rest.findIndex((s) => s[1] === 0xc0);
    const moved = Buffer.concat([
      rotated.subarray(0, 2),
      ...rest.slice(0, sof + 1),
      ...exif,
      ...rest.slice(sof + 1),
      rotated.subarray(pos),
    ]);
    assert.equal(await looksLikePlainJpeg(moved), true, 'the guess is wrong here');
    assert.equal((await sharp(moved).metadata()).orientation, 6, 'libvips still reads the rotation');
    const { report } = await renderImageLabel(moved);
    assert.equal(report.orientation, 6);
    assert.deepEqual([report.width, report.height], [200, 400], 'drawn on the upright picture');
  });
});
