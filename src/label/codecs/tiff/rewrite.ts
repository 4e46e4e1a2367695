import { HeguiError, oversize } from '../../../errors.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import { type Ifd, layout, MAX_IFD_ENTRIES, type TiffHeader, TiffOrder, TYPE_UNDEFINED } from './ifd.ts';

/** Same-length replacement of bytes at an absolute offset of the source. */
export interface Patch {
  at: number;
  bytes: Uint8Array;
}

/**
 * Copy the first `end` bytes of `src` to `out`, replacing the patched ranges; patches must not overlap (a hostile
 * file could make them). Patches at or past `end` (inside a tail that is being replaced) are dropped.
 */
export async function copyWithPatches(src: ByteSource, out: ByteSink, patches: Patch[], end = src.size): Promise<void> {
  const sorted = patches.filter((p) => p.at < end).sort((a, b) => a.at - b.at);
  let pos = 0;
  for (const p of sorted) {
    if (p.at < pos) throw new HeguiError('malformed', 'two TIFF values overlap', { offset: p.at });
    if (p.at + p.bytes.length > end)
      throw new HeguiError('malformed', 'a patched TIFF value is past the end', { offset: p.at });
    await out.copyFrom(src, pos, p.at - pos);
    await out.write(p.bytes);
    pos = p.at + p.bytes.length;
  }
  await out.copyFrom(src, pos, end - pos);
}

/** Zero bytes that bring `position` to a multiple of `align`. */
export const padTo = (position: number, align: number): Uint8Array =>
  new Uint8Array((align - (position % align)) % align);

/**
 * A copy of a directory with one tag set to an out-of-line UNDEFINED value and every other entry kept byte for
 * byte (inline values travel inside their entries; offsets keep pointing at the same old data). Entries are sorted by
 * tag (TIFF 6.0 §2: ascending order); the next-directory offset is kept so later pages stay linked.
 */
export async function rebuildIfd(
  src: ByteSource,
  header: TiffHeader,
  ifd: Ifd,
  tag: number,
  valueAt: number,
  valueSize: number,
): Promise<Uint8Array> {
  const { countSize, entrySize, offsetSize } = layout(header.big);
  const order = new TiffOrder(header.little);
  const old = await src.read(ifd.offset, ifd.byteLength);
  const rows = ifd.entries
    .map((e, i) => ({ tag: e.tag, bytes: old.subarray(countSize + i * entrySize, countSize + (i + 1) * entrySize) }))
    .filter((r) => r.tag !== tag);
  const entry = new Uint8Array(entrySize);
  order.put16(entry, 0, tag);
  order.put16(entry, 2, TYPE_UNDEFINED);
  if (header.big) {
    order.put64(entry, 4, valueSize);
    order.put64(entry, 12, valueAt);
  } else {
    order.put32(entry, 4, valueSize);
    order.put32(entry, 8, valueAt);
  }
  rows.push({ tag, bytes: entry });
  rows.sort((a, b) => a.tag - b.tag);
  if (rows.length > MAX_IFD_ENTRIES) throw oversize('the TIFF directory entry count', rows.length, MAX_IFD_ENTRIES);
  const out = new Uint8Array(countSize + rows.length * entrySize + offsetSize);
  if (header.big) order.put64(out, 0, rows.length);
  else order.put16(out, 0, rows.length);
  rows.forEach((r, i) => {
    out.set(r.bytes, countSize + i * entrySize);
  });
  if (header.big) order.put64(out, out.length - 8, ifd.next);
  else order.put32(out, out.length - 4, ifd.next);
  return out;
}

/** The header's first-directory offset pointing at `ifdAt`, as a patch. */
export function firstIfdPatch(header: TiffHeader, ifdAt: number): Patch {
  const order = new TiffOrder(header.little);
  const bytes = new Uint8Array(header.big ? 8 : 4);
  if (header.big) order.put64(bytes, 0, ifdAt);
  else order.put32(bytes, 0, ifdAt);
  return { at: header.firstIfdAt, bytes };
}
