import { malformed } from '../../../errors.ts';
import { u16le, u32le } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import { buildChunk, chunkData, type RiffChunk } from './chunks.ts';

/**
 * The WebP container's VP8X header (Google, "WebP Container Specification", Extended File Format): one flag byte,
 * three reserved bytes, then canvas width − 1 and height − 1 as 24-bit little-endian values.
 */
export const VP8X_FLAGS = { icc: 0x20, alpha: 0x10, exif: 0x08, xmp: 0x04, animation: 0x02 } as const;
export const VP8X_SIZE = 10;
/** The canvas is at most 2^24 pixels a side (24-bit fields); the product is bounded by 2^32 − 1. */
const MAX_CANVAS_SIDE = 1 << 24;

export interface Canvas {
  width: number;
  height: number;
  alpha: boolean;
}

/**
 * The canvas of a simple-format file, from the bitstream header: VP8 key frame (RFC 6386 §9.1: 3-byte frame tag,
 * start code 9D 01 2A, 14-bit width and height) or VP8L (WebP Lossless §3.2: signature 0x2F, 14-bit width − 1 and
 * height − 1, alpha hint, 3-bit version 0).
 */
export async function simpleCanvas(src: ByteSource, image: RiffChunk): Promise<Canvas> {
  if (image.id === 'VP8 ') {
    if (image.size < 10) throw malformed('the VP8 chunk is too short for a frame header', image.offset);
    const h = await src.read(chunkData(image), 10);
    if ((h[0]! & 1) !== 0) throw malformed('the VP8 bitstream does not start with a key frame', image.offset);
    if (h[3] !== 0x9d || h[4] !== 0x01 || h[5] !== 0x2a) throw malformed('the VP8 start code is missing', image.offset);
    const width = u16le(h, 6) & 0x3fff;
    const height = u16le(h, 8) & 0x3fff;
    if (width === 0 || height === 0) throw malformed('the VP8 frame has a zero dimension', image.offset);
    return { width, height, alpha: false };
  }
  if (image.size < 5) throw malformed('the VP8L chunk is too short for its header', image.offset);
  const h = await src.read(chunkData(image), 5);
  if (h[0] !== 0x2f) throw malformed('the VP8L signature is missing', image.offset);
  const bits = u32le(h, 1);
  if (bits >>> 29 !== 0) throw malformed('the VP8L version is not 0', image.offset);
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1 };
}

/** A VP8X chunk for a simple file being extended (so that it can carry XMP). */
export function buildVp8x(flags: number, canvas: Canvas): Uint8Array {
  if (canvas.width > MAX_CANVAS_SIDE || canvas.height > MAX_CANVAS_SIDE)
    throw malformed('the WebP canvas is too large');
  const d = new Uint8Array(VP8X_SIZE);
  d[0] = flags;
  const w = canvas.width - 1;
  const h = canvas.height - 1;
  d.set([w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff], 4);
  return buildChunk('VP8X', d);
}
