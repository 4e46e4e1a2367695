import { constants, inflateRawSync } from 'node:zlib';
import { HeguiError, malformed, oversize, truncated } from '../../../errors.ts';
import { u16le, u32le, u64le } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import { crc32 } from './crc32.ts';

/**
 * A strict ZIP reader (APPNOTE.TXT 6.3): end of central directory (and its ZIP64 form), central directory entries,
 * local headers. Nothing is extracted to disk; entry names are still checked, because a package with `../` or
 * duplicate part names is not a valid OPC package (ISO/IEC 29500-2 §6.2.2) and different readers would disagree.
 */

export const LOCAL_SIG = 0x04034b50;
export const CENTRAL_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;
const EOCD64_SIG = 0x06064b50;
const LOCATOR_SIG = 0x07064b50;
const EOCD_LEN = 22;
/** OOXML packages hold tens to a few thousand parts. */
export const MAX_ENTRIES = 65_535;
const MAX_CENTRAL_DIRECTORY = 16 * 1024 * 1024;

export interface ZipEntry {
  name: string;
  /** The central directory record as stored (46 bytes + name + extra + comment). */
  central: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** File offset of the entry's data (after the local header); set by {@link checkLocalHeaders}. */
  dataOffset: number;
  /** The local header as stored (30 bytes + name + extra); set by {@link checkLocalHeaders}. */
  local?: Uint8Array;
  /** True when any of its fields needed the ZIP64 extra field. */
  zip64: boolean;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** File offset of the central directory, and of the end-of-central-directory record. */
  cdOffset: number;
  eocdOffset: number;
  /** The central directory size the end record gives, and bytes in it after the last entry record. */
  cdSize: number;
  cdTrailing: number;
  /** The end record's entry count for this disk (equal to the total in a one-disk archive). */
  diskCount: number;
  /** The archive comment, kept on write. */
  comment: Uint8Array;
  zip64: boolean;
  /** Names that break OPC rules (traversal, absolute, backslash) or occur twice; the writer refuses them. */
  badNames: string[];
}

/** Find the end-of-central-directory record: the last signature whose comment length reaches the end of the file. */
async function findEocd(src: ByteSource): Promise<{ at: number; rec: Uint8Array }> {
  if (src.size < EOCD_LEN) throw truncated('a ZIP end-of-central-directory record', 0, EOCD_LEN);
  const n = Math.min(src.size, EOCD_LEN + 0xffff);
  const tail = await src.read(src.size - n, n);
  for (let i = n - EOCD_LEN; i >= 0; i--) {
    if (u32le(tail, i) !== EOCD_SIG) continue;
    if (i + EOCD_LEN + u16le(tail, i + 20) === n) return { at: src.size - n + i, rec: tail.subarray(i, n) };
  }
  throw malformed('no ZIP end-of-central-directory record at the end of the file');
}

export async function readZipDirectory(src: ByteSource): Promise<ZipDirectory> {
  const { at: eocdOffset, rec } = await findEocd(src);
  if (u16le(rec, 4) !== 0 || u16le(rec, 6) !== 0) {
    throw new HeguiError('format_unsupported', 'multi-volume ZIP archives are not supported');
  }
  let count = u16le(rec, 10);
  let cdSize = u32le(rec, 12);
  let cdOffset = u32le(rec, 16);
  const comment = rec.subarray(EOCD_LEN);
  let zip64 = false;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    ({ count, cdSize, cdOffset } = await readZip64End(src, eocdOffset));
    zip64 = true;
  }
  if (count > MAX_ENTRIES) throw oversize('the ZIP entry count', count, MAX_ENTRIES);
  if (cdSize > MAX_CENTRAL_DIRECTORY) throw oversize('the ZIP central directory', cdSize, MAX_CENTRAL_DIRECTORY);
  if (cdOffset + cdSize > src.size) throw truncated('the ZIP central directory', cdOffset, cdSize);
  if (cdOffset + cdSize > eocdOffset) throw malformed('the ZIP central directory overlaps its end record', cdOffset);
  const cd = await src.read(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length) throw truncated('a ZIP central directory entry', cdOffset + p, 46);
    if (u32le(cd, p) !== CENTRAL_SIG)
      throw malformed('a ZIP central directory entry has a bad signature', cdOffset + p);
    const len = 46 + u16le(cd, p + 28) + u16le(cd, p + 30) + u16le(cd, p + 32);
    if (p + len > cd.length) throw truncated('a ZIP central directory entry', cdOffset + p, len);
    entries.push(parseCentral(cd.subarray(p, p + len), cdOffset + p));
    p += len;
  }
  return {
    entries,
    cdOffset,
    eocdOffset,
    cdSize,
    cdTrailing: cd.length - p,
    diskCount: u16le(rec, 8),
    comment,
    zip64: zip64 || entries.some((e) => e.zip64),
    badNames: badNames(entries),
  };
}

async function readZip64End(
  src: ByteSource,
  eocdOffset: number,
): Promise<{ count: number; cdSize: number; cdOffset: number }> {
  if (eocdOffset < 20) throw malformed('a ZIP64 archive without its end-of-central-directory locator');
  const loc = await src.read(eocdOffset - 20, 20);
  if (u32le(loc, 0) !== LOCATOR_SIG) throw malformed('a ZIP64 archive without its end-of-central-directory locator');
  const at = safe64(loc, 8, eocdOffset - 20);
  if (at + 56 > eocdOffset - 20) throw malformed('the ZIP64 end-of-central-directory record lies past its locator', at);
  const r = await src.read(at, 56);
  if (u32le(r, 0) !== EOCD64_SIG) throw malformed('the ZIP64 end-of-central-directory record has a bad signature', at);
  return { count: safe64(r, 32, at), cdSize: safe64(r, 40, at), cdOffset: safe64(r, 48, at) };
}

function safe64(b: Uint8Array, o: number, at: number): number {
  try {
    return u64le(b, o);
  } catch {
    throw new HeguiError('oversize', 'a ZIP64 size or offset is beyond 2^53', { offset: at });
  }
}

function parseCentral(c: Uint8Array, at: number): ZipEntry {
  const nameLen = u16le(c, 28);
  const extraLen = u16le(c, 30);
  const flags = u16le(c, 8);
  const nameBytes = c.subarray(46, 46 + nameLen);
  // APPNOTE 4.4.4 bit 11: UTF-8 names; otherwise CP437, which agrees with ASCII, all OPC part names need.
  const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
  let compressedSize = u32le(c, 20);
  let size = u32le(c, 24);
  let localOffset = u32le(c, 42);
  let zip64 = false;
  if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
    // APPNOTE 4.5.3: the ZIP64 extra field holds, in this order, the fields that are 0xFFFFFFFF.
    const extra = c.subarray(46 + nameLen, 46 + nameLen + extraLen);
    let found = false;
    for (let q = 0; q + 4 <= extra.length; ) {
      const id = u16le(extra, q);
      const len = u16le(extra, q + 2);
      if (q + 4 + len > extra.length) break;
      if (id === 0x0001) {
        let f = q + 4;
        const take = (): number => {
          if (f + 8 > q + 4 + len) throw malformed('a ZIP64 extra field is too short', at);
          const v = safe64(extra, f, at);
          f += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localOffset === 0xffffffff) localOffset = take();
        found = true;
        break;
      }
      q += 4 + len;
    }
    if (!found) throw malformed('a ZIP entry needs a ZIP64 extra field it does not have', at);
    zip64 = true;
  }
  return {
    name,
    central: c,
    flags,
    method: u16le(c, 10),
    crc: u32le(c, 16),
    compressedSize,
    size,
    localOffset,
    dataOffset: -1,
    zip64,
  };
}

/** Names a writer must refuse: traversal, absolute paths, backslashes, NUL, and part names that occur twice. */
function badNames(entries: ZipEntry[]): string[] {
  const bad = new Set<string>();
  const seen = new Set<string>();
  for (const e of entries) {
    const n = e.name;
    if (
      n === '' ||
      n.startsWith('/') ||
      /\\|\0|^[A-Za-z]:/.test(n) ||
      n.split('/').some((s) => s === '..' || s === '.')
    ) {
      bad.add(n);
    }
    // OPC part names compare case-insensitively (ISO/IEC 29500-2 §6.3.5).
    const key = n.toLowerCase();
    if (seen.has(key)) bad.add(n);
    seen.add(key);
  }
  return [...bad];
}

/**
 * Read every local header, check it against its central record, and check that entries do not overlap one another or
 * the central directory (overlapping entries are a known ZIP-bomb construction).
 */
export async function checkLocalHeaders(src: ByteSource, dir: ZipDirectory): Promise<void> {
  const byOffset = [...dir.entries].sort((a, b) => a.localOffset - b.localOffset);
  byOffset.forEach((e, i) => {
    const limit = byOffset[i + 1]?.localOffset ?? dir.cdOffset;
    if (e.localOffset + 30 > limit) throw malformed('ZIP entries overlap', e.localOffset);
  });
  for (let i = 0; i < byOffset.length; i++) {
    const e = byOffset[i]!;
    const limit = byOffset[i + 1]?.localOffset ?? dir.cdOffset;
    const h = await src.read(e.localOffset, 30);
    if (u32le(h, 0) !== LOCAL_SIG) throw malformed('a ZIP local header has a bad signature', e.localOffset);
    const nameLen = u16le(h, 26);
    const dataOffset = e.localOffset + 30 + nameLen + u16le(h, 28);
    if (dataOffset > limit) throw malformed('a ZIP local header runs into the next entry', e.localOffset);
    const local = await src.read(e.localOffset, dataOffset - e.localOffset);
    const name = local.subarray(30, 30 + nameLen);
    const central = e.central.subarray(46, 46 + u16le(e.central, 28));
    if (!Buffer.from(name).equals(Buffer.from(central))) {
      throw malformed('a ZIP local header names another entry than its central record', e.localOffset);
    }
    if (dataOffset + e.compressedSize > src.size) throw truncated('a ZIP entry', dataOffset, e.compressedSize);
    if (dataOffset + e.compressedSize > limit) throw malformed('ZIP entries overlap', e.localOffset);
    e.dataOffset = dataOffset;
    e.local = new Uint8Array(local);
  }
}

/** The uncompressed bytes of an entry, refused past `max` whatever the header says (stored or deflated only). */
export async function readEntry(src: ByteSource, e: ZipEntry, max: number): Promise<Uint8Array> {
  if (e.dataOffset < 0) throw new HeguiError('usage', 'local headers not checked');
  if (e.flags & 1) throw new HeguiError('format_unsupported', `the ZIP entry ${e.name} is encrypted`);
  if (e.size > max) throw oversize(`the ZIP entry ${e.name}`, e.size, max);
  const raw = await src.read(e.dataOffset, e.compressedSize);
  let data: Uint8Array;
  if (e.method === 0) data = raw;
  else if (e.method === 8) data = inflateBounded(raw, max, e.name);
  else throw new HeguiError('format_unsupported', `the ZIP entry ${e.name} uses compression method ${e.method}`);
  if (data.length !== e.size) throw malformed(`the ZIP entry ${e.name} is not the size its header says`, e.localOffset);
  if (crc32(data) !== e.crc) throw malformed(`the ZIP entry ${e.name} fails its CRC-32 check`, e.localOffset);
  return data;
}

function inflateBounded(raw: Uint8Array, max: number, name: string): Uint8Array {
  try {
    return inflateRawSync(raw, { maxOutputLength: Math.max(1, max), finishFlush: constants.Z_FINISH });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HeguiError('oversize', `the ZIP entry ${name} inflates to more than ${max} bytes`, { limit: max });
    }
    throw malformed(`the ZIP entry ${name} is not valid deflate data`);
  }
}

export function findEntry(dir: ZipDirectory, name: string): ZipEntry | undefined {
  const key = name.toLowerCase();
  return dir.entries.find((e) => e.name.toLowerCase() === key);
}
