import { classify, EXIF_HEADER_LENGTH } from '../codecs/jpeg/app.ts';
import { isApp, walkJpeg } from '../codecs/jpeg/segments.ts';
import { BufferSource } from '../io/source.ts';

/**
 * The header of a labelled JPEG: the metadata segments of one JPEG (EXIF, ICC, XMP, IPTC, comments) in front of the
 * coded picture of another. Embedded previews are removed on the way: an EXIF thumbnail (IFD1), a JFIF extension
 * thumbnail and Photoshop thumbnails show the picture *without* its explicit label, and the label must stay visible
 * wherever the picture is shown (Labelling Measures Art. 4 ¶2). An MPF index is dropped: it points at images that
 * are not carried over. An Adobe APP14 segment is the encoder's business, not metadata.
 */

const APP0 = 0xe0;
const APP13 = 0xed;
const APP14 = 0xee;
const COM = 0xfe;
const PHOTOSHOP = Buffer.from('Photoshop 3.0\0', 'latin1');
/** Photoshop image resources holding thumbnails (Adobe Photoshop File Formats Specification, Image Resource IDs). */
const IRB_THUMBNAILS = new Set([0x0409, 0x040c]);

/** Unlink EXIF IFD1 (the thumbnail directory) and zero the thumbnail bytes, in place; offsets are bounds-checked. */
export function stripExifThumbnail(tiff: Uint8Array): void {
  if (tiff.length < 8) return;
  const le = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!le && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return;
  const v = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const u16 = (o: number) => v.getUint16(o, le);
  const u32 = (o: number) => v.getUint32(o, le);
  const ifd0 = u32(4);
  if (ifd0 + 2 > tiff.length) return;
  const next = ifd0 + 2 + 12 * u16(ifd0);
  if (next + 4 > tiff.length) return;
  const ifd1 = u32(next);
  v.setUint32(next, 0, le);
  if (ifd1 === 0 || ifd1 + 2 > tiff.length) return;
  const n = u16(ifd1);
  const value = (tag: number): number | undefined => {
    for (let i = 0; i < n && ifd1 + 2 + 12 * (i + 1) <= tiff.length; i++) {
      const e = ifd1 + 2 + 12 * i;
      if (u16(e) !== tag) continue;
      // SHORT or LONG, one value (multi-strip thumbnails are not zeroed beyond their first strip).
      return u16(e + 2) === 3 ? u16(e + 8) : u32(e + 8);
    }
    return undefined;
  };
  for (const [offTag, lenTag] of [
    [0x0201, 0x0202], // JPEGInterchangeFormat, JPEGInterchangeFormatLength
    [0x0111, 0x0117], // StripOffsets, StripByteCounts (an uncompressed thumbnail)
  ] as const) {
    const off = value(offTag);
    const len = value(lenTag);
    if (off !== undefined && len !== undefined && off < tiff.length)
      tiff.fill(0, off, Math.min(tiff.length, off + len));
  }
}

/** An APP13 Photoshop segment without its thumbnail resources, or null when it cannot be walked (then dropped). */
function withoutIrbThumbnails(seg: Buffer): Buffer | null {
  const payload = seg.subarray(4);
  if (!payload.subarray(0, PHOTOSHOP.length).equals(PHOTOSHOP)) return seg;
  const kept: Buffer[] = [PHOTOSHOP];
  let p = PHOTOSHOP.length;
  while (p < payload.length) {
    if (p + 7 > payload.length || payload.toString('latin1', p, p + 4) !== '8BIM') return null;
    const id = payload.readUInt16BE(p + 4);
    const nameLen = payload[p + 6]!;
    const nameEnd = p + 6 + ((nameLen + 2) & ~1); // Pascal string padded to an even length
    if (nameEnd + 4 > payload.length) return null;
    const size = payload.readUInt32BE(nameEnd);
    const end = nameEnd + 4 + size + (size & 1);
    if (end > payload.length + 1) return null;
    if (!IRB_THUMBNAILS.has(id)) kept.push(payload.subarray(p, Math.min(end, payload.length)));
    p = end;
  }
  const body = Buffer.concat(kept);
  if (body.length + 2 > 0xffff) return null;
  const head = Buffer.from([0xff, APP13, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** A JFIF APP0 without an embedded thumbnail (its Xthumbnail × Ythumbnail are zero), or null. */
function plainJfif(seg: Buffer): Buffer | null {
  const payload = seg.subarray(4);
  if (payload.toString('latin1', 0, 5) !== 'JFIF\0' || payload.length < 14) return null;
  return payload[12] === 0 && payload[13] === 0 ? seg : null;
}

/**
 * `pixels` (a JPEG) with the metadata segments of `metadata` (a JPEG; may be the same one), previews removed. The
 * JFIF header comes from `metadata` when it has a plain one (its density), else from `pixels`.
 */
export async function carryJpegMetadata(metadata: Uint8Array, pixels: Uint8Array): Promise<Buffer> {
  const mSrc = new BufferSource(metadata);
  const m = await walkJpeg(mSrc, true);
  const p = await walkJpeg(new BufferSource(pixels), true);
  const bytesOf = (b: Uint8Array, s: { offset: number; length: number }) =>
    Buffer.from(b.subarray(s.offset, s.offset + s.length));
  let jfif: Buffer | null = null;
  const carried: Buffer[] = [];
  for (const seg of m.segments) {
    if (seg.marker === COM) {
      carried.push(bytesOf(metadata, seg));
      continue;
    }
    if (!isApp(seg.marker) || seg.marker === APP14) continue;
    const c = await classify(mSrc, seg);
    const bytes = bytesOf(metadata, seg);
    if (seg.marker === APP0) {
      jfif ??= plainJfif(bytes);
      continue; // JFIF (once), JFXX thumbnails and other APP0 data are not carried
    }
    if (c.kind === 'mpf') continue;
    if (c.kind === 'exif') stripExifThumbnail(bytes.subarray(4 + EXIF_HEADER_LENGTH));
    if (seg.marker === APP13) {
      const cleaned = withoutIrbThumbnails(bytes);
      if (cleaned) carried.push(cleaned);
      continue;
    }
    carried.push(bytes);
  }
  const own = p.segments.filter((s) => !isApp(s.marker) && s.marker !== COM).map((s) => bytesOf(pixels, s));
  jfif ??=
    p.segments
      .filter((s) => s.marker === APP0)
      .map((s) => plainJfif(bytesOf(pixels, s)))
      .find((s) => s !== null) ?? null;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    ...(jfif ? [jfif] : []),
    ...carried,
    ...own,
    Buffer.from(pixels.subarray(p.sos)),
  ]);
}
