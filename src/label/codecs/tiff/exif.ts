import { HeguiError, isHeguiError } from '../../../errors.ts';
import { MAX_LABEL_BYTES } from '../../aigc/record.ts';
import { asciiBytes, startsWith } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import type { CodecWarning } from '../codec.ts';
import { type Ifd, type IfdEntry, pointerTarget, readIfd, readValue, type TiffHeader } from './ifd.ts';

/** EXIF 2.32 §4.6.3: the Exif IFD pointer (in IFD0) and UserComment (in the Exif IFD). */
export const TAG_EXIF_IFD = 0x8769;
export const TAG_USER_COMMENT = 0x9286;
/** The 8-byte character code plus a UTF-16 label at its size bound. */
const MAX_USER_COMMENT = 8 + 2 * MAX_LABEL_BYTES;

const CODE_ASCII = asciiBytes('ASCII\0\0\0');
const CODE_UNICODE = asciiBytes('UNICODE\0');
const CODE_UNDEFINED = new Uint8Array(8);

/**
 * The JSON of a label held in a generic text field: `{"AIGC":{…}}` (GB 45438 App. E, the form the image guide puts
 * in UserComment), the bare seven-field object, or `AIGC{…}` / `AIGC:{…}` as some tools write it. Any other text is
 * an ordinary comment and not a label site.
 */
export function labelJsonIn(text: string): string | undefined {
  const t = text.replace(/^[\uFEFF\s\0]+|[\s\0]+$/g, '');
  const prefixed = /^AIGC[\s\0]*[:=]?[\s\0]*(?=\{)/.exec(t);
  const json = prefixed ? t.slice(prefixed[0].length) : t;
  if (!json.startsWith('{')) return undefined;
  if (prefixed || /"(AIGC|ContentProducer|ProduceID)"\s*:/.test(json)) return json;
  return undefined;
}

/** EXIF 2.32 Table 9: the 8-byte character code, then the text; UNICODE follows the TIFF byte order. */
export function decodeUserComment(value: Uint8Array, little: boolean): string {
  const body = value.subarray(8);
  if (startsWith(value, CODE_UNICODE)) {
    if (body[0] === 0xfe && body[1] === 0xff) return new TextDecoder('utf-16be').decode(body.subarray(2));
    if (body[0] === 0xff && body[1] === 0xfe) return new TextDecoder('utf-16le').decode(body.subarray(2));
    return new TextDecoder(little ? 'utf-16le' : 'utf-16be').decode(body);
  }
  if (startsWith(value, CODE_ASCII) || startsWith(value, CODE_UNDEFINED)) return new TextDecoder('utf-8').decode(body);
  // JIS or a writer that left out the character code: the label JSON is ASCII either way.
  return new TextDecoder('utf-8').decode(value);
}

/** A UserComment of the same byte size that says nothing: the ASCII code and spaces, so no EXIF offset moves. */
export function blankUserComment(size: number): Uint8Array {
  const out = new Uint8Array(size).fill(0x20);
  out.set(CODE_ASCII.subarray(0, Math.min(8, size)));
  return out;
}

export interface UserCommentLabel {
  entry: IfdEntry;
  /** The label JSON text found in it. */
  text: string;
}

/**
 * UserComment fields holding a label, in the Exif IFD (and in IFD0, where some writers misplace it). Lenient: an
 * unreadable Exif IFD or value becomes a warning, since the rest of the file is still usable.
 */
export async function findUserCommentLabels(
  src: ByteSource,
  header: TiffHeader,
  ifd0: Ifd,
  warnings: CodecWarning[],
  warnAt = 0,
): Promise<UserCommentLabel[]> {
  const dirs: Ifd[] = [ifd0];
  try {
    const exifAt = await pointerTarget(src, header, ifd0, TAG_EXIF_IFD);
    if (exifAt !== undefined && exifAt !== ifd0.offset) dirs.push(await readIfd(src, header, exifAt));
  } catch (e) {
    if (!isHeguiError(e)) throw e;
    warnings.push({ code: 'exif_unreadable', message: `Exif IFD: ${e.message}`, offset: warnAt });
  }
  const found: UserCommentLabel[] = [];
  for (const dir of dirs) {
    for (const entry of dir.entries) {
      if (entry.tag !== TAG_USER_COMMENT || ![1, 2, 7].includes(entry.type) || entry.size < 8) continue;
      try {
        const text = labelJsonIn(decodeUserComment(await readValue(src, entry, MAX_USER_COMMENT), header.little));
        if (text !== undefined) found.push({ entry, text });
      } catch (e) {
        if (!(e instanceof HeguiError)) throw e;
        warnings.push({ code: 'exif_unreadable', message: `UserComment: ${e.message}`, offset: warnAt });
      }
    }
  }
  return found;
}
