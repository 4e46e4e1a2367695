import { HeguiError, malformed, oversize } from '../../../errors.ts';
import { put32be, put64be } from '../../io/bytes.ts';
import { type Box, boxEnd, childBoxes, FieldReader, MAX_DEPTH, payloadStart } from './boxes.ts';

/**
 * Image sequences (HEIF `msf1`/`hevc`, AVIF `avis`, ISO/IEC 23008-12 §7) keep their frames as track samples: the
 * `moov` box holds chunk offsets (`stco`/`co64`) that point into `mdat`. When the `meta` box grows, every chunk
 * offset behind it moves by the same amount. This module finds those fields and rewrites them; nothing else in
 * `moov` changes size.
 */

/** Boxes on the way from `moov` to the sample tables (ISO/IEC 14496-12 §8.1–8.7). */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'udta']);

export interface OffsetField {
  /** Position of the field inside the moov bytes. */
  pos: number;
  size: 4 | 8;
  value: number;
}

export interface MoovScan {
  trackIds: number[];
  fields: OffsetField[];
}

export function scanMoov(bytes: Uint8Array, box: Box): MoovScan {
  const scan: MoovScan = { trackIds: [], fields: [] };
  walk(bytes, box, box, scan, 0);
  return scan;
}

function walk(bytes: Uint8Array, root: Box, box: Box, scan: MoovScan, depth: number): void {
  if (depth > MAX_DEPTH)
    throw new HeguiError('oversize', `boxes are nested deeper than ${MAX_DEPTH} levels`, { offset: box.start });
  const base = root.start;
  for (const c of childBoxes(bytes, payloadStart(box) - base, boxEnd(box) - base, base, box.type)) {
    const r = new FieldReader(bytes, payloadStart(c) - base, boxEnd(c) - base, c.type, base);
    if (CONTAINERS.has(c.type)) walk(bytes, root, c, scan, depth + 1);
    else if (c.type === 'tkhd') {
      const v = r.u8();
      r.pos += 3 + (v === 1 ? 16 : 8);
      scan.trackIds.push(r.u32());
    } else if (c.type === 'stco' || c.type === 'co64') {
      r.u32();
      const n = r.u32();
      const size = c.type === 'stco' ? 4 : 8;
      if (n * size > r.remaining) throw malformed(`${c.type} declares more chunk offsets than it holds`, c.start);
      for (let i = 0; i < n; i++) scan.fields.push({ pos: r.pos, size, value: r.uint(size) });
    } else if (c.type === 'saio') {
      throw new HeguiError(
        'format_unsupported',
        'image sequences with sample auxiliary information offsets (saio) are not supported for writing',
      );
    } else if (c.type === 'meta' && hasIloc(bytes, c, base)) {
      throw new HeguiError('format_unsupported', 'an item location box inside moov is not supported for writing');
    }
  }
}

/** A track-level `meta` with its own `iloc` would hold file offsets too; QuickTime-style `meta` never has one. */
function hasIloc(bytes: Uint8Array, box: Box, base: number): boolean {
  for (const skip of [4, 0]) {
    try {
      return childBoxes(bytes, payloadStart(box) - base + skip, boxEnd(box) - base, base, 'meta').some(
        (c) => c.type === 'iloc',
      );
    } catch (e) {
      if (!(e instanceof HeguiError)) throw e;
    }
  }
  return false;
}

/** A copy of the moov bytes with every chunk offset passed through `shift` (same size: only values change). */
export function shiftMoov(bytes: Uint8Array, scan: MoovScan, shift: (offset: number) => number): Uint8Array {
  const out = bytes.slice();
  for (const f of scan.fields) {
    const v = shift(f.value);
    if (f.size === 4) {
      if (v > 0xffffffff) {
        throw new HeguiError('format_unsupported', 'moving the media data would overflow a 32-bit chunk offset (stco)');
      }
      put32be(out, f.pos, v);
    } else {
      if (!Number.isSafeInteger(v)) throw oversize('a 64-bit chunk offset', v, Number.MAX_SAFE_INTEGER);
      put64be(out, f.pos, v);
    }
  }
  return out;
}
