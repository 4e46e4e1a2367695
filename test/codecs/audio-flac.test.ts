/**
 * FLAC hostile and edge cases (TC260-PG-202510A: VORBIS_COMMENT `AIGC=`).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLabel, labelBytes, readLabel, serializeBare } from '../../src/index.ts';
import {
  dropFlacBlocks,
  ffmpegRun,
  flacBlocks,
  id3Frame,
  id3Tag,
  PRODUCER,
  refusedInPlace,
  rejectsWith,
  textFrameBody,
  txxxBody,
  vorbisCommentBlock,
  warningCodes,
} from './audio-support.ts';

const label = createLabel({ producer: PRODUCER, produceId: 'flac-0001' });
const other = createLabel({ producer: PRODUCER, produceId: 'flac-0002', label: '3' });
const json = serializeBare(label);

let dir: string;
let flac: Buffer; // ffmpeg FLAC: STREAMINFO, VORBIS_COMMENT (title, encoder), PADDING
let streaminfo: Buffer;
let frames: Buffer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-flac-'));
  const p = join(dir, 'base.flac');
  await ffmpegRun(['-f', 'lavfi', '-i', 'sine=duration=0.5', '-c:a', 'flac', '-metadata', 'title=Base', p]);
  flac = await readFile(p);
  const { blocks, audio } = flacBlocks(flac);
  streaminfo = Buffer.from(flac.subarray(blocks[0]!.offset, blocks[0]!.offset + 38));
  streaminfo[0] = 0; // not last
  frames = flac.subarray(audio);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** fLaC, STREAMINFO, the given blocks (the caller sets the last flag), audio frames. */
const flacWith = (...blocks: Uint8Array[]): Buffer =>
  Buffer.concat([Buffer.from('fLaC'), streaminfo, ...blocks, frames]);
const blockHeader = (type: number, length: number, last: boolean): Buffer =>
  Buffer.from([(last ? 0x80 : 0) | type, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);

describe('flac: hostile metadata blocks', () => {
  it('wrong magic (fLaD, lower case, an ID3v2 tag in front of no fLaC) → format_unknown, input untouched', async () => {
    const off = (head: string) => Buffer.concat([Buffer.from(head, 'latin1'), flac.subarray(4)]);
    for (const [name, bad] of [
      ['flad.flac', off('fLaD')],
      ['lower.flac', off('flac')],
      ['id3-then-garbage.flac', Buffer.concat([id3Tag(4, [id3Frame(4, 'TIT2', textFrameBody('x'))]), off('fLaX')])],
    ] as const) {
      await rejectsWith(readLabel(bad), 'format_unknown');
      await refusedInPlace(dir, name, bad, 'format_unknown');
    }
  });

  it('a block length past the end of the file → read warns (truncated), write truncated', async () => {
    const bad = Buffer.concat([
      Buffer.from('fLaC'),
      streaminfo,
      vorbisCommentBlock('v', [`AIGC=${json}`], false),
      blockHeader(6, 0xffffff, true),
      Buffer.alloc(40),
    ]);
    const r = await readLabel(bad);
    assert.ok(warningCodes(r).includes('truncated'));
    assert.deepEqual(r.label, label, 'the comment before the damage is still read');
    await refusedInPlace(dir, 'blockpast.flac', bad, 'truncated');
  });

  it('more metadata blocks than the bound → oversize', async () => {
    const pads = Array.from({ length: 1100 }, (_, i) => blockHeader(1, 0, i === 1099));
    const bad = flacWith(...pads);
    assert.ok(warningCodes(await readLabel(bad)).includes('oversize'));
    await refusedInPlace(dir, 'manyblocks.flac', bad, 'oversize');
  });

  it('invalid block type 127, and a first block that is not STREAMINFO → malformed', async () => {
    await refusedInPlace(dir, 'type127.flac', flacWith(blockHeader(127, 0, true)), 'malformed');
    const noInfo = Buffer.concat([Buffer.from('fLaC'), vorbisCommentBlock('v', [], true), frames]);
    assert.ok(warningCodes(await readLabel(noInfo)).includes('malformed'));
    await refusedInPlace(dir, 'noinfo.flac', noInfo, 'malformed');
  });

  it('comment count 0xFFFFFFFF → malformed', async () => {
    const block = vorbisCommentBlock('vendor', ['A=1'], true);
    block.writeUInt32LE(0xffffffff, 4 + 4 + 6);
    const bad = flacWith(block);
    const r = await readLabel(bad);
    assert.equal(r.sites.length, 0);
    assert.ok(warningCodes(r).includes('malformed'));
    await refusedInPlace(dir, 'count.flac', bad, 'malformed');
  });

  it('a comment length past the block end, a vendor length near 2^32, a zero-length comment block → malformed', async () => {
    const entry = vorbisCommentBlock('vendor', [`AIGC=${json}`], true);
    entry.writeUInt32LE(0xfffffff0, 4 + 4 + 6 + 4);
    await refusedInPlace(dir, 'entry.flac', flacWith(entry), 'malformed');
    const vendor = vorbisCommentBlock('vendor', [], true);
    vendor.writeUInt32LE(0xffffffff, 4);
    await refusedInPlace(dir, 'vendor.flac', flacWith(vendor), 'malformed');
    await refusedInPlace(dir, 'empty.flac', flacWith(blockHeader(4, 0, true)), 'malformed');
  });

  it('garbage where the first audio frame should be → write malformed', async () => {
    const bad = Buffer.concat([
      Buffer.from('fLaC'),
      streaminfo,
      vorbisCommentBlock('v', [], true),
      Buffer.alloc(64, 0x42),
    ]);
    await refusedInPlace(dir, 'nosync.flac', bad, 'malformed');
  });
});

describe('flac: labels', () => {
  it('two AIGC entries (any case) → read 2; write leaves one, other entries and vendor kept in order', async () => {
    const file = flacWith(
      vorbisCommentBlock(
        'my vendor',
        ['TITLE=t', `aigc=${serializeBare(other)}`, 'ARTIST=a', `AIGC=${json}`, 'NOEQUALS'],
        false,
      ),
      blockHeader(1, 100, true),
      Buffer.alloc(100),
    );
    const r = await readLabel(file);
    assert.equal(r.sites.length, 2);
    assert.deepEqual(
      r.sites.map((s) => s.placement),
      ['flac.vorbis-comment', 'flac.vorbis-comment'],
    );
    const out = Buffer.from(await labelBytes(file, label));
    const again = await readLabel(out);
    assert.equal(again.sites.length, 1);
    assert.deepEqual(again.label, label);
    const expected = vorbisCommentBlock('my vendor', ['TITLE=t', `AIGC=${json}`, 'ARTIST=a', 'NOEQUALS'], false);
    assert.ok(out.indexOf(expected) > 0, 'the comment block is not the expected one');
    assert.equal(out.length, file.length, 'the padding block should have absorbed the change');
    assert.ok(out.subarray(-frames.length).equals(frames));
  });

  it('two VORBIS_COMMENT blocks → the label in the first, the second loses only its AIGC entry', async () => {
    const file = flacWith(
      vorbisCommentBlock('a', [`AIGC=${json}`], false),
      vorbisCommentBlock('b', ['X=1', `AIGC=${json}`], true),
    );
    assert.equal((await readLabel(file)).sites.length, 2);
    const out = Buffer.from(await labelBytes(file, other));
    const r = await readLabel(out);
    assert.equal(r.sites.length, 1);
    assert.deepEqual(r.label, other);
    assert.ok(out.indexOf(vorbisCommentBlock('b', ['X=1'], true)) > 0);
  });

  it('no comment block → one is added after STREAMINFO; the last-block flag moves correctly', async () => {
    const file = dropFlacBlocks(flac, 4);
    const out = Buffer.from(await labelBytes(file, label));
    const { blocks } = flacBlocks(out);
    assert.equal(blocks[1]!.type, 4);
    assert.deepEqual(
      blocks.map((b) => b.last),
      blocks.map((_, i) => i === blocks.length - 1),
    );
    assert.deepEqual((await readLabel(out)).label, label);
  });

  it('without padding the file grows; the last block keeps the last flag', async () => {
    const file = flacWith(vorbisCommentBlock('v', ['TITLE=t'], true));
    const out = Buffer.from(await labelBytes(file, label));
    assert.ok(out.length > file.length);
    const { blocks } = flacBlocks(out);
    assert.deepEqual(
      blocks.map((b) => [b.type, b.last]),
      [
        [0, false],
        [4, true],
      ],
    );
  });

  it('a leading ID3v2 tag is kept; an AIGC TXXX in it is read (not normative) and removed on write', async () => {
    const tit2 = id3Frame(3, 'TIT2', textFrameBody('id3 title'));
    const tag = id3Tag(3, [tit2, id3Frame(3, 'TXXX', txxxBody(1, 'AIGC', json))], { padding: 32 });
    const file = Buffer.concat([tag, flacWith(vorbisCommentBlock('v', [`AIGC=${json}`], true))]);
    const r = await readLabel(file);
    assert.equal(r.format.codec, 'flac');
    assert.deepEqual(
      r.sites.map((s) => [s.placement, s.normative]),
      [
        ['flac.id3-txxx', false],
        ['flac.vorbis-comment', true],
      ],
    );
    const out = Buffer.from(await labelBytes(file, other));
    const again = await readLabel(out);
    assert.deepEqual(
      again.sites.map((s) => s.placement),
      ['flac.vorbis-comment'],
    );
    assert.equal(out.subarray(0, 3).toString('latin1'), 'ID3');
    assert.ok(out.indexOf(tit2) === 10, 'the other ID3 frame is not kept');
  });
});
