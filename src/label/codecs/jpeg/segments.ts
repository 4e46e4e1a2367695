import { HeguiError, oversize, truncated } from '../../../errors.ts';
import { put16be, u16be } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';

/** ITU T.81 B.1.1: SOI, SOS, EOI, and the markers that stand alone without a length (TEM, RST0–7). */
export const SOI = 0xd8;
export const SOS = 0xda;
export const EOI = 0xd9;
export const APP0 = 0xe0;
export const APP1 = 0xe1;
export const APP2 = 0xe2;
const isStandalone = (m: number): boolean => m === 0x01 || (m >= 0xd0 && m <= 0xd7);
export const isApp = (m: number): boolean => m >= 0xe0 && m <= 0xef;

/** A segment's payload (after marker and length) is at most 65,533 bytes. */
export const MAX_PAYLOAD = 0xffff - 2;
/** No real JPEG has this many header segments (ICC alone splits into at most 255). */
const MAX_SEGMENTS = 65_536;
/** T.81 B.1.1.2 allows any number of 0xFF fill bytes before a marker; a bound keeps the walk cheap. */
const MAX_FILL = 65_536;

export interface JpegSegment {
  marker: number;
  /** Offset of the 0xFF that introduces the marker (fill bytes before it belong to the gap). */
  offset: number;
  /** Whole segment: marker, length field and payload (2 for a standalone marker). */
  length: number;
}

export const payloadOffset = (s: JpegSegment): number => s.offset + 4;
export const payloadLength = (s: JpegSegment): number => Math.max(0, s.length - 4);

export interface JpegWalk {
  /** Segments from after SOI up to, not including, SOS. */
  segments: JpegSegment[];
  /** Offset of the SOS marker: from here on every byte is copied unchanged. */
  sos: number;
  error?: HeguiError;
}

export const isJpegMagic = (b: Uint8Array): boolean => b.length >= 3 && b[0] === 0xff && b[1] === SOI && b[2] === 0xff;

/**
 * Walk the marker segments from SOI to the first SOS, reading only markers and length fields. Strict mode throws on
 * the first problem (writers); lenient mode returns what it walked and the error (readers still report labels).
 */
export async function walkJpeg(src: ByteSource, strict: boolean): Promise<JpegWalk> {
  if (!isJpegMagic(src.head)) throw new HeguiError('malformed', 'not a JPEG (no SOI marker)');
  const segments: JpegSegment[] = [];
  let pos = 2;
  try {
    for (;;) {
      if (segments.length >= MAX_SEGMENTS)
        throw oversize('the JPEG header segment count', segments.length, MAX_SEGMENTS);
      if (pos + 2 > src.size) throw truncated('the JPEG (no SOS marker)', pos);
      if ((await src.read(pos, 1))[0] !== 0xff)
        throw new HeguiError('malformed', 'expected a JPEG marker', { offset: pos });
      const at = await skipFill(src, pos);
      const marker = (await src.read(at + 1, 1))[0]!;
      if (marker === SOS) return { segments, sos: at };
      if (marker === 0x00 || marker === SOI || marker === EOI) {
        const what = marker === EOI ? 'the JPEG ends before its first scan' : 'an invalid JPEG marker';
        throw new HeguiError('malformed', what, { offset: at });
      }
      if (isStandalone(marker)) {
        segments.push({ marker, offset: at, length: 2 });
        pos = at + 2;
        continue;
      }
      if (at + 4 > src.size) throw truncated('a JPEG segment length', at, 4);
      const len = u16be(await src.read(at + 2, 2), 0);
      if (len < 2) throw new HeguiError('malformed', `a JPEG segment length of ${len} is below 2`, { offset: at });
      if (at + 2 + len > src.size) throw truncated('a JPEG segment', at, 2 + len);
      segments.push({ marker, offset: at, length: 2 + len });
      pos = at + 2 + len;
    }
  } catch (e) {
    if (strict || !(e instanceof HeguiError)) throw e;
    return { segments, sos: -1, error: e };
  }
}

/** The offset of the last 0xFF of a run starting at `pos` (the one the marker code follows). */
async function skipFill(src: ByteSource, pos: number): Promise<number> {
  for (let at = pos; ; ) {
    const n = Math.min(src.size - at, 256);
    if (n < 2) throw truncated('the JPEG (no SOS marker)', at);
    const w = await src.read(at, n);
    let i = 0;
    while (i + 1 < n && w[i + 1] === 0xff) i++;
    if (i + 1 < n) return at + i;
    at += i;
    if (at - pos > MAX_FILL) throw new HeguiError('malformed', 'too many JPEG fill bytes', { offset: pos });
  }
}

/** A marker segment: FF, marker, big-endian length (payload + 2), payload. */
export function buildSegment(marker: number, payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_PAYLOAD) throw oversize('a JPEG segment payload', payload.length, MAX_PAYLOAD);
  const out = new Uint8Array(4 + payload.length);
  out[0] = 0xff;
  out[1] = marker;
  put16be(out, 2, payload.length + 2);
  out.set(payload, 4);
  return out;
}
