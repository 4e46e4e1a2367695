/**
 * Hostile and edge-case inputs for the RIFF codecs (WebP, WAV, AVI): wrong magic, sizes near 2^32 and past the end,
 * zero-size chunks, LIST nesting past the bound, RF64 / AVIX refusal, two labels present. Each asserts the exact error
 * code.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { buildXmpPacket, createLabel, isHeguiError, labelBytes, readLabel, serializeBare } from '../../src/index.ts';
import { wavCodec } from '../../src/label/codecs/riff/wav.ts';
import { webpCodec } from '../../src/label/codecs/riff/webp.ts';
import { MemorySink } from '../../src/label/io/sink.ts';
import { BufferSource } from '../../src/label/io/source.ts';
import {
  chunk,
  HugeWav,
  idOf,
  list,
  riff,
  riffChunks,
  topChunks,
  withSize,
} from '../conformance/fixtures/riff-walk.ts';
import { ffmpeg, packetHashes } from '../support/media.ts';
import { writeOutcome as labelOutcome, outcome } from '../support/outcome.ts';
import { refusedInPlace } from './audio-support.ts';

const PRODUCER = '001191440300708461136T1XGW3';
const label = createLabel({ producer: PRODUCER, produceId: 'riff-0001' });
const older = createLabel({ producer: PRODUCER, produceId: 'older-0002', label: '2' });
const json = (l = older): string => serializeBare(l);

const writeOutcome = (bytes: Buffer): Promise<string> => labelOutcome(bytes, label);

const renamed = (b: Buffer, at: number, id: string): Buffer => {
  const c = Buffer.from(b);
  c.write(id, at, 'latin1');
  return c;
};

/**
 * Wrong magic: a big-endian `RIFX`, a lower-case `riff`, a form type one letter off. None sniffs as any format (the
 * name is never consulted): read and write end in format_unknown and the file stays as it was.
 */
async function wrongMagic(name: string, b: Buffer): Promise<void> {
  const form = b.toString('latin1', 8, 12);
  for (const [what, bad] of [
    ['RIFX', renamed(b, 0, 'RIFX')],
    ['riff', renamed(b, 0, 'riff')],
    [`${form.slice(0, 3)}!`, renamed(b, 8, `${form.slice(0, 3)}!`)],
  ] as const) {
    assert.equal(await outcome(readLabel(bad)), 'format_unknown', `${name} ${what}`);
    await refusedInPlace(dir, `${name}-${what.replace(/\W/g, '_')}.bin`, bad, 'format_unknown');
  }
}

let dir: string;
let lossy: Buffer;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-riff-'));
  lossy = await sharp({ create: { width: 24, height: 16, channels: 3, background: '#446688' } })
    .webp({ quality: 60 })
    .toBuffer();
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('WebP', () => {
  it('wrong magic → format_unknown, input untouched; a WebP chunk list under the WAVE form is not WebP', async () => {
    await wrongMagic('webp', lossy);
    const wave = renamed(lossy, 8, 'WAVE');
    assert.equal((await readLabel(wave)).format.codec, 'wav');
    await refusedInPlace(dir, 'webp-as-wave.wav', wave, 'malformed');
  });

  it('a RIFF size near 2^32 → truncated on write, a truncated warning on read', async () => {
    const bad = withSize(lossy, 4, 0xfffffff0);
    assert.equal(await writeOutcome(bad), 'truncated');
    const r = await readLabel(bad);
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ['truncated'],
    );
  });

  it('a chunk size near 2^32 or a few bytes past the end → truncated', async () => {
    assert.equal(await writeOutcome(withSize(lossy, 16, 0xfffffff8)), 'truncated');
    assert.equal(await writeOutcome(withSize(lossy, 16, lossy.readUInt32LE(16) + 6)), 'truncated');
  });

  it('a chunk running past its RIFF but not past the file → malformed', async () => {
    const extra = Buffer.concat([lossy, Buffer.alloc(16)]);
    assert.equal(await writeOutcome(withSize(extra, 16, lossy.readUInt32LE(16) + 8)), 'malformed');
  });

  it('a RIFF size smaller than its form type, a chunk id of control bytes → malformed', async () => {
    assert.equal(await outcome(readLabel(withSize(lossy, 4, 2))), 'malformed');
    const badId = Buffer.from(lossy);
    badId.write('\x00\x01\x02\x03', 12, 'latin1');
    assert.equal(await writeOutcome(badId), 'malformed');
    assert.deepEqual(
      (await readLabel(badId)).warnings.map((w) => w.code),
      ['malformed'],
    );
  });

  it('zero-size chunks: an empty XMP and an unknown chunk are fine, an empty VP8 is malformed', async () => {
    const [vp8] = topChunks(lossy);
    const odd = riff('WEBP', [vp8!, chunk('XMP ', ''), chunk('ZERO', '')]);
    const out = Buffer.from(await labelBytes(odd, label));
    const ids = riffChunks(out).map((c) => c.id);
    assert.deepEqual(ids, ['VP8X', 'VP8 ', 'XMP ', 'ZERO']);
    assert.equal(await writeOutcome(riff('WEBP', [chunk('VP8 ', '')])), 'malformed');
    assert.equal(await writeOutcome(riff('WEBP', [chunk('ALPH', 'xx'), vp8!])), 'malformed');
  });

  it('VP8X flags XMP but no XMP chunk → a warning, and the write adds the chunk', async () => {
    const simple = Buffer.from(await labelBytes(lossy, label));
    const [vp8x, vp8] = topChunks(simple);
    const flagged = riff('WEBP', [vp8x!, vp8!]);
    assert.equal(flagged[20]! & 0x04, 0x04);
    const r = await readLabel(flagged);
    assert.equal(r.sites.length, 0);
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ['xmp_flag_without_chunk'],
    );
    const again = await readLabel(await labelBytes(flagged, label));
    assert.equal(again.sites.length, 1);
    assert.deepEqual(again.warnings, []);
  });

  it('a simple file gets a VP8X with the canvas of the VP8 frame header and the XMP flag', async () => {
    const out = Buffer.from(await labelBytes(lossy, label));
    const [vp8x] = riffChunks(out);
    assert.equal(vp8x!.id, 'VP8X');
    assert.equal(vp8x!.data[0], 0x04);
    assert.equal(vp8x!.data.readUIntLE(4, 3) + 1, 24);
    assert.equal(vp8x!.data.readUIntLE(7, 3) + 1, 16);
    assert.equal(out.readUInt32LE(4), out.length - 8, 'RIFF size');
  });

  it('two labels (two XMP chunks) → read reports 2 sites; write leaves exactly one, other XMP kept', async () => {
    const [vp8x, vp8] = topChunks(Buffer.from(await labelBytes(lossy, label)));
    const dc = buildXmpPacket(older).replace(
      '</rdf:RDF>',
      '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:format>keep</dc:format></rdf:Description></rdf:RDF>',
    );
    const two = riff('WEBP', [vp8x!, vp8!, chunk('XMP ', buildXmpPacket(older)), chunk('XMP ', dc)]);
    const r = await readLabel(two);
    assert.equal(r.sites.length, 2);
    const out = Buffer.from(await labelBytes(two, label));
    const after = await readLabel(out);
    assert.equal(after.sites.length, 1);
    assert.deepEqual(after.label, label);
    assert.ok(out.toString('utf8').includes('<dc:format>keep</dc:format>'), 'the other XMP property was lost');
  });

  it('odd-sized chunks are padded and the RIFF size is exact', async () => {
    const [vp8] = topChunks(lossy);
    const out = Buffer.from(await labelBytes(riff('WEBP', [vp8!, chunk('ABCD', 'odd')]), label));
    for (const c of riffChunks(out)) assert.ok(c.offset % 2 === 0, `${c.id} starts at an odd offset`);
    assert.equal(out.readUInt32LE(4), out.length - 8);
    assert.equal(out.length % 2, 0);
  });

  it('refuses an XMP chunk over the size bound on write (oversize), skips it with a warning on read', async () => {
    const [vp8] = topChunks(lossy);
    const huge = riff('WEBP', [vp8!, chunk('XMP ', Buffer.alloc(4 * 1024 * 1024 + 2, 0x20))]);
    assert.equal(await writeOutcome(huge), 'oversize');
    assert.deepEqual(
      (await readLabel(huge)).warnings.map((w) => w.code),
      ['xmp_oversize', 'xmp_chunk_without_flag'],
    );
  });

  it('write goes through the codec to a sink without buffering payloads twice', async () => {
    const sink = new MemorySink();
    await webpCodec.write!(new BufferSource(lossy), sink, label);
    assert.equal((await readLabel(sink.bytes())).sites.length, 1);
  });
});

describe('WAV', () => {
  let tagged: Buffer;
  let rf64: Buffer;
  before(async () => {
    const sine = ['-f', 'lavfi', '-i', 'sine=duration=0.25:sample_rate=8000', '-c:a', 'pcm_s16le'];
    await ffmpeg([...sine, '-metadata', 'title=Tone', '-metadata', 'artist=Tests', join(dir, 'tagged.wav')]);
    await ffmpeg([...sine, '-rf64', 'always', join(dir, 'rf64.wav')]);
    tagged = await readFile(join(dir, 'tagged.wav'));
    rf64 = await readFile(join(dir, 'rf64.wav'));
  });

  const infoEntries = (l: Buffer): Buffer[] => topChunks(riff('INFO', [l.subarray(12)]));
  /** The tagged file with extra INFO entries and top-level chunks inserted before `data`. */
  const build = (info: Buffer[], extra: Buffer[] = []): Buffer =>
    riff(
      'WAVE',
      topChunks(tagged).flatMap((c) => {
        if (idOf(c) === 'LIST') return [list('INFO', [...infoEntries(c), ...info])];
        return idOf(c) === 'data' ? [...extra, c] : [c];
      }),
    );

  it('wrong magic → format_unknown, input untouched; a WAV chunk list under the AVI form is refused', async () => {
    await wrongMagic('wav', tagged);
    const avi = renamed(tagged, 8, 'AVI ');
    assert.equal((await readLabel(avi)).format.codec, 'avi');
    await refusedInPlace(dir, 'wav-as-avi.avi', avi, 'malformed');
  });

  it('RF64 and BW64 → format_unsupported naming the form; RF64 is still read', async () => {
    assert.equal(rf64.toString('latin1', 0, 4), 'RF64');
    assert.equal(await writeOutcome(rf64), 'format_unsupported');
    await assert.rejects(labelBytes(rf64, label), /RF64/);
    const bw64 = Buffer.from(rf64);
    bw64.write('BW64', 0, 'latin1');
    assert.equal(await writeOutcome(bw64), 'format_unsupported');
    // An AIGC chunk before `data`, sizes taken from ds64: the reader finds it.
    const at = rf64.indexOf('data', 12, 'latin1');
    const aigc = chunk('AIGC', json());
    const withLabel = Buffer.concat([rf64.subarray(0, at), aigc, rf64.subarray(at)]);
    withLabel.writeUInt32LE(withLabel.readUInt32LE(20) + aigc.length, 20);
    const r = await readLabel(withLabel);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(
      r.sites.map((s) => [s.placement, s.normative]),
      [['wav.aigc-chunk', true]],
    );
    assert.deepEqual(r.label, older);
  });

  it('a WAV that would pass 4 GB once labelled → format_unsupported before any byte is copied', async () => {
    const sink = new MemorySink();
    const huge = new HugeWav(0xffffffff - 60);
    await assert.rejects(
      wavCodec.write!(huge, sink, label),
      (e) => isHeguiError(e) && e.code === 'format_unsupported' && /4 GB/.test(e.message),
    );
    assert.equal(sink.position, 0);
    assert.equal((await wavCodec.read(huge)).sites.length, 0);
  });

  it('a data size near 2^32 → truncated; a RIFF size near 2^32 → truncated, the label before it still read', async () => {
    const at = tagged.indexOf('data', 12, 'latin1');
    assert.equal(await writeOutcome(withSize(tagged, at + 4, 0xfffffffe)), 'truncated');
    const labelled = build([], [chunk('AIGC', json())]);
    const bad = withSize(labelled, 4, 0xfffffff0);
    assert.equal(await writeOutcome(bad), 'truncated');
    const r = await readLabel(bad);
    assert.equal(r.sites.length, 1);
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ['truncated'],
    );
  });

  it('an existing LIST/INFO/AIGC is read (alternative placement) and moved to the AIGC chunk; other tags kept', async () => {
    const input = build([chunk('AIGC', `${json()}\0`)]);
    const r = await readLabel(input);
    assert.deepEqual(
      r.sites.map((s) => [s.placement, s.normative]),
      [['wav.list-info-aigc', false]],
    );
    assert.deepEqual(r.label, older);
    const out = Buffer.from(await labelBytes(input, label));
    const paths = riffChunks(out).map((c) => c.path);
    assert.deepEqual(paths, [
      'fmt ',
      'LIST:INFO',
      'LIST:INFO/IART',
      'LIST:INFO/INAM',
      'LIST:INFO/ISFT',
      'AIGC',
      'data',
    ]);
    const info = (b: Buffer) =>
      riffChunks(b)
        .filter((c) => c.path.startsWith('LIST:INFO/') && c.id !== 'AIGC')
        .map((c) => c.data.toString('hex'));
    assert.deepEqual(info(out), info(tagged));
  });

  it('two labels (AIGC chunk and INFO entry) → 2 sites; write leaves exactly one; an INFO list of only AIGC goes', async () => {
    const top = topChunks(tagged).filter((c) => idOf(c) !== 'LIST');
    const input = riff('WAVE', [top[0]!, list('INFO', [chunk('AIGC', json())]), chunk('AIGC', json()), top[1]!]);
    assert.equal((await readLabel(input)).sites.length, 2);
    const out = Buffer.from(await labelBytes(input, label));
    assert.deepEqual(
      riffChunks(out).map((c) => c.path),
      ['fmt ', 'AIGC', 'data'],
    );
    assert.deepEqual((await readLabel(out)).label, label);
  });

  it('LIST nesting past the bound → oversize on write, an oversize warning on read', async () => {
    let nested = list('deep', [chunk('AIGC', json())]);
    for (let i = 0; i < 10; i++) nested = list('deep', [nested]);
    const input = build([], [nested]);
    assert.equal(await writeOutcome(input), 'oversize');
    assert.deepEqual(
      (await readLabel(input)).warnings.map((w) => w.code),
      ['oversize'],
    );
  });

  it('zero-size chunks: an empty data and AIGC chunk are fine, a LIST without a form type is malformed', async () => {
    const [fmt] = topChunks(tagged);
    const empty = riff('WAVE', [fmt!, chunk('AIGC', ''), chunk('data', '')]);
    const r = await readLabel(empty);
    assert.deepEqual(
      r.sites.map((s) => s.text),
      [''],
    );
    const out = Buffer.from(await labelBytes(empty, label));
    assert.deepEqual(
      riffChunks(out).map((c) => `${c.id}:${c.size}`),
      ['fmt :16', `AIGC:${json(label).length}`, 'data:0'],
    );
    assert.equal(await writeOutcome(riff('WAVE', [fmt!, chunk('LIST', ''), chunk('data', '')])), 'malformed');
  });

  it('no data or no fmt chunk → malformed; an odd final chunk without its pad byte is repaired', async () => {
    const [fmt, , data] = topChunks(tagged);
    assert.equal(await writeOutcome(riff('WAVE', [fmt!])), 'malformed');
    assert.equal(await writeOutcome(riff('WAVE', [data!])), 'malformed');
    const unpadded = riff('WAVE', [fmt!, chunk('data', Buffer.alloc(5, 7)).subarray(0, 13)]);
    assert.equal(unpadded.length % 2, 1);
    const out = Buffer.from(await labelBytes(unpadded, label));
    assert.equal(out.length % 2, 0);
    assert.equal(out.readUInt32LE(4), out.length - 8);
  });
});

describe('AVI', () => {
  let plain: Buffer;
  before(async () => {
    const src = ['-f', 'lavfi', '-i', 'testsrc=size=32x24:rate=5:duration=1', '-c:v', 'mjpeg'];
    await ffmpeg([...src, '-metadata', 'title=Clip', join(dir, 'plain.avi')]);
    plain = await readFile(join(dir, 'plain.avi'));
  });
  const moviAt = (b: Buffer): number | undefined => riffChunks(b).find((c) => c.path === 'LIST:movi')?.offset;
  const infoEntries = (l: Buffer): Buffer[] => topChunks(riff('INFO', [l.subarray(12)]));

  /** The ffmpeg file with an AIGC entry in the INFO list before movi, taken out of the JUNK after it: movi stays. */
  function labelBeforeMovi(): Buffer {
    const top = topChunks(plain);
    const i = top.findIndex((c) => idOf(c) === 'LIST' && c.toString('latin1', 8, 12) === 'INFO');
    assert.equal(idOf(top[i + 1]!), 'JUNK');
    const info = list('INFO', [...infoEntries(top[i]!), chunk('AIGC', `${json()}\0`)]);
    const junk = chunk('JUNK', Buffer.alloc(top[i + 1]!.length - 8 - (info.length - top[i]!.length)));
    const out = riff('AVI ', [...top.slice(0, i), info, junk, ...top.slice(i + 2)]);
    assert.equal(moviAt(out), moviAt(plain));
    return out;
  }

  it('wrong magic → format_unknown, input untouched; an AVIX form alone is not an AVI', async () => {
    await wrongMagic('avi', plain);
    await refusedInPlace(dir, 'avix-alone.avi', renamed(plain, 8, 'AVIX'), 'format_unknown');
  });

  it('zero-size chunks (JUNK, an INFO entry, an empty INFO list, one after idx1) are kept; packets unchanged', async () => {
    const top = topChunks(plain);
    const info = top.findIndex((c) => idOf(c) === 'LIST' && c.toString('latin1', 8, 12) === 'INFO');
    const input = riff('AVI ', [
      top[0]!,
      chunk('JUNK', ''),
      list('INFO', [...infoEntries(top[info]!), chunk('ICMT', '')]),
      list('INFO', []),
      ...top.slice(info + 1),
      chunk('ZERO', ''),
    ]);
    const r = await readLabel(input);
    assert.deepEqual([r.sites, r.warnings], [[], []]);
    const out = Buffer.from(await labelBytes(input, label));
    const sizes = (b: Buffer) =>
      riffChunks(b)
        .filter((c) => c.size === 0 || c.data.length === 4)
        .map((c) => c.path);
    assert.deepEqual(sizes(out), sizes(input));
    assert.deepEqual(
      riffChunks(out)
        .filter((c) => !c.path.includes('/'))
        .map((c) => c.path)
        .slice(-3),
      ['idx1', 'ZERO', 'LIST:INFO'],
    );
    assert.deepEqual((await readLabel(out)).label, label);
    const [a, b] = [join(dir, 'zero-in.avi'), join(dir, 'zero-out.avi')];
    await writeFile(a, input);
    await writeFile(b, out);
    assert.deepEqual(await packetHashes(b), await packetHashes(a));
  });

  it('a LIST of size 0 (no form type) → malformed on write, a malformed warning on read', async () => {
    const top = topChunks(plain);
    const bad = riff('AVI ', [top[0]!, chunk('LIST', ''), ...top.slice(1)]);
    assert.deepEqual(
      (await readLabel(bad)).warnings.map((w) => w.code),
      ['malformed'],
    );
    await refusedInPlace(dir, 'list0.avi', bad, 'malformed');
  });

  it('an AVIX continuation → format_unsupported on write, a warning on read', async () => {
    const avix = Buffer.concat([plain, riff('AVIX', [list('movi', [chunk('00dc', 'frame')])])]);
    assert.equal(await writeOutcome(avix), 'format_unsupported');
    await assert.rejects(labelBytes(avix, label), /OpenDML/);
    assert.deepEqual(
      (await readLabel(avix)).warnings.map((w) => w.code),
      ['riff_continuation'],
    );
  });

  it('the label goes after idx1; movi, hdrl and idx1 keep their bytes and offsets; writing again does not grow', async () => {
    const once = Buffer.from(await labelBytes(plain, label));
    assert.ok(once.subarray(0, plain.length).subarray(12).equals(plain.subarray(12)), 'bytes before the label changed');
    const top = riffChunks(once).filter((c) => !c.path.includes('/'));
    assert.deepEqual(
      top.slice(-3).map((c) => c.path),
      ['LIST:movi', 'idx1', 'LIST:INFO'],
    );
    const twice = Buffer.from(await labelBytes(once, label));
    assert.ok(twice.equals(once), 'writing the same label again changed the file');
    const other = Buffer.from(await labelBytes(once, older));
    assert.equal(other.length, once.length + json(older).length - json(label).length);
    assert.deepEqual((await readLabel(other)).label, older);
  });

  it('a label in the INFO list before movi is removed without moving movi (freed bytes become JUNK)', async () => {
    const input = labelBeforeMovi();
    const r = await readLabel(input);
    assert.deepEqual(
      r.sites.map((s) => [s.placement, s.normative]),
      [['avi.info-aigc', true]],
    );
    const out = Buffer.from(await labelBytes(input, label));
    assert.equal(moviAt(out), moviAt(input));
    const infos = riffChunks(out).filter((c) => c.path === 'LIST:INFO');
    assert.equal(infos.length, 2);
    assert.ok(!infos[0]!.data.includes('AIGC'), 'the old label is still in the first INFO list');
    assert.ok(infos[0]!.data.includes('Clip'), 'the title was lost');
    assert.deepEqual((await readLabel(out)).label, label);
  });

  it('two labels (before movi and at the end) → 2 sites; write leaves exactly one, file size unchanged', async () => {
    const input = Buffer.concat([labelBeforeMovi(), list('INFO', [chunk('AIGC', `${json()}\0`)])]);
    input.writeUInt32LE(input.length - 8, 4);
    assert.equal((await readLabel(input)).sites.length, 2);
    const out = Buffer.from(await labelBytes(input, label));
    const after = await readLabel(out);
    assert.equal(after.sites.length, 1);
    assert.equal(out.length, input.length - json().length + json(label).length);
  });

  it('LIST nesting past the bound in hdrl → oversize; RIFF size past the end → truncated; no movi → malformed', async () => {
    const top = topChunks(plain);
    let nested = list('deep', []);
    for (let i = 0; i < 10; i++) nested = list('deep', [nested]);
    const hdrl = list('hdrl', [...infoEntries(top[0]!), nested]);
    assert.equal(await writeOutcome(riff('AVI ', [hdrl, ...top.slice(1)])), 'oversize');
    assert.equal(await writeOutcome(withSize(plain, 4, plain.length + 100)), 'truncated');
    assert.equal(
      await writeOutcome(
        riff(
          'AVI ',
          top.filter((c) => c.toString('latin1', 8, 12) !== 'movi'),
        ),
      ),
      'malformed',
    );
    assert.equal(await writeOutcome(riff('AVI ', top.slice(1))), 'malformed');
  });

  it('a chunk size near 2^32 inside hdrl → truncated', async () => {
    const bad = withSize(plain, 16, 0xfffffff0);
    assert.equal(await writeOutcome(bad), 'truncated');
    assert.deepEqual(
      (await readLabel(bad)).warnings.map((w) => w.code),
      ['truncated'],
    );
  });
});
