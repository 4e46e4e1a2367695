import { constants, inflateSync } from 'node:zlib';
import { HeguiError, malformed, oversize } from '../../../errors.ts';
import { dictGet, type PdfDict, type PdfValue } from './lexer.ts';

/**
 * Stream filters this reader decodes (ISO 32000-1 §7.4): none, FlateDecode (with the PNG and no predictor, as
 * cross-reference and object streams use), ASCIIHexDecode. Output is bounded: a stream that inflates past `max`
 * is refused, so a compression bomb in a structure we read costs nothing.
 */

export const filterNames = (dict: PdfDict): string[] => {
  const f = dictGet(dict, 'Filter');
  if (!f) return [];
  if (f.t === 'name') return [f.v];
  if (f.t === 'array') return f.items.map((i) => (i.t === 'name' ? i.v : '?'));
  return ['?'];
};

function parmsAt(dict: PdfDict, i: number): PdfDict | undefined {
  const p = dictGet(dict, 'DecodeParms') ?? dictGet(dict, 'DP');
  const v: PdfValue | undefined = p?.t === 'array' ? p.items[i] : i === 0 ? p : undefined;
  return v?.t === 'dict' ? v : undefined;
}

/** True when every filter of the stream is one this module decodes. */
export const canDecode = (dict: PdfDict): boolean =>
  filterNames(dict).every((f) => f === 'FlateDecode' || f === 'Fl' || f === 'ASCIIHexDecode' || f === 'AHx');

export function decodeStream(dict: PdfDict, data: Uint8Array, max: number, what: string): Uint8Array {
  let out = data;
  filterNames(dict).forEach((f, i) => {
    if (f === 'FlateDecode' || f === 'Fl') out = unpredict(inflateBounded(out, max, what), parmsAt(dict, i), what);
    else if (f === 'ASCIIHexDecode' || f === 'AHx') out = asciiHex(out);
    else throw new HeguiError('format_unsupported', `${what} uses a stream filter this reader does not decode`);
  });
  if (out.length > max) throw oversize(what, out.length, max);
  return out;
}

function inflateBounded(data: Uint8Array, max: number, what: string): Uint8Array {
  try {
    // Sync flush: a stream cut short still yields what it holds (lenient, as PDF readers are).
    return inflateSync(data, { maxOutputLength: max, finishFlush: constants.Z_SYNC_FLUSH });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HeguiError('oversize', `${what} inflates to more than ${max} bytes`, { limit: max });
    }
    throw malformed(`${what} is not valid Flate data`);
  }
}

function asciiHex(data: Uint8Array): Uint8Array {
  const text = Buffer.from(data).toString('latin1');
  const end = text.indexOf('>');
  const hex = (end >= 0 ? text.slice(0, end) : text).replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw malformed('an ASCIIHexDecode stream holds non-hex characters');
  return Uint8Array.from(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
}

const intParm = (d: PdfDict | undefined, key: string, dflt: number): number => {
  const v = d && dictGet(d, key);
  return v?.t === 'num' && v.int && v.v >= 0 ? v.v : dflt;
};

/** Undo a PNG predictor (§7.4.4.4, Predictor 10–15: one filter-type byte per row). */
function unpredict(data: Uint8Array, parms: PdfDict | undefined, what: string): Uint8Array {
  const predictor = intParm(parms, 'Predictor', 1);
  if (predictor === 1) return data;
  if (predictor < 10) throw new HeguiError('format_unsupported', `${what} uses the TIFF predictor`);
  const colors = intParm(parms, 'Colors', 1);
  const bpc = intParm(parms, 'BitsPerComponent', 8);
  const columns = intParm(parms, 'Columns', 1);
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bpc) || columns < 1 || columns > 1 << 20) {
    throw malformed(`${what} has invalid predictor parameters`);
  }
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((columns * colors * bpc) / 8);
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)]!;
    const src = r * (rowLen + 1) + 1;
    const dst = r * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const raw = data[src + i]!;
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst - rowLen + i]! : 0;
      const ul = r > 0 && i >= bpp ? out[dst - rowLen + i - bpp]! : 0;
      let v: number;
      if (type === 0) v = raw;
      else if (type === 1) v = raw + left;
      else if (type === 2) v = raw + up;
      else if (type === 3) v = raw + ((left + up) >> 1);
      else if (type === 4) v = raw + paeth(left, up, ul);
      else throw malformed(`${what} has an invalid PNG predictor row type`);
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
