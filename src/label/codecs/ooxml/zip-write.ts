import { deflateRawSync } from 'node:zlib';
import { HeguiError, malformed } from '../../../errors.ts';
import { asciiBytes, concat, put16le, put32le, u16le, u32le } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import { crc32 } from './crc32.ts';
import { CENTRAL_SIG, LOCAL_SIG, MAX_ENTRIES, type ZipDirectory, type ZipEntry } from './zip.ts';

/**
 * Rewrite a ZIP with some entries replaced and some added. Every other entry is copied as it is stored (local header,
 * data, data descriptor), so its bytes stay identical; only the central directory is rebuilt with the new offsets.
 * Replaced and added entries are deflated (APPNOTE method 8) without a data descriptor.
 *
 * A replaced entry keeps every header field that does not depend on its data (versions, flags, times, attributes,
 * extra fields, comment): relabelling a labelled package then gives the same bytes whatever label was there, and the
 * content binding (docs/signature-scheme.md) covers those fields. The fields that are computed again (method, CRC,
 * sizes, offsets, counts) must agree with each other before they are, or a changed one would go unseen.
 */

export interface NewPart {
  name: string;
  data: Uint8Array;
}

interface Built {
  local: Uint8Array;
  central: (offset: number) => Uint8Array;
}

/** APPNOTE 4.4.4 bit 3: CRC and sizes follow the data in a data descriptor. Written entries never have one. */
const DATA_DESCRIPTOR = 0x0008;

/** A new entry's header fields (its name is ASCII): version 2.0, no flags, the given DOS time, no extras. */
function freshHeaders(nameBytes: Uint8Array, stamp: Uint8Array): { local: Uint8Array; central: Uint8Array } {
  const local = new Uint8Array(30 + nameBytes.length);
  put32le(local, 0, LOCAL_SIG);
  put16le(local, 4, 20);
  local.set(stamp, 10);
  put16le(local, 26, nameBytes.length);
  local.set(nameBytes, 30);
  const central = new Uint8Array(46 + nameBytes.length);
  put32le(central, 0, CENTRAL_SIG);
  put16le(central, 4, 20);
  central.set(local.subarray(4, 8), 6);
  central.set(stamp, 12);
  put16le(central, 28, nameBytes.length);
  central.set(nameBytes, 46);
  return { local, central };
}

function build(like: { local: Uint8Array; central: Uint8Array }, data: Uint8Array): Built {
  const packed = deflateRawSync(data);
  const crc = crc32(data);
  const fill = (h: Uint8Array, at: number): void => {
    put16le(h, at, u16le(h, at) & ~DATA_DESCRIPTOR);
    put16le(h, at + 2, 8);
    put32le(h, at + 8, crc);
    put32le(h, at + 12, packed.length);
    put32le(h, at + 16, data.length);
  };
  const local = new Uint8Array(like.local);
  fill(local, 6);
  const central = (offset: number): Uint8Array => {
    const c = new Uint8Array(like.central);
    fill(c, 8);
    put32le(c, 42, offset);
    return c;
  };
  return { local: concat([local, packed]), central };
}

/**
 * The fields of a replaced entry that the writer computes again must agree where the archive states them twice
 * (APPNOTE 4.3.7, 4.3.12): method, data-descriptor flag and, without a descriptor, CRC and sizes; one disk.
 */
function checkReplaceable(e: ZipEntry): void {
  const local = e.local;
  if (!local) throw new HeguiError('usage', 'local headers not checked');
  const lflags = u16le(local, 6);
  const agrees =
    (lflags & DATA_DESCRIPTOR) === (e.flags & DATA_DESCRIPTOR) &&
    u16le(local, 8) === e.method &&
    u16le(e.central, 34) === 0 &&
    ((lflags & DATA_DESCRIPTOR) !== 0 ||
      (u32le(local, 14) === e.crc && u32le(local, 18) === e.compressedSize && u32le(local, 22) === e.size));
  if (!agrees) throw malformed(`the ZIP entry ${e.name} has local and central headers that disagree`, e.localOffset);
}

/** The end record's counts and sizes, which the writer states again, must describe the directory as it is. */
function checkDirectory(dir: ZipDirectory): void {
  if (dir.diskCount !== dir.entries.length || dir.cdTrailing !== 0 || dir.cdOffset + dir.cdSize !== dir.eocdOffset) {
    throw malformed('the ZIP end record does not describe its central directory', dir.eocdOffset);
  }
}

export async function rewriteZip(
  src: ByteSource,
  out: ByteSink,
  dir: ZipDirectory,
  replace: Map<ZipEntry, Uint8Array>,
  add: NewPart[],
): Promise<void> {
  if (dir.zip64) {
    throw new HeguiError(
      'format_unsupported',
      'ZIP64 packages are read but not rewritten; save the document again without ZIP64',
    );
  }
  if (dir.badNames.length > 0) {
    throw new HeguiError(
      'malformed',
      'the package has entry names that are absolute, climb out of the package (../), or occur twice; it is not a valid OOXML package',
    );
  }
  if (dir.entries.length + add.length > MAX_ENTRIES) throw new HeguiError('format_unsupported', 'too many ZIP entries');
  checkDirectory(dir);
  for (const e of replace.keys()) checkReplaceable(e);
  const byOffset = [...dir.entries].sort((a, b) => a.localOffset - b.localOffset);
  const stamp =
    dir.entries.find((e) => e.name === '[Content_Types].xml')?.central.subarray(12, 16) ?? new Uint8Array(4);
  const start = out.position;
  const rel = (): number => out.position - start;
  const first = byOffset[0]?.localOffset ?? dir.cdOffset;
  if (first > 0) await out.copyFrom(src, 0, first);
  const centrals = new Map<ZipEntry, Uint8Array>();
  for (let i = 0; i < byOffset.length; i++) {
    const e = byOffset[i]!;
    const offset = rel();
    const data = replace.get(e);
    if (data) {
      const b = build({ local: e.local ?? new Uint8Array(0), central: e.central }, data);
      await out.write(b.local);
      centrals.set(e, b.central(offset));
      continue;
    }
    const next = byOffset[i + 1]?.localOffset ?? dir.cdOffset;
    await out.copyFrom(src, e.localOffset, next - e.localOffset);
    const c = new Uint8Array(e.central); // a copy, also when the source hands out Buffer views
    put32le(c, 42, offset);
    centrals.set(e, c);
  }
  const added: Uint8Array[] = [];
  for (const p of add) {
    const offset = rel();
    const b = build(freshHeaders(asciiBytes(p.name), stamp), p.data);
    await out.write(b.local);
    added.push(b.central(offset));
  }
  const cdOffset = rel();
  const cd = concat([...dir.entries.map((e) => centrals.get(e)!), ...added]);
  if (cdOffset + cd.length >= 0xffffffff) {
    throw new HeguiError('format_unsupported', 'the rewritten package would need ZIP64, which is not written');
  }
  await out.write(cd);
  const eocd = new Uint8Array(22);
  put32le(eocd, 0, 0x06054b50);
  const count = dir.entries.length + add.length;
  put16le(eocd, 8, count);
  put16le(eocd, 10, count);
  put32le(eocd, 12, cd.length);
  put32le(eocd, 16, cdOffset);
  put16le(eocd, 20, dir.comment.length);
  await out.write(concat([eocd, dir.comment]));
}
