/**
 * A labelled JPEG keeps its metadata segments but none of the embedded previews, which would show the picture
 * without its explicit label: EXIF IFD1 thumbnails, JFXX thumbnails, Photoshop thumbnail resources, MPF images.
 * Also: the one-decode path for plain JPEGs gives the same pixels as the general pipeline.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { renderImageLabel } from '../../src/index.ts';
import { fitText } from '../../src/label/explicit/glyphs.ts';
import { drawInPipeline, drawOnRawJpeg } from '../../src/label/explicit/image-draw.ts';
import { planEncode } from '../../src/label/explicit/image-encode.ts';
import { placePlate, targetInkHeight } from '../../src/label/explicit/layout.ts';
import { plateSize } from '../../src/label/explicit/tile.ts';
import { mpfFile, seg, segmentsOf, splice } from '../codecs/jpeg-support.ts';
import { exiftool } from '../support/media.ts';
import { noise, rgb } from './support.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-explicit-jpeg-'));
});
after(async () => {
  await exiftool.end();
  await rm(dir, { recursive: true, force: true });
});

/** A JPEG with EXIF (Make, Copyright) and an EXIF thumbnail written by ExifTool. */
async function withThumbnail(orientation: number): Promise<Buffer> {
  const f = join(dir, `thumb-${orientation}.jpg`);
  const thumb = join(dir, 'thumb-src.jpg');
  await noise(160, 120, 3).jpeg().toFile(thumb);
  await noise(640, 480, 4)
    .withExif({ IFD0: { Make: 'HeguiCam', Copyright: 'kept' } })
    .withMetadata({ orientation })
    .jpeg({ quality: 90 })
    .toFile(f);
  await exiftool.write(f, {}, { writeArgs: ['-overwrite_original', `-ThumbnailImage<=${thumb}`] });
  return readFile(f);
}

async function tags(bytes: Buffer): Promise<Record<string, unknown>> {
  const f = join(dir, `t-${Math.random().toString(36).slice(2)}.jpg`);
  await writeFile(f, bytes);
  return (await exiftool.readRaw(f, ['-G1', '-a'])) as Record<string, unknown>;
}

describe('JPEG metadata of a labelled picture', () => {
  for (const orientation of [1, 6]) {
    it(`drops the EXIF thumbnail, keeps the other EXIF (orientation ${orientation})`, async () => {
      const input = await withThumbnail(orientation);
      assert.ok((await tags(input))['IFD1:ThumbnailLength'], 'the input has a thumbnail');
      const { data } = await renderImageLabel(input);
      const t = await tags(data);
      assert.equal(t['IFD1:ThumbnailLength'], undefined, 'no thumbnail of the unlabelled picture');
      assert.equal(t['IFD0:Make'], 'HeguiCam');
      assert.equal(t['IFD0:Copyright'], 'kept');
      assert.deepEqual(t['warnings'] ?? [], []);
    });
  }

  it('drops Photoshop thumbnail resources and keeps the IPTC record; drops JFXX and MPF', async () => {
    const block = (id: number, data: Buffer) => {
      const head = Buffer.alloc(12);
      head.write('8BIM', 0, 'latin1');
      head.writeUInt16BE(id, 4);
      head.writeUInt32BE(data.length, 8); // empty Pascal name: two zero bytes at 6–7
      return Buffer.concat([head, data, data.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
    };
    const iptc = Buffer.from([0x1c, 0x02, 0x78, 0x00, 0x05, ...Buffer.from('hello')]);
    const app13 = seg(
      0xed,
      Buffer.concat([
        Buffer.from('Photoshop 3.0\0', 'latin1'),
        block(0x0404, iptc),
        block(0x040c, Buffer.alloc(33, 7)),
      ]),
    );
    const jfxx = seg(0xe0, Buffer.concat([Buffer.from('JFXX\0', 'latin1'), Buffer.from([0x13, 1, 1, 0xff])]));
    // A 64×40 primary picture with an MPF index pointing at a second picture after it.
    const { bytes } = await mpfFile([]);
    assert.ok(segmentsOf(bytes).some((x) => x.marker === 0xe2 && x.payload.toString('latin1', 0, 4) === 'MPF\0'));
    const { data } = await renderImageLabel(splice(bytes, 2, app13, jfxx));
    const segs = segmentsOf(data);
    const ps = segs.find((s) => s.marker === 0xed);
    assert.ok(ps, 'the Photoshop segment is kept');
    const ids = [...ps.payload.toString('latin1').matchAll(/8BIM(..)/gs)].map((m) =>
      Buffer.from(m[1]!, 'latin1').readUInt16BE(0),
    );
    assert.deepEqual(ids, [0x0404]);
    assert.ok(ps.payload.includes(iptc));
    assert.ok(!segs.some((s) => s.marker === 0xe0 && s.payload.toString('latin1', 0, 4) === 'JFXX'), 'no JFXX');
    assert.ok(!segs.some((s) => s.marker === 0xe2 && s.payload.toString('latin1', 0, 4) === 'MPF\0'), 'no MPF');
  });

  it('the one-decode path for plain JPEGs and the general pipeline give the same pixels', async () => {
    const bytes = await noise(480, 360, 21).jpeg({ quality: 87 }).toBuffer();
    const meta = await sharp(bytes).metadata();
    const text = await fitText('AI生成', targetInkHeight(480, 360));
    const size = plateSize(text);
    const job = {
      bytes,
      open: () => sharp(bytes),
      meta,
      plan: planEncode(bytes, meta),
      text,
      plate: placePlate('bottom-right', 480, 360, size.width, size.height),
      limit: 1e8,
    };
    const fast = await drawOnRawJpeg(job);
    const slow = await drawInPipeline(job);
    assert.equal(fast.contrast, slow.contrast);
    assert.ok(fast.tile.rgba.equals(slow.tile.rgba));
    assert.ok((await rgb(fast.data)).data.equals((await rgb(slow.data)).data));
  });
});
