import { deflateRawSync } from 'node:zlib';
import { HeguiError } from '../../../errors.ts';
import { asciiBytes, concat, put16le, put32le, u16le } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import { crc32 } from './crc32.ts';
import { CENTRAL_SIG, LOCAL_SIG, MAX_ENTRIES, type ZipDirectory, type ZipEntry } from './zip.ts';

/**
 * Rewrite a ZIP with some entries replaced and some added. Every other entry is copied as it is stored (local header,
 * data, data descriptor), so its bytes stay identical; only the central directory is rebuilt with the new offsets.
 * Replaced and added entries are deflated (APPNOTE method 8) without a data descriptor.
 */

export interface NewPart {
  name: string;
  data: Uint8Array;
}

interface Built {
  local: Uint8Array;
  central: (offset: number) => Uint8Array;
}

function build(nameBytes: Uint8Array, data: Uint8Array, like: ZipEntry | undefined, stamp: Uint8Array): Built {
  const packed = deflateRawSync(data);
  const crc = crc32(data);
  const flags = (like?.flags ?? 0) & 0x800; // keep only the UTF-8 name flag
  const time = like ? like.central.subarray(12, 16) : stamp;
  const local = new Uint8Array(30 + nameBytes.length);
  put32le(local, 0, LOCAL_SIG);
  put16le(local, 4, 20);
  put16le(local, 6, flags);
  put16le(local, 8, 8);
  local.set(time, 10);
  put32le(local, 14, crc);
  put32le(local, 18, packed.length);
  put32le(local, 22, data.length);
  put16le(local, 26, nameBytes.length);
  local.set(nameBytes, 30);
  const central = (offset: number): Uint8Array => {
    const c = new Uint8Array(46 + nameBytes.length);
    put32le(c, 0, CENTRAL_SIG);
    put16le(c, 4, like ? u16le(like.central, 4) : 20);
    put16le(c, 6, 20);
    put16le(c, 8, flags);
    put16le(c, 10, 8);
    c.set(time, 12);
    put32le(c, 16, crc);
    put32le(c, 20, packed.length);
    put32le(c, 24, data.length);
    put16le(c, 28, nameBytes.length);
    if (like) {
      c.set(like.central.subarray(36, 42), 36); // internal and external attributes
    }
    put32le(c, 42, offset);
    c.set(nameBytes, 46);
    return c;
  };
  return { local: concat([local, packed]), central };
}

const nameBytesOf = (e: ZipEntry): Uint8Array => e.central.subarray(46, 46 + u16le(e.central, 28));

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
      const b = build(nameBytesOf(e), data, e, stamp);
      await out.write(b.local);
      centrals.set(e, b.central(offset));
      continue;
    }
    const next = byOffset[i + 1]?.localOffset ?? dir.cdOffset;
    await out.copyFrom(src, e.localOffset, next - e.localOffset);
    const c = e.central.slice();
    put32le(c, 42, offset);
    centrals.set(e, c);
  }
  const added: Uint8Array[] = [];
  for (const p of add) {
    const offset = rel();
    const b = build(asciiBytes(p.name), p.data, undefined, stamp);
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
