import { EXIF_HEADER_LENGTH } from '../codecs/jpeg/app.ts';
import { APP1, isJpegMagic, SOS } from '../codecs/jpeg/segments.ts';

/**
 * A guess, from the header bytes alone, that a JPEG is the common case the one-decode path handles (8-bit, three
 * components, no EXIF rotation): then its decoding starts while libvips reads the metadata, which decides for
 * certain. A wrong guess costs time, never correctness. Reads only segment markers and lengths up to the first scan,
 * bounded by the buffer.
 */

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): T.81 Table B.1. */
const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
const EXIF = [0x45, 0x78, 0x69, 0x66, 0, 0];
/** Enough header segments for any real file; a longer walk just gives up the guess. */
const MAX_SEGMENTS = 512;

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

export function looksLikePlainJpeg(bytes: Uint8Array): boolean {
  if (!isJpegMagic(bytes)) return false;
  let pos = 2;
  let orientation = 1;
  for (let k = 0; k < MAX_SEGMENTS && pos + 4 <= bytes.length; k++) {
    if (bytes[pos] !== 0xff) return false;
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === SOS) return false; // a scan before any frame header
    const len = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    if (len < 2 || pos + 2 + len > bytes.length) return false;
    const body = bytes.subarray(pos + 4, pos + 2 + len);
    if (marker === APP1 && body.length > EXIF_HEADER_LENGTH && EXIF.every((b, i) => body[i] === b))
      orientation = exifOrientation(body.subarray(EXIF_HEADER_LENGTH));
    // SOF: precision (1 byte), height, width (2 each), component count (1 byte).
    if (isSof(marker)) return body.length >= 6 && body[0] === 8 && body[5] === 3 && orientation === 1;
    pos += 2 + len;
  }
  return false;
}
