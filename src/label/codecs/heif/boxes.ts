import { HeguiError, malformed, oversize, truncated } from '../../../errors.ts';
import { ascii, asciiBytes, concat, put32be, u16be, u32be } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';

/**
 * A small, bounded ISO base media file format (ISO/IEC 14496-12 §4.2) box reader for the HEIF codec. Only the
 * structures the label lives in are parsed; everything else is copied as it is.
 */

/** No real image file has this many top-level boxes; the bound keeps a hostile file from spinning the walker. */
const MAX_TOP_BOXES = 100_000;
/** Children of one box (iinf entries, iref references, meta children); HEIF files have a few dozen. */
export const MAX_CHILDREN = 1_000_000;
/** Boxes nested deeper than this are refused; real HEIF/MP4 trees are at most ~8 deep. */
export const MAX_DEPTH = 16;

export interface Box {
  type: string;
  /** File offset of the box header. */
  start: number;
  headerSize: number;
  /** Total size including the header. */
  size: number;
}

export const boxEnd = (b: Box): number => b.start + b.size;
export const payloadStart = (b: Box): number => b.start + b.headerSize;

/** §4.2: four-character codes are printable; anything else means the walker is reading garbage. */
function checkType(h: Uint8Array, o: number, at: number): string {
  for (let i = 0; i < 4; i++) {
    const c = h[o + i]!;
    if (c < 0x20 || (c > 0x7e && c !== 0xa9)) throw malformed('a box type is not a four-character code', at);
  }
  return ascii(h, o, 4);
}

/** A 64-bit size or offset; values past 2^53 cannot be real in any file and are returned as Infinity. */
export function u64Clamped(b: Uint8Array, o: number): number {
  const hi = u32be(b, o);
  if (hi >= 0x200000) return Number.POSITIVE_INFINITY;
  return hi * 0x100000000 + u32be(b, o + 4);
}

/** Decode a box header at `pos` of `h` (a view of the file at `fileBase`), bounded by `limit` (file offset). */
function decodeHeader(h: Uint8Array, pos: number, fileBase: number, limit: number, parent: string): Box {
  const at = fileBase + pos;
  if (h.length - pos < 8) throw headerOverrun(parent, at);
  let size = u32be(h, pos);
  const type = checkType(h, pos + 4, at);
  let headerSize = 8;
  if (size === 1) {
    if (h.length - pos < 16) throw headerOverrun(parent, at);
    size = u64Clamped(h, pos + 8);
    headerSize = 16;
  } else if (size === 0) {
    size = limit - at; // §4.2: the box extends to the end of its container (the file at top level)
  }
  if (size < headerSize) throw malformed(`box ${type} is smaller than its header`, at);
  if (size > limit - at) {
    if (parent === 'file') throw truncated(`box ${type}`, at, Number.isFinite(size) ? size : undefined);
    throw malformed(`box ${type} runs past the end of its parent ${parent}`, at);
  }
  if (type === 'uuid') headerSize += 16;
  if (size < headerSize) throw malformed('uuid box is smaller than its header', at);
  return { type, start: at, headerSize, size };
}

const headerOverrun = (parent: string, at: number): HeguiError =>
  parent === 'file' ? truncated('a box header', at) : malformed(`a box header runs past the end of ${parent}`, at);

export interface TopLevelWalk {
  boxes: Box[];
  /** Set when the walk stopped at a structural error (lenient mode only). */
  error?: HeguiError;
}

/** Walk the top-level boxes without reading their payloads; strict mode throws, lenient mode keeps what it found. */
export async function walkTopLevel(src: ByteSource, strict: boolean): Promise<TopLevelWalk> {
  const boxes: Box[] = [];
  let pos = 0;
  try {
    while (pos < src.size) {
      if (boxes.length >= MAX_TOP_BOXES)
        throw new HeguiError('oversize', 'the file has too many top-level boxes', { limit: MAX_TOP_BOXES });
      const h = await src.read(pos, Math.min(32, src.size - pos));
      const box = decodeHeader(h, 0, pos, src.size, 'file');
      boxes.push(box);
      pos += box.size;
    }
  } catch (e) {
    if (strict || !(e instanceof HeguiError)) throw e;
    return { boxes, error: e };
  }
  return { boxes };
}

/** The children of an in-memory box payload `buf[from, to)`; `fileBase` is the file offset of `buf[0]`. */
export function childBoxes(buf: Uint8Array, from: number, to: number, fileBase: number, parent: string): Box[] {
  const out: Box[] = [];
  const view = buf.subarray(0, to);
  for (let pos = from; pos < to; ) {
    if (out.length >= MAX_CHILDREN)
      throw new HeguiError('oversize', `box ${parent} has too many children`, { limit: MAX_CHILDREN });
    const box = decodeHeader(view, pos, fileBase, fileBase + to, parent);
    out.push(box);
    pos += box.size;
  }
  return out;
}

/**
 * A cursor over one box payload. Running past the payload is `malformed`: the box itself is inside the file, so a
 * field that does not fit is an inconsistency, not a truncation.
 */
export class FieldReader {
  constructor(
    private readonly buf: Uint8Array,
    public pos: number,
    private readonly end: number,
    private readonly what: string,
    private readonly fileBase: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }
  /** File offset of the cursor, for messages. */
  get at(): number {
    return this.fileBase + this.pos;
  }
  need(n: number): void {
    if (this.remaining < n) throw malformed(`${this.what} is shorter than its fields`, this.at);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = u16be(this.buf, this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = u32be(this.buf, this.pos);
    this.pos += 4;
    return v;
  }
  /** An unsigned field of 0, 2, 4 or 8 bytes (iloc sizes); 64-bit values past 2^53 come back as Infinity. */
  uint(n: number): number {
    if (n === 0) return 0;
    if (n === 2) return this.u16();
    if (n === 4) return this.u32();
    this.need(8);
    const v = u64Clamped(this.buf, this.pos);
    this.pos += 8;
    return v;
  }
  fourcc(): string {
    this.need(4);
    const v = ascii(this.buf, this.pos, 4);
    this.pos += 4;
    return v;
  }
  /** A NUL-terminated UTF-8 string (§4.2 `utf8string`); an unterminated one is malformed. */
  cstring(): string {
    const nul = this.buf.subarray(0, this.end).indexOf(0, this.pos);
    if (nul < 0) throw malformed(`${this.what} has an unterminated string`, this.at);
    const s = new TextDecoder('utf-8').decode(this.buf.subarray(this.pos, nul));
    this.pos = nul + 1;
    return s;
  }
}

/** A plain box with a 32-bit size (every box this codec builds is far below 4 GiB). */
export function buildBox(type: string, ...payload: Uint8Array[]): Uint8Array {
  const body = concat(payload);
  const size = body.length + 8;
  if (size > 0xffffffff) throw oversize(`box ${type}`, size, 0xffffffff);
  const head = new Uint8Array(8);
  put32be(head, 0, size);
  head.set(asciiBytes(type), 4);
  return concat([head, body]);
}

/** A full box (§4.2.2): version and 24-bit flags before the payload. */
export function buildFullBox(type: string, version: number, flags: number, ...payload: Uint8Array[]): Uint8Array {
  const vf = new Uint8Array(4);
  put32be(vf, 0, ((version & 0xff) << 24) | (flags & 0xffffff));
  return buildBox(type, vf, ...payload);
}

/** Big-endian unsigned integer of `n` bytes (0, 2, 4, 8) into a fresh array; the caller checks the range. */
export function uintBytes(v: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = n - 1, x = v; i >= 0; i--) {
    out[i] = x % 256;
    x = Math.floor(x / 256);
  }
  return out;
}
