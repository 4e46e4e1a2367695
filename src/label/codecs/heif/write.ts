import { deflateSync } from 'node:zlib';
import { HeguiError, malformed, truncated } from '../../../errors.ts';
import type { AigcRecord } from '../../aigc/record.ts';
import { utf8 } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import { buildXmpPacket, mergeXmpAigc, readXmpAigc, removeXmpAigc } from '../../xmp/xmp.ts';
import { type Box, boxEnd, buildFullBox, walkTopLevel } from './boxes.ts';
import { buildIdat, buildIinf, buildIloc, buildIref, buildXmpInfe } from './build.ts';
import { itemSpans, readXmpItem, type Span } from './data.ts';
import {
  childOf,
  describes,
  type HeifMeta,
  type IlocLayout,
  type ItemInfo,
  type ItemLocation,
  isXmpItem,
  loadMeta,
  withinPayload,
} from './items.ts';
import { scanMoov, shiftMoov } from './sequence.ts';

/**
 * Writing the label (TC260-PG-20259A): one XMP item (`mime`, `application/rdf+xml`) described by a `cdsc` reference
 * to the primary item, holding the TC260:AIGC property.
 *
 * Design. Every XMP item whose packet changes (the one carrying the label, and any other that held a label) gets
 * its new bytes in the `meta` box's `idat` (construction method 1, so iloc is written as version 1 or 2). Nothing
 * is appended to the end of the file and no media byte moves inside `mdat`:
 * - the old bytes of a rewritten XMP item are zeroed where they were in the file (so no stale label survives,
 *   and no offset changes), or dropped from `idat` (whose other items are re-pointed);
 * - the `meta` box changes size by Δ, which moves every byte behind it: each file-offset (method 0) extent and
 *   each `stco`/`co64` chunk offset past the `meta` box is shifted by Δ, through `base_offset` when all extents of
 *   an item move together and through `extent_offset` otherwise. A value that no longer fits its field is refused.
 * - iloc offset and length fields narrower than 4 bytes are widened to 4 (an absent field reads as 0, so the
 *   existing entries keep their meaning); this keeps the size of `meta` independent of Δ.
 * Everything outside `meta` (and `moov` offsets) is streamed with `copyFrom`.
 */

/** Fragmented files and extra metadata containers carry offsets or items this writer does not rewrite. */
const REFUSED_TOP = new Set(['moof', 'mfra', 'sidx', 'ssix', 'meco']);

const unsupported = (message: string): HeguiError => new HeguiError('format_unsupported', message);
const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

export async function writeHeif(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
  const { boxes } = await walkTopLevel(src, true);
  if (boxes[0]?.type !== 'ftyp') throw malformed('the file does not start with an ftyp box', 0);
  for (const b of boxes) {
    if (REFUSED_TOP.has(b.type))
      throw unsupported(`HEIF files with a top-level ${b.type} box are not supported for writing`);
  }
  const metas = boxes.filter((b) => b.type === 'meta');
  if (metas.length === 0)
    throw unsupported('the file has no meta box, so there is no item list to add the XMP item to');
  if (metas.length > 1) throw malformed('the file has more than one top-level meta box');
  const moovs = boxes.filter((b) => b.type === 'moov');
  if (moovs.length > 1) throw malformed('the file has more than one moov box');
  const meta = await loadMeta(src, metas[0]!, (e) => {
    throw e;
  });
  const moov = moovs[0] ? { box: moovs[0], bytes: await src.read(moovs[0].start, moovs[0].size) } : undefined;
  const scan = moov ? scanMoov(moov.bytes, moov.box) : undefined;

  const plan = await planItems(src, meta, boxes, label, scan?.trackIds ?? []);
  const before = buildMeta(plan, 0);
  const delta = before.length - meta.box.size;
  const metaBytes = buildMeta(plan, delta);
  if (metaBytes.length !== before.length)
    throw new HeguiError('usage', 'the rebuilt meta box changed size with its offsets');
  const moovBytes =
    moov && scan && delta !== 0 ? shiftMoov(moov.bytes, scan, chunkShift(meta.box, delta, src.size)) : undefined;

  for (const b of boxes) {
    if (b === meta.box) await out.write(metaBytes);
    else if (b === moov?.box && moovBytes) await out.write(moovBytes);
    else await copyBlanked(src, out, b, plan.deadFile);
  }
}

interface Plan {
  meta: HeifMeta;
  layout: IlocLayout;
  spans: Map<number, Span[]>;
  /** New locations (in idat) of the XMP items whose bytes change. */
  moved: Map<number, ItemLocation>;
  idatParts: Uint8Array[];
  /** Maps an old idat offset to its offset once the dropped ranges are gone. */
  mapIdat: (offset: number) => number;
  deadFile: Span[];
  newInfe?: Uint8Array;
  refs: HeifMeta['refs'];
  irefVersion: number;
  irefChanged: boolean;
}

async function planItems(
  src: ByteSource,
  meta: HeifMeta,
  top: Box[],
  label: AigcRecord,
  trackIds: number[],
): Promise<Plan> {
  if (meta.handler !== 'pict')
    throw unsupported('the meta box is not a picture (pict) handler; this is not a HEIF image');
  if (!childOf(meta, 'iinf') || !meta.iloc) throw malformed('the meta box has no iinf or no iloc box', meta.box.start);
  const primary = meta.primary;
  const primaryInfo = meta.infos.find((i) => i.id === primary);
  if (primary === undefined || !primaryInfo) throw malformed('the file has no primary item', meta.box.start);
  if (isXmpItem(primaryInfo)) throw malformed('the primary item is an XMP packet, not an image', meta.box.start);
  if (new Set(meta.infos.map((i) => i.id)).size !== meta.infos.length)
    throw malformed('iinf lists an item twice', meta.box.start);

  // Every location is checked before anything is planned: in range, in this file, and not inside meta by offset.
  const spans = new Map<number, Span[]>();
  for (const loc of meta.locations) {
    const s = itemSpans(meta, loc, src.size);
    if (
      loc.method === 0 &&
      s.some((x) => x.end > x.start && overlaps(x, { start: meta.box.start, end: boxEnd(meta.box) }))
    ) {
      throw unsupported('an item stored inside the meta box by file offset is not supported for writing');
    }
    spans.set(loc.id, s);
  }

  // The carrier: the XMP item that describes the primary item, else the first XMP item, else a new one.
  const xmpInfos = meta.infos.filter(isXmpItem);
  const texts = new Map<number, string>();
  for (const info of xmpInfos) texts.set(info.id, await readXmpItem(src, meta, info));
  const carrier = xmpInfos.find((i) => describes(meta, i.id).includes(primary)) ?? xmpInfos[0];
  const payloads = new Map<number, Uint8Array>();
  if (carrier) payloads.set(carrier.id, encode(carrier, mergeXmpAigc(texts.get(carrier.id) || null, label)));
  for (const info of xmpInfos) {
    const text = texts.get(info.id)!;
    if (info !== carrier && readXmpAigc(text).length > 0) payloads.set(info.id, encode(info, removeXmpAigc(text)));
  }
  let newId: number | undefined;
  if (!carrier) {
    newId = nextItemId(meta, trackIds);
    payloads.set(newId, utf8.encode(buildXmpPacket(label)));
  }
  const carrierId = carrier?.id ?? newId!;

  // Old bytes of rewritten items: zeroed in the file, dropped from idat. They must not be shared with other items.
  const deadFile: Span[] = [];
  const deadIdat: Span[] = [];
  for (const loc of meta.locations) {
    if (!payloads.has(loc.id)) continue;
    for (const s of spans.get(loc.id)!) (loc.method === 0 ? deadFile : deadIdat).push(s);
  }
  for (const d of deadFile) {
    if (d.end === d.start) continue;
    const home = top.find((b) => withinPayload(b, d.start, d.end));
    if (!home || home.type === 'meta' || home.type === 'moov' || home.type === 'ftyp') {
      throw malformed('an XMP item is not stored inside a media data box', d.start);
    }
  }
  for (const loc of meta.locations) {
    if (payloads.has(loc.id)) continue;
    const dead = loc.method === 0 ? deadFile : deadIdat;
    for (const s of spans.get(loc.id)!) {
      if (dead.some((d) => overlaps(d, s)))
        throw malformed('an XMP item shares its bytes with another item', meta.box.start);
      if (loc.method === 1 && loc.extents.some((e) => e.length === 0)) {
        throw unsupported('an item that extends to the end of idat is not supported for writing');
      }
    }
  }

  const { parts, mapIdat, keptLength } = compactIdat(meta.idat?.data ?? new Uint8Array(0), deadIdat);
  const moved = new Map<number, ItemLocation>();
  let pos = keptLength;
  for (const [id, bytes] of payloads) {
    parts.push(bytes);
    const extents = bytes.length > 0 ? [{ index: 0, offset: pos, length: bytes.length }] : [];
    moved.set(id, { id, method: 1, dataRef: 0, base: 0, extents });
    pos += bytes.length;
  }

  const allIds = [...meta.infos.map((i) => i.id), ...meta.locations.map((l) => l.id), newId ?? 0];
  const itemCount = meta.locations.length + [...moved.keys()].filter((id) => !spans.has(id)).length;
  const wide = allIds.some((id) => id > 0xffff) || itemCount > 0xffff;
  const orig = meta.iloc;
  const layout: IlocLayout = {
    version: wide ? 2 : Math.max(orig.version, 1),
    offsetSize: Math.max(orig.offsetSize, 4),
    lengthSize: Math.max(orig.lengthSize, 4),
    baseOffsetSize: orig.baseOffsetSize,
    indexSize: orig.version >= 1 ? orig.indexSize : 0,
  };

  const refs = meta.refs.map((r) => ({ ...r, to: [...r.to] }));
  let irefChanged = false;
  if (!describes(meta, carrierId).includes(primary)) {
    const own = refs.find((r) => r.type === 'cdsc' && r.from === carrierId);
    if (own) own.to.push(primary);
    else refs.push({ type: 'cdsc', from: carrierId, to: [primary] });
    irefChanged = true;
  }
  const refIds = refs.flatMap((r) => [r.from, ...r.to]);
  const irefVersion = refIds.some((id) => id > 0xffff) ? 1 : meta.irefVersion;
  if (irefVersion !== meta.irefVersion) irefChanged = true;

  return {
    meta,
    layout,
    spans,
    moved,
    idatParts: parts,
    mapIdat,
    deadFile,
    newInfe: newId === undefined ? undefined : buildXmpInfe(newId),
    refs,
    irefVersion,
    irefChanged,
  };
}

/** UTF-8, deflated again when the item declares `deflate` (so its `infe` stays as it was). */
function encode(info: ItemInfo, text: string): Uint8Array {
  const bytes = utf8.encode(text);
  return info.contentEncoding.trim().toLowerCase() === 'deflate' ? new Uint8Array(deflateSync(bytes)) : bytes;
}

/** Item ids share one space with entity groups and tracks (ISO/IEC 23008-12 §9.2, ISO/IEC 14496-12 §8.15.3). */
function nextItemId(meta: HeifMeta, trackIds: number[]): number {
  let max = meta.primary ?? 0;
  const consider = (v: number): void => {
    if (v > max) max = v;
  };
  for (const i of meta.infos) consider(i.id);
  for (const l of meta.locations) consider(l.id);
  for (const r of meta.refs) for (const id of [r.from, ...r.to]) consider(id);
  for (const id of [...meta.groupIds, ...trackIds]) consider(id);
  if (max >= 0xffffffff) throw unsupported('the file has no free item id left for the XMP item');
  return max + 1;
}

function compactIdat(
  data: Uint8Array,
  dead: Span[],
): { parts: Uint8Array[]; mapIdat: (o: number) => number; keptLength: number } {
  const merged: Span[] = [];
  for (const d of [...dead].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last && d.start <= last.end) last.end = Math.max(last.end, d.end);
    else merged.push({ ...d });
  }
  const parts: Uint8Array[] = [];
  let p = 0;
  for (const d of merged) {
    parts.push(data.subarray(p, d.start));
    p = d.end;
  }
  parts.push(data.subarray(p));
  const keptLength = parts.reduce((n, x) => n + x.length, 0);
  const mapIdat = (o: number): number => o - merged.filter((d) => d.end <= o).reduce((n, d) => n + d.end - d.start, 0);
  return { parts, mapIdat, keptLength };
}

/** An unchanged item, re-pointed after its data moved (through base_offset when every extent moves alike). */
function remap(loc: ItemLocation, spans: Span[], deltaOf: (s: Span) => number, layout: IlocLayout): ItemLocation {
  const ds = spans.map(deltaOf);
  if (ds.every((d) => d === 0)) return loc;
  const d0 = ds[0]!;
  if (layout.baseOffsetSize > 0 && ds.every((d) => d === d0) && loc.base + d0 >= 0)
    return { ...loc, base: loc.base + d0 };
  const extents = loc.extents.map((e, i) => ({ ...e, offset: e.offset + ds[i]! }));
  if (extents.some((e) => e.offset < 0)) throw malformed('an item location cannot be re-pointed after its data moved');
  return { ...loc, extents };
}

function buildMeta(plan: Plan, delta: number): Uint8Array {
  const { meta, layout, spans, moved } = plan;
  const metaEnd = boxEnd(meta.box);
  const locations = meta.locations.map(
    (loc) =>
      moved.get(loc.id) ??
      remap(
        loc,
        spans.get(loc.id)!,
        (s) => (loc.method === 0 ? (s.start >= metaEnd ? delta : 0) : plan.mapIdat(s.start) - s.start),
        layout,
      ),
  );
  for (const [id, loc] of moved) if (!spans.has(id)) locations.push(loc);
  const raw = (b: Box): Uint8Array => meta.bytes.subarray(b.start - meta.box.start, boxEnd(b) - meta.box.start);
  const iinfEntries = meta.iinfEntries.map(raw);
  if (plan.newInfe) iinfEntries.push(plan.newInfe);
  const iinfVersion = iinfEntries.length > 0xffff ? Math.max(meta.iinfVersion, 1) : meta.iinfVersion;
  const iref = buildIref(plan.irefVersion, plan.refs);
  const idat = buildIdat(plan.idatParts);
  const children: Uint8Array[] = [];
  for (const c of meta.children) {
    if (c.type === 'iloc') children.push(buildIloc(layout, locations));
    else if (c.type === 'iinf') children.push(buildIinf(iinfVersion, iinfEntries));
    else if (c.type === 'iref') children.push(plan.irefChanged ? iref : raw(c));
    else if (c.type === 'idat') children.push(idat);
    else children.push(raw(c));
  }
  if (!childOf(meta, 'iref')) children.push(iref);
  if (!meta.idat) children.push(idat);
  return buildFullBox('meta', 0, meta.flags, ...children);
}

/** Chunk offsets of an image sequence move with the bytes behind the meta box. */
function chunkShift(metaBox: Box, delta: number, fileSize: number): (o: number) => number {
  return (o) => {
    if (o > fileSize) throw truncated('a chunk offset (stco/co64)', metaBox.start);
    if (o >= boxEnd(metaBox)) return o + delta;
    if (o < metaBox.start) return o;
    throw unsupported('a chunk offset points into the meta box; this is not supported for writing');
  };
}

/** Copy a top-level box, writing zeros over the old bytes of rewritten XMP items. */
async function copyBlanked(src: ByteSource, out: ByteSink, box: Box, dead: Span[]): Promise<void> {
  const end = boxEnd(box);
  const inside = dead
    .filter((d) => d.end > d.start && d.start >= box.start && d.end <= end)
    .sort((a, b) => a.start - b.start);
  let p = box.start;
  for (const d of inside) {
    if (d.end <= p) continue;
    const from = Math.max(p, d.start);
    if (from > p) await out.copyFrom(src, p, from - p);
    await out.write(new Uint8Array(d.end - from));
    p = d.end;
  }
  if (end > p) await out.copyFrom(src, p, end - p);
}
