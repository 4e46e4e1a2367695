/**
 * MP4 / MOV / M4A codec: sniffing and hostile structures (sizes 0/1/7, largesize near 2^64, boxes past their parent,
 * nesting past the bound, huge counts, missing or doubled moov), each refused with its exact error code and the input
 * left untouched. Placements and offsets: bmff-write.test.ts.
 */
import assert from 'node:assert/strict';
import { truncate, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { detectFormat, isHeguiError, readLabel, writeLabel } from '../../src/index.ts';
import { mp4Codec } from '../../src/label/codecs/bmff/mp4.ts';
import { MemorySink } from '../../src/label/io/sink.ts';
import { BufferSource } from '../../src/label/io/source.ts';
import {
  box,
  boxWithSize,
  cat,
  ftyp,
  item,
  keys,
  mdat,
  mdtaMeta,
  meta,
  movie,
  mvhd,
  stco,
  track,
  u32,
  u64,
  xmpPacket,
  xmpUuid,
} from './bmff-build.ts';
import { label, old, readWarns, scratch } from './bmff-harness.ts';

const s = scratch();

describe('mp4 sniffing', () => {
  const withBrand = (major: string, ...compat: string[]) =>
    cat(ftyp(major, ...compat), movie().subarray(ftyp().length));
  it('claims MP4, MOV, M4A, 3GP and DASH brands', async () => {
    for (const major of ['isom', 'iso6', 'mp42', 'avc1', 'M4A ', 'M4V ', 'M4B ', 'qt  ', '3gp6', '3g2a', 'dash']) {
      assert.equal((await detectFormat(withBrand(major)))?.codec, 'mp4', major);
    }
    assert.equal((await detectFormat(withBrand('abcd', 'mp41')))?.codec, 'mp4');
  });
  it('leaves HEIF and AVIF brands to the HEIF codec', async () => {
    for (const major of ['heic', 'heix', 'mif1', 'msf1', 'avif', 'avis']) {
      assert.notEqual((await detectFormat(withBrand(major, 'isom')))?.codec, 'mp4', major);
    }
    assert.notEqual((await detectFormat(withBrand('abcd', 'isom', 'avif')))?.codec, 'mp4');
    assert.equal(await detectFormat(withBrand('jp2 ', 'jp2 ')), null);
  });
  it('claims QuickTime files without ftyp that start with moov, mdat, wide or free', async () => {
    const body = movie().subarray(ftyp().length);
    for (const first of [box('wide'), box('free', Buffer.alloc(16)), new Uint8Array(0)]) {
      assert.equal((await detectFormat(cat(first, body)))?.codec, 'mp4');
    }
    assert.equal(await detectFormat(cat(box('abcd'), body)), null);
    // Text that happens to start with a box type is plain text, not a movie.
    assert.equal((await detectFormat(Buffer.from('free text that is not a movie at all')))?.codec, 'text');
  });
  it('describes the layout', async () => {
    assert.equal(await mp4Codec.describe!(new BufferSource(movie())), 'MP4 (moov at end)');
    assert.equal(await mp4Codec.describe!(new BufferSource(movie({ moovFirst: true }))), 'MP4 (moov first)');
  });
});

describe('mp4 hostile structures', () => {
  const udtaLabel = box('udta', mdtaMeta([['AIGC', old]]));
  it('top-level box of size 7 (smaller than its header) → malformed', async () => {
    const bytes = cat(movie(), boxWithSize(7, 'free', Buffer.alloc(8)));
    await readWarns(bytes, 'malformed');
    await s.refuses(bytes, 'malformed');
  });
  it('largesize below 16 → malformed; largesize near 2^64 → truncated', async () => {
    const small = cat(movie(), u32(1), 'free', u64(8n));
    await s.refuses(small, 'malformed');
    const huge = cat(movie(), u32(1), 'free', u64(0xfffffffffffffff0n), Buffer.alloc(16));
    await readWarns(huge, 'truncated');
    await s.refuses(huge, 'truncated');
  });
  it('a largesize that is valid is walked', async () => {
    const bytes = cat(movie({ moovExtra: [udtaLabel] }), u32(1), 'free', u64(24n), Buffer.alloc(8));
    assert.deepEqual((await readLabel(await s.labelled(bytes))).label, label);
  });
  it('size 0 inside the moov runs to the end of the moov', async () => {
    const udta = Buffer.from(udtaLabel);
    udta.writeUInt32BE(0, 0);
    assert.equal((await readLabel(movie({ moovExtra: [udta] }))).sites.length, 1);
    assert.deepEqual((await readLabel(await s.labelled(movie({ moovExtra: [udta] })))).label, label);
  });
  it('a box past the end of its parent → malformed', async () => {
    const bad = boxWithSize(4000, 'udta', mdtaMeta([['AIGC', old]]));
    await readWarns(movie({ moovExtra: [bad] }), 'malformed');
    await s.refuses(movie({ moovExtra: [bad] }), 'malformed');
  });
  it('a box past the end of the file → truncated (write), lenient read', async () => {
    const bytes = movie({ moovFirst: true, moovExtra: [udtaLabel] });
    const cut = bytes.subarray(0, bytes.length - 10);
    assert.equal((await readLabel(cut)).sites.length, 1);
    await s.refuses(cut, 'truncated');
  });
  it('nesting deeper than the bound → oversize', async () => {
    let deep = mdtaMeta([['AIGC', old]]);
    for (let i = 0; i < 40; i++) deep = box('udta', deep);
    await readWarns(movie({ moovExtra: [deep] }), 'oversize');
    await s.refuses(movie({ moovExtra: [deep] }), 'oversize');
  });
  it('keys entry count huge → oversize; past the box → malformed', async () => {
    const huge = meta('mdta', keys(['AIGC'], 0xffffffff), box('ilst', item(1, old)));
    await readWarns(movie({ moovExtra: [box('udta', huge)] }), 'metadata_unreadable');
    await s.refuses(movie({ moovExtra: [box('udta', huge)] }), 'oversize');
    const past = meta('mdta', keys(['AIGC'], 100), box('ilst', item(1, old)));
    await s.refuses(movie({ moovExtra: [box('udta', past)] }), 'malformed');
  });
  it('an ilst item typed by a key index that does not exist → malformed', async () => {
    const m = meta('mdta', keys(['title']), box('ilst', item(1, 'T'), item(7, 'x')));
    await s.refuses(movie({ moovExtra: [box('udta', m)] }), 'malformed');
  });
  it('stco entry count past the box end → malformed', async () => {
    await s.refuses(movie({ moovFirst: true, offsets: (at) => stco([at], 1000) }), 'malformed');
    await s.refuses(movie({ offsets: (at) => stco([at], 0x40000000) }), 'malformed');
  });
  it('a 32-bit chunk offset that would overflow → format_unsupported', async () => {
    await s.refuses(movie({ moovFirst: true, offsets: () => stco([0xfffffff0]) }), 'format_unsupported');
  });
  it('moov missing → malformed (write), no_moov warning (read)', async () => {
    const bytes = cat(ftyp(), mdat());
    await readWarns(bytes, 'no_moov');
    await s.refuses(bytes, 'malformed');
  });
  it('two moov boxes → malformed', async () => {
    const moov = box('moov', mvhd(), track(stco([])));
    await s.refuses(cat(movie(), moov), 'malformed');
  });
  it('a sidx before a moov that grows → format_unsupported', async () => {
    await s.refuses(movie({ moovFirst: true, top: [box('sidx', Buffer.alloc(24))] }), 'format_unsupported');
  });
  it('XMP with a DOCTYPE → malformed (write), warning (read)', async () => {
    const bytes = movie({ top: [xmpUuid(`<!DOCTYPE x [<!ENTITY a "b">]>${xmpPacket(old)}`)] });
    await readWarns(bytes, 'xmp_unreadable');
    await s.refuses(bytes, 'malformed');
  });
  it('a moov over 64 MiB → oversize (sparse file, never read)', async () => {
    const p = s.path('bigmoov.mp4');
    const size = 70 * 1024 * 1024;
    await writeFile(p, cat(ftyp(), u32(size), 'moov', mvhd()));
    await truncate(p, ftyp().length + size);
    const r = await readLabel(p);
    assert.ok(r.warnings.some((w) => w.code === 'oversize'));
    await assert.rejects(
      writeLabel(p, label, { out: s.path('bigmoov-out.mp4') }),
      (e: unknown) => isHeguiError(e) && e.code === 'oversize',
    );
  });
  it('random damage inside the moov: only HeguiErrors, never a crash', async () => {
    const bytes = Buffer.from(
      movie({
        moovFirst: true,
        top: [xmpUuid(xmpPacket(old))],
        moovExtra: [
          box(
            'udta',
            box('chpl', u32(0)),
            meta('mdir', box('ilst', box('\xa9nam', box('data', u32(1), u32(0), 'T')))),
            mdtaMeta([
              ['title', 'T'],
              ['AIGC', old],
            ]),
          ),
        ],
      }),
    );
    const moov = bytes.indexOf('moov') - 4;
    const span = bytes.readUInt32BE(moov);
    let seed = 99;
    for (let round = 0; round < 400; round++) {
      const b = Buffer.from(bytes);
      for (let k = 0; k < 1 + (round % 3); k++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        b[moov + (seed % span)] = [0, 0xff, seed >>> 24][round % 3]!;
      }
      for (const op of [
        () => mp4Codec.read(new BufferSource(b)),
        () => mp4Codec.write!(new BufferSource(b), new MemorySink(), label),
      ]) {
        await op().catch((e: unknown) => assert.ok(isHeguiError(e), `round ${round}: ${(e as Error).stack}`));
      }
    }
  });
  it('garbage that is not a box at the start → read throws a HeguiError', async () => {
    await assert.rejects(
      mp4Codec.read(new BufferSource(cat(u32(3), 'moov', Buffer.alloc(8)))),
      (e: unknown) => isHeguiError(e) && e.code === 'malformed',
    );
  });
});
