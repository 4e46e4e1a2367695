import { HeguiError, malformed, oversize } from '../../../errors.ts';
import type { ByteSource } from '../../io/source.ts';
import { type Box, boxEnd, childBoxes, FieldReader, payloadStart } from './boxes.ts';

/**
 * The item structures of a HEIF `meta` box (ISO/IEC 23008-12 §9, ISO/IEC 14496-12 §8.11): handler, primary item,
 * item infos, item locations, item references and item data. The whole `meta` box is read into memory (bounded);
 * item payloads stay in the file.
 */

/** A `meta` box is headers and small properties (ICC, grid descriptors); larger means hostile. */
export const MAX_META_BYTES = 32 * 1024 * 1024;
/** More items than this is not an image file (a 256×256 grid of tiles is 65 536 items). */
export const MAX_ITEMS = 1 << 20;
/** Extents over all items; sizes of 0 make extents free in bytes, so they need their own bound. */
const MAX_EXTENTS = 1 << 20;

export interface ItemInfo {
  id: number;
  version: number;
  protection: number;
  type: string;
  contentType: string;
  contentEncoding: string;
  /** The `infe` box, copied verbatim on write. */
  box: Box;
}

export interface Extent {
  index: number;
  offset: number;
  length: number;
}

export interface ItemLocation {
  id: number;
  /** 0: file offset, 1: offset in `idat`, 2: offset in another item (§8.11.3). */
  method: number;
  dataRef: number;
  base: number;
  extents: Extent[];
}

export interface IlocLayout {
  version: number;
  offsetSize: number;
  lengthSize: number;
  baseOffsetSize: number;
  indexSize: number;
}

export interface ItemReference {
  type: string;
  from: number;
  to: number[];
}

export interface HeifMeta {
  box: Box;
  /** The 24-bit flags of the meta full box. */
  flags: number;
  bytes: Uint8Array;
  children: Box[];
  handler?: string;
  primary?: number;
  iinfVersion: number;
  /** Every child of `iinf`, in order (copied verbatim on write). */
  iinfEntries: Box[];
  infos: ItemInfo[];
  iloc?: IlocLayout;
  locations: ItemLocation[];
  irefVersion: number;
  refs: ItemReference[];
  /** File offset and bytes of the `idat` payload. */
  idat?: { start: number; data: Uint8Array };
  /** Entity group ids (`grpl`) share the item id space (§8.15.3). */
  groupIds: number[];
}

/** How a parse problem is handled: strict callers throw it, lenient ones record it and go on. */
export type Problem = (e: HeguiError) => void;

export async function loadMeta(src: ByteSource, box: Box, problem: Problem): Promise<HeifMeta> {
  if (box.size > MAX_META_BYTES) throw oversize('the meta box', box.size, MAX_META_BYTES);
  const bytes = await src.read(box.start, box.size);
  const r = new FieldReader(bytes, box.headerSize, box.size, 'meta', box.start);
  const version = r.u8();
  const flags = (r.u16() << 8) | r.u8();
  if (version !== 0) throw malformed('the meta box has an unknown version', box.start);
  const children = childBoxes(bytes, r.pos, box.size, box.start, 'meta');
  const meta: HeifMeta = {
    box,
    flags,
    bytes,
    children,
    iinfVersion: 0,
    iinfEntries: [],
    infos: [],
    locations: [],
    irefVersion: 0,
    refs: [],
    groupIds: [],
  };
  const seen = new Set<string>();
  for (const child of children) {
    const once = ['hdlr', 'pitm', 'iinf', 'iloc', 'iref', 'idat', 'grpl'].includes(child.type);
    if (once && seen.has(child.type)) {
      problem(malformed(`the meta box has more than one ${child.type}`, child.start));
      continue;
    }
    seen.add(child.type);
    const rel = child.start - box.start;
    const fr = new FieldReader(bytes, rel + child.headerSize, rel + child.size, child.type, box.start);
    try {
      parseChild(meta, child, fr, problem);
    } catch (e) {
      if (!(e instanceof HeguiError)) throw e;
      problem(e);
    }
  }
  return meta;
}

function parseChild(meta: HeifMeta, child: Box, r: FieldReader, problem: Problem): void {
  switch (child.type) {
    case 'hdlr':
      r.u32(); // version, flags
      r.u32(); // pre_defined
      meta.handler = r.fourcc();
      return;
    case 'pitm': {
      const v = r.u8();
      r.pos += 3;
      meta.primary = v === 0 ? r.u16() : r.u32();
      return;
    }
    case 'iinf':
      parseIinf(meta, child, r, problem);
      return;
    case 'iloc':
      parseIloc(meta, r);
      return;
    case 'iref':
      parseIref(meta, child, r, problem);
      return;
    case 'idat':
      meta.idat = { start: r.at, data: meta.bytes.subarray(r.pos, r.pos + r.remaining) };
      return;
    case 'grpl':
      for (const g of childBoxes(meta.bytes, r.pos, r.pos + r.remaining, meta.box.start, 'grpl')) {
        const gr = new FieldReader(
          meta.bytes,
          g.start - meta.box.start + g.headerSize,
          g.start - meta.box.start + g.size,
          g.type,
          meta.box.start,
        );
        gr.u32();
        meta.groupIds.push(gr.u32());
      }
      return;
  }
}

/** §8.11.6 ItemInfoBox: a count, then one `infe` per item. */
function parseIinf(meta: HeifMeta, box: Box, r: FieldReader, problem: Problem): void {
  const version = r.u8();
  r.pos += 3;
  meta.iinfVersion = version;
  const count = version === 0 ? r.u16() : r.u32();
  if (count > MAX_ITEMS) throw oversize('the iinf entry count', count, MAX_ITEMS);
  const base = meta.box.start;
  const entries = childBoxes(meta.bytes, r.pos, r.pos + r.remaining, base, 'iinf');
  meta.iinfEntries = entries;
  if (entries.length !== count)
    problem(malformed(`iinf declares ${count} entries but holds ${entries.length}`, box.start));
  for (const e of entries) {
    if (e.type !== 'infe') continue;
    try {
      meta.infos.push(parseInfe(meta.bytes, e, base));
    } catch (err) {
      if (!(err instanceof HeguiError)) throw err;
      problem(err);
    }
  }
}

/** §8.11.6.2 ItemInfoEntry: versions 0/1 describe MIME items only; 2/3 carry an item type (16/32-bit ids). */
function parseInfe(bytes: Uint8Array, box: Box, base: number): ItemInfo {
  const rel = box.start - base;
  const r = new FieldReader(bytes, rel + box.headerSize, rel + box.size, 'infe', base);
  const version = r.u8();
  r.pos += 3;
  if (version > 3)
    throw new HeguiError('format_unsupported', `infe version ${version} is not supported`, { offset: box.start });
  const id = version === 3 ? r.u32() : r.u16();
  const protection = r.u16();
  let type = 'mime';
  if (version >= 2) type = r.fourcc();
  r.cstring(); // item_name
  let contentType = '';
  let contentEncoding = '';
  if (type === 'mime') {
    contentType = r.cstring();
    // content_encoding is optional: it may be absent at the end of the box.
    if (r.remaining > 0) contentEncoding = r.cstring();
  } else if (type === 'uri ') {
    r.cstring();
  }
  return { id, version, protection, type, contentType, contentEncoding, box };
}

/** §8.11.3 ItemLocationBox, versions 0–2, field sizes 0/4/8. */
function parseIloc(meta: HeifMeta, r: FieldReader): void {
  const version = r.u8();
  r.pos += 3;
  if (version > 2)
    throw new HeguiError('format_unsupported', `iloc version ${version} is not supported`, { offset: r.at });
  const a = r.u8();
  const b = r.u8();
  const layout: IlocLayout = {
    version,
    offsetSize: a >> 4,
    lengthSize: a & 15,
    baseOffsetSize: b >> 4,
    indexSize: version >= 1 ? b & 15 : 0,
  };
  for (const n of [layout.offsetSize, layout.lengthSize, layout.baseOffsetSize, layout.indexSize]) {
    if (n !== 0 && n !== 4 && n !== 8) throw malformed('iloc uses a field size other than 0, 4 or 8', r.at);
  }
  const idSize = version < 2 ? 2 : 4;
  const count = version < 2 ? r.u16() : r.u32();
  if (count > MAX_ITEMS) throw oversize('the iloc item count', count, MAX_ITEMS);
  const minItem = idSize + (version >= 1 ? 2 : 0) + 2 + layout.baseOffsetSize + 2;
  if (count * minItem > r.remaining) throw malformed(`iloc declares ${count} items but is too short for them`, r.at);
  const extentSize = layout.indexSize + layout.offsetSize + layout.lengthSize;
  const locations: ItemLocation[] = [];
  let totalExtents = 0;
  for (let i = 0; i < count; i++) {
    const id = r.uint(idSize);
    const method = version >= 1 ? r.u16() & 15 : 0;
    const dataRef = r.u16();
    const base = r.uint(layout.baseOffsetSize);
    const n = r.u16();
    totalExtents += n;
    if (totalExtents > MAX_EXTENTS) throw oversize('the iloc extent count', totalExtents, MAX_EXTENTS);
    if (n * extentSize > r.remaining)
      throw malformed(`iloc item declares ${n} extents but is too short for them`, r.at);
    const extents: Extent[] = [];
    for (let k = 0; k < n; k++) {
      const index = version >= 1 ? r.uint(layout.indexSize) : 0;
      const offset = r.uint(layout.offsetSize);
      extents.push({ index, offset, length: r.uint(layout.lengthSize) });
    }
    locations.push({ id, method, dataRef, base, extents });
  }
  if (new Set(locations.map((l) => l.id)).size !== locations.length) throw malformed('iloc lists an item twice', r.at);
  meta.iloc = layout;
  meta.locations = locations;
}

/** §8.11.12 ItemReferenceBox: version 0 has 16-bit item ids, version 1 32-bit. */
function parseIref(meta: HeifMeta, box: Box, r: FieldReader, problem: Problem): void {
  const version = r.u8();
  r.pos += 3;
  if (version > 1)
    throw new HeguiError('format_unsupported', `iref version ${version} is not supported`, { offset: box.start });
  meta.irefVersion = version;
  const idSize = version === 0 ? 2 : 4;
  const base = meta.box.start;
  for (const c of childBoxes(meta.bytes, r.pos, r.pos + r.remaining, base, 'iref')) {
    const cr = new FieldReader(
      meta.bytes,
      c.start - base + c.headerSize,
      c.start - base + c.size,
      `iref ${c.type}`,
      base,
    );
    const from = cr.uint(idSize);
    const n = cr.u16();
    if (n * idSize > cr.remaining) throw malformed(`iref ${c.type} declares more references than it holds`, c.start);
    const to: number[] = [];
    for (let k = 0; k < n; k++) to.push(cr.uint(idSize));
    // An item that references itself makes a cycle readers may follow for ever (ISO/IEC 23008-12 §6.4).
    if (to.includes(from)) problem(malformed(`iref ${c.type} makes an item reference itself`, c.start));
    else meta.refs.push({ type: c.type, from, to });
  }
}

/** An item is the XMP packet when its MIME type says so (ISO/IEC 23008-12 Annex A.2.2, TC260-PG-20259A). */
export const isXmpItem = (info: ItemInfo): boolean =>
  info.type === 'mime' && info.contentType.trim().toLowerCase() === 'application/rdf+xml';

/** The `cdsc` ("content describes") references of an item. */
export const describes = (meta: HeifMeta, id: number): number[] =>
  meta.refs.filter((r) => r.type === 'cdsc' && r.from === id).flatMap((r) => r.to);

export const childOf = (meta: HeifMeta, type: string): Box | undefined => meta.children.find((c) => c.type === type);

/** True when `[start, end)` lies inside the box payload. */
export const withinPayload = (box: Box, start: number, end: number): boolean =>
  start >= payloadStart(box) && end <= boxEnd(box);
