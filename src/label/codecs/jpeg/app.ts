import { asciiBytes, startsWith } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import { XMP_EXT_HEADER } from './extended-xmp.ts';
import { APP0, APP1, APP2, isApp, type JpegSegment, payloadLength, payloadOffset } from './segments.ts';

/** XMP Part 3 §1.1.3: the standard packet's APP1 namespace header, and the extended packet's. */
export const XMP_HEADER = asciiBytes('http://ns.adobe.com/xap/1.0/\0');
/** EXIF 2.32 §4.5.4: "Exif" NUL and a pad byte (NUL, or 0xFF from some writers), then a TIFF structure. */
export const EXIF_HEADER_LENGTH = 6;
const EXIF = asciiBytes('Exif\0');
const JFIF = asciiBytes('JFIF\0');
const JFXX = asciiBytes('JFXX\0');
const ICC = asciiBytes('ICC_PROFILE\0');
/** CIPA DC-007 multi-picture format: APP2 "MPF\0", then a TIFF structure with offsets to later images. */
export const MPF_HEADER = asciiBytes('MPF\0');
/** A bare `AIGC{…}` (or `AIGC\0{…}`) blob filling an APPn segment, as seen next to the JFIF header in the wild. */
const AIGC_BLOB = /^AIGC[\0\s:=]*\{/;

export type AppKind = 'jfif' | 'exif' | 'xmp' | 'xmp-extended' | 'icc' | 'mpf' | 'aigc' | 'other';

export interface ClassifiedSegment extends JpegSegment {
  kind: AppKind;
}

/** What an APPn segment holds, from the first bytes of its payload. */
export async function classify(src: ByteSource, seg: JpegSegment): Promise<ClassifiedSegment> {
  if (!isApp(seg.marker) || payloadLength(seg) === 0) return { ...seg, kind: 'other' };
  const head = await src.read(payloadOffset(seg), Math.min(payloadLength(seg), 40));
  const kind = ((): AppKind => {
    if (seg.marker === APP0 && (startsWith(head, JFIF) || startsWith(head, JFXX))) return 'jfif';
    if (seg.marker === APP1 && startsWith(head, EXIF) && head.length >= EXIF_HEADER_LENGTH) return 'exif';
    if (seg.marker === APP1 && startsWith(head, XMP_HEADER)) return 'xmp';
    if (seg.marker === APP1 && startsWith(head, XMP_EXT_HEADER)) return 'xmp-extended';
    if (seg.marker === APP2 && startsWith(head, ICC)) return 'icc';
    if (seg.marker === APP2 && startsWith(head, MPF_HEADER)) return 'mpf';
    if (AIGC_BLOB.test(Buffer.from(head).toString('latin1'))) return 'aigc';
    return 'other';
  })();
  return { ...seg, kind };
}

/** The label JSON of an AIGC blob segment: from the first `{`, trailing NULs and spaces dropped. */
export function aigcBlobText(payload: Uint8Array): string {
  const brace = payload.indexOf(0x7b);
  return new TextDecoder('utf-8').decode(payload.subarray(brace)).replace(/[\s\0]+$/, '');
}
