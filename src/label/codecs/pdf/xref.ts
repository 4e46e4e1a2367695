import { HeguiError, malformed, oversize } from '../../../errors.ts';
import type { ByteSource } from '../../io/source.ts';
import { decodeStream } from './filters.ts';
import { checkObjectNumber, dictGet, NeedMore, type PdfDict, PdfLexer } from './lexer.ts';
import { readIndirectAt } from './objects.ts';

/**
 * Cross-reference sections (ISO 32000-1 §7.5.4 tables, §7.5.8 streams, §7.5.8.4 hybrid files, §7.5.6 incremental
 * updates): from `startxref` along the `/Prev` chain, newest first, into one object map.
 */

export interface XrefEntry {
  /** 0 free, 1 in use at `offset`, 2 compressed in object stream `stream` at `index`. */
  type: 0 | 1 | 2;
  offset: number;
  gen: number;
  stream: number;
  index: number;
}

export interface XrefSection {
  kind: 'table' | 'stream';
  /** File offset of `xref` or of the cross-reference stream object. */
  offset: number;
  /** For a table: the file offset just past the trailer dictionary. */
  end: number;
  trailer: PdfDict;
  /** The bytes the trailer's positions refer to. */
  trailerBuf: Uint8Array;
  /** A hybrid file's `/XRefStm` stream, read with this table. */
  xrefStm?: number;
  /** The lowest file offset of an uncompressed object this section itself lists (where an update starts). */
  firstObject?: number;
}

function firstObjectOf(used: Map<number, XrefEntry>): number | undefined {
  let first: number | undefined;
  for (const e of used.values()) if (e.type === 1 && (first === undefined || e.offset < first)) first = e.offset;
  return first;
}

export interface XrefIndex {
  startxref: number;
  /** Newest first. */
  sections: XrefSection[];
  entries: Map<number, XrefEntry>;
  /** File offsets of every in-use object of every section, superseded ones too, sorted. */
  objectStarts: number[];
}

/** Sections in one /Prev chain (each incremental update adds one; a linearised file has two). */
const MAX_SECTIONS = 4096;
/** Cross-reference entries over all sections. */
const MAX_ENTRIES = 4_000_000;
const TABLE_WINDOWS = [64 * 1024, 1024 * 1024, 16 * 1024 * 1024, 64 * 1024 * 1024];
const TAIL = 64 * 1024;

/** The offset after the last `startxref` keyword (§7.5.5: at the end of the file). */
export async function findStartxref(src: ByteSource): Promise<number> {
  const n = Math.min(src.size, TAIL);
  const tail = Buffer.from(await src.read(src.size - n, n)).toString('latin1');
  const at = tail.lastIndexOf('startxref');
  if (at < 0) throw malformed('the PDF has no startxref at its end');
  const m = /^startxref[\0\t\n\f\r ]+(\d{1,16})/.exec(tail.slice(at));
  if (!m) throw malformed('startxref is not followed by an offset', src.size - n + at);
  const offset = Number(m[1]);
  if (offset >= src.size) {
    throw new HeguiError('truncated', 'startxref points past the end of the file', { offset });
  }
  return offset;
}

type Section = { section: XrefSection; used: Map<number, XrefEntry>; free: Map<number, XrefEntry> };

export async function loadXref(src: ByteSource): Promise<XrefIndex> {
  const startxref = await findStartxref(src);
  const sections: XrefSection[] = [];
  const entries = new Map<number, XrefEntry>();
  const starts: number[] = [];
  const visited = new Set<number>();
  let total = 0;
  let next: number | undefined = startxref;
  while (next !== undefined) {
    if (visited.has(next)) throw malformed('the cross-reference /Prev chain loops', next);
    if (sections.length >= MAX_SECTIONS) throw oversize('the cross-reference chain', sections.length, MAX_SECTIONS);
    visited.add(next);
    const s = await readSection(src, next);
    let stm: Map<number, XrefEntry> | undefined;
    if (s.section.xrefStm !== undefined) {
      if (visited.has(s.section.xrefStm)) throw malformed('an /XRefStm offset is used twice', s.section.xrefStm);
      visited.add(s.section.xrefStm);
      const hybrid = await readSection(src, s.section.xrefStm);
      if (hybrid.section.kind !== 'stream') throw malformed('/XRefStm does not point at a cross-reference stream');
      stm = new Map([...hybrid.used, ...hybrid.free]);
      starts.push(s.section.xrefStm);
    }
    // §7.5.8.4: in a hybrid section the table wins, the stream fills in what the table marks free.
    for (const group of [s.used, stm, s.free]) {
      for (const [num, e] of group ?? []) {
        if (++total > MAX_ENTRIES) throw oversize('the cross-reference entries', total, MAX_ENTRIES);
        if (!entries.has(num)) entries.set(num, e);
        if (e.type === 1 && e.offset < src.size) starts.push(e.offset);
      }
    }
    if (s.section.kind === 'stream') starts.push(s.section.offset);
    sections.push(s.section);
    const prev = dictGet(s.section.trailer, 'Prev');
    if (prev !== undefined && !(prev.t === 'num' && prev.int && prev.v >= 0)) {
      throw malformed('/Prev is not an offset', s.section.offset);
    }
    next = prev?.t === 'num' ? prev.v : undefined;
    if (next !== undefined && next >= src.size) {
      throw new HeguiError('truncated', '/Prev points past the end of the file', { offset: next });
    }
  }
  return { startxref, sections, entries, objectStarts: [...new Set(starts)].sort((a, b) => a - b) };
}

async function readSection(src: ByteSource, offset: number): Promise<Section> {
  // Writers that point at the end-of-line before `xref` are common enough for readers to step over it.
  const probe = Buffer.from(await src.read(offset, Math.min(36, src.size - offset))).toString('latin1');
  const at = /^[\0\t\n\f\r ]*xref/.exec(probe);
  if (at) return readTable(src, offset + at[0].length - 4);
  return readStream(src, offset);
}

/** A classic table (§7.5.4): subsections of 20-byte entries, then `trailer` and its dictionary. */
async function readTable(src: ByteSource, offset: number): Promise<Section> {
  for (const w of TABLE_WINDOWS) {
    const len = Math.min(w, src.size - offset);
    const buf = await src.read(offset, len);
    try {
      return parseTable(new PdfLexer(buf, offset, offset + len >= src.size), offset);
    } catch (e) {
      if (!(e instanceof NeedMore)) throw e;
    }
  }
  throw new HeguiError('oversize', 'a cross-reference table is larger than 64 MiB', { offset });
}

function parseTable(lx: PdfLexer, offset: number): Section {
  lx.expectKeyword('xref');
  const used = new Map<number, XrefEntry>();
  const free = new Map<number, XrefEntry>();
  for (;;) {
    const first = lx.tryInt();
    if (first === undefined) break;
    const count = lx.tryInt();
    if (count === undefined) throw malformed('a cross-reference subsection has no count', offset + lx.pos);
    checkObjectNumber(first + count, offset + lx.pos);
    if (used.size + free.size + count > MAX_ENTRIES) throw oversize('a cross-reference table', count, MAX_ENTRIES);
    // Each entry takes 20 bytes: a count the rest of the file cannot hold is a lie, not a reason to loop.
    if (lx.atEof && count * 18 > lx.buf.length - lx.pos) {
      throw new HeguiError('truncated', 'a cross-reference subsection runs past the end of the file', { offset });
    }
    for (let i = 0; i < count; i++) {
      const at = lx.pos;
      const off = lx.tryInt();
      const gen = lx.tryInt();
      const kind = lx.token();
      if (off === undefined || gen === undefined || (kind !== 'n' && kind !== 'f')) {
        throw malformed('a bad cross-reference entry', offset + at);
      }
      const e: XrefEntry = { type: kind === 'n' ? 1 : 0, offset: off, gen, stream: 0, index: 0 };
      // §7.5.4: an in-use entry with offset 0 is how some writers mark a free one.
      if (e.type === 1 && off > 0) used.set(first + i, e);
      else free.set(first + i, { ...e, type: 0 });
    }
  }
  lx.expectKeyword('trailer');
  const trailer = lx.value();
  if (trailer.t !== 'dict') throw malformed('the trailer is not a dictionary', offset + lx.pos);
  const stm = dictGet(trailer, 'XRefStm');
  const section: XrefSection = { kind: 'table', offset, end: offset + lx.pos, trailer, trailerBuf: lx.buf };
  if (stm?.t === 'num' && stm.int && stm.v >= 0) section.xrefStm = stm.v;
  const first = firstObjectOf(used);
  if (first !== undefined) section.firstObject = first;
  return { section, used, free };
}

const intOf = (d: PdfDict, key: string): number | undefined => {
  const v = dictGet(d, key);
  return v?.t === 'num' && v.int && v.v >= 0 ? v.v : undefined;
};

/** A cross-reference stream (§7.5.8): rows of W[0] type, W[1] and W[2] fields, big-endian, for each /Index range. */
async function readStream(src: ByteSource, offset: number): Promise<Section> {
  const obj = await readIndirectAt(src, offset);
  const dict = obj.value;
  if (!obj.stream || dict.t !== 'dict') throw malformed('startxref points at neither a table nor a stream', offset);
  const type = dictGet(dict, 'Type');
  if (type?.t !== 'name' || type.v !== 'XRef') throw malformed('the cross-reference stream is not /Type /XRef', offset);
  const size = intOf(dict, 'Size');
  const length = obj.stream.length;
  if (size === undefined) throw malformed('the cross-reference stream has no /Size', offset);
  if (length?.t !== 'num' || !length.int || length.v < 0) {
    throw malformed('the cross-reference stream /Length is not a direct number', offset);
  }
  const wv = dictGet(dict, 'W');
  const w = wv?.t === 'array' ? wv.items.map((i) => (i.t === 'num' && i.int && i.v >= 0 && i.v <= 8 ? i.v : -1)) : [];
  if (w.length !== 3 || w.some((x) => x < 0) || w[1] === 0) throw malformed('the cross-reference stream /W is invalid');
  const iv = dictGet(dict, 'Index');
  const index = iv?.t === 'array' ? iv.items.map((i) => (i.t === 'num' && i.int && i.v >= 0 ? i.v : -1)) : [0, size];
  if (index.length % 2 || index.some((x) => x < 0)) throw malformed('the cross-reference stream /Index is invalid');
  let rows = 0;
  for (let i = 0; i < index.length; i += 2) {
    checkObjectNumber(index[i]! + index[i + 1]!, offset);
    rows += index[i + 1]!;
  }
  if (rows > MAX_ENTRIES) throw oversize('a cross-reference stream', rows, MAX_ENTRIES);
  const rowLen = w[0]! + w[1]! + w[2]!;
  const raw = await src.read(obj.stream.dataOffset, length.v);
  const data = decodeStream(dict, raw, rows * (rowLen + 1) + 64, 'the cross-reference stream');
  if (data.length < rows * rowLen) throw malformed('the cross-reference stream is shorter than its /Index', offset);
  const used = new Map<number, XrefEntry>();
  const free = new Map<number, XrefEntry>();
  let p = 0;
  const field = (width: number, dflt: number): number => {
    if (width === 0) return dflt;
    let v = 0;
    for (let k = 0; k < width; k++) v = v * 256 + data[p++]!;
    return v;
  };
  for (let i = 0; i < index.length; i += 2) {
    for (let n = index[i]!; n < index[i]! + index[i + 1]!; n++) {
      const t = field(w[0]!, 1);
      const f2 = field(w[1]!, 0);
      const f3 = field(w[2]!, 0);
      if (t === 1) used.set(n, { type: 1, offset: f2, gen: f3, stream: 0, index: 0 });
      else if (t === 2) used.set(n, { type: 2, offset: 0, gen: 0, stream: f2, index: f3 });
      else if (t === 0) free.set(n, { type: 0, offset: 0, gen: f3, stream: 0, index: 0 });
    }
  }
  const section: XrefSection = {
    kind: 'stream',
    offset,
    end: obj.stream.dataOffset + length.v,
    trailer: dict,
    trailerBuf: obj.buf,
  };
  const first = firstObjectOf(used);
  if (first !== undefined) section.firstObject = first;
  return { section, used, free };
}
