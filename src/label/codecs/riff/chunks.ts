import { HeguiError, malformed, oversize, truncated } from '../../../errors.ts';
import { ascii, asciiBytes, put32le, u32le } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';

/**
 * The RIFF chunk walker shared by WebP, WAV and AVI (Microsoft/IBM "Multimedia Programming Interface and Data
 * Specifications 1.0", RIFF; EBU Tech 3306 / ITU-R BS.2088 for RF64 and BW64). It reads chunk headers only, never
 * chunk data, so a multi-gigabyte `data` or `movi` costs one header read.
 */

export type RiffForm = 'RIFF' | 'RF64' | 'BW64';
export const RIFF_FORMS: readonly RiffForm[] = ['RIFF', 'RF64', 'BW64'];
/** A 32-bit size field of all ones means "see ds64" in RF64 / BW64. */
export const U32_MAX = 0xffffffff;
/** LIST nesting deeper than this is not met in real files (AVI goes hdrl → strl → chunk: depth 2). */
export const MAX_LIST_DEPTH = 8;
/** No real file has this many chunks outside `movi`; the bound keeps a hostile file from spinning the walker. */
const MAX_CHUNKS = 1_000_000;
/** ds64 table entries are a handful at most. */
const MAX_DS64_TABLE = 1024;

export interface RiffChunk {
  /** Four-character code: `fmt `, `data`, `LIST`, `VP8X`. */
  id: string;
  /** Offset of the chunk header. */
  offset: number;
  /** Length of the data (for RF64 chunks sized all-ones, the ds64 value). */
  size: number;
  /** Bytes from the header to the next chunk: 8 + size + the pad byte of an odd size when present. */
  total: number;
  /** False when an odd-sized chunk ends its container without the pad byte (a common writer bug, tolerated). */
  padded: boolean;
  /** The form type of a LIST (`INFO`, `hdrl`, `movi`). */
  listType?: string;
  /** The LIST's children, when the walker descended into it. */
  children?: RiffChunk[];
}

export const chunkData = (c: RiffChunk): number => c.offset + 8;
export const chunkEnd = (c: RiffChunk): number => c.offset + c.total;

export interface RiffWalk {
  form: RiffForm;
  /** `WEBP`, `WAVE`, `AVI `. */
  formType: string;
  /** The RIFF's end as declared (8 + size), which may lie past the end of a truncated file. */
  end: number;
  chunks: RiffChunk[];
  /** Bytes after the declared RIFF end (an AVIX continuation, an appended tag, or garbage). */
  trailing: number;
  /** Set when a lenient walk stopped at (or skipped) a structural error. */
  error?: HeguiError;
}

export interface RiffWalkOptions {
  /** Strict walks throw on the first problem (writers); lenient ones record it and keep what they found (readers). */
  strict: boolean;
  /** Whether to walk into a LIST of this form type. Media lists (`movi`) should not be walked. */
  descend?: (listType: string) => boolean;
}

interface WalkState {
  src: ByteSource;
  opts: RiffWalkOptions;
  count: number;
  error?: HeguiError;
  /** RF64: the real 64-bit sizes of chunks whose 32-bit size is all ones, by chunk id. */
  ds64: Map<string, number[]>;
}

const FOURCC = /^[\x20-\x7e]{4}$/;

export function isRiffForm(s: string): s is RiffForm {
  return (RIFF_FORMS as readonly string[]).includes(s);
}

/** A little-endian 64-bit size; anything past 2^53 is hostile here. */
function u64size(b: Uint8Array, o: number): number {
  const lo = u32le(b, o);
  const hi = u32le(b, o + 4);
  if (hi >= 0x200000) throw oversize('an RF64 size field', hi * 0x100000000 + lo, Number.MAX_SAFE_INTEGER);
  return hi * 0x100000000 + lo;
}

/** RF64 / BW64: the `ds64` chunk first after the header gives the RIFF, data and other large chunk sizes. */
async function readDs64(src: ByteSource, ds64: Map<string, number[]>): Promise<number> {
  const h = await src.read(12, 8);
  if (ascii(h, 0, 4) !== 'ds64') throw malformed('an RF64 file does not start with a ds64 chunk', 12);
  const size = u32le(h, 4);
  if (size < 28) throw malformed('the ds64 chunk is too short', 12);
  if (size > 28 + 12 * MAX_DS64_TABLE) throw oversize('the ds64 chunk', size, 28 + 12 * MAX_DS64_TABLE);
  const d = await src.read(20, size);
  const riffSize = u64size(d, 0);
  ds64.set('data', [u64size(d, 8)]);
  const entries = u32le(d, 24);
  if (entries > MAX_DS64_TABLE || 28 + 12 * entries > size)
    throw malformed('the ds64 table does not fit its chunk', 12);
  for (let i = 0; i < entries; i++) {
    const id = ascii(d, 28 + 12 * i, 4);
    const list = ds64.get(id) ?? [];
    list.push(u64size(d, 32 + 12 * i));
    ds64.set(id, list);
  }
  return riffSize;
}

async function walkList(st: WalkState, start: number, end: number, depth: number): Promise<RiffChunk[]> {
  const { src, opts } = st;
  const out: RiffChunk[] = [];
  let pos = start;
  try {
    while (pos < end) {
      if (++st.count > MAX_CHUNKS) throw oversize('the RIFF chunk count', st.count, MAX_CHUNKS);
      if (end - pos < 8) {
        if (end > src.size) throw truncated('a RIFF chunk header', pos, 8);
        throw malformed(`${end - pos} stray bytes at the end of a RIFF list`, pos);
      }
      const h = await src.read(pos, 8);
      const id = ascii(h, 0, 4);
      if (!FOURCC.test(id)) throw malformed('a RIFF chunk id is not four printable characters', pos);
      let size = u32le(h, 4);
      if (size === U32_MAX && st.ds64.get(id)?.length) size = st.ds64.get(id)!.shift()!;
      const dataEnd = pos + 8 + size;
      if (dataEnd > end) {
        if (dataEnd > src.size) throw truncated(`RIFF chunk ${id.trim()}`, pos, 8 + size);
        throw malformed(`RIFF chunk ${id.trim()} runs past the end of its list`, pos);
      }
      const padded = size % 2 === 0 || dataEnd < end;
      const chunk: RiffChunk = { id, offset: pos, size, total: 8 + size + (size % 2 === 1 && padded ? 1 : 0), padded };
      if (id === 'LIST') {
        if (size < 4) throw malformed('a LIST chunk is shorter than its form type', pos);
        chunk.listType = ascii(await src.read(pos + 8, 4), 0, 4);
        if (opts.descend?.(chunk.listType)) {
          if (depth + 1 > MAX_LIST_DEPTH) throw oversize('the LIST nesting depth', depth + 1, MAX_LIST_DEPTH);
          chunk.children = await walkList(st, pos + 12, dataEnd, depth + 1);
        }
      }
      out.push(chunk);
      pos += chunk.total;
    }
  } catch (e) {
    if (opts.strict || !(e instanceof HeguiError)) throw e;
    st.error ??= e;
  }
  return out;
}

/**
 * Walk a RIFF (or RF64 / BW64) file's chunk tree. LIST chunks are walked into when `descend` says so, up to
 * {@link MAX_LIST_DEPTH}. Every size is checked against its container and the file before it is used.
 */
export async function walkRiff(src: ByteSource, opts: RiffWalkOptions): Promise<RiffWalk> {
  if (src.size < 12) throw truncated('the RIFF header', 0, 12);
  const h = await src.read(0, 12);
  const form = ascii(h, 0, 4);
  if (!isRiffForm(form)) throw new HeguiError('malformed', 'not a RIFF file');
  const formType = ascii(h, 8, 4);
  const st: WalkState = { src, opts, count: 0, ds64: new Map() };
  let size = u32le(h, 4);
  if (form !== 'RIFF') size = await readDs64(src, st.ds64);
  if (size < 4) throw malformed('the RIFF size is smaller than its form type', 4);
  const end = 8 + size;
  if (end > src.size) {
    const e = truncated(`the ${form} (declared ${size} bytes)`, 0, end);
    if (opts.strict) throw e;
    st.error = e;
  }
  const chunks = await walkList(st, 12, end, 0);
  return {
    form,
    formType,
    end,
    chunks,
    trailing: Math.max(0, src.size - end),
    ...(st.error ? { error: st.error } : {}),
  };
}

/** A chunk with its header and pad byte: RIFF requires odd-sized data to be followed by one zero byte. */
export function buildChunk(id: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length + (data.length % 2));
  out.set(asciiBytes(id), 0);
  put32le(out, 4, data.length);
  out.set(data, 8);
  return out;
}

/** A LIST chunk of the given form type holding already-built child chunks. */
export function buildList(listType: string, children: readonly Uint8Array[]): Uint8Array {
  let n = 4;
  for (const c of children) n += c.length;
  const out = new Uint8Array(8 + n);
  out.set(asciiBytes('LIST'), 0);
  put32le(out, 4, n);
  out.set(asciiBytes(listType), 8);
  let p = 12;
  for (const c of children) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** A JUNK chunk (RIFF filler that readers skip) taking exactly `total` bytes, header included. */
export function junkChunk(total: number): Uint8Array {
  if (total < 8) throw new HeguiError('malformed', 'no room for a JUNK chunk');
  const out = new Uint8Array(total);
  out.set(asciiBytes('JUNK'), 0);
  put32le(out, 4, total - 8);
  return out;
}

/** Every chunk of the tree, depth first in file order. */
export function* allChunks(chunks: readonly RiffChunk[]): Generator<RiffChunk> {
  for (const c of chunks) {
    yield c;
    if (c.children) yield* allChunks(c.children);
  }
}
