import { inflateSync } from 'node:zlib';
import { HeguiError, malformed, oversize, truncated } from '../../../errors.ts';
import { concat } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import { decodeXmpBytes, MAX_XMP_BYTES } from '../../xmp/xmp.ts';
import type { HeifMeta, ItemInfo, ItemLocation } from './items.ts';

/** An extent resolved to absolute coordinates: a file offset (method 0) or an `idat` offset (method 1). */
export interface Span {
  start: number;
  end: number;
}

/**
 * The spans of an item in its resource (§8.11.3): base_offset + extent_offset, extent_length 0 meaning "to the end
 * of the resource". Only data in this file (data_reference_index 0) by file offset or in `idat` is understood.
 */
export function itemSpans(meta: HeifMeta, loc: ItemLocation, fileSize: number): Span[] {
  if (loc.dataRef !== 0) {
    throw new HeguiError('format_unsupported', 'an item stored in another file (data reference) is not supported', {
      item: loc.id,
    });
  }
  if (loc.method > 1) {
    throw new HeguiError('format_unsupported', `item construction method ${loc.method} is not supported`, {
      item: loc.id,
    });
  }
  if (loc.method === 1 && !meta.idat)
    throw malformed('an item is located in idat but the meta box has no idat', meta.box.start);
  const size = loc.method === 1 ? meta.idat!.data.length : fileSize;
  return loc.extents.map((e) => {
    const start = loc.base + e.offset;
    const end = e.length === 0 ? size : start + e.length;
    if (!(start <= size && end <= size && start <= end)) {
      if (loc.method === 0) throw truncated('an item extent', Number.isFinite(start) ? start : fileSize);
      throw malformed('an item extent runs past the end of idat', meta.idat!.start);
    }
    return { start, end };
  });
}

/** File offset of a span, for evidence. */
export const fileOffset = (meta: HeifMeta, loc: ItemLocation, s: Span): number =>
  loc.method === 1 ? meta.idat!.start + s.start : s.start;

/** Read an item's bytes (bounded by MAX_XMP_BYTES: only metadata items are read this way). */
export async function readItemBytes(src: ByteSource, meta: HeifMeta, loc: ItemLocation): Promise<Uint8Array> {
  const spans = itemSpans(meta, loc, src.size);
  const total = spans.reduce((n, s) => n + (s.end - s.start), 0);
  if (total > MAX_XMP_BYTES) throw oversize('an XMP item', total, MAX_XMP_BYTES);
  const parts: Uint8Array[] = [];
  for (const s of spans) {
    parts.push(loc.method === 1 ? meta.idat!.data.subarray(s.start, s.end) : await src.read(s.start, s.end - s.start));
  }
  return concat(parts);
}

/**
 * Undo the item's content encoding. `deflate` (zlib, as ExifTool reads it) is understood; other encodings and
 * protected (encrypted) items are not.
 */
export function decodeContent(info: ItemInfo, bytes: Uint8Array): Uint8Array {
  if (info.protection !== 0) {
    throw new HeguiError('format_unsupported', 'a protected (encrypted) XMP item cannot be read', { item: info.id });
  }
  const enc = info.contentEncoding.trim().toLowerCase();
  if (enc === '') return bytes;
  if (enc !== 'deflate') {
    throw new HeguiError('format_unsupported', 'an XMP item uses a content encoding other than deflate', {
      item: info.id,
    });
  }
  try {
    return inflateSync(bytes, { maxOutputLength: MAX_XMP_BYTES });
  } catch {
    throw new HeguiError('malformed', 'a deflate-encoded XMP item does not inflate (corrupt or over the size limit)', {
      item: info.id,
    });
  }
}

/** The XMP packet text of an item (empty when the item has no data). */
export async function readXmpItem(src: ByteSource, meta: HeifMeta, info: ItemInfo): Promise<string> {
  const loc = meta.locations.find((l) => l.id === info.id);
  if (!loc) return '';
  return decodeXmpBytes(decodeContent(info, await readItemBytes(src, meta, loc)));
}
