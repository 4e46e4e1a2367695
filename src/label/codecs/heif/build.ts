import { HeguiError } from '../../../errors.ts';
import { concat, put16be, put32be, utf8 } from '../../io/bytes.ts';
import { buildBox, buildFullBox, uintBytes } from './boxes.ts';
import type { IlocLayout, ItemLocation, ItemReference } from './items.ts';

/** Serialisers for the item boxes the writer rebuilds (ISO/IEC 14496-12 §8.11). */

const u16 = (v: number): Uint8Array => uintBytes(v, 2);
const u32 = (v: number): Uint8Array => uintBytes(v, 4);

/** A value into an iloc field of `n` bytes; a value that does not fit is refused, never truncated. */
function field(v: number, n: number, what: string): Uint8Array {
  if (n === 0) {
    if (v !== 0) throw new HeguiError('format_unsupported', `an iloc ${what} cannot be stored: the field is absent`);
    return new Uint8Array(0);
  }
  if (!Number.isSafeInteger(v) || v < 0) throw new HeguiError('malformed', `an iloc ${what} is out of range`);
  if (n === 4 && v > 0xffffffff) {
    throw new HeguiError(
      'format_unsupported',
      `moving the item data would overflow a 32-bit iloc ${what}; the file is too large for its iloc layout`,
    );
  }
  return uintBytes(v, n);
}

export function buildIloc(layout: IlocLayout, locations: readonly ItemLocation[]): Uint8Array {
  const { version } = layout;
  const idSize = version < 2 ? 2 : 4;
  const head = new Uint8Array(2);
  head[0] = (layout.offsetSize << 4) | layout.lengthSize;
  head[1] = (layout.baseOffsetSize << 4) | (version >= 1 ? layout.indexSize : 0);
  const parts: Uint8Array[] = [head, uintBytes(locations.length, idSize)];
  for (const loc of locations) {
    parts.push(uintBytes(loc.id, idSize));
    if (version >= 1) parts.push(u16(loc.method & 15));
    else if (loc.method !== 0) throw new HeguiError('usage', 'iloc version 0 cannot store a construction method');
    parts.push(u16(loc.dataRef), field(loc.base, layout.baseOffsetSize, 'base offset'));
    if (loc.extents.length > 0xffff) throw new HeguiError('format_unsupported', 'an item has more than 65535 extents');
    parts.push(u16(loc.extents.length));
    for (const e of loc.extents) {
      if (version >= 1) parts.push(field(e.index, layout.indexSize, 'extent index'));
      parts.push(
        field(e.offset, layout.offsetSize, 'extent offset'),
        field(e.length, layout.lengthSize, 'extent length'),
      );
    }
  }
  return buildFullBox('iloc', version, 0, ...parts);
}

/** §8.11.6: the count, the entries as they were, and any new ones. */
export function buildIinf(version: number, entries: readonly Uint8Array[]): Uint8Array {
  const count = version === 0 ? u16(entries.length) : u32(entries.length);
  return buildFullBox('iinf', version, 0, count, ...entries);
}

/**
 * A version 2 (16-bit id) or 3 (32-bit id) `infe` for the XMP item: item type `mime`, content type
 * `application/rdf+xml` (ISO/IEC 23008-12 Annex A, TC260-PG-20259A), empty name and content encoding. Flag 1 marks
 * it hidden: metadata, not an image to present (as libheif writes its metadata items).
 */
export function buildXmpInfe(id: number): Uint8Array {
  const wide = id > 0xffff;
  const idBytes = wide ? u32(id) : u16(id);
  const strings = utf8.encode('\0application/rdf+xml\0\0');
  return buildFullBox('infe', wide ? 3 : 2, 1, idBytes, u16(0), utf8.encode('mime'), strings);
}

/** §8.11.12: one SingleItemTypeReferenceBox per (type, from) in the order given. */
export function buildIref(version: number, refs: readonly ItemReference[]): Uint8Array {
  const idSize = version === 0 ? 2 : 4;
  const boxes = refs.map((r) => {
    if (r.to.length > 0xffff)
      throw new HeguiError('format_unsupported', 'an item reference lists more than 65535 items');
    const body = new Uint8Array(idSize + 2 + idSize * r.to.length);
    const put = idSize === 2 ? put16be : put32be;
    put(body, 0, r.from);
    put16be(body, idSize, r.to.length);
    r.to.forEach((t, i) => {
      put(body, idSize + 2 + i * idSize, t);
    });
    return buildBox(r.type, body);
  });
  return buildFullBox('iref', version, 0, ...boxes);
}

export const buildIdat = (parts: readonly Uint8Array[]): Uint8Array => buildBox('idat', concat(parts));
