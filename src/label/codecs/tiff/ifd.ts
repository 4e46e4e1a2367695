import { HeguiError, oversize, truncated } from '../../../errors.ts';
import { put16be, put16le, put32be, put32le, u16be, u16le, u32be, u32le } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';

/**
 * The TIFF 6.0 image file directory walker, shared by the TIFF codec and by JPEG's EXIF (an EXIF APP1 segment is a
 * TIFF structure whose offsets count from its own header). Only directory structures are read, never image data.
 */

/** Bytes per value of each TIFF field type (TIFF 6.0 §2, BigTIFF adds 16–18); unknown types have no known size. */
const TYPE_SIZES: Readonly<Record<number, number>> = {
  1: 1, // BYTE
  2: 1, // ASCII
  3: 2, // SHORT
  4: 4, // LONG
  5: 8, // RATIONAL
  6: 1, // SBYTE
  7: 1, // UNDEFINED
  8: 2, // SSHORT
  9: 4, // SLONG
  10: 8, // SRATIONAL
  11: 4, // FLOAT
  12: 8, // DOUBLE
  13: 4, // IFD
  16: 8, // LONG8
  17: 8, // SLONG8
  18: 8, // IFD8
};

export const TYPE_BYTE = 1;
export const TYPE_LONG = 4;
export const TYPE_UNDEFINED = 7;
export const TYPE_IFD = 13;
export const TYPE_LONG8 = 16;
export const TYPE_IFD8 = 18;

/** Real directories hold tens of entries; a bound stops a hostile count from driving huge reads. */
export const MAX_IFD_ENTRIES = 4096;
/** Pages in one file (fax archives reach thousands); the chain is also checked for loops. */
export const MAX_IFDS = 65_536;

export interface TiffHeader {
  little: boolean;
  /** BigTIFF (version 43): 8-byte offsets and counts, 20-byte entries. */
  big: boolean;
  firstIfd: number;
  /** Where the first-IFD offset is stored (4 for classic, 8 for BigTIFF). */
  firstIfdAt: number;
}

export interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** Offset of the entry itself inside the directory. */
  at: number;
  /** Byte size of the value, or -1 for an unknown type. */
  size: number;
  /** True when the value sits inside the entry (≤ 4 bytes classic, ≤ 8 BigTIFF). */
  inline: boolean;
  /** Absolute offset of the value (inside the entry when inline). */
  valueOffset: number;
}

export interface Ifd {
  offset: number;
  entries: IfdEntry[];
  /** Offset of the next directory (0 at the end of the chain). */
  next: number;
  /** Where the next-directory offset is stored. */
  nextAt: number;
  /** Size of the whole directory structure (count, entries, next offset). */
  byteLength: number;
}

export const isTiffMagic = (b: Uint8Array): boolean =>
  b.length >= 4 &&
  ((b[0] === 0x49 && b[1] === 0x49 && (b[2] === 42 || b[2] === 43) && b[3] === 0) ||
    (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 42 || b[3] === 43)));

/** A directory layout: classic TIFF or BigTIFF. */
export const layout = (big: boolean) =>
  big
    ? { countSize: 8, entrySize: 20, offsetSize: 8, inlineSize: 8 }
    : { countSize: 2, entrySize: 12, offsetSize: 4, inlineSize: 4 };

/** Endian-aware integer access for one TIFF structure. */
export class TiffOrder {
  constructor(readonly little: boolean) {}
  u16(b: Uint8Array, o: number): number {
    return this.little ? u16le(b, o) : u16be(b, o);
  }
  u32(b: Uint8Array, o: number): number {
    return this.little ? u32le(b, o) : u32be(b, o);
  }
  /** A 64-bit BigTIFF field; anything past 2^53 cannot be an offset in a real file. */
  u64(b: Uint8Array, o: number): number {
    const lo = this.u32(b, this.little ? o : o + 4);
    const hi = this.u32(b, this.little ? o + 4 : o);
    if (hi >= 0x200000) throw new HeguiError('oversize', 'a BigTIFF 64-bit field is beyond 2^53', { offset: o });
    return hi * 0x100000000 + lo;
  }
  put16(b: Uint8Array, o: number, v: number): void {
    if (this.little) put16le(b, o, v);
    else put16be(b, o, v);
  }
  put32(b: Uint8Array, o: number, v: number): void {
    if (this.little) put32le(b, o, v);
    else put32be(b, o, v);
  }
  put64(b: Uint8Array, o: number, v: number): void {
    const hi = Math.floor(v / 0x100000000);
    const lo = v >>> 0;
    this.put32(b, this.little ? o : o + 4, lo);
    this.put32(b, this.little ? o + 4 : o, hi);
  }
}

/** TIFF 6.0 §2 header: byte order, 42 (or 43 for BigTIFF, with its offset size 8 and reserved 0), first IFD. */
export async function readTiffHeader(src: ByteSource): Promise<TiffHeader> {
  if (src.size < 8) throw truncated('the TIFF header', 0, 8);
  const h = await src.read(0, Math.min(16, src.size));
  if (!isTiffMagic(h)) throw new HeguiError('malformed', 'not a TIFF header (II*/MM* magic)');
  const order = new TiffOrder(h[0] === 0x49);
  const big = order.u16(h, 2) === 43;
  if (!big) return { little: order.little, big, firstIfd: order.u32(h, 4), firstIfdAt: 4 };
  if (h.length < 16) throw truncated('the BigTIFF header', 0, 16);
  if (order.u16(h, 4) !== 8 || order.u16(h, 6) !== 0) {
    throw new HeguiError('malformed', 'BigTIFF header has an offset size other than 8');
  }
  return { little: order.little, big, firstIfd: order.u64(h, 8), firstIfdAt: 8 };
}

/** One directory, bounds-checked against the source. Offsets are absolute within `src`. */
export async function readIfd(src: ByteSource, header: TiffHeader, offset: number): Promise<Ifd> {
  const { countSize, entrySize, offsetSize, inlineSize } = layout(header.big);
  const order = new TiffOrder(header.little);
  if (offset < (header.big ? 16 : 8))
    throw new HeguiError('malformed', 'a TIFF directory offset points into the header', { offset });
  if (offset + countSize > src.size) throw truncated('a TIFF directory', offset, countSize);
  const countBytes = await src.read(offset, countSize);
  const n = header.big ? order.u64(countBytes, 0) : order.u16(countBytes, 0);
  if (n > MAX_IFD_ENTRIES) throw oversize('a TIFF directory entry count', n, MAX_IFD_ENTRIES);
  const byteLength = countSize + n * entrySize + offsetSize;
  if (offset + byteLength > src.size) throw truncated('a TIFF directory', offset, byteLength);
  const b = await src.read(offset, byteLength);
  const entries: IfdEntry[] = [];
  for (let i = 0; i < n; i++) {
    const e = countSize + i * entrySize;
    const type = order.u16(b, e + 2);
    const count = header.big ? order.u64(b, e + 4) : order.u32(b, e + 4);
    const unit = TYPE_SIZES[type];
    const size = unit === undefined ? -1 : unit * count;
    const valueField = e + 4 + (header.big ? 8 : 4);
    const inline = size >= 0 && size <= inlineSize;
    const valueOffset = inline ? offset + valueField : header.big ? order.u64(b, valueField) : order.u32(b, valueField);
    entries.push({ tag: order.u16(b, e), type, count, at: offset + e, size, inline, valueOffset });
  }
  const nextAt = offset + countSize + n * entrySize;
  const next = header.big ? order.u64(b, byteLength - 8) : order.u32(b, byteLength - 4);
  return { offset, entries, next, nextAt, byteLength };
}

/** Check that an entry's value lies inside the source; returns its [offset, size]. */
export function valueRange(src: ByteSource, entry: IfdEntry): [number, number] {
  if (entry.size < 0)
    throw new HeguiError('malformed', `TIFF tag ${entry.tag} has an unknown field type ${entry.type}`);
  if (entry.valueOffset + entry.size > src.size) {
    throw truncated(`the value of TIFF tag ${entry.tag}`, entry.valueOffset, entry.size);
  }
  return [entry.valueOffset, entry.size];
}

/** Read an entry's value, refusing anything over `max` bytes. */
export async function readValue(src: ByteSource, entry: IfdEntry, max: number): Promise<Uint8Array> {
  if (entry.size > max) throw oversize(`the value of TIFF tag ${entry.tag}`, entry.size, max);
  const [at, size] = valueRange(src, entry);
  return src.read(at, size);
}

/** The directory a pointer tag (ExifIFD 0x8769, …) names, or undefined if the tag is absent or not one pointer. */
export async function pointerTarget(
  src: ByteSource,
  header: TiffHeader,
  ifd: Ifd,
  tag: number,
): Promise<number | undefined> {
  const e = ifd.entries.find((x) => x.tag === tag);
  if (e?.count !== 1 || ![TYPE_LONG, TYPE_IFD, TYPE_LONG8, TYPE_IFD8].includes(e.type)) return undefined;
  const v = await src.read(e.valueOffset, e.size);
  const order = new TiffOrder(header.little);
  return e.size === 8 ? order.u64(v, 0) : order.u32(v, 0);
}

export interface IfdChain {
  ifds: Ifd[];
  /** Set when the walk stopped at a structural error (lenient mode only). */
  error?: HeguiError;
}

/**
 * Follow the main chain (IFD0 → IFD1 → …, one per page). Loops and over-long chains are refused; strict mode throws
 * on the first problem, lenient mode returns what it walked and the error.
 */
export async function walkChain(src: ByteSource, header: TiffHeader, strict: boolean): Promise<IfdChain> {
  const ifds: Ifd[] = [];
  const seen = new Set<number>();
  try {
    for (let at = header.firstIfd; at !== 0; ) {
      if (seen.has(at)) throw new HeguiError('malformed', 'the TIFF directory chain loops', { offset: at });
      if (ifds.length >= MAX_IFDS) throw oversize('the TIFF directory chain', ifds.length, MAX_IFDS);
      seen.add(at);
      const ifd = await readIfd(src, header, at);
      ifds.push(ifd);
      at = ifd.next;
    }
    if (ifds.length === 0) throw new HeguiError('malformed', 'the TIFF has no image directory');
  } catch (e) {
    if (strict || !(e instanceof HeguiError)) throw e;
    return { ifds, error: e };
  }
  return { ifds };
}
