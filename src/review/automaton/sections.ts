/**
 * A byte container for typed arrays: magic, a JSON header (names, types, offsets), then each array 8-byte aligned.
 * Loading takes views on the bytes (or one copy when the buffer is misaligned): no parsing per element, so a compiled
 * library loads in milliseconds. Little-endian, as every platform Node runs on.
 */
import { HeguiError, malformed, truncated } from '../../errors.ts';

export type Section = Int32Array | Uint32Array | Uint16Array | Uint8Array;
type Kind = 'i32' | 'u32' | 'u16' | 'u8';

const CTOR = { i32: Int32Array, u32: Uint32Array, u16: Uint16Array, u8: Uint8Array } as const;
const kindOf = (a: Section): Kind =>
  a instanceof Int32Array ? 'i32' : a instanceof Uint32Array ? 'u32' : a instanceof Uint16Array ? 'u16' : 'u8';

interface SectionInfo {
  name: string;
  kind: Kind;
  offset: number;
  length: number;
}

const MAX_HEADER = 16 * 1024 * 1024;

export function packSections(magic: string, header: unknown, sections: Record<string, Section>): Uint8Array {
  if (magic.length !== 4) throw new RangeError('magic must be 4 ASCII characters');
  const infos: SectionInfo[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(sections)) {
    infos.push({ name, kind: kindOf(a), offset, length: a.length });
    offset += (a.byteLength + 7) & ~7;
  }
  const head = new TextEncoder().encode(JSON.stringify({ header, sections: infos }));
  const base = (12 + head.length + 7) & ~7;
  const out = new Uint8Array(base + offset);
  out.set(new TextEncoder().encode(magic), 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, head.length, true);
  out.set(head, 12);
  for (const info of infos) {
    const a = sections[info.name]!;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), base + info.offset);
  }
  return out;
}

export function unpackSections(
  magic: string,
  bytes: Uint8Array,
): { header: unknown; sections: Record<string, Section> } {
  if (bytes.length < 12) throw truncated('compiled library header', 0, 12);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== magic)
    throw new HeguiError('format_unknown', 'not a compiled Hegui feature library');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(4, true) !== 1) throw new HeguiError('format_unsupported', 'compiled library format version');
  const headLen = dv.getUint32(8, true);
  if (headLen > MAX_HEADER || 12 + headLen > bytes.length) throw truncated('compiled library header', 12, headLen);
  let parsed: { header: unknown; sections: SectionInfo[] };
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headLen)));
  } catch {
    throw malformed('compiled library header is not JSON', 12);
  }
  const base = (12 + headLen + 7) & ~7;
  const sections: Record<string, Section> = {};
  for (const info of parsed.sections) {
    const C = CTOR[info.kind];
    if (!C || !Number.isInteger(info.offset) || !Number.isInteger(info.length) || info.length < 0)
      throw malformed('compiled library section table');
    const start = base + info.offset;
    const byteLen = info.length * C.BYTES_PER_ELEMENT;
    if (start + byteLen > bytes.length) throw truncated(`section ${info.name}`, start, byteLen);
    const abs = bytes.byteOffset + start;
    sections[info.name] =
      abs % C.BYTES_PER_ELEMENT === 0
        ? new C(bytes.buffer as ArrayBuffer, abs, info.length)
        : new C(bytes.slice(start, start + byteLen).buffer, 0, info.length);
  }
  return { header: parsed.header, sections };
}

/** Strings stored as one UTF-8 blob plus UTF-16 offsets; decoded once, sliced on demand. */
export class StringPool {
  private readonly all: string;
  private readonly offsets: Uint32Array;
  constructor(all: string, offsets: Uint32Array) {
    this.all = all;
    this.offsets = offsets;
  }
  static of(strings: readonly string[]): StringPool {
    const offsets = new Uint32Array(strings.length + 1);
    let n = 0;
    strings.forEach((s, i) => {
      n += s.length;
      offsets[i + 1] = n;
    });
    return new StringPool(strings.join(''), offsets);
  }
  static load(blob: Uint8Array, offsets: Uint32Array): StringPool {
    const all = new TextDecoder().decode(blob);
    if (all.length !== offsets[offsets.length - 1]) throw malformed('compiled library string table');
    return new StringPool(all, offsets);
  }
  encode(): { blob: Uint8Array; offsets: Uint32Array } {
    return { blob: new TextEncoder().encode(this.all), offsets: this.offsets };
  }
  get size(): number {
    return this.offsets.length - 1;
  }
  isEmpty(i: number): boolean {
    return this.offsets[i] === this.offsets[i + 1];
  }
  get(i: number): string {
    return this.all.slice(this.offsets[i], this.offsets[i + 1]);
  }
  /** Length of string i in UTF-16 units. */
  lengthOf(i: number): number {
    return this.offsets[i + 1]! - this.offsets[i]!;
  }
  /** `get(i).charCodeAt(k)` without cutting the string out. */
  codeAt(i: number, k: number): number {
    return this.all.charCodeAt(this.offsets[i]! + k);
  }
}
