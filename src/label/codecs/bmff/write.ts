/**
 * Writing the label into an MP4/MOV/M4A: only the movie box (bounded) and the few small boxes that hold absolute
 * offsets are read into memory; media data and every other box are streamed with `copyFrom`.
 *
 * When the new moov (or a stripped XMP box) changes size, every byte after it moves: a `free`/`skip` box right after
 * it absorbs the difference when it can (nothing moves); otherwise `stco`/`co64` chunk offsets, `tfhd` base data
 * offsets and `tfra` moof offsets are moved with it, and free room is left after a grown moov (ROOM_AFTER_MOOV) so the
 * next label is absorbed. A `sidx` before a moved box and offsets this writer does not know how to move are refused
 * with `format_unsupported`.
 *
 * The canonical form (content binding, docs/signature-scheme.md) is the same walk with the placeholder label and
 * without the free/skip boxes that follow the moov or an XMP uuid box (the room the writer lets absorb a label's
 * size, so their size depends on the label history), every offset moved to match.
 */
import { HeguiError, malformed, oversize } from '../../../errors.ts';
import { type AigcRecord, PLACEHOLDER_LABEL, serializeBare } from '../../aigc/record.ts';
import { put32be } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import { type ByteSource, MAX_READ } from '../../io/source.ts';
import { MAX_XMP_BYTES } from '../../xmp/xmp.ts';
import type { WriteOptions } from '../codec.ts';
import { type Box, type BoxBuffer, boxEnd, decodeBoxHeader, MAX_HEADER, typeBytes, walkFile } from './box.ts';
import { parseBoxTree, rebuildMoov } from './moov.ts';
import {
  type Change,
  checkChunkTables,
  OffsetMap,
  refuseUnmovable,
  shiftChunkOffsets,
  shiftMfra,
  shiftMoof,
} from './offsets.ts';
import { isXmpUuid, stripXmpUuid } from './xmp-uuid.ts';

/** The movie box is read whole; real ones are kilobytes to a few MiB (an hour of video at many chunks). */
export const MAX_MOOV = MAX_READ;
/** moof/mfra boxes are read whole to move their offsets; real ones are kilobytes. */
export const MAX_FRAGMENT_BOX = 16 * 1024 * 1024;
const MAX_U32 = 0xffffffff;

interface Segment {
  box: Box;
  /** New bytes for the box. */
  bytes?: Uint8Array;
  /** A free/skip box resized to absorb a neighbour's size change (0: dropped). */
  freeSize?: number;
  /** Bytes of a new `free` box written right after the new bytes (room for the next label, see ROOM_AFTER_MOOV). */
  roomAfter?: number;
}

/**
 * When a grown moov must move everything after it anyway (a moov before the media data, with no free room behind
 * it), this much free room is left right after it, so that the next label written into the file (a propagation
 * platform's fields and signature, a relabel) is absorbed by it: an edit of the moov alone, whatever the media size.
 * 4 KiB holds the largest complete label with both signatures several times over; free boxes carry nothing
 * (ISO/IEC 14496-12 §8.1.2) and the canonical form leaves them out.
 */
export const ROOM_AFTER_MOOV = 4096;

/** `write`: free room after a changed box absorbs its size change; `canonical`: that room is left out. */
type Mode = 'write' | 'canonical';

interface Layout {
  segments: Segment[];
  map: OffsetMap;
}

const isPadding = (b: Box | undefined): b is Box =>
  !!b && (b.type === 'free' || b.type === 'skip') && b.sizeForm === 'compact';

/** Which top-level boxes are replaced, which free box absorbs a change, and how offsets move. */
function planLayout(boxes: readonly Box[], replaced: ReadonlyMap<number, Uint8Array>): Layout {
  const segments: Segment[] = [];
  const changes: Change[] = [];
  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i]!;
    const bytes = replaced.get(box.offset);
    if (!bytes) {
      segments.push({ box });
      continue;
    }
    const delta = bytes.length - box.size;
    const next = boxes[i + 1];
    const freeSize = isPadding(next) && !replaced.has(next.offset) ? next.size - delta : -1;
    if (delta !== 0 && next && (freeSize === 0 || (freeSize >= 8 && freeSize <= MAX_U32))) {
      segments.push({ box, bytes }, { box: next, freeSize });
      changes.push({ start: box.offset, end: boxEnd(next), delta: 0 });
      i++;
      continue;
    }
    // Room for the next label, when the grown moov moves the boxes after it anyway.
    const room = box.type === 'moov' && delta > 0 && next ? ROOM_AFTER_MOOV : 0;
    segments.push({ box, bytes, ...(room ? { roomAfter: room } : {}) });
    changes.push({ start: box.offset, end: boxEnd(box), delta: delta + room });
  }
  return { segments, map: new OffsetMap(changes) };
}

/** Boxes whose size the writer lets the free room right after them absorb (see {@link planLayout}). */
const absorbsFree = (b: Box): boolean => b.type === 'moov' || isXmpUuid(b);

/**
 * The canonical layout: the run of compact free/skip boxes after the moov or an XMP uuid box is dropped. The writer
 * resizes the first box of that run or drops it when it reaches zero, so what is left of the run depends on the
 * labels written before; free space carries nothing (ISO/IEC 14496-12 §8.1.2).
 */
function planCanonical(boxes: readonly Box[], replaced: ReadonlyMap<number, Uint8Array>): Layout {
  const segments: Segment[] = [];
  const changes: Change[] = [];
  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i]!;
    const bytes = replaced.get(box.offset);
    if (bytes) {
      segments.push({ box, bytes });
      changes.push({ start: box.offset, end: boxEnd(box), delta: bytes.length - box.size });
    } else segments.push({ box });
    if (!absorbsFree(box)) continue;
    while (isPadding(boxes[i + 1])) {
      const free = boxes[++i]!;
      changes.push({ start: free.offset, end: boxEnd(free), delta: -free.size });
    }
  }
  return { segments, map: new OffsetMap(changes) };
}

async function readBox(src: ByteSource, box: Box, limit: number, what: string): Promise<BoxBuffer> {
  if (box.size > limit) throw oversize(what, box.size, limit);
  // A copy (offsets are patched in it), also when the source hands out Buffer views, whose slice() is not one.
  return { bytes: new Uint8Array(await src.read(box.offset, box.size)), base: box.offset };
}

async function writeFree(src: ByteSource, out: ByteSink, free: Box, size: number): Promise<void> {
  if (size === 0) return;
  const h = new Uint8Array(8);
  put32be(h, 0, size);
  h.set(typeBytes(free.type), 4);
  await out.write(h);
  const keep = Math.min(size - 8, free.size - 8);
  if (keep > 0) await out.copyFrom(src, free.offset + 8, keep);
  for (let zeros = size - 8 - keep; zeros > 0; zeros -= 1 << 20)
    await out.write(new Uint8Array(Math.min(zeros, 1 << 20)));
}

/** A compact `free` box of `size` bytes (header included), its content zeros. */
function freeBox(size: number): Uint8Array {
  const b = new Uint8Array(size);
  put32be(b, 0, size);
  b.set(typeBytes('free'), 4);
  return b;
}

/** Refuse layouts whose offsets would silently break when boxes before them move. */
function refuseUnmovableTopLevel(boxes: readonly Box[], map: OffsetMap): void {
  for (const b of boxes) {
    if (b.type === 'sidx' && map.movesAfter(b.offset)) {
      throw new HeguiError(
        'format_unsupported',
        'a segment index (sidx) precedes a box whose size changes; its relative offsets would break',
      );
    }
    if (b.type === 'meta' && map.movesAfter(0)) {
      throw new HeguiError(
        'format_unsupported',
        'a file-level meta box may hold item offsets that would move; this layout is not written',
      );
    }
  }
}

export function writeMp4(src: ByteSource, out: ByteSink, label: AigcRecord, options: WriteOptions = {}): Promise<void> {
  return emitMp4(src, out, label, 'write', options);
}

/** The content-binding form: the placeholder label, without the free room the writer reuses (see above). */
export function canonicalMp4(src: ByteSource, out: ByteSink): Promise<void> {
  return emitMp4(src, out, { ...PLACEHOLDER_LABEL }, 'canonical', {});
}

async function emitMp4(
  src: ByteSource,
  out: ByteSink,
  label: AigcRecord,
  mode: Mode,
  options: WriteOptions,
): Promise<void> {
  const walk = await walkFile(src, true);
  const boxes = walk.boxes;
  const moovs = boxes.filter((b) => b.type === 'moov');
  if (moovs.length === 0) throw malformed('the file has no movie box (moov)');
  if (moovs.length > 1) throw malformed('the file has more than one movie box (moov)');
  const moovBox = moovs[0]!;
  const moovBuf = await readBox(src, moovBox, MAX_MOOV, 'the movie box (moov)');
  const moov = parseBoxTree(moovBuf, moovBox, true);
  checkChunkTables(moovBuf, moov);

  const replaced = new Map<number, Uint8Array>();
  const newMoov = rebuildMoov(moovBuf, moov, serializeBare(label));
  replaced.set(moovBox.offset, newMoov);
  for (const b of boxes) {
    if (!isXmpUuid(b)) continue;
    const stripped = stripXmpUuid(await readBox(src, b, MAX_XMP_BYTES + MAX_HEADER, 'the XMP uuid box'), b);
    if (stripped) replaced.set(b.offset, stripped);
  }

  const { segments, map } = mode === 'write' ? planLayout(boxes, replaced) : planCanonical(boxes, replaced);
  if (!map.identity) {
    // Offsets the writer cannot move make it refuse, so every file it wrote has them as they were: the canonical
    // form keeps them unchanged rather than refusing.
    if (mode === 'write') {
      refuseUnmovable(moov);
      refuseUnmovableTopLevel(boxes, map);
    }
    const header = decodeBoxHeader(newMoov.subarray(0, MAX_HEADER), 0, newMoov.length, true);
    shiftChunkOffsets(newMoov, parseBoxTree({ bytes: newMoov, base: 0 }, header, true), 0, map, mode === 'write');
  }

  for (const seg of segments) {
    const { box } = seg;
    if (seg.bytes) {
      await out.write(seg.bytes);
      if (seg.roomAfter) await out.write(freeBox(seg.roomAfter));
    } else if (seg.freeSize !== undefined) await writeFree(src, out, box, seg.freeSize);
    else if (!map.identity && (box.type === 'moof' || box.type === 'mfra')) {
      const buf = await readBox(src, box, MAX_FRAGMENT_BOX, `a ${box.type} box`);
      const tree = parseBoxTree(buf, box, true);
      if (box.type === 'moof') shiftMoof(buf.bytes, tree, buf.base, map);
      else shiftMfra(buf.bytes, tree, buf.base, map);
      await out.write(buf.bytes);
    } else await out.copyFrom(src, box.offset, box.size);
    options.onProgress?.(Math.min(boxEnd(box), src.size), src.size);
  }
  if (walk.trailing > 0) await out.copyFrom(src, src.size - walk.trailing, walk.trailing);
}
