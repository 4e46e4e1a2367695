/**
 * HEIF / AVIF hostile inputs and item layouts the conformance fixtures (made by libheif through sharp) do not cover:
 * every refusal asserts its exact error code and that the input file is untouched.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLabel, isHeguiError, labelBytes, readLabel, writeLabel } from '../../src/index.ts';
import { serializeBare } from '../../src/label/aigc/record.ts';
import { walkTopLevel } from '../../src/label/codecs/heif/boxes.ts';
import { readItemBytes } from '../../src/label/codecs/heif/data.ts';
import { heifCodec } from '../../src/label/codecs/heif/heif.ts';
import { isXmpItem, loadMeta } from '../../src/label/codecs/heif/items.ts';
import { BufferSource } from '../../src/label/io/source.ts';
import { exiftool, exiftoolAigc, sha256File } from '../support/media.ts';
import {
  box,
  cat,
  enc,
  ftyp,
  fullBox,
  image,
  labelElement,
  synthHeif,
  uint,
  XMP_CT,
  xmpItem,
  xmpPacket,
} from './heif-synthetic.ts';

const PRODUCER = '001191440300708461136T1XGW3';
const label = createLabel({ producer: PRODUCER, produceId: 'heif-test-0001' });
const old = (id: string): string => labelElement(serializeBare(createLabel({ producer: PRODUCER, produceId: id })));

let dir: string;
let n = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-heif-'));
});
after(async () => {
  await exiftool.end();
  await rm(dir, { recursive: true, force: true });
});

async function put(bytes: Uint8Array, ext = 'avif'): Promise<string> {
  const p = join(dir, `f${n++}.${ext}`);
  await writeFile(p, bytes);
  return p;
}

const hasCode = (code: string) => (e: unknown) => isHeguiError(e) && e.code === code;

/** An in-place write must fail with `code` and leave the file exactly as it was, with no temporary file. */
async function refusesWrite(bytes: Uint8Array, code: string): Promise<void> {
  const p = await put(bytes);
  const hash = await sha256File(p);
  await assert.rejects(writeLabel(p, label), hasCode(code));
  assert.equal(await sha256File(p), hash, 'a failed write changed the input');
  assert.equal((await readdir(dir)).filter((f) => f.endsWith('.tmp')).length, 0, 'temporary file left behind');
}

async function readWarns(bytes: Uint8Array, code: string): Promise<number> {
  const r = await readLabel(bytes);
  assert.ok(
    r.warnings.some((w) => w.code === code),
    `expected a ${code} warning, got ${r.warnings.map((w) => w.code)}`,
  );
  return r.sites.length;
}

async function metaOf(bytes: Uint8Array) {
  const src = new BufferSource(bytes);
  const top = await walkTopLevel(src, true);
  const meta = await loadMeta(src, top.boxes.find((b) => b.type === 'meta')!, (e) => {
    throw e;
  });
  const data = async (id: number) => readItemBytes(src, meta, meta.locations.find((l) => l.id === id)!);
  return { meta, data, top: top.boxes };
}

const plain = () => synthHeif({ items: [image()], primary: 1 });

describe('heif: sniffing by ftyp brands', () => {
  for (const brands of [
    ['avif', 'mif1'],
    ['heic', 'mif1', 'heic'],
    ['mif1'],
    ['msf1', 'iso8'],
    ['avis', 'msf1'],
    ['isom', 'mif1'],
  ]) {
    it(`recognises ${brands.join('/')}`, async () => {
      const r = await readLabel(synthHeif({ brands, items: [image()], primary: 1 }));
      assert.equal(r.format.codec, 'heif');
    });
  }
  for (const brands of [['isom', 'isom', 'mp41'], ['mp42', 'mp42', 'avc1'], ['isom', 'isom', 'hevc'], ['qt  ']]) {
    it(`leaves video brand ${brands.join('/')} alone`, () => {
      assert.equal(heifCodec.sniff(new BufferSource(synthHeif({ brands, items: [image()], primary: 1 }))), false);
    });
  }
  it('wrong magic: no ftyp first', async () => {
    const f = plain();
    f.set(enc.encode('free'), 4);
    assert.equal(heifCodec.sniff(new BufferSource(f)), false);
    assert.equal(heifCodec.sniff(new BufferSource(f.subarray(0, 15))), false);
    await assert.rejects(readLabel(f), hasCode('format_unknown'));
  });
});

describe('heif: hostile structures', () => {
  it('iloc item count 2^32-1 → oversize', async () => {
    const f = synthHeif({
      items: [image()],
      primary: 1,
      ilocRaw: { version: 2, payload: cat(uint(0x44, 1), uint(0, 1), uint(0xffffffff, 4)) },
    });
    assert.equal(await readWarns(f, 'oversize'), 0);
    await refusesWrite(f, 'oversize');
  });
  it('iloc item count larger than the box holds → malformed', async () => {
    const f = synthHeif({
      items: [image()],
      primary: 1,
      ilocRaw: { version: 1, payload: cat(uint(0x44, 1), uint(0, 1), uint(1000, 2)) },
    });
    assert.equal(await readWarns(f, 'malformed'), 0);
    await refusesWrite(f, 'malformed');
  });
  for (const [what, extra] of [
    ['offset near 2^64', { extentOffset: 0xffffffffffffff00n }],
    ['length near 2^64', { extentLength: 0xfffffffffffffff0n }],
    ['offset past the end of the file', { extentOffset: 100_000n }],
  ] as const) {
    it(`XMP extent ${what} → truncated`, async () => {
      const f = synthHeif({
        items: [image(), xmpItem(2, old('a'), extra)],
        primary: 1,
        iloc: { offsetSize: 8, lengthSize: 8 },
      });
      assert.equal(await readWarns(f, 'truncated'), 0);
      await refusesWrite(f, 'truncated');
    });
  }
  it('image extent near 2^32 with 32-bit fields → truncated on write, read unaffected', async () => {
    const f = synthHeif({
      items: [{ ...image(), extentOffset: 0xffffff00n }, xmpItem(2, old('a'))],
      primary: 1,
      refs: [{ type: 'cdsc', from: 2, to: [1] }],
    });
    assert.equal((await readLabel(f)).sites.length, 1);
    await refusesWrite(f, 'truncated');
  });
  for (const [what, raw] of [
    ['item name', cat(uint(2, 2), uint(0, 2), enc.encode('mimeXMP-without-terminator'))],
    ['content type', cat(uint(2, 2), uint(0, 2), enc.encode('mime\0application/rdf+xml'))],
  ] as const) {
    it(`infe with an unterminated ${what} → malformed`, async () => {
      const f = synthHeif({ items: [image(), xmpItem(2, old('a'), { infeRaw: raw })], primary: 1 });
      assert.equal(await readWarns(f, 'malformed'), 0);
      await refusesWrite(f, 'malformed');
    });
  }
  it('meta box size past the end of the file → truncated', async () => {
    for (const size of [0x7fff, 0xfffffff0]) {
      const f = plain();
      f.set(uint(size, 4), 28); // the meta header follows the 28-byte ftyp
      await assert.rejects(readLabel(f), hasCode('truncated'));
      await refusesWrite(f, 'truncated');
    }
  });
  it('meta largesize near 2^64 → truncated', async () => {
    const f = cat(
      ftyp(['avif', 'mif1']),
      uint(1, 4),
      enc.encode('meta'),
      uint(0xfffffffffffffff0n, 8),
      new Uint8Array(64),
    );
    await assert.rejects(readLabel(f), hasCode('truncated'));
    await refusesWrite(f, 'truncated');
  });
  it('a box smaller than its header → malformed', async () => {
    const f = cat(ftyp(['avif', 'mif1']), uint(4, 4), enc.encode('free'), plain().subarray(28));
    await assert.rejects(readLabel(f), hasCode('malformed'));
    await refusesWrite(f, 'malformed');
  });
  it('zero-length structures: empty meta → malformed; empty full meta → no sites, write refused', async () => {
    const empty = cat(ftyp(['avif', 'mif1']), box('meta'), box('mdat'));
    await assert.rejects(readLabel(empty), hasCode('malformed'));
    await refusesWrite(empty, 'malformed');
    const bare = cat(ftyp(['avif', 'mif1']), fullBox('meta', 0, 0), box('mdat'));
    assert.equal((await readLabel(bare)).sites.length, 0);
    await refusesWrite(bare, 'format_unsupported');
    const noItems = cat(
      ftyp(['avif', 'mif1']),
      fullBox('meta', 0, 0, fullBox('hdlr', 0, 0, uint(0, 4), enc.encode('pict'), new Uint8Array(13))),
    );
    await refusesWrite(noItems, 'malformed');
  });
  it('a meta box over the size bound → oversize', async () => {
    const f = synthHeif({ items: [image()], primary: 1, metaExtra: [box('free', new Uint8Array(33 * 1024 * 1024))] });
    await assert.rejects(readLabel(f), hasCode('oversize'));
    await refusesWrite(f, 'oversize');
  });
  it('boxes nested beyond the bound (sequence moov) → oversize on write', async () => {
    let trak = box('trak');
    for (let i = 0; i < 40; i++) trak = box('trak', trak);
    const f = synthHeif({
      items: [image(), xmpItem(2, old('a'))],
      primary: 1,
      refs: [{ type: 'cdsc', from: 2, to: [1] }],
      tail: () => [box('moov', trak)],
    });
    assert.equal((await readLabel(f)).sites.length, 1);
    await refusesWrite(f, 'oversize');
  });
  it('an item referencing itself → malformed', async () => {
    const f = synthHeif({
      items: [image(), xmpItem(2, old('a'))],
      primary: 1,
      refs: [{ type: 'cdsc', from: 2, to: [2] }],
    });
    const r = await readLabel(f);
    assert.ok(r.warnings.some((w) => w.code === 'malformed'));
    assert.equal(r.sites.length, 1);
    assert.equal(r.sites[0]!.normative, false, 'a self-describing XMP item does not describe the primary item');
    await refusesWrite(f, 'malformed');
  });
  it('an XMP item sharing its bytes with the image → malformed', async () => {
    const f = synthHeif({ items: [{ ...image(), sameDataAs: 2 }, xmpItem(2, '')], primary: 1 });
    await refusesWrite(f, 'malformed');
  });
  it('no primary item → malformed; handler not pict → format_unsupported', async () => {
    await refusesWrite(synthHeif({ items: [image()], primary: 7 }), 'malformed');
    await refusesWrite(synthHeif({ items: [image()], primary: 1, handler: 'vide' }), 'format_unsupported');
  });
  it('items in another file, construction method 2, protected XMP, gzip XMP, fragments → format_unsupported', async () => {
    await refusesWrite(synthHeif({ items: [{ ...image(), dataRef: 1 }], primary: 1 }), 'format_unsupported');
    await refusesWrite(synthHeif({ items: [{ ...image(), method: 2 }], primary: 1 }), 'format_unsupported');
    const prot = synthHeif({ items: [image(), xmpItem(2, old('a'), { protection: 1 })], primary: 1 });
    assert.equal(await readWarns(prot, 'format_unsupported'), 0);
    await refusesWrite(prot, 'format_unsupported');
    await refusesWrite(
      synthHeif({ items: [image(), xmpItem(2, '', { contentEncoding: 'gzip' })], primary: 1 }),
      'format_unsupported',
    );
    await refusesWrite(cat(plain(), box('moof')), 'format_unsupported');
  });
  it('an image sequence without a meta box: no sites, write refused', async () => {
    const f = cat(ftyp(['msf1', 'iso8']), box('moov'), box('mdat', enc.encode('frames')));
    const r = await readLabel(f);
    assert.equal(r.format.codec, 'heif');
    assert.equal(r.sites.length, 0);
    await refusesWrite(f, 'format_unsupported');
  });
  it('two XMP items each with a label: read reports 2, write leaves exactly 1 and keeps the other XMP', async () => {
    const f = synthHeif({
      items: [
        image(),
        xmpItem(2, `<dc:title>first</dc:title>${old('one')}`),
        xmpItem(3, `${old('two')}<dc:rights>kept</dc:rights>`, { method: 1 }),
      ],
      primary: 1,
      refs: [{ type: 'cdsc', from: 3, to: [1] }],
    });
    const r = await readLabel(f);
    // File order: the idat item (inside meta) comes before the mdat item.
    assert.deepEqual(
      r.sites.map((s) => JSON.parse(s.text).ProduceID),
      ['two', 'one'],
    );
    assert.deepEqual(
      r.findings.map((x) => x.code),
      ['multiple_labels', 'labels_disagree'],
    );
    const p = await put(f);
    const res = await writeLabel(p, label);
    assert.equal(res.replaced, 2);
    const out = await readFile(p);
    const again = await readLabel(out);
    assert.equal(again.sites.length, 1);
    assert.deepEqual(again.label, label);
    for (const id of ['one', 'two'])
      assert.equal(out.indexOf(`&quot;${id}&quot;`), -1, 'an old label survives in the file');
    const { meta, data } = await metaOf(out);
    const texts = await Promise.all(
      meta.infos.filter(isXmpItem).map(async (i) => Buffer.from(await data(i.id)).toString()),
    );
    assert.equal(texts.length, 2);
    assert.ok(texts[0]!.includes('<dc:title>first</dc:title>') && !texts[0]!.includes('TC260:AIGC>'));
    assert.ok(texts[1]!.includes('<dc:rights>kept</dc:rights>') && texts[1]!.includes('heif-test-0001'));
  });
});

describe('heif: item layouts on write', () => {
  it('iloc v0 with base offsets (libheif layout) and no iref: image re-pointed, iref created', async () => {
    const f = synthHeif({
      items: [image(), { id: 2, type: 'Exif', data: enc.encode('EXIF-BYTES') }],
      primary: 1,
      iloc: { version: 0, baseOffsetSize: 4 },
    });
    const out = await labelBytes(f, label);
    const { meta, data } = await metaOf(out);
    assert.equal(meta.iloc!.version, 1);
    assert.equal(Buffer.from(await data(1)).toString(), 'IMAGE-DATA-0123456789');
    assert.equal(Buffer.from(await data(2)).toString(), 'EXIF-BYTES');
    const xmp = meta.infos.find(isXmpItem)!;
    assert.equal(xmp.id, 3);
    assert.deepEqual(meta.refs, [{ type: 'cdsc', from: 3, to: [1] }]);
    assert.equal(await exiftoolAigc(await put(out)), serializeBare(label));
  });
  it('absent offset fields (size 0) are widened; the image still resolves', async () => {
    const f = synthHeif({ items: [image()], primary: 1, iloc: { version: 1, offsetSize: 0, baseOffsetSize: 8 } });
    const { meta, data } = await metaOf(await labelBytes(f, label));
    assert.equal(meta.iloc!.offsetSize, 4);
    assert.equal(Buffer.from(await data(1)).toString(), 'IMAGE-DATA-0123456789');
  });
  it('item id 65535 with 16-bit structures → new item 65536 with infe v3, iloc v2, iref v1', async () => {
    const f = synthHeif({ items: [{ ...image(), id: 65535 }], primary: 65535, iloc: { version: 0 } });
    const out = await labelBytes(f, label);
    const { meta, data } = await metaOf(out);
    assert.equal(meta.iloc!.version, 2);
    assert.equal(meta.irefVersion, 1);
    const xmp = meta.infos.find(isXmpItem)!;
    assert.deepEqual([xmp.id, xmp.version], [65536, 3]);
    assert.equal(Buffer.from(await data(65535)).toString(), 'IMAGE-DATA-0123456789');
    assert.equal(await exiftoolAigc(await put(out)), serializeBare(label));
  });
  it('idat items keep their bytes and repeated writes do not grow the file', async () => {
    const grid = { id: 5, type: 'grid', method: 1, data: enc.encode('GRID0001') };
    const f = synthHeif({
      items: [image(), grid, xmpItem(2, old('a'), { method: 1 })],
      primary: 1,
      refs: [{ type: 'cdsc', from: 2, to: [1] }],
    });
    const twice = await labelBytes(await labelBytes(f, label), label);
    const { meta, data } = await metaOf(twice);
    // idat holds the grid and the current packet only: the old packets are gone, not left behind.
    assert.equal(meta.idat!.data.length, 8 + (await data(2)).length);
    assert.equal(Buffer.from(await data(5)).toString(), 'GRID0001');
    assert.equal(Buffer.from(await data(1)).toString(), 'IMAGE-DATA-0123456789');
  });
  it('a deflate-encoded XMP item is read and stays deflate-encoded', async () => {
    const { deflateSync } = await import('node:zlib');
    const packet = enc.encode(xmpPacket(old('z')));
    const item = {
      id: 2,
      type: 'mime',
      contentType: XMP_CT,
      contentEncoding: 'deflate',
      data: new Uint8Array(deflateSync(packet)),
    };
    const f = synthHeif({ items: [image(), item], primary: 1, refs: [{ type: 'cdsc', from: 2, to: [1] }] });
    assert.equal(JSON.parse((await readLabel(f)).sites[0]!.text).ProduceID, 'z');
    const out = await labelBytes(f, label);
    const { meta } = await metaOf(out);
    assert.equal(meta.infos.find(isXmpItem)!.contentEncoding, 'deflate');
    assert.equal(await exiftoolAigc(await put(out)), serializeBare(label));
  });
  it('image sequence: stco chunk offsets behind meta move with the data; item ids avoid track ids', async () => {
    const tail = (offsets: Map<number, number>) => {
      const tkhd = fullBox('tkhd', 0, 3, uint(0, 8), uint(9, 4), new Uint8Array(72));
      const stco = fullBox('stco', 0, 0, uint(1, 4), uint(offsets.get(1)!, 4));
      return [box('moov', box('trak', tkhd, box('mdia', box('minf', box('stbl', stco)))))];
    };
    const f = synthHeif({ brands: ['avis', 'avif', 'msf1', 'mif1'], items: [image()], primary: 1, tail });
    const out = Buffer.from(await labelBytes(f, label));
    const stco = out.lastIndexOf('stco');
    const chunk = out.readUInt32BE(stco + 12);
    assert.notEqual(chunk, Buffer.from(f).readUInt32BE(Buffer.from(f).lastIndexOf('stco') + 12));
    assert.equal(out.toString('latin1', chunk, chunk + 10), 'IMAGE-DATA');
    assert.equal((await metaOf(out)).meta.infos.find(isXmpItem)!.id, 10);
  });
  it('a shift that overflows a 32-bit base offset is refused (sparse 4 GiB file), input untouched', async () => {
    const at = 0xfffffff0;
    // iloc v0, 32-bit base offsets: item 1 at base 0xfffffff0, one 16-byte extent.
    const iloc = cat(
      uint(0x44, 1),
      uint(0x40, 1),
      uint(1, 2),
      uint(1, 2),
      uint(0, 2),
      uint(at, 4),
      uint(1, 2),
      uint(0, 4),
      uint(16, 4),
    );
    const head = synthHeif({ items: [image()], primary: 1, ilocRaw: { version: 0, payload: iloc } });
    const mdatHeader = cat(uint(0, 4), enc.encode('mdat')); // size 0: to the end of the file
    const metaEnd = Buffer.from(head).indexOf('mdat') - 4;
    const p = join(dir, 'sparse.avif');
    await writeFile(p, cat(head.subarray(0, metaEnd), mdatHeader));
    await truncate(p, at + 64);
    const before = await stat(p);
    await assert.rejects(writeLabel(p, label), hasCode('format_unsupported'));
    const afterStat = await stat(p);
    assert.deepEqual([afterStat.size, afterStat.mtimeMs], [before.size, before.mtimeMs]);
    assert.equal((await readdir(dir)).filter((f) => f.endsWith('.tmp')).length, 0);
  });
});
