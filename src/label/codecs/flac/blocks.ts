import { HeguiError, malformed, truncated } from '../../../errors.ts';
import { startsWith, u24be } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';

export const FLAC_MAGIC = [0x66, 0x4c, 0x61, 0x43] as const; // "fLaC"
/** Metadata block types (FLAC format §8.1 / RFC 9639 §8). */
export const STREAMINFO = 0;
export const PADDING = 1;
export const VORBIS_COMMENT = 4;
const INVALID_TYPE = 127;
/** A block length is 24 bits. */
export const MAX_BLOCK_LENGTH = 0xffffff;
/** Real files have a handful of blocks (a few pictures at most); the bound stops a hostile chain of empty blocks. */
export const MAX_BLOCKS = 1024;

export interface FlacBlock {
  type: number;
  /** Offset of the 4-byte block header. */
  offset: number;
  /** Length of the block data. */
  length: number;
  last: boolean;
}

export const blockDataOffset = (b: FlacBlock): number => b.offset + 4;

export interface FlacWalk {
  /** Offset of "fLaC" (after any ID3v2 tag). */
  start: number;
  blocks: FlacBlock[];
  /** Offset of the first audio frame (after the last metadata block). */
  audio: number;
  /** Set when the walk stopped early (lenient mode only). */
  error?: HeguiError;
}

/**
 * Walk the metadata blocks after "fLaC" at `start`, headers only. Strict mode throws on the first problem; lenient
 * mode returns the blocks walked and the error.
 */
export async function walkFlac(src: ByteSource, start: number, strict: boolean): Promise<FlacWalk> {
  if (start + 4 > src.size || !startsWith(await src.read(start, 4), FLAC_MAGIC)) {
    throw new HeguiError('malformed', 'no fLaC signature', { offset: start });
  }
  const blocks: FlacBlock[] = [];
  let pos = start + 4;
  try {
    for (;;) {
      if (blocks.length >= MAX_BLOCKS) {
        throw new HeguiError('oversize', `the FLAC file has more than ${MAX_BLOCKS} metadata blocks`, {
          limit: MAX_BLOCKS,
        });
      }
      const h = await src.read(pos, 4);
      const type = h[0]! & 0x7f;
      const length = u24be(h, 1);
      if (type === INVALID_TYPE) throw malformed('FLAC metadata block type 127 is invalid', pos);
      if (blocks.length === 0 && (type !== STREAMINFO || length !== 34)) {
        throw malformed('the first FLAC metadata block is not a 34-byte STREAMINFO', pos);
      }
      if (pos + 4 + length > src.size) throw truncated('a FLAC metadata block', pos, length + 4);
      const last = (h[0]! & 0x80) !== 0;
      blocks.push({ type, offset: pos, length, last });
      pos += 4 + length;
      if (last) break;
    }
  } catch (e) {
    if (strict || !(e instanceof HeguiError)) throw e;
    return { start, blocks, audio: pos, error: e };
  }
  return { start, blocks, audio: pos };
}

export function blockHeader(type: number, length: number, last: boolean): Uint8Array {
  if (length > MAX_BLOCK_LENGTH)
    throw new HeguiError('oversize', `a FLAC metadata block of ${length} bytes`, { limit: MAX_BLOCK_LENGTH });
  return Uint8Array.of((last ? 0x80 : 0) | type, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}
