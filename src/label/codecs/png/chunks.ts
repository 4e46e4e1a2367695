import { crc32 } from 'node:zlib';
import { HeguiError, truncated } from '../../../errors.ts';
import { ascii, asciiBytes, put32be, startsWith, u32be } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
/** PNG spec §5.3: a chunk length is at most 2^31 − 1. */
const MAX_CHUNK_LENGTH = 0x7fffffff;
/** No real PNG has this many chunks; a bound keeps a hostile file from spinning the walker. */
const MAX_CHUNKS = 10_000_000;

export interface PngChunk {
  type: string;
  /** Offset of the chunk's length field. */
  offset: number;
  /** Length of the data (not counting length, type and CRC). */
  length: number;
}

export const chunkDataOffset = (c: PngChunk): number => c.offset + 8;
export const chunkTotalLength = (c: PngChunk): number => c.length + 12;

export interface PngWalk {
  chunks: PngChunk[];
  /** Bytes after IEND, if any. */
  trailing: number;
  /** Set when the walk stopped at a structural error (lenient mode only). */
  error?: HeguiError;
}

/**
 * Walk the chunk list without reading chunk data. Strict mode throws on the first problem (writers);
 * lenient mode returns what it found and the error (readers still report labels before a truncation).
 */
export async function walkPng(src: ByteSource, strict: boolean): Promise<PngWalk> {
  if (!startsWith(src.head, PNG_SIGNATURE)) throw new HeguiError('malformed', 'not a PNG signature');
  const chunks: PngChunk[] = [];
  let pos = PNG_SIGNATURE.length;
  try {
    while (pos < src.size) {
      if (chunks.length >= MAX_CHUNKS)
        throw new HeguiError('oversize', 'the PNG has too many chunks', { limit: MAX_CHUNKS });
      const h = await src.read(pos, 8);
      const length = u32be(h, 0);
      const type = ascii(h, 4, 4);
      if (length > MAX_CHUNK_LENGTH)
        throw new HeguiError('malformed', `PNG chunk length ${length} exceeds 2^31-1`, { offset: pos });
      if (!/^[A-Za-z]{4}$/.test(type))
        throw new HeguiError('malformed', 'PNG chunk type is not four letters', { offset: pos });
      if (pos + 12 + length > src.size) throw truncated(`PNG chunk ${type}`, pos, length + 12);
      chunks.push({ type, offset: pos, length });
      pos += 12 + length;
      if (type === 'IEND') break;
    }
    if (chunks.at(-1)?.type !== 'IEND') throw truncated('the PNG (no IEND chunk)', pos);
  } catch (e) {
    if (strict || !(e instanceof HeguiError)) throw e;
    return { chunks, trailing: 0, error: e };
  }
  return { chunks, trailing: src.size - pos };
}

export async function readChunkData(src: ByteSource, c: PngChunk): Promise<Uint8Array> {
  return src.read(chunkDataOffset(c), c.length);
}

export async function chunkCrcOk(src: ByteSource, c: PngChunk, data: Uint8Array): Promise<boolean> {
  const stored = u32be(await src.read(c.offset + 8 + c.length, 4), 0);
  return crc32(data, crc32(asciiBytes(c.type))) === stored;
}

export function buildChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  put32be(out, 0, data.length);
  out.set(asciiBytes(type), 4);
  out.set(data, 8);
  put32be(out, 8 + data.length, crc32(data, crc32(asciiBytes(type))));
  return out;
}
