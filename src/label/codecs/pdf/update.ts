import { deflateSync } from 'node:zlib';
import { HeguiError, malformed } from '../../../errors.ts';
import { asciiBytes, concat, utf8 } from '../../io/bytes.ts';
import { readXmpAigc, removeXmpAigc } from '../../xmp/xmp.ts';
import type { PdfDocument } from './document.ts';
import { type InfoDict, loadInfo, loadXmp, type XmpStream } from './labels.ts';
import { type DictEntry, dictGet, encodeLiteralString, MAX_OBJECT_NUMBER } from './lexer.ts';
import { encodeTextString } from './text-string.ts';

/**
 * The label as an incremental update (ISO 32000-1 §7.5.6): the original bytes stay as they are, and appended after
 * them come a new version of the Info dictionary with `/AIGC`, a new version of the XMP metadata stream when it held a
 * label (TC260:AIGC removed, other properties kept: GB 45438 6.1 c allows one label), a cross-reference section of
 * the same kind as the file's newest one, and a trailer whose /Prev links to it.
 */

interface NewObject {
  num: number;
  gen: number;
  bytes: Uint8Array;
}

/** Keys a rewritten stream dictionary drops: its data is written unfiltered with a new length. */
const STREAM_KEYS = new Set(['Length', 'Filter', 'DecodeParms', 'DL', 'F', 'FFilter', 'FDecodeParms']);

const entryBytes = (buf: Uint8Array, e: DictEntry): Uint8Array => buf.subarray(e.keyStart, e.value.end);

function dictBytes(buf: Uint8Array, entries: DictEntry[], extra: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [asciiBytes('<<')];
  for (const e of entries) parts.push(asciiBytes(' '), entryBytes(buf, e));
  for (const x of extra) parts.push(asciiBytes(' '), x);
  parts.push(asciiBytes(' >>'));
  return concat(parts);
}

function infoObject(info: InfoDict | undefined, num: number, gen: number, json: string): NewObject {
  const kept = info ? info.dict.entries.filter((e) => e.key !== 'AIGC') : [];
  const value = concat([asciiBytes('/AIGC '), encodeLiteralString(encodeTextString(json))]);
  const dict = dictBytes(info?.buf ?? new Uint8Array(0), kept, [value]);
  return { num, gen, bytes: concat([asciiBytes(`${num} ${gen} obj\n`), dict, asciiBytes('\nendobj\n')]) };
}

function xmpObject(xmp: XmpStream): NewObject {
  const data = utf8.encode(removeXmpAigc(xmp.packet));
  const d = xmp.obj.value;
  if (d.t !== 'dict') throw malformed('the XMP metadata stream has no dictionary', xmp.obj.offset);
  const kept = d.entries.filter((e) => !STREAM_KEYS.has(e.key));
  const dict = dictBytes(xmp.obj.buf, kept, [asciiBytes(`/Length ${data.length}`)]);
  const { num, gen } = xmp.obj;
  return {
    num,
    gen,
    bytes: concat([
      asciiBytes(`${num} ${gen} obj\n`),
      dict,
      asciiBytes('\nstream\n'),
      data,
      asciiBytes('\nendstream\nendobj\n'),
    ]),
  };
}

/** Consecutive object numbers as `[first, count]` runs (§7.5.4 subsections, §7.5.8.2 /Index). */
function runs(nums: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of nums) {
    const last = out.at(-1);
    if (last && last[0] + last[1] === n) last[1]++;
    else out.push([n, 1]);
  }
  return out;
}

function trailerRaw(doc: PdfDocument, key: string): Uint8Array | undefined {
  const t = doc.trailerValue(key);
  return t ? concat([asciiBytes(`/${key} `), t.section.trailerBuf.subarray(t.value.start, t.value.end)]) : undefined;
}

/** The update appended to `doc` for the label `json` (bare JSON text). Deterministic: own-update.ts relies on it. */
export async function buildIncrementalUpdate(doc: PdfDocument, json: string): Promise<Uint8Array> {
  if (doc.encrypted) {
    throw new HeguiError(
      'format_unsupported',
      'encrypted PDF: its strings cannot be written without the key; decrypt it first (qpdf --decrypt)',
    );
  }
  const info = await loadInfo(doc);
  const xmp = await loadXmp(doc);
  const root = trailerRaw(doc, 'Root');
  if (!root) throw malformed('the PDF trailer has no /Root');
  const sizeV = dictGet(doc.newest.trailer, 'Size');
  let maxKnown = 0;
  for (const n of doc.xref.entries.keys()) maxKnown = Math.max(maxKnown, n);
  let next = Math.max(sizeV?.t === 'num' && sizeV.int ? sizeV.v : 0, maxKnown + 1);

  const objects: NewObject[] = [];
  const infoNum = info?.ref?.num ?? next++;
  const infoGen = info?.ref?.gen ?? 0;
  objects.push(infoObject(info, infoNum, infoGen, json));
  if (xmp && readXmpAigc(xmp.packet).length > 0) objects.push(xmpObject(xmp));
  const asStream = doc.newest.kind === 'stream';
  const xrefNum = asStream ? next++ : -1;
  if (next - 1 > MAX_OBJECT_NUMBER) throw malformed('the PDF has no object number left for an update');

  const base = doc.src.size;
  const last = (await doc.src.read(base - 1, 1))[0];
  const parts: Uint8Array[] = last === 0x0a || last === 0x0d ? [] : [asciiBytes('\n')];
  let pos = base + (parts[0]?.length ?? 0);
  const offsets = new Map<number, { offset: number; gen: number }>();
  for (const o of objects.sort((a, b) => a.num - b.num)) {
    offsets.set(o.num, { offset: pos, gen: o.gen });
    parts.push(o.bytes);
    pos += o.bytes.length;
  }
  const trailerKeys = [
    root,
    asciiBytes(`/Info ${infoNum} ${infoGen} R`),
    trailerRaw(doc, 'ID'),
    asciiBytes(`/Prev ${doc.xref.startxref}`),
  ].filter((x): x is Uint8Array => x !== undefined);
  const size = Math.max(next, ...[...offsets.keys()].map((n) => n + 1));
  const xrefAt = pos;
  if (asStream) {
    offsets.set(xrefNum, { offset: xrefAt, gen: 0 });
    parts.push(xrefStream(offsets, xrefNum, size, trailerKeys));
  } else parts.push(xrefTable(offsets, size, trailerKeys));
  parts.push(asciiBytes(`startxref\n${xrefAt}\n%%EOF\n`));
  return concat(parts);
}

function xrefTable(
  offsets: Map<number, { offset: number; gen: number }>,
  size: number,
  keys: Uint8Array[],
): Uint8Array {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  let text = 'xref\n';
  for (const [first, count] of runs(nums)) {
    text += `${first} ${count}\n`;
    for (let n = first; n < first + count; n++) {
      const e = offsets.get(n)!;
      // §7.5.4: exactly 20 bytes per entry, the end of line being two characters.
      text += `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`;
    }
  }
  return concat([
    asciiBytes(`${text}trailer\n`),
    dictBytes(new Uint8Array(0), [], [asciiBytes(`/Size ${size}`), ...keys]),
    asciiBytes('\n'),
  ]);
}

function xrefStream(
  offsets: Map<number, { offset: number; gen: number }>,
  num: number,
  size: number,
  keys: Uint8Array[],
): Uint8Array {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  const maxOffset = Math.max(...[...offsets.values()].map((e) => e.offset));
  let w = 1;
  while (w < 8 && maxOffset >= 256 ** w) w++;
  const rows = new Uint8Array(nums.length * (3 + w));
  nums.forEach((n, i) => {
    const e = offsets.get(n)!;
    const at = i * (3 + w);
    rows[at] = 1;
    for (let k = 0, v = e.offset; k < w; k++, v = Math.floor(v / 256)) rows[at + w - k] = v % 256;
    rows[at + 1 + w] = e.gen >> 8;
    rows[at + 2 + w] = e.gen & 0xff;
  });
  const data = deflateSync(rows);
  const index = runs(nums)
    .map(([f, c]) => `${f} ${c}`)
    .join(' ');
  const dict = dictBytes(
    new Uint8Array(0),
    [],
    [
      asciiBytes(`/Type /XRef /Size ${size} /W [1 ${w} 2] /Index [${index}]`),
      ...keys,
      asciiBytes(`/Filter /FlateDecode /Length ${data.length}`),
    ],
  );
  return concat([
    asciiBytes(`${num} 0 obj\n`),
    dict,
    asciiBytes('\nstream\n'),
    data,
    asciiBytes('\nendstream\nendobj\n'),
  ]);
}
