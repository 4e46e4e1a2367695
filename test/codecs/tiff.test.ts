/**
 * TIFF codec: the append-a-new-IFD0 write (nothing in the file moves), labels in later pages and EXIF, and hostile
 * directory structures (entry counts, offsets near 2^32, loops, truncation), each with the exact error code.
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
  serializeWrapped,
  writeLabel,
} from '../../src/index.ts';
import { BufferSource } from '../../src/label/io/source.ts';
import { tiffBoundaries } from '../conformance/fixtures/tiff.ts';
import { buildTiff, Enc, gradient, type TagSpec } from '../conformance/fixtures/tiff-build.ts';
import { exiftool, exiftoolAigc, exiftoolRaw, pixelHash, sha256File } from '../support/media.ts';
import { rejectsWith, userComment, xmpPacket } from './jpeg-support.ts';

const PRODUCER = '001191440300708461136T1XGW3';
const old: AigcRecord = createLabel({ producer: PRODUCER, produceId: 'old-0001' });
const next: AigcRecord = createLabel({ producer: PRODUCER, produceId: 'new-0002', label: '2' });

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-tiff-'));
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

interface Layout {
  little?: boolean;
  big?: boolean;
  ifd0?: (e: Enc) => TagSpec[];
  exif?: (e: Enc) => TagSpec[];
  page2?: (e: Enc) => TagSpec[];
}

/** A two-page RGB TIFF with an Exif IFD, plus whatever tags a test adds. */
function tiff(l: Layout = {}): Uint8Array {
  const little = l.little ?? true;
  const e = new Enc(little);
  const exif = { tag: 0x8769, type: 4, count: 1, sub: [e.undef(0x9000, Buffer.from('0232')), ...(l.exif?.(e) ?? [])] };
  return buildTiff({
    little,
    big: l.big ?? false,
    pages: [
      {
        width: 10,
        height: 6,
        pixels: gradient(10, 6),
        tags: [e.ascii(315, 'Hegui test'), exif, ...(l.ifd0?.(e) ?? [])],
      },
      { width: 10, height: 6, pixels: gradient(10, 6, 50), tags: [e.ascii(270, 'page two'), ...(l.page2?.(e) ?? [])] },
    ],
  });
}

const xmpTag = (e: Enc, packet: string, type = 7): TagSpec => e.undef(700, Buffer.from(packet, 'utf8'), type);
const placements = async (b: Uint8Array | string) => (await readLabel(b)).sites.map((s) => s.placement);

describe('TIFF write: nothing already in the file moves', () => {
  for (const [little, big] of [
    [true, false],
    [false, false],
    [true, true],
    [false, true],
  ] as const) {
    it(`${little ? 'II' : 'MM'} ${big ? 'BigTIFF' : 'classic'}: only the header offset changes before the old end`, async () => {
      const input = tiff({ little, big });
      const out = Buffer.from(await labelBytes(input, next));
      const at = big ? 8 : 4;
      const width = big ? 8 : 4;
      for (let i = 0; i < input.length; i++) {
        if (i >= at && i < at + width) continue;
        assert.equal(out[i], input[i], `byte ${i} changed`);
      }
      assert.ok(out.length > input.length);
      const p = await file(`moved-${little}-${big}.tif`, out);
      assert.equal(await exiftoolAigc(p), JSON.stringify(next));
      assert.equal(await pixelHash(p), await pixelHash(await file(`orig-${little}-${big}.tif`, input)));
      const t = await exiftoolRaw(p);
      assert.equal(t['IFD0:Artist'], 'Hegui test');
      assert.equal(t['IFD1:ImageDescription'], 'page two');
      assert.equal((await sharp(p).metadata()).pages, 2);
    });
  }

  it('XMP written by libvips as BYTE is read; the rewritten IFD0 holds tag 700 as UNDEFINED, entries in tag order', async () => {
    const input = tiff({ ifd0: (e) => [xmpTag(e, xmpPacket('<dc:format>image/tiff</dc:format>', old), 1)] });
    assert.deepEqual(await placements(input), ['tiff.xmp']);
    const out = Buffer.from(await labelBytes(input, next));
    const ifd = out.readUInt32LE(4);
    const tags = Array.from({ length: out.readUInt16LE(ifd) }, (_, i) => [
      out.readUInt16LE(ifd + 2 + i * 12),
      out.readUInt16LE(ifd + 4 + i * 12),
    ]);
    assert.deepEqual(
      tags.map((t) => t[0]),
      tags.map((t) => t[0]!).sort((a, b) => a - b),
    );
    assert.deepEqual(
      tags.find((t) => t[0] === 700),
      [700, 7],
    );
    assert.equal(out.indexOf('old-0001'), -1, 'the old label is still in the file bytes');
    const p = await file('byte-xmp.tif', out);
    assert.equal((await exiftoolRaw(p))['XMP-dc:Format'], 'image/tiff');
  });
});

describe('TIFF relabelling replaces its own append', () => {
  for (const [little, big] of [
    [true, false],
    [false, true],
  ] as const) {
    it(`${little ? 'II' : 'MM'} ${big ? 'BigTIFF' : 'classic'}: labelling A then B gives the bytes of labelling B once`, async () => {
      const input = tiff({ little, big });
      const once = Buffer.from(await labelBytes(input, next));
      const a = await labelBytes(input, { ...old, ReservedCode1: 'R'.repeat(900) });
      const twice = Buffer.from(await labelBytes(a, next));
      assert.ok(twice.equals(once), 'the second label was appended after the first');
      const thrice = Buffer.from(await labelBytes(twice, next));
      assert.equal(thrice.length, once.length, 'the file grows with every relabelling');
    });
  }

  it('a tail that something else points into is not replaced: the label is appended again', async () => {
    const input = tiff();
    const once = Buffer.from(await labelBytes(input, old));
    // Point IFD0's Artist (an out-of-line ASCII value) at the XMP packet of the tail: truncating would lose it.
    const ifd = once.readUInt32LE(4);
    const n = once.readUInt16LE(ifd);
    let xmpAt = -1;
    let artist = -1;
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + i * 12;
      if (once.readUInt16LE(e) === 700) xmpAt = once.readUInt32LE(e + 8);
      if (once.readUInt16LE(e) === 315) artist = e;
    }
    assert.ok(xmpAt > 0 && artist > 0);
    once.writeUInt32LE(xmpAt, artist + 8);
    const again = Buffer.from(await labelBytes(once, next));
    assert.ok(again.length > once.length, 'the tail was replaced although IFD0 points into it');
    assert.deepEqual((await readLabel(again)).label, next);
  });
});

describe('TIFF describe', () => {
  it('names the byte order, the variant and the page count', async () => {
    const tiffCodec = codecById('tiff')!;
    assert.equal(await tiffCodec.describe!(new BufferSource(tiff({ little: false }))), 'TIFF (big-endian, 2 pages)');
    assert.equal(await tiffCodec.describe!(new BufferSource(tiff({ big: true }))), 'BigTIFF (little-endian, 2 pages)');
  });
});

describe('TIFF placements besides IFD0 XMP', () => {
  it('labels in IFD0 XMP, page-2 XMP and Exif UserComment: three sites, one after write, the rest kept', async () => {
    const page2 = xmpPacket('<xmp:CreatorTool>page two tool</xmp:CreatorTool>', old);
    const input = tiff({
      little: false,
      ifd0: (e) => [xmpTag(e, xmpPacket('', old))],
      exif: (e) => [e.undef(0x9286, userComment('UNICODE', serializeWrapped(old), false))],
      page2: (e) => [xmpTag(e, page2)],
    });
    const r = await readLabel(input);
    assert.deepEqual(r.sites.map((s) => s.placement).sort(), ['tiff.exif-usercomment', 'tiff.xmp', 'tiff.xmp-page']);
    assert.ok(r.sites.every((s) => s.parsed.record));
    const p = await file('three.tif', input);
    await writeLabel(p, next);
    const w = await readLabel(p);
    assert.deepEqual(
      w.sites.map((s) => s.placement),
      ['tiff.xmp'],
    );
    assert.deepEqual(w.label, next);
    const out = await readFile(p);
    assert.equal(out.indexOf('old-0001'), -1, 'an old label is still in the file bytes');
    const at = Buffer.from(input).indexOf(Buffer.from(page2));
    assert.ok(at > 0);
    const cleaned = out.subarray(at, at + Buffer.byteLength(page2)).toString();
    assert.match(cleaned, /page two tool/);
    assert.equal(readXmpAigc(cleaned).length, 0);
    const t = await exiftoolRaw(p);
    assert.equal(t['ExifIFD:ExifVersion'], '0232');
    assert.equal(String(t['ExifIFD:UserComment'] ?? '').trim(), '');
  });

  it('a UTF-16 page XMP holding a label cannot be cleaned in place: format_unsupported', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(xmpPacket('', old), 'utf16le').swap16()]);
    const p = await file('utf16.tif', tiff({ page2: (e) => [e.undef(700, utf16)] }));
    assert.deepEqual(await placements(p), ['tiff.xmp-page']);
    await rejectsWith(writeLabel(p, next), 'format_unsupported');
  });
});

/** Rewrite the little-endian classic file's bytes with a patch function. */
const patched = (f: (b: Buffer) => void, l: Layout = {}): Buffer => {
  const b = Buffer.from(tiff(l));
  f(b);
  return b;
};
const ifd0 = (b: Buffer) => b.readUInt32LE(4);
const entryOf = (b: Buffer, tag: number): number => {
  const at = ifd0(b);
  for (let i = 0; i < b.readUInt16LE(at); i++) if (b.readUInt16LE(at + 2 + i * 12) === tag) return at + 2 + i * 12;
  throw new Error(`tag ${tag} not in IFD0`);
};
const nextOf = (b: Buffer, at: number) => at + 2 + b.readUInt16LE(at) * 12;
const labelled: Layout = { ifd0: (e) => [xmpTag(e, xmpPacket('', old))] };

describe('TIFF hostile structures', () => {
  const refused: [string, () => Uint8Array, string][] = [
    ['IFD0 entry count 0xFFFF', () => patched((b) => b.writeUInt16LE(0xffff, ifd0(b))), 'oversize'],
    ['IFD0 offset near 2^32', () => patched((b) => b.writeUInt32LE(0xfffffff0, 4)), 'truncated'],
    ['IFD0 offset inside the header', () => patched((b) => b.writeUInt32LE(4, 4)), 'malformed'],
    ['no IFD0 (offset 0)', () => patched((b) => b.writeUInt32LE(0, 4)), 'malformed'],
    ['a file of only a header', () => tiff().subarray(0, 8), 'truncated'],
    ['a BigTIFF with an offset size of 4', () => patched((b) => b.writeUInt16LE(4, 4), { big: true }), 'malformed'],
    [
      'a BigTIFF IFD0 offset past 2^53',
      () => patched((b) => b.writeUInt32LE(0x00400000, 12), { big: true }),
      'oversize',
    ],
  ];
  for (const [name, make, code] of refused) {
    it(`${name}: read and write refuse with ${code}, input untouched`, async () => {
      const p = await file(`h-${name.replace(/\W+/g, '-')}.tif`, make());
      await rejectsWith(readLabel(p), code);
      const hash = await sha256File(p);
      await rejectsWith(writeLabel(p, next), code);
      assert.equal(await sha256File(p), hash);
    });
  }

  const lenient: [string, () => Uint8Array, string, string, number][] = [
    [
      'an IFD chain looping back to IFD0',
      () => patched((b) => b.writeUInt32LE(ifd0(b), nextOf(b, b.readUInt32LE(nextOf(b, ifd0(b))))), labelled),
      'malformed',
      'malformed',
      1,
    ],
    [
      'IFD0 pointing at itself',
      () => patched((b) => b.writeUInt32LE(ifd0(b), nextOf(b, ifd0(b))), labelled),
      'malformed',
      'malformed',
      1,
    ],
    [
      'page 2 directory cut off',
      () => patched((b) => b.writeUInt32LE(b.length - 2, nextOf(b, ifd0(b))), labelled),
      'truncated',
      'truncated',
      1,
    ],
    [
      'page 2 entry count 0xFFFF',
      () => patched((b) => b.writeUInt16LE(0xffff, b.readUInt32LE(nextOf(b, ifd0(b)))), labelled),
      'oversize',
      'oversize',
      1,
    ],
    [
      'an XMP value offset near 2^32',
      () => patched((b) => b.writeUInt32LE(0xfffffff0, entryOf(b, 700) + 8), labelled),
      'xmp_unreadable',
      'truncated',
      0,
    ],
    [
      'an XMP count of 2^31 - 1 (over the bound and past the end)',
      () => patched((b) => b.writeUInt32LE(0x7fffffff, entryOf(b, 700) + 4), labelled),
      'xmp_unreadable',
      'truncated',
      0,
    ],
  ];
  for (const [name, make, warning, code, sites] of lenient) {
    it(`${name}: read reports ${sites} site(s) and warns ${warning}; write refuses with ${code}`, async () => {
      const p = await file(`l-${name.replace(/\W+/g, '-')}.tif`, make());
      const r = await readLabel(p);
      assert.equal(r.sites.length, sites);
      assert.deepEqual(
        r.warnings.map((w) => w.code),
        [warning],
      );
      const hash = await sha256File(p);
      await rejectsWith(writeLabel(p, next), code);
      assert.equal(await sha256File(p), hash);
    });
  }

  it('a value size overflowing 32 bits (DOUBLE × 0xFFFFFFFF) in IFD0 → write refuses with truncated', async () => {
    const p = await file(
      'double.tif',
      patched((b) => {
        const at = entryOf(b, 315);
        b.writeUInt16LE(12, at + 2);
        b.writeUInt32LE(0xffffffff, at + 4);
      }),
    );
    await readLabel(p);
    await rejectsWith(writeLabel(p, next), 'truncated');
  });

  it('an empty IFD0 has nothing to label: malformed', async () => {
    const p = await file('empty.tif', buildTiff({ little: true, pages: [{ tags: [] }] }));
    assert.equal((await readLabel(p)).sites.length, 0);
    await rejectsWith(writeLabel(p, next), 'malformed');
  });

  it('an Exif IFD pointer to garbage: read warns, write labels and keeps the pointer', async () => {
    const b = patched((x) => x.writeUInt32LE(0xfffffff0, entryOf(x, 0x8769) + 8));
    const r = await readLabel(b);
    assert.ok(r.warnings.some((w) => w.code === 'exif_unreadable'));
    const out = Buffer.from(await labelBytes(b, next));
    assert.deepEqual(await placements(out), ['tiff.xmp']);
    assert.ok(out.subarray(0, 4).equals(b.subarray(0, 4)));
  });

  it('wrong magic is not TIFF: format_unknown', async () => {
    await rejectsWith(readLabel(patched((b) => b.writeUInt16LE(41, 2))), 'format_unknown');
  });

  it('truncated at every directory boundary → read never crashes, write refuses with truncated', async () => {
    const full = await labelBytes(
      tiff({ little: false, ...labelled, page2: (e) => [e.ascii(305, 'x'.repeat(40))] }),
      next,
    );
    const src = await file('full.tif', full);
    const cuts = new Set<number>();
    for (const b of await tiffBoundaries(src)) for (const d of [-2, -1, 0, 1, 2]) cuts.add(b + d);
    for (let n = 4; n < full.length; n += 37) cuts.add(n);
    const p = join(dir, 'cut.tif');
    for (const n of [...cuts].filter((n) => n >= 4 && n < full.length).sort((a, b) => a - b)) {
      await writeFile(p, full.subarray(0, n));
      try {
        const r = await readLabel(p);
        assert.ok(
          r.warnings.some((w) => w.code === 'truncated' || w.code === 'xmp_unreadable'),
          `read cut at ${n}: no warning`,
        );
      } catch (e) {
        assert.equal((e as { code?: string }).code, 'truncated', `read cut at ${n}`);
      }
      await rejectsWith(writeLabel(p, next, { out: join(dir, 'cut-out.tif') }), 'truncated');
    }
  });
});
