/**
 * MP4 / MOV / M4A codec writing: the TC260-PG-20257A / 202510A mdta key in moov/udta/meta, other placements removed,
 * chunk offsets moved with the moov, free-box absorption, and merging with metadata ffmpeg and Apple devices write.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { createLabel, readLabel, serializeBare, writeLabel } from '../../src/index.ts';
import { mp4Codec } from '../../src/label/codecs/bmff/mp4.ts';
import { ffmpeg, ffprobe, ffprobeAigc, packetHashes } from '../conformance/fixtures/bmff.ts';
import { box, cat, co64, full, keys, mdtaMeta, meta, movie, stco, u32, xmpPacket, xmpUuid } from './bmff-build.ts';
import { AV, chunkAndMdat, ENC, json, label, old, scratch } from './bmff-harness.ts';
import { assertFlipChangesCanonical, assertStableRelabelling, canonicalOf } from './stable-relabel.ts';

const s = scratch();

describe('mp4 placements', () => {
  it('reads the mdta key in moov/udta/meta as the normative site', async () => {
    const r = await readLabel(
      movie({
        moovExtra: [
          box(
            'udta',
            mdtaMeta([
              ['title', 'x'],
              ['AIGC', json],
            ]),
          ),
        ],
      }),
    );
    assert.deepEqual(
      r.sites.map((s) => [s.placement, s.normative]),
      [['mp4.mdta-keys', true]],
    );
    assert.deepEqual(r.label, label);
  });
  it('reads moov/meta (mdta), XMP uuid at top level and in udta as other sites; writing leaves one', async () => {
    const bytes = movie({
      top: [xmpUuid(xmpPacket(old))],
      moovExtra: [mdtaMeta([['AIGC', old]]), box('udta', xmpUuid(xmpPacket(old)), mdtaMeta([['AIGC', old]]))],
    });
    const r = await readLabel(bytes);
    assert.deepEqual(r.sites.map((s) => s.placement).sort(), [
      'mp4.mdta-keys',
      'mp4.moov-meta-keys',
      'mp4.xmp-uuid',
      'mp4.xmp-uuid',
    ]);
    assert.ok(r.findings.some((f) => f.code === 'multiple_labels'));
    const out = await s.labelled(bytes);
    const again = await readLabel(out);
    assert.deepEqual(
      again.sites.map((s) => s.placement),
      ['mp4.mdta-keys'],
    );
    assert.deepEqual(again.label, label);
    // The stripped XMP box before the mdat shrank: the chunk offset followed the mdat although the moov is last.
    const { chunk, mdat } = chunkAndMdat(out);
    assert.equal(chunk, mdat);
    assert.equal(
      out.toString('latin1').split('<dc:format>video/mp4</dc:format>').length,
      3,
      'other XMP properties kept',
    );
  });
  it('two labels (mdta key + XMP uuid): read shows 2 sites, write leaves exactly one', async () => {
    const bytes = movie({ top: [xmpUuid(xmpPacket(old))], moovExtra: [box('udta', mdtaMeta([['AIGC', old]]))] });
    assert.equal((await readLabel(bytes)).sites.length, 2);
    const again = await readLabel(await s.labelled(bytes));
    assert.equal(again.sites.length, 1);
    assert.deepEqual(again.findings, []);
  });
  it('reads an AIGC item holding 150,000 values (more than a call takes arguments) as a file with many labels', async () => {
    const values = Buffer.concat(Array.from({ length: 150_000 }, () => box('data', u32(1), u32(0), 'x')));
    const many = meta('mdta', keys(['AIGC']), box('ilst', cat(u32(8 + values.length), u32(1), values)));
    const r = await readLabel(movie({ moovExtra: [box('udta', many)] }));
    assert.ok(r.sites.length > 1, `${r.sites.length} sites`);
  });
  it('decodes a UTF-16 (type 2) data box', async () => {
    const utf16 = Buffer.from(json, 'utf16le').swap16();
    const m = meta(
      'mdta',
      keys(['AIGC']),
      box('ilst', cat(u32(24 + utf16.length), u32(1), box('data', u32(2), u32(0), utf16))),
    );
    assert.deepEqual((await readLabel(movie({ moovExtra: [box('udta', m)] }))).label, label);
  });
  it('removes an AIGC key from the middle of the keys and renumbers the items after it', async () => {
    const bytes = movie({
      moovExtra: [
        box(
          'udta',
          mdtaMeta([
            ['title', 'T'],
            ['AIGC', old],
            ['comment', 'C'],
          ]),
        ),
      ],
    });
    const out = await s.labelled(bytes);
    const k = out.indexOf('keys');
    assert.equal(out.readUInt32BE(k + 8), 3);
    assert.deepEqual(
      ['title', 'comment', 'AIGC'].map((s) => out.indexOf(`mdta${s}`) > 0),
      [true, true, true],
    );
    const ilst = out.indexOf('ilst');
    const items: [number, string][] = [];
    for (let p = ilst + 4; p < out.length - 8 && items.length < 3; ) {
      const size = out.readUInt32BE(p);
      items.push([out.readUInt32BE(p + 4), out.subarray(p + 24, p + size).toString()]);
      p += size;
    }
    assert.deepEqual(items, [
      [1, 'T'],
      [2, 'C'],
      [3, json],
    ]);
  });
  it('keeps a QuickTime udta terminator and other udta entries', async () => {
    const udta = box('udta', box('\xa9swr', u32(0), 'Lavf'), mdtaMeta([['AIGC', old]]), u32(0));
    const out = await s.labelled(movie({ moovExtra: [udta] }));
    const end = out.indexOf('udta') - 4 + out.readUInt32BE(out.indexOf('udta') - 4);
    assert.equal(out.readUInt32BE(end - 4), 0);
    assert.ok(out.indexOf('\xa9swr', 0, 'latin1') > 0);
    assert.deepEqual((await readLabel(out)).label, label);
  });
});

describe('mp4 chunk offsets', () => {
  it('moov first: stco entries move by the growth of the moov', async () => {
    const before = chunkAndMdat(Buffer.from(movie({ moovFirst: true })));
    assert.equal(before.chunk, before.mdat);
    const after = chunkAndMdat(await s.labelled(movie({ moovFirst: true })));
    assert.ok(after.mdat > before.mdat);
    assert.equal(after.chunk, after.mdat);
  });
  it('a track with 150,000 sample tables (more than a call takes arguments) is labelled, its chunk offsets moved', async () => {
    const many = box(
      'trak',
      box('mdia', box('minf', Buffer.concat(Array.from({ length: 150_000 }, () => box('stbl'))))),
    );
    const bytes = movie({ moovFirst: true, moovExtra: [many] });
    const after = chunkAndMdat(await s.labelled(bytes));
    assert.equal(after.chunk, after.mdat);
    assert.equal((await readLabel(await s.labelled(bytes))).label?.ProduceID, label.ProduceID);
  });
  it('moov first: co64 entries move too', async () => {
    const out = await s.labelled(movie({ moovFirst: true, offsets: (at) => co64([BigInt(at)]) }));
    const { chunk, mdat } = chunkAndMdat(out);
    assert.equal(chunk, mdat);
  });
  it('moov at end: nothing before the moov moves', async () => {
    const bytes = movie();
    const out = await s.labelled(bytes);
    const moovAt = Buffer.from(bytes).indexOf('moov') - 4;
    assert.ok(out.subarray(0, moovAt).equals(Buffer.from(bytes).subarray(0, moovAt)));
  });
  it('a free box after the moov absorbs the growth: no offset changes', async () => {
    const bytes = movie({ moovFirst: true, offsets: (at) => stco([at + 4096]) });
    const at = Buffer.from(bytes).indexOf('mdat') - 4;
    const withFree = cat(bytes.subarray(0, at), box('free', Buffer.alloc(4088)), bytes.subarray(at));
    const out = await s.labelled(withFree);
    assert.equal(out.length, withFree.length);
    const { chunk, mdat } = chunkAndMdat(out);
    assert.equal(chunk, mdat);
  });
  it('ffmpeg -moov_size (moov then free): labelled in place, same size, same packets', async () => {
    const p = s.path('reserved.mp4');
    await ffmpeg([...AV, ...ENC, '-moov_size', '8192', p]);
    const size = (await readFile(p)).length;
    const hashes = await packetHashes(p);
    await writeLabel(p, label);
    assert.equal((await readFile(p)).length, size);
    assert.deepEqual(await packetHashes(p), hashes);
    assert.equal(await ffprobeAigc(p), json);
  });
  it('moov first, mdat with size 0 (to the end of the file)', async () => {
    const bytes = Buffer.from(movie({ moovFirst: true }));
    bytes.writeUInt32BE(0, bytes.indexOf('mdat') - 4);
    const out = await s.labelled(bytes);
    const { chunk, mdat } = chunkAndMdat(out);
    assert.equal(chunk, mdat);
    assert.equal(out.readUInt32BE(mdat - 8), 0);
  });
  it('moov with size 0 at the end of the file', async () => {
    const bytes = Buffer.from(movie());
    bytes.writeUInt32BE(0, bytes.indexOf('moov') - 4);
    assert.deepEqual((await readLabel(await s.labelled(bytes))).label, label);
  });
  it('fragmented with default-base-is-moof: packets unchanged', async () => {
    const p = s.path('dbm.mp4');
    await ffmpeg([...AV, ...ENC, '-g', '5', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', p]);
    const hashes = await packetHashes(p);
    await writeLabel(p, label);
    assert.deepEqual(await packetHashes(p), hashes);
    assert.equal(await ffprobeAigc(p), json);
  });
});

describe('mp4 stable relabelling (content binding)', () => {
  const mdatPayload = (b: Buffer): number =>
    b.indexOf('mdat') + 4 + Math.floor(b.readUInt32BE(b.indexOf('mdat') - 4) / 2);
  for (const [name, flags] of [
    ['ffmpeg +faststart (moov, 8-byte free, mdat)', ['-movflags', '+faststart']],
    ['ffmpeg -moov_size (moov, large free, mdat)', ['-moov_size', '8192']],
  ] as const) {
    it(`${name}: the same canonical form through any relabelling; a media byte changes it`, async () => {
      const p = s.path(`stable-${flags[0]}.mp4`);
      await ffmpeg([...AV, ...ENC, ...flags, p]);
      const original = chunkAndMdat(await readFile(p));
      const outputs = await assertStableRelabelling(mp4Codec, await readFile(p));
      for (const out of outputs) {
        const { chunk, mdat } = chunkAndMdat(out);
        assert.equal(chunk - mdat, original.chunk - original.mdat, 'chunk offsets follow the mdat');
      }
      await assertFlipChangesCanonical(mp4Codec, outputs[1]!, mdatPayload(outputs[1]!));
    });
  }
  it('free room that a short label fits and a signed one does not: offsets move one way, then the other', async () => {
    const bytes = movie({ moovFirst: true, offsets: (at) => stco([at + 308]) });
    const at = Buffer.from(bytes).indexOf('mdat') - 4;
    const withFree = cat(bytes.subarray(0, at), box('free', Buffer.alloc(300)), bytes.subarray(at));
    const [short, signed] = await assertStableRelabelling(mp4Codec, withFree);
    assert.equal(short!.length, withFree.length, 'the short label fits in the free box');
    assert.ok(signed!.length > withFree.length, 'the signed label does not');
    for (const out of [short!, signed!]) assert.equal(chunkAndMdat(out).chunk, chunkAndMdat(out).mdat);
  });
  it('an XMP uuid box with a label and a free box after it, before the moov', async () => {
    const top = [xmpUuid(xmpPacket(old)), box('free', Buffer.alloc(64))];
    const bytes = movie({ moovFirst: true, top });
    await assertStableRelabelling(mp4Codec, bytes);
  });
  it('sample auxiliary offsets (saio) in a moov with room after it: written in place, canonical form stable', async () => {
    const saio = box('saio', full(), u32(1), u32(0));
    const bytes = movie({ moovFirst: true, offsets: (at) => cat(stco([at + 4096]), saio) });
    const at = Buffer.from(bytes).indexOf('mdat') - 4;
    const withFree = cat(bytes.subarray(0, at), box('free', Buffer.alloc(4088)), bytes.subarray(at));
    await assertStableRelabelling(mp4Codec, withFree);
    // Without the free box the writer refuses, and the canonical form of that file still exists (nothing moves there).
    await s.refuses(bytes, 'format_unsupported');
    assert.ok((await canonicalOf(mp4Codec, bytes)).length > 0);
  });
});

describe('mp4 merging with existing metadata', () => {
  it('ffmpeg mdta tags with an old AIGC key between others: replaced, the rest kept', async () => {
    const p = s.path('tags.mp4');
    await ffmpeg([
      ...AV,
      ...ENC,
      '-metadata',
      'title=Hello',
      '-metadata',
      `AIGC=${old}`,
      '-metadata',
      'comment=kept',
      '-movflags',
      'use_metadata_tags+faststart',
      p,
    ]);
    const before = await ffprobe(p);
    const hashes = await packetHashes(p);
    assert.equal(before.format.tags?.['AIGC'], old);
    await writeLabel(p, label);
    const after = await ffprobe(p);
    assert.deepEqual(after.format.tags, { ...before.format.tags, AIGC: json });
    assert.deepEqual(await packetHashes(p), hashes);
  });
  it('a track-level mdta meta: FFmpeg shows the same tags as before plus AIGC', async () => {
    const p = s.path('trackmeta.mp4');
    await ffmpeg([...AV, ...ENC, p]);
    const b = await readFile(p);
    const moov = b.indexOf('moov') - 4;
    const trak = b.indexOf('trak', moov) - 4;
    const trakEnd = trak + b.readUInt32BE(trak);
    const trackMeta = Buffer.from(mdtaMeta([['com.example.track-note', 'kept']]));
    const withMeta = cat(b.subarray(0, trakEnd), trackMeta, b.subarray(trakEnd));
    for (const at of [moov, trak]) withMeta.writeUInt32BE(b.readUInt32BE(at) + trackMeta.length, at);
    await writeFile(p, withMeta);
    const before = await ffprobe(p);
    const hashes = await packetHashes(p);
    await writeLabel(p, label);
    const after = await ffprobe(p);
    assert.deepEqual(after.format.tags, { ...before.format.tags, AIGC: json });
    assert.deepEqual(
      after.streams.map((x) => x.tags),
      before.streams.map((x) => x.tags),
    );
    assert.ok((await readFile(p)).includes('com.example.track-note'), 'the track meta is kept');
    assert.deepEqual(await packetHashes(p), hashes);
  });
  it('Apple-style moov/meta keys before the udta: every tag keeps its name and AIGC is shown', async () => {
    const p = s.path('apple.mp4');
    await ffmpeg([...AV, ...ENC, p]);
    const b = await readFile(p);
    const moov = b.indexOf('moov') - 4;
    const appleMeta = Buffer.from(
      mdtaMeta([
        ['com.apple.quicktime.make', 'Apple'],
        ['AIGC', old],
      ]),
    );
    const udta = b.indexOf('udta', moov) - 4;
    const withApple = cat(b.subarray(0, udta), appleMeta, b.subarray(udta));
    withApple.writeUInt32BE(b.readUInt32BE(moov) + appleMeta.length, moov);
    await writeFile(p, withApple);
    assert.equal((await readLabel(p)).sites.length, 1);
    await writeLabel(p, label);
    const tags = (await ffprobe(p)).format.tags ?? {};
    assert.equal(tags['com.apple.quicktime.make'], 'Apple');
    assert.equal(tags['AIGC'], json);
    const r = await readLabel(p);
    assert.deepEqual(
      r.sites.map((s) => s.placement),
      ['mp4.mdta-keys'],
    );
  });
});

describe('MP4 labels written by scripting ExifTool', () => {
  it('reads the com.apple.quicktime.AIGC key as an alternative placement and replaces it with the AIGC key', async () => {
    const { ExifTool } = await import('exiftool-vendored');
    const { mkdtemp, writeFile, copyFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'hegui-et-mp4-'));
    await writeFile(
      join(dir, '.ExifTool_config'),
      "%Image::ExifTool::UserDefined = ('Image::ExifTool::QuickTime::Keys' => { AIGC => { Name => 'AIGC', Writable => 'string' } });\n1;\n",
    );
    const et = new ExifTool({ maxProcs: 1, exiftoolEnv: { EXIFTOOL_HOME: dir } });
    const f = join(dir, 'et.mp4');
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x120:rate=10',
      '-t',
      '1',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      join(dir, 'src.mp4'),
    ]);
    await copyFile(join(dir, 'src.mp4'), f);
    const vendor = createLabel({ producer: '001191440300708461136T1XGW3', produceId: 'by-exiftool' });
    try {
      await et.write(f, { 'Keys:AIGC': serializeBare(vendor) } as never, { writeArgs: ['-overwrite_original'] });
    } finally {
      await et.end();
    }
    const before = await readLabel(f);
    assert.deepEqual(
      before.sites.map((s) => [s.placement, s.normative]),
      [['mp4.mdta-reverse-dns-key', false]],
    );
    assert.deepEqual(before.label, vendor);
    await writeLabel(f, createLabel({ producer: '001191440300708461136T1XGW3', produceId: 'by-hegui' }));
    const after = await readLabel(f);
    assert.deepEqual(
      after.sites.map((s) => s.placement),
      ['mp4.mdta-keys'],
    );
    assert.equal(after.label?.ProduceID, 'by-hegui');
    assert.deepEqual(await packetHashes(f), await packetHashes(join(dir, 'src.mp4')));
  });
});
