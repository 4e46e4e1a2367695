import { crc32 } from 'node:zlib';
import { HeguiError, malformed } from '../../../errors.ts';
import { concat } from '../../io/bytes.ts';
import { ID } from './ids.ts';

/** Matroska's EBMLMaxIDLength (RFC 9559 §4.2): element IDs are 1 to 4 bytes. */
export const MAX_ID_LENGTH = 4;
/** EBMLMaxSizeLength (RFC 9559 §4.2): size VINTs are 1 to 8 bytes. */
export const MAX_SIZE_LENGTH = 8;

/** One element header: ID (with marker bits), data size (`null` = unknown, RFC 8794 §6.2) and where data starts. */
export interface ElementHeader {
  id: number;
  /** File offset of the ID. */
  offset: number;
  headerSize: number;
  /** Width of the size VINT, kept so a size can be re-encoded without moving anything. */
  sizeWidth: number;
  size: number | null;
  dataOffset: number;
}

/** Number of leading zero bits of a non-zero byte plus one: the VINT length it announces. */
const vintLength = (b: number): number => Math.clz32(b) - 23;

/**
 * Parse an element header at `at` in `buf` (whose first byte is file offset `base`). Returns undefined when the
 * header runs past `end`, so the caller can say whether that is the file end (truncated) or a parent end (malformed).
 */
export function parseHeader(buf: Uint8Array, at: number, end: number, base: number): ElementHeader | undefined {
  const offset = base + at;
  if (at >= end) return undefined;
  const b0 = buf[at]!;
  // RFC 8794 §5: a first byte of zero would announce an ID longer than 8 bytes; Matroska allows at most 4.
  if (b0 === 0) throw malformed('EBML element ID with an invalid length', offset);
  const idLen = vintLength(b0);
  if (idLen > MAX_ID_LENGTH) throw malformed(`EBML element ID of ${idLen} bytes (Matroska allows 4)`, offset);
  if (at + idLen >= end) return undefined;
  let id = 0;
  for (let i = 0; i < idLen; i++) id = id * 256 + buf[at + i]!;
  // RFC 8794 §5: an ID whose value bits are all zeros or all ones is reserved.
  const value = id - 2 ** (7 * idLen);
  if (value === 0 || value === 2 ** (7 * idLen) - 1) throw malformed('EBML element ID is a reserved value', offset);
  const s0 = buf[at + idLen]!;
  if (s0 === 0) throw malformed('EBML element size longer than 8 bytes', offset);
  const sizeWidth = vintLength(s0);
  if (at + idLen + sizeWidth > end) return undefined;
  let size = s0 & (0xff >> sizeWidth);
  let allOnes = size === 0xff >> sizeWidth;
  for (let i = 1; i < sizeWidth; i++) {
    const b = buf[at + idLen + i]!;
    size = size * 256 + b;
    if (b !== 0xff) allOnes = false;
  }
  if (!Number.isSafeInteger(size)) size = Number.MAX_SAFE_INTEGER; // past the end of any file
  const headerSize = idLen + sizeWidth;
  return { id, offset, headerSize, sizeWidth, size: allOnes ? null : size, dataOffset: offset + headerSize };
}

/** Big-endian unsigned integer element data (RFC 8794 §7.2: 0 to 8 bytes). */
export function readUint(data: Uint8Array, offset: number): number {
  if (data.length > 8) throw malformed('EBML unsigned integer longer than 8 bytes', offset);
  let v = 0;
  for (const b of data) v = v * 256 + b;
  if (!Number.isSafeInteger(v)) throw new HeguiError('oversize', 'an EBML integer exceeds 2^53', { offset });
  return v;
}

export function encodeId(id: number): Uint8Array {
  const n = id < 0x100 ? 1 : id < 0x10000 ? 2 : id < 0x1000000 ? 3 : 4;
  const out = new Uint8Array(n);
  for (let i = n - 1, v = id; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

/** Smallest VINT width that can hold `size` (the all-ones value is reserved for "unknown"). */
export function minSizeWidth(size: number): number {
  for (let w = 1; w <= MAX_SIZE_LENGTH; w++) if (size < 2 ** (7 * w) - 1) return w;
  throw new HeguiError('oversize', 'an EBML size does not fit in 8 bytes', { size });
}

/** Encode a size VINT of exactly `width` bytes; undefined when the value does not fit that width. */
export function encodeSize(size: number, width = minSizeWidth(size)): Uint8Array | undefined {
  if (width < 1 || width > MAX_SIZE_LENGTH || size >= 2 ** (7 * width) - 1) return undefined;
  const out = new Uint8Array(width);
  let v = size;
  for (let i = width - 1; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  out[0]! |= 0x80 >> (width - 1);
  return out;
}

export function element(id: number, data: Uint8Array, sizeWidth?: number): Uint8Array {
  const size = encodeSize(data.length, sizeWidth ?? minSizeWidth(data.length));
  if (!size) throw new HeguiError('oversize', 'an EBML element is too large for its size field', { size: data.length });
  return concat([encodeId(id), size, data]);
}

export function uintElement(id: number, v: number): Uint8Array {
  const bytes: number[] = [];
  for (let x = v; bytes.length === 0 || x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
  return element(id, Uint8Array.from(bytes));
}

/** Header of an EBMLVoid of exactly `total` bytes (RFC 8794 §11.3.2), or undefined for totals under 2. */
export function voidHeader(total: number): Uint8Array | undefined {
  for (let w = 1; w <= MAX_SIZE_LENGTH; w++) {
    const size = encodeSize(total - 1 - w, w);
    if (total - 1 - w >= 0 && size) return concat([Uint8Array.of(ID.Void), size]);
  }
  return undefined;
}

/** A zero-filled EBMLVoid of exactly `total` bytes (only for small totals; large ones are streamed by the writer). */
export function voidElement(total: number): Uint8Array {
  const head = voidHeader(total);
  if (!head) throw new HeguiError('usage', 'an EBMLVoid needs at least 2 bytes');
  const out = new Uint8Array(total);
  out.set(head);
  return out;
}

/**
 * `element(id, data)` padded to exactly `total` bytes: a trailing EBMLVoid for 2 bytes or more, a one byte wider size
 * field for exactly one spare byte (RFC 8794 §6.1 allows non-minimal sizes). Undefined when it cannot fit.
 */
export function fitElement(id: number, data: Uint8Array, total: number): Uint8Array | undefined {
  const width = minSizeWidth(data.length);
  const plain = element(id, data, width);
  const spare = total - plain.length;
  if (spare === 0) return plain;
  if (spare >= 2) return concat([plain, voidElement(spare)]);
  if (spare === 1 && width < MAX_SIZE_LENGTH) return element(id, data, width + 1);
  return undefined;
}

/** An EBML CRC-32 element (RFC 8794 §11.3.1): IEEE CRC-32 of the rest of the parent's data, little-endian. */
export function crcElement(rest: Uint8Array): Uint8Array {
  const v = crc32(rest);
  return Uint8Array.of(ID.CRC32, 0x84, v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}
