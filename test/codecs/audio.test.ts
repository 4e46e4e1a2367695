/**
 * MP3 / ID3v2 hostile and edge cases (TC260-PG-202510A: TXXX `AIGC`). FLAC and Ogg live in audio-flac / audio-ogg.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLabel, labelBytes, readLabel, serializeBare } from '../../src/index.ts';
import {
  ffmpegRun,
  id3Frame,
  id3Tag,
  PRODUCER,
  probe,
  refusedInPlace,
  rejectsWith,
  textFrameBody,
  txxxBody,
  warningCodes,
} from './audio-support.ts';

const label = createLabel({ producer: PRODUCER, produceId: 'mp3-0001' });
const other = createLabel({ producer: PRODUCER, produceId: 'mp3-0002', label: '2' });
const json = serializeBare(label);

let dir: string;
let audio: Buffer; // bare MPEG audio frames, no tag

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-mp3-'));
  const p = join(dir, 'bare.mp3');
  await ffmpegRun([
    '-f',
    'lavfi',
    '-i',
    'sine=duration=0.5',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '32k',
    '-id3v2_version',
    '0',
    p,
  ]);
  audio = await readFile(p);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const aigcFrame = (major: 3 | 4, enc: 0 | 1 | 2 | 3, text = json, desc = 'AIGC'): Buffer =>
  id3Frame(major, 'TXXX', txxxBody(enc, desc, text));
const mp3With = (...tags: Uint8Array[]): Buffer => Buffer.concat([...tags, audio]);
const readBytes = (b: Uint8Array) => readLabel(b);

/** Test-side unsynchronisation (ID3v2.4 §6.1), independent of the codec's. */
function unsync(b: Uint8Array): Buffer {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    out.push(b[i]!);
    if (b[i] === 0xff && (i + 1 === b.length || b[i + 1]! >= 0xe0 || b[i + 1] === 0)) out.push(0);
  }
  return Buffer.from(out);
}

describe('mp3: sniffing', () => {
  it('claims bare MPEG frames and ID3 + MPEG; not ID3 + FLAC, not ID3 + garbage, not a lone sync word', async () => {
    assert.equal((await readBytes(audio)).format.codec, 'mp3');
    assert.equal((await readBytes(mp3With(id3Tag(4, [id3Frame(4, 'TIT2', textFrameBody('t'))])))).format.codec, 'mp3');
    const flacBehind = Buffer.concat([id3Tag(3, [], { padding: 16 }), Buffer.from('fLaC'), Buffer.alloc(64)]);
    assert.notEqual((await readLabel(flacBehind).catch(() => null))?.format.codec, 'mp3');
    await rejectsWith(
      readBytes(Buffer.concat([id3Tag(3, [], { padding: 16 }), Buffer.alloc(64, 0x41)])),
      'format_unknown',
    );
    await rejectsWith(
      readBytes(Buffer.concat([Buffer.from([0xff, 0xfb, 0x50, 0xc4]), Buffer.alloc(600, 0x11)])),
      'format_unknown',
    );
  });
});

describe('mp3: hostile ID3v2 structures', () => {
  it('tag size with high bits set (not syncsafe) → malformed', async () => {
    const bad = mp3With(Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0x80, 0x00, 0x00, 0x10]));
    await rejectsWith(readBytes(bad), 'malformed');
    await refusedInPlace(dir, 'syncsafe.mp3', bad, 'malformed');
  });

  it('tag size past the end of the file → truncated', async () => {
    const bad = Buffer.concat([
      Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f]),
      audio.subarray(0, 200),
    ]);
    await rejectsWith(readBytes(bad), 'truncated');
    await refusedInPlace(dir, 'tagpast.mp3', bad, 'truncated');
  });

  it('frame size past the tag end (syncsafe maximum, v2.3 0xFFFFFFFF) → read warns and keeps earlier sites; write malformed', async () => {
    const v24 = Buffer.concat([
      aigcFrame(4, 3),
      Buffer.from('TIT2'),
      Buffer.from([0x7f, 0x7f, 0x7f, 0x7f, 0, 0]),
      Buffer.alloc(8),
    ]);
    const v23 = Buffer.concat([
      aigcFrame(3, 1),
      Buffer.from('TIT2'),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0]),
      Buffer.alloc(8),
    ]);
    for (const [major, frames] of [[4, v24] as const, [3, v23] as const]) {
      const bad = mp3With(id3Tag(major, [frames]));
      const r = await readBytes(bad);
      assert.equal(r.sites.length, 1);
      assert.deepEqual(r.label, label);
      assert.ok(warningCodes(r).includes('malformed'));
      await refusedInPlace(dir, `framepast${major}.mp3`, bad, 'malformed');
    }
  });

  it('zero-size tag, and more tags in a row than the bound', async () => {
    const empty = mp3With(id3Tag(4, []));
    assert.equal((await readBytes(empty)).sites.length, 0);
    assert.deepEqual((await readBytes(await labelBytes(empty, label))).label, label);
    const many = mp3With(...Array.from({ length: 9 }, () => id3Tag(3, [])));
    await rejectsWith(readBytes(many), 'oversize');
  });

  it('a frame id that is not letters and digits → read warns, write malformed', async () => {
    const bad = mp3With(id3Tag(3, [id3Frame(3, 'TIT2', textFrameBody('x')), id3Frame(3, 'ti!2', textFrameBody('y'))]));
    assert.ok(warningCodes(await readBytes(bad)).includes('malformed'));
    await refusedInPlace(dir, 'badid.mp3', bad, 'malformed');
  });
});

describe('mp3: reading TXXX AIGC', () => {
  it('reads every text encoding: Latin-1, UTF-16 with BOM, UTF-16BE, UTF-8', async () => {
    for (const enc of [0, 1, 2, 3] as const) {
      const r = await readBytes(mp3With(id3Tag(4, [aigcFrame(4, enc)])));
      assert.equal(r.sites.length, 1, `encoding ${enc}`);
      assert.equal(r.sites[0]!.placement, 'mp3.id3-txxx');
      assert.deepEqual(r.label, label, `encoding ${enc}`);
    }
  });

  it('reads a zlib-compressed v2.4 TXXX (data length indicator) and warns on an encrypted one', async () => {
    const { deflateSync } = await import('node:zlib');
    const body = txxxBody(3, 'AIGC', json);
    const dli = Buffer.from([0, 0, (body.length >> 7) & 0x7f, body.length & 0x7f]);
    const compressed = id3Frame(4, 'TXXX', Buffer.concat([dli, deflateSync(body)]), 0x09);
    assert.deepEqual((await readBytes(mp3With(id3Tag(4, [compressed])))).label, label);
    const encrypted = id3Frame(4, 'TXXX', Buffer.concat([Buffer.from([0x80]), body]), 0x04);
    const r = await readBytes(mp3With(id3Tag(4, [encrypted])));
    assert.equal(r.sites.length, 0);
    assert.ok(warningCodes(r).includes('id3_frame_undecodable'));
  });

  it('reads an ID3v2.2 TXX frame, and refuses to rewrite a v2.2 tag', async () => {
    const txx = Buffer.concat([Buffer.from('TXX'), Buffer.from([0, 0, 0])]);
    const data = txxxBody(0, 'AIGC', json);
    txx.writeUIntBE(data.length, 3, 3);
    const file = mp3With(id3Tag(2, [Buffer.concat([txx, data])]));
    const r = await readBytes(file);
    assert.deepEqual(
      r.sites.map((s) => [s.placement, s.normative]),
      [['mp3.id3v22-txx', false]],
    );
    assert.deepEqual(r.label, label);
    await refusedInPlace(dir, 'v22.mp3', file, 'format_unsupported');
  });
});

describe('mp3: writing', () => {
  it('two AIGC TXXX frames → read reports 2; write leaves one, every other frame byte-identical and in order', async () => {
    const tit2 = id3Frame(4, 'TIT2', textFrameBody('Title'));
    const comm = id3Frame(4, 'COMM', Buffer.concat([Buffer.from([3]), Buffer.from('eng'), Buffer.from('\0a comment')]));
    const apic = id3Frame(4, 'APIC', Buffer.concat([Buffer.from('\0image/png\0\x03\0'), Buffer.alloc(300, 0xab)]));
    const priv = id3Frame(4, 'PRIV', Buffer.from('owner\0\xff\xff\xff'));
    const file = mp3With(
      id3Tag(4, [tit2, aigcFrame(4, 0, serializeBare(other)), comm, aigcFrame(4, 3, json, 'aigc'), apic, priv], {
        padding: 64,
      }),
    );
    const r = await readBytes(file);
    assert.equal(r.sites.length, 2);
    const out = Buffer.from(await labelBytes(file, other));
    const again = await readBytes(out);
    assert.equal(again.sites.length, 1);
    assert.deepEqual(again.label, other);
    const at = (f: Buffer): number => out.indexOf(f);
    assert.ok(
      at(tit2) > 0 && at(tit2) < at(comm) && at(comm) < at(apic) && at(apic) < at(priv),
      'frames lost or reordered',
    );
    assert.ok(out.subarray(-audio.length).equals(audio), 'audio changed');
    assert.equal(out.length, file.length, 'the padding should have absorbed the change');
  });

  it('no tag → a new ID3v2.4 tag with a UTF-8 TXXX; ffprobe reads it', async () => {
    const out = Buffer.from(await labelBytes(audio, label));
    assert.equal(out[3], 4);
    const frame = out.indexOf(Buffer.from('TXXX'));
    assert.equal(out[frame + 10], 3, 'text encoding is not UTF-8');
    const p = join(dir, 'new.mp3');
    await (await import('node:fs/promises')).writeFile(p, out);
    assert.equal((await probe(p)).format.tags?.['AIGC'], json);
  });

  it('ID3v2.3 stays v2.3, with the label in UTF-16 with BOM (v2.3 has no UTF-8)', async () => {
    const file = mp3With(id3Tag(3, [id3Frame(3, 'TIT2', Buffer.from('\0Title'))]));
    const out = Buffer.from(await labelBytes(file, label));
    assert.equal(out[3], 3);
    const frame = out.indexOf(Buffer.from('TXXX'));
    assert.deepEqual([...out.subarray(frame + 10, frame + 13)], [1, 0xff, 0xfe]);
    assert.deepEqual((await readBytes(out)).label, label);
  });

  it('an unsynchronised ID3v2.3 tag is decoded, rewritten and unsynchronised again', async () => {
    const pic = id3Frame(
      3,
      'APIC',
      Buffer.concat([Buffer.from('\0image/jpeg\0\x03\0'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0xff, 0x00])]),
    );
    const body = unsync(Buffer.concat([id3Frame(3, 'TIT2', Buffer.from('\0Title')), pic]));
    const header = id3Tag(3, [body], { flags: 0x80 });
    const out = Buffer.from(await labelBytes(mp3With(header), label));
    assert.equal(out[5], 0x80, 'unsynchronisation flag dropped');
    assert.ok(out.indexOf(unsync(pic)) > 0, 'the picture frame is not kept');
    assert.deepEqual((await readBytes(out)).label, label);
    const p = join(dir, 'unsync.mp3');
    await (await import('node:fs/promises')).writeFile(p, out);
    assert.equal((await probe(p)).format.tags?.['title'], 'Title');
  });

  it('ID3v2.4 footer is kept and the extended header copied; a CRC extended header is refused', async () => {
    const frames = [id3Frame(4, 'TIT2', textFrameBody('Title'))];
    const tag = id3Tag(4, frames, { flags: 0x10 });
    const withFooter = Buffer.concat([tag, Buffer.from('3DI'), tag.subarray(3, 10), audio]);
    const out = Buffer.from(await labelBytes(withFooter, label));
    const size = (out[6]! << 21) | (out[7]! << 14) | (out[8]! << 7) | out[9]!;
    assert.equal(out.subarray(10 + size, 13 + size).toString('latin1'), '3DI');
    assert.ok(out.subarray(20 + size).equals(audio));
    const ext = Buffer.from([0, 0, 0, 6, 1, 0x40]); // "tag is an update"
    const withExt = mp3With(id3Tag(4, [ext, ...frames], { flags: 0x40 }));
    const out2 = Buffer.from(await labelBytes(withExt, label));
    assert.ok(out2.subarray(10, 16).equals(ext));
    assert.deepEqual((await readBytes(out2)).label, label);
    const crcExt = Buffer.from([0, 0, 0, 12, 1, 0x20, 0, 0, 0, 0, 0, 0]);
    await refusedInPlace(
      dir,
      'crc.mp3',
      mp3With(id3Tag(4, [crcExt, ...frames], { flags: 0x40 })),
      'format_unsupported',
    );
  });

  it('ID3v2.4 with plain (iTunes) frame sizes: read with a warning, write refused', async () => {
    const big = Buffer.concat([Buffer.from([3]), Buffer.alloc(200, 0x61)]);
    const plain = Buffer.concat([Buffer.from('TIT2'), Buffer.from([0, 0, 0, big.length, 0, 0]), big]);
    // Plain 32-bit sizes everywhere (v2.3 frame headers inside a v2.4 tag), as the old iTunes wrote them.
    const file = mp3With(id3Tag(4, [plain, id3Frame(3, 'TXXX', txxxBody(3, 'AIGC', json))]));
    const r = await readBytes(file);
    assert.ok(warningCodes(r).includes('id3_plain_sizes'));
    assert.deepEqual(r.label, label);
    await refusedInPlace(dir, 'itunes.mp3', file, 'format_unsupported');
  });

  it('an ID3v1 tag at the end stays as it is', async () => {
    const v1 = Buffer.concat([Buffer.from('TAG'), Buffer.alloc(125, 0x20)]);
    const out = Buffer.from(await labelBytes(Buffer.concat([audio, v1]), label));
    assert.ok(out.subarray(-128).equals(v1));
  });
});
