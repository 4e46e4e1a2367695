import { malformed, oversize } from '../../../errors.ts';
import { asciiBytes, concat, utf8 } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import { decodeXmpBytes, MAX_XMP_BYTES } from '../../xmp/xmp.ts';
import { EXT_APPLICATION, type GifBlock } from './blocks.ts';

/**
 * XMP in GIF (Adobe "XMP Specification Part 3", §1.1.2): an application extension with identifier `XMP Data` and
 * authentication code `XMP`, then the packet bytes as they are (not cut into sub-blocks), then a 258-byte "magic
 * trailer": 0x01, 0xFF, 0xFE … 0x01, 0x00, 0x00. A reader that walks the packet as sub-blocks lands somewhere in the
 * ramp and is carried to its final zero, so the extension ends where the trailer ends.
 */
export const XMP_APP_ID = 'XMP DataXMP';
const HEADER_LENGTH = 14; // 0x21 0xFF 0x0B + 11-byte identifier
export const MAGIC_TRAILER: Uint8Array = (() => {
  const t = new Uint8Array(258);
  t[0] = 0x01;
  for (let i = 0; i < 256; i++) t[1 + i] = 0xff - i;
  return t;
})();

export const isXmpBlock = (b: GifBlock): boolean =>
  b.kind === 'extension' && b.label === EXT_APPLICATION && b.appId === XMP_APP_ID;

export interface DecodedXmp {
  text: string;
  /** False when the extension carried the packet as ordinary sub-blocks instead of raw bytes with the trailer. */
  magicTrailer: boolean;
}

const endsWithTrailer = (d: Uint8Array): boolean => {
  if (d.length < MAGIC_TRAILER.length) return false;
  const at = d.length - MAGIC_TRAILER.length;
  for (let i = 0; i < MAGIC_TRAILER.length; i++) if (d[at + i] !== MAGIC_TRAILER[i]) return false;
  return true;
};

/** Concatenated sub-block payloads, for writers that stored the packet like any other application data. */
function joinSubBlocks(d: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let p = 0;
  while (p < d.length && d[p] !== 0) {
    parts.push(d.subarray(p + 1, p + 1 + d[p]!));
    p += 1 + d[p]!;
  }
  return concat(parts);
}

/** The packet of an XMP application extension (the block's own length was already checked by the walker). */
export async function decodeXmpBlock(src: ByteSource, block: GifBlock): Promise<DecodedXmp> {
  const length = block.length - HEADER_LENGTH;
  if (length > MAX_XMP_BYTES + MAGIC_TRAILER.length) throw oversize('the GIF XMP extension', length, MAX_XMP_BYTES);
  const d = await src.read(block.offset + HEADER_LENGTH, length);
  if (endsWithTrailer(d))
    return { text: decodeXmpBytes(d.subarray(0, d.length - MAGIC_TRAILER.length)), magicTrailer: true };
  return { text: decodeXmpBytes(joinSubBlocks(d)), magicTrailer: false };
}

/** A complete XMP application extension holding the packet. */
export function buildXmpBlock(packet: string): Uint8Array {
  const bytes = utf8.encode(packet);
  // A zero byte would end the extension early for every GIF reader; UTF-8 XMP never needs one.
  if (bytes.includes(0)) throw malformed('the XMP packet contains a NUL character and cannot be stored in a GIF');
  return concat([Uint8Array.of(0x21, EXT_APPLICATION, 11), asciiBytes(XMP_APP_ID), bytes, MAGIC_TRAILER]);
}
