/**
 * PDF text strings (ISO 32000-1 §7.9.2.2, ISO 32000-2 §7.9.2.2): UTF-16BE with a byte order mark, UTF-8 with one
 * (PDF 2.0), or PDFDocEncoding (Annex D), which is Latin-1 except for these code points.
 */
const PDF_DOC: Record<number, number> = {
  24: 0x02d8,
  25: 0x02c7,
  26: 0x02c6,
  27: 0x02d9,
  28: 0x02dd,
  29: 0x02db,
  30: 0x02da,
  31: 0x02dc,
  128: 0x2022,
  129: 0x2020,
  130: 0x2021,
  131: 0x2026,
  132: 0x2014,
  133: 0x2013,
  134: 0x0192,
  135: 0x2044,
  136: 0x2039,
  137: 0x203a,
  138: 0x2212,
  139: 0x2030,
  140: 0x201e,
  141: 0x201c,
  142: 0x201d,
  143: 0x2018,
  144: 0x2019,
  145: 0x201a,
  146: 0x2122,
  147: 0xfb01,
  148: 0xfb02,
  149: 0x0141,
  150: 0x0152,
  151: 0x0160,
  152: 0x0178,
  153: 0x017d,
  154: 0x0131,
  155: 0x0142,
  156: 0x0153,
  157: 0x0161,
  158: 0x017e,
  160: 0x20ac,
};

export function decodeTextString(b: Uint8Array): string {
  if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return new TextDecoder('utf-8').decode(b.subarray(3));
  let s = '';
  for (const c of b) s += String.fromCharCode(PDF_DOC[c] ?? c);
  return s;
}

/** ASCII text as is; anything else as UTF-16BE with a BOM (the one form every PDF version reads). */
export function encodeTextString(s: string): Uint8Array {
  if (/^[\x20-\x7e]*$/.test(s)) return Uint8Array.from(Buffer.from(s, 'latin1'));
  const be = Buffer.from(s, 'utf16le').swap16();
  return Uint8Array.from(Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
}
