import { classify, EXIF_HEADER_LENGTH } from '../codecs/jpeg/app.ts';
import { isJpegMagic, payloadLength, payloadOffset, walkJpeg } from '../codecs/jpeg/segments.ts';
import { BufferSource } from '../io/source.ts';

/**
 * A guess, from the header bytes alone, that a JPEG is the common case the one-decode path handles (8-bit, three
 * components, no EXIF rotation): then its decoding starts while libvips reads the metadata, which decides for
 * certain. A wrong guess costs time, never correctness. The header is walked by the codecs' JPEG walker (markers
 * and lengths up to the first scan, bounded by the buffer).
 */

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): T.81 Table B.1. */
const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** The EXIF Orientation (tag 0x0112) of IFD0 in a TIFF block, or 1 when absent or unreadable. */
export function exifOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  const le = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!le && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return 1;
  const v = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const ifd = v.getUint32(4, le);
  if (ifd + 2 > tiff.length) return 1;
  const n = v.getUint16(ifd, le);
  for (let i = 0; i < n && ifd + 2 + 12 * (i + 1) <= tiff.length; i++) {
    const e = ifd + 2 + 12 * i;
    if (v.getUint16(e, le) === 0x0112) return v.getUint16(e + 8, le);
  }
  return 1;
}

export async function looksLikePlainJpeg(bytes: Uint8Array): Promise<boolean> {
  if (!isJpegMagic(bytes)) return false;
  const src = new BufferSource(bytes);
  // Lenient: a header the walker stops in gives the segments before the problem (and so, usually, no SOF: no guess).
  const { segments } = await walkJpeg(src, false);
  let orientation = 1;
  for (const seg of segments) {
    if ((await classify(src, seg)).kind === 'exif') {
      const from = payloadOffset(seg) + EXIF_HEADER_LENGTH;
      orientation = exifOrientation(bytes.subarray(from, payloadOffset(seg) + payloadLength(seg)));
    }
    // SOF: precision (1 byte), height, width (2 each), component count (1 byte).
    if (isSof(seg.marker)) {
      const body = bytes.subarray(payloadOffset(seg), payloadOffset(seg) + payloadLength(seg));
      return body.length >= 6 && body[0] === 8 && body[5] === 3 && orientation === 1;
    }
  }
  return false;
}
