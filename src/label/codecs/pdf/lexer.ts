import { HeguiError, malformed, truncated } from '../../../errors.ts';

/**
 * A bounded PDF object parser (ISO 32000-1 §7.3): dictionaries, arrays, strings, names, numbers, booleans, null and
 * indirect references. Enough to walk cross-reference sections, trailers and a handful of dictionaries; no content
 * streams. Every value records where it sits in the parsed buffer, so dictionary entries can be copied byte for byte.
 */

/** Dictionaries and arrays nest no deeper than this (real files stay under 10). */
export const MAX_DEPTH = 32;
/** Entries of one dictionary or array. */
export const MAX_ITEMS = 100_000;
/** Bytes of one string (Info values and XMP references are small; a label is at most 64 KiB). */
export const MAX_STRING = 1024 * 1024;
/** Object numbers above this are refused (ISO 32000-1 Annex C: 8,388,607 indirect objects). */
export const MAX_OBJECT_NUMBER = 8_388_607;
const MAX_NAME = 1024;
const MAX_NUMBER = 64;

interface Base {
  /** Position of the value's first and one-past-last byte in the parsed buffer. */
  start: number;
  end: number;
}

export interface DictEntry {
  key: string;
  /** Where the key's `/` is, so `buf[keyStart, value.end)` is the entry as written. */
  keyStart: number;
  value: PdfValue;
}

export type PdfValue = Base &
  (
    | { t: 'null' }
    | { t: 'bool'; v: boolean }
    | { t: 'num'; v: number; int: boolean }
    | { t: 'str'; bytes: Uint8Array }
    | { t: 'name'; v: string }
    | { t: 'array'; items: PdfValue[] }
    | { t: 'dict'; entries: DictEntry[] }
    | { t: 'ref'; num: number; gen: number }
  );

export type PdfDict = Extract<PdfValue, { t: 'dict' }>;
export type PdfRef = Extract<PdfValue, { t: 'ref' }>;

/** Thrown when a window of the file ends before the value does and the file goes on: read a larger window. */
export class NeedMore extends Error {}

const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
export const isWs = (c: number | undefined): boolean => c !== undefined && WS.has(c);
const isRegular = (c: number | undefined): boolean => c !== undefined && !WS.has(c) && !DELIM.has(c);
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

export function dictGet(d: PdfDict, key: string): PdfValue | undefined {
  for (let i = d.entries.length - 1; i >= 0; i--) if (d.entries[i]!.key === key) return d.entries[i]!.value;
  return undefined;
}

export function checkObjectNumber(n: number, at: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw malformed('an invalid object number', at);
  if (n > MAX_OBJECT_NUMBER) {
    throw new HeguiError('oversize', `object number ${n} is over the limit of ${MAX_OBJECT_NUMBER}`, {
      size: n,
      limit: MAX_OBJECT_NUMBER,
    });
  }
}

export class PdfLexer {
  pos: number;

  /**
   * @param buf bytes to parse
   * @param base file offset of buf[0], for error messages
   * @param atEof true when buf reaches the end of the data (running off it is then `truncated`, else {@link NeedMore})
   */
  constructor(
    readonly buf: Uint8Array,
    readonly base: number,
    readonly atEof: boolean,
    pos = 0,
  ) {
    this.pos = pos;
  }

  private end(what: string): never {
    if (!this.atEof) throw new NeedMore();
    throw truncated(what, this.base + this.pos);
  }

  peek(): number | undefined {
    return this.buf[this.pos];
  }

  skipWs(): void {
    const b = this.buf;
    for (;;) {
      while (this.pos < b.length && WS.has(b[this.pos]!)) this.pos++;
      if (b[this.pos] !== 0x25) break;
      while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
    }
    if (this.pos >= b.length && !this.atEof) throw new NeedMore();
  }

  /** A bare keyword or number token (regular characters), or '' at a delimiter. */
  token(): string {
    this.skipWs();
    const start = this.pos;
    while (this.pos < this.buf.length && isRegular(this.buf[this.pos])) {
      if (this.pos - start > MAX_NUMBER + MAX_NAME) throw malformed('an overlong PDF token', this.base + start);
      this.pos++;
    }
    if (this.pos >= this.buf.length && !this.atEof) throw new NeedMore();
    return String.fromCharCode(...this.buf.subarray(start, this.pos));
  }

  expectKeyword(word: string): void {
    const at = this.pos;
    if (this.token() !== word) throw malformed(`expected "${word}"`, this.base + at);
  }

  /** A non-negative integer token, or undefined (position restored) when the next token is not one. */
  tryInt(): number | undefined {
    const save = this.pos;
    this.skipWs();
    const start = this.pos;
    while (isDigit(this.buf[this.pos])) this.pos++;
    if (this.pos >= this.buf.length && !this.atEof) throw new NeedMore();
    if (this.pos === start || this.pos - start > 16 || isRegular(this.buf[this.pos])) {
      this.pos = save;
      return undefined;
    }
    return Number(String.fromCharCode(...this.buf.subarray(start, this.pos)));
  }

  value(depth = 0): PdfValue {
    this.skipWs();
    const start = this.pos;
    const c = this.buf[this.pos];
    if (c === undefined) this.end('a PDF object');
    if (c === 0x3c && this.buf[this.pos + 1] === 0x3c) return this.dict(depth);
    if (c === 0x3c) return { t: 'str', bytes: this.hexString(), start, end: this.pos };
    if (c === 0x28) return { t: 'str', bytes: this.literalString(), start, end: this.pos };
    if (c === 0x5b) return this.array(depth);
    if (c === 0x2f) return { t: 'name', v: this.name(), start, end: this.pos };
    if (isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e) return this.numberOrRef();
    if (!isRegular(c)) throw malformed('an unexpected delimiter in a PDF object', this.base + start);
    const word = this.token();
    if (word === 'true' || word === 'false') return { t: 'bool', v: word === 'true', start, end: this.pos };
    if (word === 'null') return { t: 'null', start, end: this.pos };
    throw malformed('an unexpected keyword in a PDF object', this.base + start);
  }

  private nest(depth: number): number {
    if (depth >= MAX_DEPTH) {
      throw new HeguiError('oversize', `PDF objects nest deeper than ${MAX_DEPTH} levels`, {
        offset: this.base + this.pos,
        limit: MAX_DEPTH,
      });
    }
    return depth + 1;
  }

  private dict(depth: number): PdfValue {
    const start = this.pos;
    const inner = this.nest(depth);
    this.pos += 2;
    const entries: DictEntry[] = [];
    for (;;) {
      this.skipWs();
      const c = this.buf[this.pos];
      if (c === undefined) this.end('a PDF dictionary');
      if (c === 0x3e) {
        if (this.buf[this.pos + 1] === undefined) this.end('a PDF dictionary');
        if (this.buf[this.pos + 1] !== 0x3e) throw malformed('a PDF dictionary ends badly', this.base + this.pos);
        this.pos += 2;
        return { t: 'dict', entries, start, end: this.pos };
      }
      if (c !== 0x2f) throw malformed('a PDF dictionary key is not a name', this.base + this.pos);
      if (entries.length >= MAX_ITEMS) throw tooMany(this.base + start);
      const keyStart = this.pos;
      const key = this.name();
      entries.push({ key, keyStart, value: this.value(inner) });
    }
  }

  private array(depth: number): PdfValue {
    const start = this.pos;
    const inner = this.nest(depth);
    this.pos++;
    const items: PdfValue[] = [];
    for (;;) {
      this.skipWs();
      const c = this.buf[this.pos];
      if (c === undefined) this.end('a PDF array');
      if (c === 0x5d) {
        this.pos++;
        return { t: 'array', items, start, end: this.pos };
      }
      if (items.length >= MAX_ITEMS) throw tooMany(this.base + start);
      items.push(this.value(inner));
    }
  }

  private numberOrRef(): PdfValue {
    const start = this.pos;
    const word = this.token();
    if (word.length > MAX_NUMBER || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) {
      throw malformed('an invalid PDF number', this.base + start);
    }
    const int = /^[+-]?\d+$/.test(word);
    const v = Number(word);
    if (/^\d+$/.test(word)) {
      // `n g R`: an indirect reference (§7.3.10).
      const save = this.pos;
      const gen = this.tryInt();
      if (gen !== undefined) {
        const save2 = this.pos;
        this.skipWs();
        if (this.buf[this.pos] === 0x52 && !isRegular(this.buf[this.pos + 1])) {
          if (this.pos + 1 >= this.buf.length && !this.atEof) throw new NeedMore();
          this.pos++;
          checkObjectNumber(v, this.base + start);
          if (gen > 65535) throw malformed('an invalid generation number', this.base + start);
          return { t: 'ref', num: v, gen, start, end: this.pos };
        }
        this.pos = save2;
      }
      this.pos = save;
    }
    return { t: 'num', v, int, start, end: this.pos };
  }

  name(): string {
    const start = this.pos;
    this.pos++; // '/'
    const bytes: number[] = [];
    while (this.pos < this.buf.length && isRegular(this.buf[this.pos])) {
      let c = this.buf[this.pos++]!;
      if (c === 0x23) {
        const hex = String.fromCharCode(this.buf[this.pos] ?? 0, this.buf[this.pos + 1] ?? 0);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw malformed('a bad #xx escape in a PDF name', this.base + start);
        c = Number.parseInt(hex, 16);
        this.pos += 2;
      }
      if (bytes.length >= MAX_NAME) throw malformed('an overlong PDF name', this.base + start);
      bytes.push(c);
    }
    if (this.pos >= this.buf.length && !this.atEof) throw new NeedMore();
    return Buffer.from(bytes).toString('latin1');
  }

  private hexString(): Uint8Array {
    const start = this.pos;
    this.pos++;
    const out: number[] = [];
    let half = -1;
    for (;;) {
      const c = this.buf[this.pos++];
      if (c === undefined) this.end('a PDF hex string');
      if (c === 0x3e) break;
      if (WS.has(c)) continue;
      const d = hexDigit(c);
      if (d < 0) throw malformed('a bad character in a PDF hex string', this.base + this.pos - 1);
      if (half < 0) half = d;
      else {
        out.push((half << 4) | d);
        half = -1;
      }
      if (out.length > MAX_STRING) throw stringTooLong(this.base + start);
    }
    if (half >= 0) out.push(half << 4);
    return Uint8Array.from(out);
  }

  private literalString(): Uint8Array {
    const r = parseLiteralString(this.buf, this.pos, MAX_STRING);
    if (r === undefined) this.end('a PDF string');
    if (r === 'long') throw stringTooLong(this.base + this.pos);
    this.pos = r.end;
    return r.bytes;
  }
}

const hexDigit = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1;

const tooMany = (offset: number): HeguiError =>
  new HeguiError('oversize', `a PDF dictionary or array has more than ${MAX_ITEMS} entries`, { offset });

const stringTooLong = (offset: number): HeguiError =>
  new HeguiError('oversize', `a PDF string is longer than ${MAX_STRING} bytes`, { offset, limit: MAX_STRING });

const ESCAPES: Record<number, number> = { 110: 0x0a, 114: 0x0d, 116: 0x09, 98: 0x08, 102: 0x0c };

/**
 * A literal string starting at `buf[at] === '('` (§7.3.4.2: balanced parentheses, backslash escapes, octal codes,
 * line continuations, end-of-line normalised to LF). Undefined when the buffer ends first, 'long' over `max` bytes.
 */
export function parseLiteralString(
  buf: Uint8Array,
  at: number,
  max: number,
): { bytes: Uint8Array; end: number } | 'long' | undefined {
  const out: number[] = [];
  let depth = 1;
  let p = at + 1;
  while (p < buf.length) {
    let c = buf[p++]!;
    if (c === 0x5c) {
      const e = buf[p++];
      if (e === undefined) return undefined;
      if (e >= 0x30 && e <= 0x37) {
        let v = e - 0x30;
        for (let k = 0; k < 2 && buf[p]! >= 0x30 && buf[p]! <= 0x37; k++) v = v * 8 + buf[p++]! - 0x30;
        c = v & 0xff;
      } else if (e === 0x0d || e === 0x0a) {
        if (e === 0x0d && buf[p] === 0x0a) p++;
        continue;
      } else c = ESCAPES[e] ?? e;
    } else if (c === 0x28) depth++;
    else if (c === 0x29) {
      if (--depth === 0) return { bytes: Uint8Array.from(out), end: p };
    } else if (c === 0x0d) {
      if (buf[p] === 0x0a) p++;
      c = 0x0a;
    }
    if (out.length >= max) return 'long';
    out.push(c);
  }
  return undefined;
}

/** A literal string for `text` bytes, escaping `\`, `(`, `)` and line ends so it survives any reader. */
export function encodeLiteralString(bytes: Uint8Array): Uint8Array {
  const out: number[] = [0x28];
  for (const c of bytes) {
    if (c === 0x5c || c === 0x28 || c === 0x29) out.push(0x5c, c);
    else if (c === 0x0a) out.push(0x5c, 0x6e);
    else if (c === 0x0d) out.push(0x5c, 0x72);
    else out.push(c);
  }
  out.push(0x29);
  return Uint8Array.from(out);
}
