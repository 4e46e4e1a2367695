/**
 * ISO/IEC 14496-12 §4.2 box headers and a bounded walker, shared by the ISO base media file format codecs.
 *
 * A box is `size(32) type(32) [largesize(64) if size == 1] [extended type(128) if type == 'uuid']` followed by its
 * payload; size 0 means "to the end of the enclosing box or file". Nothing here trusts a size: every box must fit
 * its parent, depth and box count are bounded, and a failure names the offset, never file bytes.
 */
import { HeguiError, malformed, truncated } from '../../../errors.ts';
import { ascii, asciiBytes, concat, put32be, put64be, u32be } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';

/** How deep containers may nest. Real files stay under ten (moov/trak/mdia/minf/stbl/stsd/…). */
export const MAX_BOX_DEPTH = 32;
/** Boxes one in-memory tree may hold: a bound on work and memory for a hostile 64 MiB moov. */
export const MAX_TREE_BOXES = 200_000;
/** Top-level boxes of one file (a day of fragmented video at one fragment a second has about 170 000). */
export const MAX_TOP_BOXES = 1_000_000;
/** Largest header: 8 + 8 (largesize) + 16 (uuid extended type). */
export const MAX_HEADER = 32;
/** Largest payload offset JavaScript numbers address exactly. */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export interface Box {
  /** Four characters, each byte as one Latin-1 character (`©nam` keeps its 0xA9; ilst key indices stay raw). */
  type: string;
  /** Absolute offset of the box's first byte in the file. */
  offset: number;
  /** Whole box, header included (size 0 resolved to the parent's end). */
  size: number;
  /** 8, 16 (largesize) or +16 for a `uuid` extended type. */
  headerSize: number;
  /** How the size was stored: `to-end` is size 0. */
  sizeForm: 'compact' | 'large' | 'to-end';
  /** For `uuid` boxes: the extended type as lower-case hex without dashes. */
  userType?: string;
}

export const boxEnd = (b: Box): number => b.offset + b.size;
export const payloadOffset = (b: Box): number => b.offset + b.headerSize;
export const payloadSize = (b: Box): number => b.size - b.headerSize;

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/**
 * Decode one header from `h` (the bytes at absolute `offset`, as many as are available up to 32) for a box that must
 * end by `limit`. `nested` says the limit is a parent box (overruns are `malformed`) rather than the file (`truncated`).
 */
export function decodeBoxHeader(h: Uint8Array, offset: number, limit: number, nested: boolean): Box {
  const overrun = (what: string, needed?: number): HeguiError =>
    nested ? malformed(`${what} runs past the end of its parent box`, offset) : truncated(what, offset, needed);
  if (h.length < 8 || limit - offset < 8) throw overrun('a box header', 8);
  const size32 = u32be(h, 0);
  const type = ascii(h, 4, 4);
  let size: number;
  let headerSize = 8;
  let sizeForm: Box['sizeForm'] = 'compact';
  if (size32 === 1) {
    if (h.length < 16 || limit - offset < 16) throw overrun(`box ${printable(type)} 64-bit size`, 16);
    const hi = u32be(h, 8);
    const lo = u32be(h, 12);
    headerSize = 16;
    sizeForm = 'large';
    // A largesize past 2^53 cannot fit any file or parent; it is an overrun, not a number to compute with.
    if (hi >= 0x200000) throw overrun(`box ${printable(type)} (64-bit size)`);
    size = hi * 0x100000000 + lo;
  } else if (size32 === 0) {
    size = limit - offset;
    sizeForm = 'to-end';
  } else {
    size = size32;
  }
  if (size < headerSize)
    throw malformed(`box ${printable(type)} declares size ${size}, smaller than its header`, offset);
  if (size > MAX_SAFE - offset || offset + size > limit) throw overrun(`box ${printable(type)}`, size);
  let userType: string | undefined;
  if (type === 'uuid') {
    if (size < headerSize + 16) throw malformed('uuid box too small for its extended type', offset);
    if (h.length < headerSize + 16) throw overrun('uuid box extended type', headerSize + 16);
    userType = hex(h.subarray(headerSize, headerSize + 16));
    headerSize += 16;
  }
  return { type, offset, size, headerSize, sizeForm, ...(userType ? { userType } : {}) };
}

/** A box type for messages: printable ASCII kept, anything else as `?` (never raw file bytes). */
export function printable(type: string): string {
  return type.replace(/[^\x20-\x7e]/g, '?');
}

export interface FileWalk {
  boxes: Box[];
  /** Bytes after the last whole box too short to be a header (copied unchanged). */
  trailing: number;
  /** Lenient mode: the error that stopped the walk, if any. */
  error?: HeguiError;
}

/**
 * Walk the top-level boxes of a file reading only headers. Strict mode (writers) throws on the first problem; lenient
 * mode (readers) returns the boxes before it and the error. A tail shorter than a header is reported, not refused.
 */
export async function walkFile(src: ByteSource, strict: boolean): Promise<FileWalk> {
  const boxes: Box[] = [];
  let pos = 0;
  try {
    while (pos < src.size) {
      if (src.size - pos < 8) return { boxes, trailing: src.size - pos };
      if (boxes.length >= MAX_TOP_BOXES)
        throw new HeguiError('oversize', 'the file has too many top-level boxes', { limit: MAX_TOP_BOXES });
      const h = await src.read(pos, Math.min(MAX_HEADER, src.size - pos));
      const box = decodeBoxHeader(h, pos, src.size, false);
      boxes.push(box);
      pos = boxEnd(box);
    }
  } catch (e) {
    if (strict || !(e instanceof HeguiError) || boxes.length === 0) throw e;
    return { boxes, trailing: 0, error: e };
  }
  return { boxes, trailing: 0 };
}

/** A box in memory with its children when it is a container the caller asked to descend into. */
export interface BoxNode extends Box {
  /** Absolute offset where the children start (after a FullBox version/flags or other fixed fields). */
  childOffset?: number;
  children?: BoxNode[];
  /** Bytes at the end of a container too short to be a box (QuickTime ends `udta` with four zero bytes). */
  trailing?: number;
  /** Lenient mode: why the children could not all be walked. */
  error?: HeguiError;
}

/**
 * Where a container's children start, relative to its payload, or undefined for a leaf (the box is not descended).
 * Given the payload bytes so it can tell variants apart (QuickTime `meta` has no version/flags, ISO `meta` has).
 */
export type ChildStart = (type: string, payload: Uint8Array, path: readonly string[]) => number | undefined;

/** A view of a buffer that holds the bytes of the file from absolute offset `base`. */
export interface BoxBuffer {
  bytes: Uint8Array;
  base: number;
}

export const sliceOf = (buf: BoxBuffer, start: number, end: number): Uint8Array =>
  buf.bytes.subarray(start - buf.base, end - buf.base);
export const boxBytes = (buf: BoxBuffer, b: Box): Uint8Array => sliceOf(buf, b.offset, boxEnd(b));
export const payloadBytes = (buf: BoxBuffer, b: Box): Uint8Array => sliceOf(buf, payloadOffset(b), boxEnd(b));

/**
 * Parse `root` (whose bytes are all in `buf`) into a tree, descending into the boxes `childStart` names. Bounded by
 * {@link MAX_BOX_DEPTH} and {@link MAX_TREE_BOXES}. Strict mode throws; lenient mode records the error on the
 * container where it happened and keeps the children found before it.
 */
export function parseTree(buf: BoxBuffer, root: Box, childStart: ChildStart, strict: boolean): BoxNode {
  let count = 0;
  const visit = (box: Box, path: readonly string[]): BoxNode => {
    const node: BoxNode = { ...box };
    const payload = payloadBytes(buf, box);
    const rel = childStart(box.type, payload, path);
    if (rel === undefined) return node;
    if (path.length >= MAX_BOX_DEPTH) {
      const e = new HeguiError('oversize', `boxes nest deeper than ${MAX_BOX_DEPTH} levels`, {
        offset: box.offset,
        limit: MAX_BOX_DEPTH,
      });
      if (strict) throw e;
      node.error = e;
      return node;
    }
    const start = payloadOffset(box) + Math.min(rel, payload.length);
    node.childOffset = start;
    node.children = [];
    const end = boxEnd(box);
    let pos = start;
    try {
      if (rel > payload.length)
        throw malformed(`box ${printable(box.type)} is too small for its fixed fields`, box.offset);
      while (pos < end) {
        if (end - pos < 8) {
          node.trailing = end - pos;
          break;
        }
        if (++count > MAX_TREE_BOXES)
          throw new HeguiError('oversize', 'the structure holds too many boxes', { limit: MAX_TREE_BOXES });
        const child = decodeBoxHeader(sliceOf(buf, pos, Math.min(end, pos + MAX_HEADER)), pos, end, true);
        node.children.push(visit(child, [...path, box.type]));
        pos = boxEnd(child);
      }
    } catch (e) {
      if (strict || !(e instanceof HeguiError)) throw e;
      node.error = e;
    }
    return node;
  };
  return visit(root, []);
}

/** Children of `node` with this type (empty for a leaf). */
export const childrenOf = (node: BoxNode, type: string): BoxNode[] =>
  node.children?.filter((c) => c.type === type) ?? [];

/** Every node of the tree, depth first, in file order. */
export function* descendants(node: BoxNode): Generator<BoxNode> {
  for (const c of node.children ?? []) {
    yield c;
    yield* descendants(c);
  }
}

/** Errors recorded by a lenient {@link parseTree}, in file order. */
export function treeErrors(node: BoxNode): { error: HeguiError; offset: number }[] {
  const out: { error: HeguiError; offset: number }[] = [];
  if (node.error) out.push({ error: node.error, offset: node.offset });
  for (const c of descendants(node)) if (c.error) out.push({ error: c.error, offset: c.offset });
  return out;
}

const MAX_U32 = 0xffffffff;

/** The four type bytes of a box type string (Latin-1, as {@link decodeBoxHeader} produced it). */
export const typeBytes = (type: string): Uint8Array => asciiBytes(type);

/** A box with a compact header (or a 64-bit largesize when the box reaches 4 GiB). */
export function buildBox(type: string | Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const t = typeof type === 'string' ? typeBytes(type) : type;
  if (t.length !== 4) throw new HeguiError('usage', 'a box type is four bytes');
  let n = 0;
  for (const p of parts) n += p.length;
  if (n + 8 <= MAX_U32) {
    const h = new Uint8Array(8);
    put32be(h, 0, n + 8);
    h.set(t, 4);
    return concat([h, ...parts]);
  }
  const h = new Uint8Array(16);
  put32be(h, 0, 1);
  h.set(t, 4);
  put64be(h, 8, n + 16);
  return concat([h, ...parts]);
}

/** A FullBox's version and flags field. */
export function fullBoxHeader(version: number, flags: number): Uint8Array {
  const b = new Uint8Array(4);
  put32be(b, 0, ((version & 0xff) << 24) | (flags & 0xffffff));
  return b;
}

/**
 * Rebuild a container from its own fixed fields (between payload and children), new children and its trailing bytes,
 * keeping the type (and a uuid's extended type). The header becomes compact even if it was a largesize.
 */
export function rebuildContainer(buf: BoxBuffer, node: BoxNode, children: readonly Uint8Array[]): Uint8Array {
  if (node.childOffset === undefined) throw new HeguiError('usage', 'rebuildContainer needs a container node');
  const typeAndUser = sliceOf(buf, node.offset + 4, node.offset + 8);
  const user = node.userType ? sliceOf(buf, payloadOffset(node) - 16, payloadOffset(node)) : new Uint8Array(0);
  const fixed = sliceOf(buf, payloadOffset(node), node.childOffset);
  const tail = sliceOf(buf, boxEnd(node) - (node.trailing ?? 0), boxEnd(node));
  return buildBox(typeAndUser, user, fixed, ...children, tail);
}
