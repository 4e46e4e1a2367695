/**
 * Test-side helpers for the audio codecs, written independently of the codec code so that they can catch its mistakes:
 * an Ogg page walker with a bit-by-bit CRC, an ID3v2 tag builder, and a FLAC metadata block walker.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLabel, isHeguiError, writeLabel } from '../../src/index.ts';

// ---------- tools ----------

export {
  ffmpeg as ffmpegRun,
  ffprobe as probe,
  ffprobeAigc as probeAigc,
  type ProbeResult as Probe,
  packetHashes as packetLines,
} from '../support/media.ts';

// ---------- Ogg ----------

/** RFC 3533 §6 CRC, computed bit by bit (the codec uses a table): generator 0x04C11DB7, init 0, unreflected. */
export function oggCrcBitwise(page: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    crc ^= (i >= 22 && i < 26 ? 0 : page[i]!) << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    crc >>>= 0;
  }
  return crc;
}

export interface TestPage {
  offset: number;
  length: number;
  flags: number;
  granule: bigint;
  serial: number;
  seq: number;
  crc: number;
  lacing: number[];
}

export function oggPages(b: Uint8Array): TestPage[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const pages: TestPage[] = [];
  for (let p = 0; p < b.length; ) {
    assert.equal(Buffer.from(b.subarray(p, p + 4)).toString('latin1'), 'OggS', `capture pattern at ${p}`);
    const n = b[p + 26]!;
    const lacing = [...b.subarray(p + 27, p + 27 + n)];
    const length = 27 + n + lacing.reduce((s, v) => s + v, 0);
    pages.push({
      offset: p,
      length,
      flags: b[p + 5]!,
      granule: dv.getBigInt64(p + 6, true),
      serial: dv.getUint32(p + 14, true),
      seq: dv.getUint32(p + 18, true),
      crc: dv.getUint32(p + 22, true),
      lacing,
    });
    p += length;
  }
  return pages;
}

/** Fix a page's CRC after a test patched its bytes in place. */
export function refreshOggCrc(b: Uint8Array, pageOffset: number): void {
  const page = oggPages(b.subarray(pageOffset))[0]!;
  const bytes = b.subarray(pageOffset, pageOffset + page.length);
  new DataView(b.buffer, b.byteOffset).setUint32(pageOffset + 22, oggCrcBitwise(bytes), true);
}

/**
 * Everything RFC 3533 asks of a single-stream file: CRCs right, sequence numbers consecutive from 0, BOS only first,
 * EOS only last, continued flags matching the lacing, granule −1 exactly on pages where no packet ends.
 */
export function assertOggStructure(b: Uint8Array): void {
  const pages = oggPages(b);
  let open = false;
  for (const [i, p] of pages.entries()) {
    const bytes = b.subarray(p.offset, p.offset + p.length);
    assert.equal(oggCrcBitwise(bytes), p.crc, `page ${i} CRC`);
    assert.equal(p.seq, i, `page ${i} sequence number`);
    assert.equal(p.serial, pages[0]!.serial, `page ${i} serial`);
    assert.equal(!!(p.flags & 2), i === 0, `page ${i} BOS flag`);
    assert.equal(!!(p.flags & 4), i === pages.length - 1, `page ${i} EOS flag`);
    assert.equal(!!(p.flags & 1), open, `page ${i} continued flag`);
    assert.ok(p.lacing.length <= 255);
    const ends = p.lacing.some((v) => v < 255);
    if (!ends) assert.equal(p.granule, -1n, `page ${i}: no packet ends, granule must be -1`);
    else assert.notEqual(p.granule, -1n, `page ${i}: a packet ends, granule must be set`);
    open = p.lacing.length > 0 ? p.lacing.at(-1) === 255 : open;
  }
  assert.equal(open, false, 'the last packet is unterminated');
}

// ---------- ID3v2 ----------

const syncsafe = (n: number): number[] => [(n >>> 21) & 0x7f, (n >>> 14) & 0x7f, (n >>> 7) & 0x7f, n & 0x7f];
const be32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

export function id3Frame(major: 3 | 4, id: string, data: Uint8Array, formatFlags = 0): Buffer {
  const size = major === 4 ? syncsafe(data.length) : be32(data.length);
  return Buffer.concat([Buffer.from(id, 'latin1'), Buffer.from(size), Buffer.from([0, formatFlags]), data]);
}

export function id3Tag(
  major: 2 | 3 | 4,
  frames: Uint8Array[],
  opts: { flags?: number; padding?: number } = {},
): Buffer {
  const body = Buffer.concat([...frames, Buffer.alloc(opts.padding ?? 0)]);
  return Buffer.concat([Buffer.from([0x49, 0x44, 0x33, major, 0, opts.flags ?? 0, ...syncsafe(body.length)]), body]);
}

/** A TXXX body: encoding byte, description, terminator, value, in the given ID3 text encoding. */
export function txxxBody(encoding: 0 | 1 | 2 | 3, description: string, value: string): Buffer {
  const enc = (s: string): Buffer => {
    if (encoding === 0) return Buffer.from(s, 'latin1');
    if (encoding === 3) return Buffer.from(s, 'utf8');
    const le = Buffer.from(s, 'utf16le');
    if (encoding === 1) return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
    return le.swap16();
  };
  const nul = Buffer.alloc(encoding === 1 || encoding === 2 ? 2 : 1);
  return Buffer.concat([Buffer.from([encoding]), enc(description), nul, enc(value)]);
}

export const textFrameBody = (s: string): Buffer => Buffer.concat([Buffer.from([3]), Buffer.from(s, 'utf8')]);

// ---------- FLAC ----------

export interface TestBlock {
  offset: number;
  type: number;
  length: number;
  last: boolean;
}

export function flacBlocks(b: Uint8Array, start = 0): { blocks: TestBlock[]; audio: number } {
  assert.equal(Buffer.from(b.subarray(start, start + 4)).toString('latin1'), 'fLaC');
  const blocks: TestBlock[] = [];
  let p = start + 4;
  for (;;) {
    const length = (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
    const last = (b[p]! & 0x80) !== 0;
    blocks.push({ offset: p, type: b[p]! & 0x7f, length, last });
    p += 4 + length;
    if (last) return { blocks, audio: p };
  }
}

/** The file without its blocks of `type`, the last-block flag moved to the new last block. */
export function dropFlacBlocks(b: Uint8Array, type: number): Buffer {
  const { blocks, audio } = flacBlocks(b);
  const kept = blocks.filter((x) => x.type !== type);
  const parts = kept.map((x, i) => {
    const blk = Buffer.from(b.subarray(x.offset, x.offset + 4 + x.length));
    blk[0] = (i === kept.length - 1 ? 0x80 : 0) | x.type;
    return blk;
  });
  return Buffer.concat([Buffer.from('fLaC'), ...parts, b.subarray(audio)]);
}

export function vorbisCommentBlock(vendor: string, entries: string[], last: boolean, type = 4): Buffer {
  const le = (n: number): Buffer => {
    const x = Buffer.alloc(4);
    x.writeUInt32LE(n);
    return x;
  };
  const data = Buffer.concat([
    le(Buffer.byteLength(vendor)),
    Buffer.from(vendor),
    le(entries.length),
    ...entries.flatMap((e) => [le(Buffer.byteLength(e)), Buffer.from(e)]),
  ]);
  return Buffer.concat([
    Buffer.from([(last ? 0x80 : 0) | type, data.length >>> 16, (data.length >>> 8) & 0xff, data.length & 0xff]),
    data,
  ]);
}

// ---------- assertions ----------

export const PRODUCER = '001191440300708461136T1XGW3';

/** The promise rejects with a HeguiError of exactly this code. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isHeguiError(e), `not a HeguiError: ${(e as Error)?.stack ?? e}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return true;
  });
}

/** Writing the label in place fails with `code`; the file is byte-identical afterwards and no temporary file is left. */
export async function refusedInPlace(dir: string, name: string, bytes: Uint8Array, code: string): Promise<void> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  await rejectsWith(writeLabel(path, createLabel({ producer: PRODUCER, produceId: 'refused-1' })), code);
  assert.ok((await readFile(path)).equals(bytes), 'a refused write changed the input');
  assert.deepEqual(
    (await readdir(dir)).filter((n) => n.endsWith('.tmp')),
    [],
    'temporary file left behind',
  );
}

export const warningCodes = (r: { warnings: { code: string }[] }): string[] => r.warnings.map((w) => w.code);
