import { inflateSync } from 'node:zlib';
import { HeguiError } from '../../../errors.ts';
import { concat, utf8, utf8DecodeStrict } from '../../io/bytes.ts';
import { MAX_XMP_BYTES } from '../../xmp/xmp.ts';

/** A decoded tEXt / zTXt / iTXt chunk. */
export interface PngText {
  keyword: string;
  text: string;
  compressed: boolean;
}

export const XMP_KEYWORD = 'XML:com.adobe.xmp';

const latin1 = new TextDecoder('latin1');

function inflateBounded(data: Uint8Array): Uint8Array {
  try {
    return inflateSync(data, { maxOutputLength: MAX_XMP_BYTES });
  } catch {
    throw new HeguiError('malformed', 'a compressed PNG text chunk does not inflate (corrupt or over the size limit)');
  }
}

/** PNG spec §11.3.4: keyword 1–79 Latin-1 bytes, NUL, then the chunk-specific body. */
export function decodeTextChunk(type: string, data: Uint8Array): PngText {
  const nul = data.indexOf(0);
  if (nul < 1 || nul > 79) throw new HeguiError('malformed', `PNG ${type} chunk has no valid keyword`);
  const keyword = latin1.decode(data.subarray(0, nul));
  const body = data.subarray(nul + 1);
  if (type === 'tEXt') return { keyword, text: latin1.decode(body), compressed: false };
  if (type === 'zTXt') {
    if (body.length < 2) throw new HeguiError('malformed', 'zTXt too short for compression method and zlib stream');
    if (body[0] !== 0) throw new HeguiError('malformed', 'zTXt uses an unknown compression method');
    return { keyword, text: latin1.decode(inflateBounded(body.subarray(1))), compressed: true };
  }
  // iTXt: compression flag, method, language tag NUL, translated keyword NUL, UTF-8 text.
  if (body.length < 2) throw new HeguiError('malformed', 'iTXt too short');
  const flag = body[0];
  const lang = body.indexOf(0, 2);
  const trans = lang < 0 ? -1 : body.indexOf(0, lang + 1);
  if (trans < 0) throw new HeguiError('malformed', 'iTXt language or translated keyword is not terminated');
  let textBytes = body.subarray(trans + 1);
  if (flag === 1) {
    if (body[1] !== 0) throw new HeguiError('malformed', 'iTXt uses an unknown compression method');
    textBytes = inflateBounded(textBytes);
  } else if (flag !== 0) throw new HeguiError('malformed', 'iTXt compression flag is neither 0 nor 1');
  const text = utf8DecodeStrict(textBytes);
  if (text === undefined) throw new HeguiError('malformed', 'iTXt text is not valid UTF-8');
  return { keyword, text, compressed: flag === 1 };
}

/** An uncompressed iTXt chunk body with empty language and translated keyword (as real vendor files write it). */
export function encodeITXt(keyword: string, text: string): Uint8Array {
  return concat([utf8.encode(keyword), Uint8Array.of(0, 0, 0, 0, 0), utf8.encode(text)]);
}
