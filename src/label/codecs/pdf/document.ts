import { isHeguiError, malformed, truncated } from '../../../errors.ts';
import type { ByteSource } from '../../io/source.ts';
import { decodeStream } from './filters.ts';
import { dictGet, MAX_ITEMS, PdfLexer, type PdfValue } from './lexer.ts';
import { type IndirectObject, parseInStream, readIndirectAt } from './objects.ts';
import { loadXref, type XrefIndex, type XrefSection } from './xref.ts';

/** A decoded object stream is at most this large (real ones hold a few hundred small objects). */
const MAX_OBJECT_STREAM = 32 * 1024 * 1024;
/** Reference chains (`1 0 R` naming an object that is itself a reference) and object-stream lookups nest this deep. */
const MAX_RESOLVE_DEPTH = 8;
const OBJECT_STREAM_CACHE = 8;

interface ObjectStream {
  obj: IndirectObject;
  buf: Uint8Array;
  first: number;
  offsets: Map<number, number>;
}

/** A PDF opened through its cross-reference sections: objects by number, resolved references, stream data. */
export class PdfDocument {
  private readonly objectStreams = new Map<number, ObjectStream>();

  private constructor(
    readonly src: ByteSource,
    readonly xref: XrefIndex,
  ) {}

  static async open(src: ByteSource): Promise<PdfDocument> {
    return new PdfDocument(src, await loadXref(src));
  }

  /** A trailer key from the newest section that has it (§7.5.6: an update's trailer repeats the keys it keeps). */
  trailerValue(key: string): { value: PdfValue; section: XrefSection } | undefined {
    for (const section of this.xref.sections) {
      const value = dictGet(section.trailer, key);
      if (value) return { value, section };
    }
    return undefined;
  }

  get encrypted(): boolean {
    return this.trailerValue('Encrypt') !== undefined;
  }

  get newest(): XrefSection {
    return this.xref.sections[0]!;
  }

  /** The current version of object `num`, or undefined when it is free or absent (a null reference, §7.3.10). */
  async object(num: number, depth = 0): Promise<IndirectObject | undefined> {
    const e = this.xref.entries.get(num);
    if (!e || e.type === 0) return undefined;
    if (e.type === 1) {
      const o = await readIndirectAt(this.src, e.offset);
      if (o.num !== num)
        throw malformed(`the cross-reference entry of object ${num} points at another object`, e.offset);
      return o;
    }
    const stm = await this.objectStream(e.stream, depth);
    const at = stm.offsets.get(num);
    if (at === undefined) throw malformed(`object ${num} is not in its object stream`, stm.obj.offset);
    return parseInStream(stm.buf, stm.first + at, num, stm.obj);
  }

  /** Follow references to a direct value; a reference to nothing is null. */
  async resolve(v: PdfValue | undefined, depth = 0): Promise<PdfValue | undefined> {
    let cur = v;
    for (let d = depth; cur?.t === 'ref'; d++) {
      if (d > MAX_RESOLVE_DEPTH) throw malformed('a PDF reference chain is too long');
      cur = (await this.object(cur.num, d))?.value;
    }
    return cur;
  }

  async streamLength(o: IndirectObject, depth = 0): Promise<number> {
    if (!o.stream) throw malformed('not a PDF stream', o.offset);
    const len = await this.resolve(o.stream.length, depth + 1);
    if (len?.t !== 'num' || !len.int || len.v < 0) throw malformed('a PDF stream has no valid /Length', o.offset);
    if (o.stream.dataOffset + len.v > this.src.size) throw truncated('a PDF stream', o.stream.dataOffset, len.v);
    return len.v;
  }

  /** The stream's data with its filters undone, at most `max` bytes. */
  async streamData(o: IndirectObject, max: number, what: string, depth = 0): Promise<Uint8Array> {
    const len = await this.streamLength(o, depth);
    const raw = await this.src.read(o.stream!.dataOffset, len);
    if (o.value.t !== 'dict') throw malformed('a PDF stream without a dictionary', o.offset);
    return decodeStream(o.value, raw, max, what);
  }

  private async objectStream(num: number, depth: number): Promise<ObjectStream> {
    const cached = this.objectStreams.get(num);
    if (cached) return cached;
    if (depth > MAX_RESOLVE_DEPTH) throw malformed('PDF object streams refer to each other too deeply');
    const e = this.xref.entries.get(num);
    // §7.5.7: an object stream is itself never compressed.
    if (e?.type !== 1) throw malformed(`object stream ${num} is not an uncompressed object`);
    const obj = await this.object(num, depth + 1);
    const d = obj?.value;
    if (!obj?.stream || d?.t !== 'dict') throw malformed(`object ${num} is not an object stream`, e.offset);
    const n = dictGet(d, 'N');
    const first = dictGet(d, 'First');
    if (n?.t !== 'num' || !n.int || n.v < 0 || n.v > MAX_ITEMS || first?.t !== 'num' || !first.int || first.v < 0) {
      throw malformed('an object stream has an invalid /N or /First', e.offset);
    }
    const buf = await this.streamData(obj, MAX_OBJECT_STREAM, 'an object stream', depth + 1);
    if (first.v > buf.length) throw malformed('an object stream /First lies past its data', e.offset);
    const lx = new PdfLexer(buf.subarray(0, first.v), 0, true);
    const offsets = new Map<number, number>();
    for (let i = 0; i < n.v; i++) {
      const objNum = lx.tryInt();
      const at = lx.tryInt();
      if (objNum === undefined || at === undefined) throw malformed('an object stream header is invalid', e.offset);
      offsets.set(objNum, at);
    }
    const stm = { obj, buf, first: first.v, offsets };
    if (this.objectStreams.size >= OBJECT_STREAM_CACHE) {
      this.objectStreams.delete(this.objectStreams.keys().next().value!);
    }
    this.objectStreams.set(num, stm);
    return stm;
  }

  /**
   * Whether a file offset lies inside an object or trailer this document's cross-reference sections know (current
   * or superseded): such bytes are structure, read through the objects, not stray text.
   */
  async isInsideKnownStructure(offset: number): Promise<boolean> {
    for (const s of this.xref.sections) if (s.kind === 'table' && offset >= s.offset && offset < s.end) return true;
    const starts = this.xref.objectStarts;
    let lo = 0;
    let hi = starts.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= offset) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best < 0) return false;
    try {
      const o = await readIndirectAt(this.src, starts[best]!);
      const end = o.stream ? o.stream.dataOffset + (await this.streamLength(o)) : o.end!;
      return offset < end;
    } catch (e) {
      if (!isHeguiError(e)) throw e;
      return false;
    }
  }
}

/** A part of the file that could not be read, as a warning named by the error's code (read is lenient). */
export function asWarning(e: unknown, part: string): { code: string; message: string; offset?: number } {
  if (!isHeguiError(e)) throw e;
  const offset = e.details.offset;
  return { code: e.code, message: `${part}: ${e.message}`, ...(typeof offset === 'number' ? { offset } : {}) };
}
