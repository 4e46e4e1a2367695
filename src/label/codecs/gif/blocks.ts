import { HeguiError, malformed, oversize, truncated } from '../../../errors.ts';
import { ascii, startsWith } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';

/**
 * The GIF block walker (CompuServe "Graphics Interchange Format Version 89a"): header, logical screen descriptor,
 * global colour table, then extensions (0x21), image descriptors (0x2C) and the trailer (0x3B). Extension and image
 * data are chains of sub-blocks (a length byte, then that many bytes, ended by a zero length).
 */

export const GIF87A = [0x47, 0x49, 0x46, 0x38, 0x37, 0x61] as const;
export const GIF89A = [0x47, 0x49, 0x46, 0x38, 0x39, 0x61] as const;
const SCREEN_DESCRIPTOR_END = 13;
/** More blocks than this is not a real GIF; the bound keeps a hostile file from spinning the walker. */
const MAX_BLOCKS = 10_000_000;
/** Sub-block chains are read through a window, not a read per length byte. */
const WINDOW = 64 * 1024;

export const EXT_GRAPHIC_CONTROL = 0xf9;
export const EXT_COMMENT = 0xfe;
export const EXT_APPLICATION = 0xff;

export interface GifBlock {
  kind: 'extension' | 'image' | 'trailer';
  /** Offset of the introducer byte. */
  offset: number;
  /** Bytes of the whole block, up to and including the terminating zero-length sub-block. */
  length: number;
  /** Extension label (0xF9 graphic control, 0xFE comment, 0xFF application, 0x01 plain text). */
  label?: number;
  /** Application extensions: identifier and authentication code (11 bytes), e.g. `NETSCAPE2.0`, `XMP DataXMP`. */
  appId?: string;
}

export const blockEnd = (b: GifBlock): number => b.offset + b.length;

export interface GifWalk {
  /** End of the logical screen descriptor and global colour table: where the blocks start. */
  screenEnd: number;
  blocks: GifBlock[];
  /** Bytes after the trailer. */
  trailing: number;
  /** Set when a lenient walk stopped at a structural error. */
  error?: HeguiError;
}

export const isGif = (b: Uint8Array): boolean => startsWith(b, GIF87A) || startsWith(b, GIF89A);

/** A byte reader over a sliding window of the source. */
class Cursor {
  private buf: Uint8Array = new Uint8Array(0);
  private at = 0;
  constructor(private readonly src: ByteSource) {}

  async byte(pos: number, what: string): Promise<number> {
    if (pos < this.at || pos >= this.at + this.buf.length) {
      if (pos >= this.src.size) throw truncated(what, pos, 1);
      this.buf = await this.src.read(pos, Math.min(WINDOW, this.src.size - pos));
      this.at = pos;
    }
    return this.buf[pos - this.at]!;
  }
}

/** The offset just after a sub-block chain's zero terminator. */
async function skipSubBlocks(cur: Cursor, pos: number): Promise<number> {
  let p = pos;
  for (;;) {
    // Each step consumes at least one byte, so the file size bounds the loop.
    const n = await cur.byte(p, 'a GIF sub-block chain');
    p += 1 + n;
    if (n === 0) return p;
  }
}

const colourTableBytes = (packed: number): number => (packed & 0x80 ? 3 << ((packed & 7) + 1) : 0);

async function walkBlock(src: ByteSource, cur: Cursor, pos: number): Promise<GifBlock> {
  const intro = await cur.byte(pos, 'a GIF block');
  if (intro === 0x3b) return { kind: 'trailer', offset: pos, length: 1 };
  if (intro === 0x21) {
    const label = await cur.byte(pos + 1, 'a GIF extension label');
    const block: GifBlock = { kind: 'extension', offset: pos, length: 0, label };
    if (label === EXT_APPLICATION && (await cur.byte(pos + 2, 'a GIF application extension')) === 11) {
      if (pos + 14 > src.size) throw truncated('a GIF application identifier', pos, 14);
      block.appId = ascii(await src.read(pos + 3, 11), 0, 11);
    }
    block.length = (await skipSubBlocks(cur, pos + 2)) - pos;
    return block;
  }
  if (intro === 0x2c) {
    if (pos + 10 > src.size) throw truncated('a GIF image descriptor', pos, 10);
    const packed = await cur.byte(pos + 9, 'a GIF image descriptor');
    const lzw = pos + 10 + colourTableBytes(packed);
    const minCodeSize = await cur.byte(lzw, 'a GIF local colour table or LZW code size');
    if (minCodeSize < 1 || minCodeSize > 11) throw malformed('a GIF image has an invalid LZW code size', lzw);
    return { kind: 'image', offset: pos, length: (await skipSubBlocks(cur, lzw + 1)) - pos };
  }
  throw malformed('an unknown GIF block introducer', pos);
}

/** Walk every block to the trailer. Strict walks throw on the first problem; lenient ones keep what they found. */
export async function walkGif(src: ByteSource, strict: boolean): Promise<GifWalk> {
  if (src.size < SCREEN_DESCRIPTOR_END) throw truncated('the GIF header', 0, SCREEN_DESCRIPTOR_END);
  const h = await src.read(0, SCREEN_DESCRIPTOR_END);
  if (!isGif(h)) throw new HeguiError('malformed', 'not a GIF signature');
  const screenEnd = SCREEN_DESCRIPTOR_END + colourTableBytes(h[10]!);
  const cur = new Cursor(src);
  const blocks: GifBlock[] = [];
  let pos = screenEnd;
  try {
    if (screenEnd > src.size)
      throw truncated('the GIF global colour table', SCREEN_DESCRIPTOR_END, screenEnd - SCREEN_DESCRIPTOR_END);
    for (;;) {
      if (blocks.length >= MAX_BLOCKS) throw oversize('the GIF block count', blocks.length, MAX_BLOCKS);
      if (pos >= src.size) throw truncated('the GIF (no trailer)', pos);
      const block = await walkBlock(src, cur, pos);
      blocks.push(block);
      pos = blockEnd(block);
      if (block.kind === 'trailer') break;
    }
  } catch (e) {
    if (strict || !(e instanceof HeguiError)) throw e;
    return { screenEnd, blocks, trailing: 0, error: e };
  }
  return { screenEnd, blocks, trailing: src.size - pos };
}
