/**
 * JPEG codec: the placements it reads besides XMP (EXIF UserComment, APPn AIGC blobs), label removal on write, the
 * MPF index, and hostile segment structures, each with the exact error code.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import {
  type AigcRecord,
  codecById,
  createLabel,
  labelBytes,
  readLabel,
  readXmpAigc,
  serializeBare,
  serializeWrapped,
  writeLabel,
} from '../../src/index.ts';
import { BufferSource } from '../../src/label/io/source.ts';
import { Enc } from '../conformance/fixtures/tiff-build.ts';
import { exiftool, exiftoolAigc, exiftoolRaw, sha256File } from '../support/media.ts';
import {
  exifSeg,
  exifTiff,
  extendedXmpSegs,
  HOSTILE_EXIF,
  HOSTILE_SEGMENTS,
  jfifSeg,
  mpfFile,
  plainJpeg,
  rawPixels,
  rejectsWith,
  seg,
  segmentsOf,
  sosOffset,
  splice,
  userComment,
  XMP_NS_HEADER,
  xmpPacket,
  xmpSeg,
} from './jpeg-support.ts';

const PRODUCER = '001191440300708461136T1XGW3';
const old: AigcRecord = createLabel({ producer: PRODUCER, produceId: 'old-0001' });
const next: AigcRecord = createLabel({ producer: PRODUCER, produceId: 'new-0002', label: '2' });
const placements = async (b: Uint8Array | string) => (await readLabel(b)).sites.map((s) => s.placement);

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-jpeg-'));
});
after(async () => {
  await exiftool.end();
  await rm(dir, { recursive: true, force: true });
});

const file = async (name: string, bytes: Uint8Array): Promise<string> => {
  const p = join(dir, name);
  await writeFile(p, bytes);
  return p;
};

describe('JPEG sniffing', () => {
  it('a .png file name holding JPEG bytes is read and labelled as JPEG', async () => {
    const p = await file('actually-jpeg.png', await plainJpeg());
    const r = await readLabel(p);
    assert.equal(r.format.codec, 'jpeg');
    await writeLabel(p, next);
    const after = await readLabel(p);
    assert.equal(after.format.codec, 'jpeg');
    assert.deepEqual(
      after.sites.map((s) => s.placement),
      ['jpeg.xmp'],
    );
    assert.equal(await exiftoolAigc(p), serializeBare(next));
  });

  it('describe names the frame type', async () => {
    const jpeg = codecById('jpeg')!;
    const progressive = await sharp(await plainJpeg())
      .jpeg({ progressive: true })
      .toBuffer();
    assert.equal(await jpeg.describe!(new BufferSource(await plainJpeg())), 'JPEG (baseline)');
    assert.equal(await jpeg.describe!(new BufferSource(progressive)), 'JPEG (progressive)');
  });

  it('wrong magic is not JPEG: format_unknown', async () => {
    const b = await plainJpeg();
    b[2] = 0x00;
    await rejectsWith(readLabel(b), 'format_unknown');
  });
});

describe('JPEG placements besides XMP', () => {
  it('an EXIF UserComment label written by exiftool is read, then blanked in place on write', async () => {
    const p = join(dir, 'uc.jpg');
    await sharp(await plainJpeg())
      .withExif({ IFD0: { Artist: 'Hegui test', Copyright: 'CC0' } })
      .jpeg()
      .toFile(p);
    await exiftool.write(
      p,
      { UserComment: serializeWrapped(old), ImageUniqueID: 'abc123' },
      { writeArgs: ['-overwrite_original'] },
    );
    const r = await readLabel(p);
    assert.deepEqual(
      r.sites.map((s) => [s.placement, s.normative]),
      [['jpeg.exif-usercomment', false]],
    );
    assert.deepEqual(r.label, old);

    const out = join(dir, 'uc-out.jpg');
    await writeLabel(p, next, { out });
    const w = await readLabel(out);
    assert.deepEqual(
      w.sites.map((s) => s.placement),
      ['jpeg.xmp'],
    );
    assert.deepEqual(w.label, next);
    const exifOf = async (f: string) =>
      segmentsOf(await readFile(f)).find((s) => s.payload.subarray(0, 4).toString() === 'Exif')!;
    const [a, b] = [await exifOf(p), await exifOf(out)];
    assert.equal(b.length, a.length, 'the Exif segment changed size');
    let changed = 0;
    for (let i = 0; i < a.payload.length; i++) if (a.payload[i] !== b.payload[i]) changed++;
    assert.ok(changed > 0 && changed <= serializeWrapped(old).length, `${changed} EXIF bytes changed`);
    const [ta, tb] = [await exiftoolRaw(p), await exiftoolRaw(out)];
    assert.equal(String(tb['ExifIFD:UserComment'] ?? '').trim(), '');
    for (const k of Object.keys(ta)) {
      if (/^(File|System|ExifTool|SourceFile)|UserComment|^XMP/.test(k)) continue;
      assert.deepEqual(tb[k], ta[k], `${k} changed`);
    }
    assert.equal(tb['ExifIFD:ImageUniqueID'], 'abc123');
  });

  for (const little of [true, false]) {
    for (const code of ['UNICODE', 'UNDEFINED', 'ASCII'] as const) {
      it(`UserComment with the ${code} code, ${little ? 'II' : 'MM'} EXIF, is decoded and removed`, async () => {
        const text = serializeWrapped(old);
        const tiff = exifTiff(little, (e) => [e.undef(0x9286, userComment(code, text, little))]);
        const p = await file(`uc-${code}-${little}.jpg`, splice(await plainJpeg(), 2, exifSeg(tiff)));
        assert.equal(
          String((await exiftoolRaw(p))['ExifIFD:UserComment']),
          text,
          'exiftool disagrees with the fixture',
        );
        const r = await readLabel(p);
        assert.deepEqual(
          r.sites.map((s) => [s.placement, s.text]),
          [['jpeg.exif-usercomment', text]],
        );
        await writeLabel(p, next);
        const w = await readLabel(p);
        assert.deepEqual(
          w.sites.map((s) => s.placement),
          ['jpeg.xmp'],
        );
        const t = await exiftoolRaw(p);
        assert.equal(t['IFD0:Artist'], 'Hegui test');
        assert.equal(String(t['ExifIFD:UserComment'] ?? '').trim(), '');
        // The new XMP segment goes after the Exif segment (TC260 image guide: after APP0/APP1-Exif).
        assert.deepEqual(
          segmentsOf(await readFile(p))
            .slice(0, 2)
            .map((s) => s.payload.subarray(0, 4).toString('latin1')),
          ['Exif', 'http'],
        );
      });
    }
  }

  it('an ICC profile split over two APP2 segments is kept (exiftool reassembles the same profile)', async () => {
    const withIcc = await sharp(await plainJpeg())
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    const icc = segmentsOf(withIcc)
      .find((x) => x.payload.subarray(0, 12).toString('latin1') === 'ICC_PROFILE\0')!
      .payload.subarray(14);
    const half = icc.length >> 1;
    const part = (n: number, data: Buffer) =>
      seg(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([n, 2]), data]));
    const p = await file(
      'icc2.jpg',
      splice(await plainJpeg(), 2, part(1, icc.subarray(0, half)), part(2, icc.subarray(half))),
    );
    const before = await exiftoolRaw(p);
    assert.ok(before['ICC_Profile:ProfileDescription'], 'exiftool did not reassemble the fixture profile');
    await writeLabel(p, next);
    const after = await exiftoolRaw(p);
    for (const k of Object.keys(before).filter((k) => /^ICC/.test(k))) assert.deepEqual(after[k], before[k], k);
  });

  it('an ordinary UserComment is not a label site and is left alone', async () => {
    const tiff = exifTiff(true, (e) => [e.undef(0x9286, userComment('ASCII', 'holiday {photo}', true))]);
    const jpeg = splice(await plainJpeg(), 2, exifSeg(tiff));
    assert.equal((await readLabel(jpeg)).sites.length, 0);
    const out = await labelBytes(jpeg, next);
    assert.ok(Buffer.from(out).includes(Buffer.from('holiday {photo}')));
  });

  it('an AIGC blob in an APPn segment next to JFIF is read and dropped on write', async () => {
    const plain = await plainJpeg();
    const blob = seg(0xeb, `AIGC${serializeBare(old)}`);
    const jpeg = splice(plain, 2, jfifSeg(), blob);
    const r = await readLabel(jpeg);
    assert.deepEqual(
      r.sites.map((s) => [s.placement, s.normative]),
      [['jpeg.appn-aigc', false]],
    );
    assert.deepEqual(r.label, old);
    const out = await labelBytes(jpeg, next);
    assert.deepEqual(
      (await readLabel(out)).sites.map((s) => s.placement),
      ['jpeg.xmp'],
    );
    assert.ok(!Buffer.from(out).includes(Buffer.from('AIGC{')), 'the blob is still there');
    assert.deepEqual(
      segmentsOf(out)
        .slice(0, 3)
        .map((s) => s.marker),
      [0xe0, 0xe1, 0xdb],
    );
    assert.ok((await rawPixels(out)).equals(await rawPixels(plain)));
    assert.ok(
      Buffer.from(out)
        .subarray(sosOffset(out))
        .equals(plain.subarray(sosOffset(plain))),
      'bytes from SOS on changed',
    );
  });

  it('two XMP segments with a label: read reports both, write leaves one label and keeps the other properties', async () => {
    const plain = await plainJpeg();
    const second = xmpSeg(xmpPacket('<xmp:CreatorTool>second packet</xmp:CreatorTool>', old));
    const jpeg = splice(plain, 2, xmpSeg(xmpPacket('<dc:format>image/jpeg</dc:format>', old)), second);
    const r = await readLabel(jpeg);
    assert.deepEqual(
      r.sites.map((s) => s.placement),
      ['jpeg.xmp', 'jpeg.xmp'],
    );
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ['multiple_labels'],
    );
    const out = await labelBytes(jpeg, next);
    const w = await readLabel(out);
    assert.equal(w.sites.length, 1);
    assert.deepEqual(w.label, next);
    const xmps = segmentsOf(out).filter((s) => s.payload.subarray(0, 29).toString('latin1') === XMP_NS_HEADER);
    assert.equal(xmps.length, 2);
    assert.match(xmps[0]!.payload.toString(), /<dc:format>image\/jpeg<\/dc:format>/);
    assert.equal(xmps[1]!.length, second.length, 'the second packet was not cleaned in place');
    assert.match(xmps[1]!.payload.toString(), /second packet/);
    assert.equal(readXmpAigc(xmps[1]!.payload.subarray(29).toString()).length, 0);
  });

  it('all three placements at once: three sites in file order, one label after write', async () => {
    const tiff = exifTiff(false, (e) => [e.undef(0x9286, userComment('ASCII', serializeWrapped(old), false))]);
    const jpeg = splice(
      await plainJpeg(),
      2,
      jfifSeg(),
      seg(0xea, `AIGC\0${serializeBare(old)}\0`),
      exifSeg(tiff),
      xmpSeg(xmpPacket('', old)),
    );
    const r = await readLabel(jpeg);
    assert.deepEqual(
      r.sites.map((s) => s.placement),
      ['jpeg.appn-aigc', 'jpeg.exif-usercomment', 'jpeg.xmp'],
    );
    assert.ok(
      r.sites.every((s) => s.parsed.record),
      'a site did not parse',
    );
    const out = await labelBytes(jpeg, next);
    assert.deepEqual(
      (await readLabel(out)).sites.map((s) => s.placement),
      ['jpeg.xmp'],
    );
  });

  it('a label in extended XMP is read; write cleans and re-chunks it under a new GUID the standard packet names', async () => {
    const description = `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${'long text '.repeat(9000)}</rdf:li></rdf:Alt></dc:description>`;
    const ext = extendedXmpSegs(xmpPacket(description, old), 60_000);
    assert.equal(ext.segs.length, 2);
    const note = `<xmpNote:HasExtendedXMP xmlns:xmpNote="http://ns.adobe.com/xmp/note/">${ext.guid}</xmpNote:HasExtendedXMP>`;
    const p = await file(
      'ext.jpg',
      splice(await plainJpeg(), 2, xmpSeg(xmpPacket(`<dc:format>image/jpeg</dc:format>${note}`)), ...ext.segs),
    );
    assert.equal(await exiftoolAigc(p), serializeBare(old), 'exiftool does not see the fixture label');
    assert.deepEqual(await placements(p), ['jpeg.xmp-extended']);
    await writeLabel(p, next);
    assert.deepEqual(await placements(p), ['jpeg.xmp']);
    const t = await exiftoolRaw(p);
    assert.equal(t['XMP-TC260:Aigc'], serializeBare(next));
    assert.equal(String(t['XMP-dc:Description']).length, 'long text '.repeat(9000).length, 'extended XMP lost');
    assert.equal(t['XMP-dc:Format'], 'image/jpeg');
  });

  it('a merged XMP packet over the 65,533-byte segment limit is refused (oversize), input untouched', async () => {
    const big = xmpPacket(`<dc:description>${'x'.repeat(65_000)}</dc:description>`);
    const p = await file('big-xmp.jpg', splice(await plainJpeg(), 2, xmpSeg(big)));
    const hash = await sha256File(p);
    await rejectsWith(writeLabel(p, next), 'oversize');
    assert.equal(await sha256File(p), hash);
  });
});

describe('JPEG multi-picture (MPF) index', () => {
  it('segments after the index change size: later image offsets move with them (exiftool extracts image 2 by the index)', async () => {
    const { bytes, second } = await mpfFile([
      xmpSeg(xmpPacket('<dc:format>image/jpeg</dc:format>', old)),
      seg(0xeb, `AIGC${serializeBare(old)}`),
    ]);
    const p = await file('mpf.jpg', bytes);
    const extract = async (f: string) => exiftool.extractBinaryTagToBuffer('PreviewImage', f);
    assert.ok((await extract(p)).equals(second), 'the fixture MPF index is wrong');
    assert.equal((await readLabel(p)).sites.length, 2);
    await writeLabel(p, next);
    assert.deepEqual(
      (await readLabel(p)).sites.map((s) => s.placement),
      ['jpeg.xmp'],
    );
    assert.ok((await extract(p)).equals(second), 'image 2 is no longer where the MPF index says');
  });
});

describe('JPEG hostile structures', () => {
  for (const [name, make, code] of HOSTILE_SEGMENTS) {
    it(`${name} → read warns ${code}, write refuses with ${code}, input untouched`, async () => {
      const p = await file(`hostile-${name.replace(/\W+/g, '-')}.jpg`, make(await plainJpeg()));
      const r = await readLabel(p);
      assert.equal(r.warnings[0]?.code, code);
      const hash = await sha256File(p);
      await rejectsWith(writeLabel(p, next), code);
      assert.equal(await sha256File(p), hash);
    });
  }

  it('fill bytes and standalone markers (TEM, RST) before a segment are copied through', async () => {
    const plain = await plainJpeg();
    const odd = Buffer.from([0xff, 0xff, 0xff, 0x01, 0xff, 0xd3]);
    const jpeg = splice(plain, 2, odd);
    const out = Buffer.from(await labelBytes(jpeg, next));
    assert.ok(out.includes(odd), 'fill bytes or standalone markers were dropped');
    assert.ok((await rawPixels(out)).equals(await rawPixels(plain)));
  });

  it('truncated at every segment boundary → read never crashes, write refuses with truncated', async () => {
    const tiff = exifTiff(true, (e) => [e.undef(0x9286, userComment('ASCII', serializeWrapped(old), true))]);
    const full = await labelBytes(
      splice(await plainJpeg(), 2, jfifSeg(), exifSeg(tiff), seg(0xeb, `AIGC${serializeBare(old)}`)),
      next,
    );
    const segs = segmentsOf(full);
    const cuts = new Set<number>();
    for (const s of segs)
      for (const p of [s.offset, s.offset + 2, s.offset + 4, s.offset + s.length])
        for (const d of [-1, 0, 1]) cuts.add(p + d);
    const sos = sosOffset(full);
    const p = join(dir, 'cut.jpg');
    for (const n of [...cuts].filter((n) => n >= 3 && n <= sos + 1).sort((a, b) => a - b)) {
      await writeFile(p, full.subarray(0, n));
      const r = await readLabel(p);
      assert.equal(r.warnings.at(-1)?.code, 'truncated', `read cut at ${n}`);
      await rejectsWith(writeLabel(p, next, { out: join(dir, 'cut-out.jpg') }), 'truncated');
    }
  });

  for (const [name, tiff] of HOSTILE_EXIF) {
    it(`EXIF with ${name}: read warns, write keeps the Exif segment byte for byte`, async () => {
      const exif = exifSeg(tiff(new Enc(true)));
      const jpeg = splice(await plainJpeg(), 2, exif);
      const r = await readLabel(jpeg);
      assert.equal(r.sites.length, 0);
      assert.ok(r.warnings.some((w) => w.code === 'exif_unreadable'));
      const out = Buffer.from(await labelBytes(jpeg, next));
      assert.ok(out.subarray(2, 2 + exif.length).equals(exif));
    });
  }

  /**
   * EXIF whose IFDs point back at themselves or each other (TIFF 6.0 §2 allows any offset, a hostile file makes it a
   * cycle), each holding a UserComment label. The reader follows each pointer once: one site, no hang; the write
   * blanks the UserComment in place and the Exif segment keeps its size.
   */
  const LE = new Enc(true);
  const entry = (tag: number, type: number, count: number, value: number): Buffer =>
    Buffer.concat([LE.u16(tag), LE.u16(type), LE.u32(count), LE.u32(value)]);
  const ifd = (entries: Buffer[], next: number): Buffer =>
    Buffer.concat([LE.u16(entries.length), ...entries, LE.u32(next)]);
  const uc = userComment('ASCII', serializeWrapped(old), true);
  const EXIF_LOOPS: [string, () => Buffer][] = [
    [
      'the Exif IFD pointer naming IFD0 itself (UserComment in IFD0)',
      () =>
        Buffer.concat([
          Buffer.from('II*\0'),
          LE.u32(8),
          ifd([entry(0x8769, 4, 1, 8), entry(0x9286, 7, uc.length, 38)], 0),
          uc,
        ]),
    ],
    [
      'IFD0 chained to itself, the Exif IFD pointing back at IFD0 and chained to itself',
      () =>
        Buffer.concat([
          Buffer.from('II*\0'),
          LE.u32(8),
          ifd([entry(0x8769, 4, 1, 26)], 8),
          ifd([entry(0x8769, 4, 1, 8), entry(0x9286, 7, uc.length, 56)], 26),
          uc,
        ]),
    ],
    [
      'IFD0 → Exif IFD → IFD0 through the next-IFD links, the Exif IFD pointer of the Exif IFD naming itself',
      () =>
        Buffer.concat([
          Buffer.from('II*\0'),
          LE.u32(8),
          ifd([entry(0x8769, 4, 1, 26)], 26),
          ifd([entry(0x8769, 4, 1, 26), entry(0x9286, 7, uc.length, 56)], 8),
          uc,
        ]),
    ],
  ];
  for (const [name, tiff] of EXIF_LOOPS) {
    it(`EXIF IFD loop, ${name} → one UserComment site; write blanks it, one label`, async () => {
      const exif = exifSeg(tiff());
      const jpeg = splice(await plainJpeg(), 2, exif);
      const r = await readLabel(jpeg);
      assert.deepEqual(
        r.sites.map((x) => x.placement),
        ['jpeg.exif-usercomment'],
      );
      assert.deepEqual(r.label, old);
      const p = await file(`loop-${EXIF_LOOPS.findIndex(([n]) => n === name)}.jpg`, jpeg);
      await writeLabel(p, next);
      const out = await readFile(p);
      const w = await readLabel(out);
      assert.deepEqual(
        w.sites.map((x) => x.placement),
        ['jpeg.xmp'],
      );
      assert.deepEqual(w.label, next);
      const seg = segmentsOf(out).find((x) => x.payload.subarray(0, 4).toString() === 'Exif')!;
      assert.equal(seg.length, exif.length, 'the Exif segment changed size');
      assert.ok(!seg.payload.includes(Buffer.from('ContentProducer')), 'the old label is still in the EXIF');
      assert.ok((await rawPixels(out)).equals(await rawPixels(jpeg)));
    });
  }

  it('extended XMP, Photoshop IRB and COM segments are copied as they are', async () => {
    const plain = await plainJpeg();
    const jpeg = splice(
      plain,
      2,
      seg(0xe1, 'http://ns.adobe.com/xmp/extension/\0x'),
      seg(0xed, 'Photoshop 3.0\0'),
      seg(0xfe, 'comment'),
    );
    const out = Buffer.from(await labelBytes(jpeg, next));
    assert.ok(out.includes(jpeg.subarray(2, 2 + sosOffset(jpeg) - sosOffset(plain))), 'an unknown segment changed');
  });
});
