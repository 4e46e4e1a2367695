import { concat, utf8 } from '../../io/bytes.ts';

/** The TXXX description naming the label (TC260-PG-202510A). */
export const AIGC_DESCRIPTION = 'AIGC';

/** ID3v2 text encodings (ID3v2.4 §4.2): 0 Latin-1, 1 UTF-16 with BOM, 2 UTF-16BE, 3 UTF-8 (2 and 3 are v2.4 only). */
export const ENC_LATIN1 = 0;
export const ENC_UTF16 = 1;
export const ENC_UTF16BE = 2;
export const ENC_UTF8 = 3;

export interface UserText {
  encoding: number;
  description: string;
  value: string;
}

const isWide = (enc: number): boolean => enc === ENC_UTF16 || enc === ENC_UTF16BE;

/** End of a NUL-terminated string: one zero byte, or two zero bytes at an even distance for UTF-16. */
function terminator(b: Uint8Array, from: number, wide: boolean): number {
  if (!wide) {
    const i = b.indexOf(0, from);
    return i < 0 ? b.length : i;
  }
  for (let i = from; i + 1 < b.length; i += 2) if (b[i] === 0 && b[i + 1] === 0) return i;
  return b.length;
}

function decodeLatin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

function decodeText(b: Uint8Array, enc: number): string {
  if (enc === ENC_LATIN1) return decodeLatin1(b);
  if (enc === ENC_UTF8) return new TextDecoder('utf-8').decode(b);
  // UTF-16: a BOM decides; without one, encoding 2 is big-endian by definition and encoding 1 is taken as big-endian
  // too (the byte order ID3v2.4 §4 names as the default for unmarked UTF-16).
  let le = false;
  let body = b;
  if (b[0] === 0xff && b[1] === 0xfe) [le, body] = [true, b.subarray(2)];
  else if (b[0] === 0xfe && b[1] === 0xff) body = b.subarray(2);
  return new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(body.subarray(0, body.length & ~1));
}

/**
 * Decode a TXXX (or v2.2 TXX) frame body: encoding, description, value. The value ends at its first terminator
 * (ID3v2.4 separates multiple values with NUL; the label is the first). Returns undefined for an unknown encoding.
 */
export function decodeUserText(data: Uint8Array): UserText | undefined {
  const encoding = data[0];
  if (encoding === undefined || encoding > ENC_UTF8) return undefined;
  const wide = isWide(encoding);
  const descEnd = terminator(data, 1, wide);
  const valueStart = Math.min(data.length, descEnd + (wide ? 2 : 1));
  const valueEnd = terminator(data, valueStart, wide);
  return {
    encoding,
    description: decodeText(data.subarray(1, descEnd), encoding),
    value: decodeText(data.subarray(valueStart, valueEnd), encoding),
  };
}

export const isAigcDescription = (d: string): boolean => d.trim().toUpperCase() === AIGC_DESCRIPTION;

function utf16leWithBom(s: string): Uint8Array {
  const out = new Uint8Array(2 + s.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 + i * 2] = c & 0xff;
    out[3 + i * 2] = c >>> 8;
  }
  return out;
}

/**
 * The TXXX body for the label. ID3v2.4: UTF-8 (encoding 3) as the guide asks. ID3v2.3 has no UTF-8, so its tags get
 * UTF-16 with a byte-order mark (encoding 1), the only Unicode encoding v2.3 defines.
 */
export function encodeUserText(major: number, description: string, value: string): Uint8Array {
  if (major >= 4)
    return concat([Uint8Array.of(ENC_UTF8), utf8.encode(description), Uint8Array.of(0), utf8.encode(value)]);
  return concat([Uint8Array.of(ENC_UTF16), utf16leWithBom(description), Uint8Array.of(0, 0), utf16leWithBom(value)]);
}
