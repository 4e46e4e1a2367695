import { malformed } from '../../../errors.ts';
import { concat } from '../../io/bytes.ts';
import { ID, idName } from './ids.ts';
import { type Child, childrenOf, dataOf, type Loaded, rawOf } from './master.ts';
import { crcElement, element, encodeId, readUint, uintElement, voidElement } from './vint.ts';
import type { SegmentWalk } from './walk.ts';

/** One SeekHead entry (RFC 9559 §5.1.1): an element ID and its position relative to the Segment's data start. */
export interface SeekEntry {
  seekId: number;
  position: number;
  seek: Child;
}

export interface SeekHeadInfo {
  m: Loaded;
  kids: Child[];
  entries: SeekEntry[];
  crc: boolean;
}

export function parseSeekHead(m: Loaded): SeekHeadInfo {
  const kids = childrenOf(m, m.el);
  const entries: SeekEntry[] = [];
  for (const seek of kids) {
    if (seek.id !== ID.Seek) continue;
    let seekId: number | undefined;
    let position: number | undefined;
    for (const k of childrenOf(m, seek)) {
      const data = dataOf(m, k);
      if (k.id === ID.SeekID) {
        if (data.length < 1 || data.length > 4) throw malformed('a SeekID is not a 1 to 4 byte element ID', k.offset);
        seekId = readUint(data, k.offset);
      } else if (k.id === ID.SeekPosition) position = readUint(data, k.offset);
    }
    if (seekId === undefined || position === undefined)
      throw malformed('a Seek entry lacks its SeekID or SeekPosition', seek.offset);
    entries.push({ seekId, position, seek });
  }
  return { m, kids, entries, crc: kids[0]?.id === ID.CRC32 };
}

export function seekElement(seekId: number, position: number): Uint8Array {
  return element(ID.Seek, concat([element(ID.SeekID, encodeId(seekId)), uintElement(ID.SeekPosition, position)]));
}

/**
 * SeekHead data rebuilt with some Seek entries replaced (a new element) or dropped (null) and entries added; the
 * SeekHead's own Void padding is dropped (the caller pads the whole region) and its CRC-32 recomputed.
 */
export function rebuildSeekHead(
  info: SeekHeadInfo,
  replace: Map<Child, Uint8Array | null>,
  add: Uint8Array[],
): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const k of info.kids) {
    if (k.id === ID.Void || k.id === ID.CRC32) continue;
    const r = replace.get(k);
    if (r === null) continue;
    parts.push(r ?? rawOf(info.m, k));
  }
  parts.push(...add);
  const data = concat(parts);
  return info.crc ? concat([crcElement(data), data]) : data;
}

/** The SeekHead element with the given Seek entries turned into EBMLVoids of their own size: nothing moves. */
export function voidSeekEntries(info: SeekHeadInfo, seeks: Child[]): Uint8Array {
  const bytes = info.m.bytes.slice();
  const base = info.m.el.offset;
  for (const s of seeks) bytes.set(voidElement(s.end - s.offset), s.offset - base);
  if (info.crc) {
    const crcEl = info.kids[0]!;
    const rest = bytes.subarray(crcEl.end - base);
    bytes.set(crcElement(rest), crcEl.offset - base);
  }
  return bytes;
}

/**
 * A writer relies on the SeekHead to describe the file: every entry must point inside the Segment, and every entry
 * other than Tags (which the writer rewrites) at the start of an element with the ID it names.
 */
export function checkSeekEntries(seg: SegmentWalk, heads: SeekHeadInfo[]): void {
  const starts = new Map(seg.children.map((c) => [c.offset, c.id]));
  for (const h of heads) {
    for (const e of h.entries) {
      const at = seg.header.dataOffset + e.position;
      if (at >= seg.end)
        throw malformed(`a SeekHead entry for ${idName(e.seekId)} points past the end of the Segment`, e.seek.offset);
      if (e.seekId !== ID.Tags && starts.get(at) !== e.seekId) {
        throw malformed(`a SeekHead entry for ${idName(e.seekId)} does not point at that element`, e.seek.offset);
      }
    }
  }
}
