/**
 * Absolute file offsets inside an ISO base media file, and how they move when boxes before them change size:
 * `stco`/`co64` chunk offsets (ISO/IEC 14496-12 §8.7.5), `tfhd` base-data-offset (§8.8.7) and `tfra` moof offsets
 * (§8.8.10). Offsets that cannot be moved safely are refused rather than guessed.
 */
import { HeguiError, malformed } from '../../../errors.ts';
import { put32be, put64be, u32be } from '../../io/bytes.ts';
import { type BoxBuffer, type BoxNode, childrenOf, descendants, payloadOffset, printable } from './box.ts';
import { sampleTables } from './moov.ts';

/** An old byte range [start, end) that the output replaces with `delta` more (or fewer) bytes. */
export interface Change {
  start: number;
  end: number;
  delta: number;
}

/** Maps an offset in the input to the same byte in the output. */
export class OffsetMap {
  readonly identity: boolean;
  constructor(private readonly changes: readonly Change[]) {
    this.identity = changes.every((c) => c.delta === 0);
  }

  map(x: number, what: string): number {
    let d = 0;
    for (const c of this.changes) {
      if (x >= c.end) d += c.delta;
      else if (x > c.start) throw malformed(`${what} points inside a box that is rewritten`);
    }
    return x + d;
  }

  /** True when some change that moves bytes starts at or after `offset` (so bytes after `offset` move relative to it). */
  movesAfter(offset: number): boolean {
    return this.changes.some((c) => c.delta !== 0 && c.start >= offset);
  }
}

const u64 = (b: Uint8Array, o: number, what: string): number => {
  const hi = u32be(b, o);
  if (hi >= 0x200000) throw malformed(`${what} is beyond 2^53`);
  return hi * 0x100000000 + u32be(b, o + 4);
};

/** Entry count and entry size of a chunk offset box, checked against the box (ISO/IEC 14496-12 §8.7.5). */
function chunkTable(bytes: Uint8Array, box: BoxNode, base: number): { at: number; count: number; width: number } {
  const at = payloadOffset(box) - base;
  const width = box.type === 'co64' ? 8 : 4;
  const room = box.size - box.headerSize - 8;
  if (room < 0) throw malformed(`${box.type} box too small for its entry count`, box.offset);
  const count = u32be(bytes, at + 4);
  if (count > room / width)
    throw malformed(`${box.type} box declares ${count} entries that cannot fit in it`, box.offset);
  return { at: at + 8, count, width };
}

function chunkOffsetBoxes(moov: BoxNode): BoxNode[] {
  return sampleTables(moov).flatMap((stbl) =>
    (stbl.children ?? []).filter((c) => c.type === 'stco' || c.type === 'co64'),
  );
}

/** Check every chunk offset table's entry count against its box (writers refuse an inconsistent table). */
export function checkChunkTables(buf: BoxBuffer, moov: BoxNode): void {
  for (const box of chunkOffsetBoxes(moov)) chunkTable(buf.bytes, box, buf.base);
}

/**
 * Move every chunk offset of the new moov (`bytes`, whose tree is `moov` with offsets relative to `base`) by `map`.
 * A 32-bit `stco` that would overflow is refused: converting it to `co64` would change the moov size again.
 * `refuseSaio` false: sample auxiliary information offsets are left as they are (the canonical form, see write.ts).
 */
export function shiftChunkOffsets(
  bytes: Uint8Array,
  moov: BoxNode,
  base: number,
  map: OffsetMap,
  refuseSaio = true,
): void {
  // Sample auxiliary information offsets in a sample table are absolute too (CENC); they are not moved here.
  for (const stbl of refuseSaio ? sampleTables(moov) : []) {
    if (childrenOf(stbl, 'saio').length > 0) {
      throw new HeguiError(
        'format_unsupported',
        'the file has sample auxiliary information offsets (saio, used by encryption) that would move; put the moov box at the end first',
      );
    }
  }
  for (const box of chunkOffsetBoxes(moov)) {
    const { at, count, width } = chunkTable(bytes, box, base);
    for (let i = 0, p = at; i < count; i++, p += width) {
      if (width === 4) {
        const moved = map.map(u32be(bytes, p), 'a chunk offset');
        if (moved > 0xffffffff) {
          throw new HeguiError(
            'format_unsupported',
            'a 32-bit chunk offset (stco) would pass 4 GiB after the label is added; remux the file with 64-bit offsets (co64) or with the moov box at the end',
          );
        }
        put32be(bytes, p, moved);
      } else put64be(bytes, p, map.map(u64(bytes, p, 'a co64 chunk offset'), 'a chunk offset'));
    }
  }
}

/** Boxes inside the moov that hold absolute offsets this writer does not move (an item location box). */
export function refuseUnmovable(moov: BoxNode): void {
  for (const n of descendants(moov)) {
    if (n.type === 'iloc') {
      throw new HeguiError(
        'format_unsupported',
        'the movie box holds an item location box (iloc) whose offsets would move; put the moov box at the end first',
      );
    }
  }
}

/** `moof/traf/tfhd` base-data-offset (flag 0x000001) is absolute: move it with the moof. Patches `bytes` in place. */
export function shiftMoof(bytes: Uint8Array, moof: BoxNode, base: number, map: OffsetMap): void {
  for (const traf of childrenOf(moof, 'traf')) {
    for (const tfhd of childrenOf(traf, 'tfhd')) {
      const at = payloadOffset(tfhd) - base;
      const len = tfhd.size - tfhd.headerSize;
      if (len < 8) throw malformed('tfhd box too small', tfhd.offset);
      const flags = u32be(bytes, at) & 0xffffff;
      if ((flags & 1) === 0) continue;
      if (len < 16) throw malformed('tfhd box too small for its base data offset', tfhd.offset);
      put64be(
        bytes,
        at + 8,
        map.map(u64(bytes, at + 8, 'a tfhd base data offset'), 'a track fragment base data offset'),
      );
    }
  }
}

/** `mfra/tfra` entries name absolute moof offsets (ISO/IEC 14496-12 §8.8.10). Patches `bytes` in place. */
export function shiftMfra(bytes: Uint8Array, mfra: BoxNode, base: number, map: OffsetMap): void {
  for (const tfra of childrenOf(mfra, 'tfra')) {
    const at = payloadOffset(tfra) - base;
    const len = tfra.size - tfra.headerSize;
    if (len < 16) throw malformed('tfra box too small', tfra.offset);
    const version = bytes[at]!;
    const sizes = u32be(bytes, at + 8);
    const count = u32be(bytes, at + 12);
    const wide = version === 1 ? 8 : 4;
    const entry = 2 * wide + ((sizes >> 4) & 3) + 1 + ((sizes >> 2) & 3) + 1 + (sizes & 3) + 1;
    if (count > (len - 16) / entry)
      throw malformed(`tfra box declares ${count} entries that cannot fit in it`, tfra.offset);
    for (let i = 0, p = at + 16; i < count; i++, p += entry) {
      const o = p + wide;
      if (wide === 8) put64be(bytes, o, map.map(u64(bytes, o, 'a tfra moof offset'), 'a tfra moof offset'));
      else {
        const moved = map.map(u32be(bytes, o), 'a tfra moof offset');
        if (moved > 0xffffffff)
          throw new HeguiError('format_unsupported', 'a 32-bit tfra moof offset would pass 4 GiB');
        put32be(bytes, o, moved);
      }
    }
  }
}

/** Name of a top-level box for a refusal message. */
export const boxName = (n: BoxNode): string => printable(n.type);
