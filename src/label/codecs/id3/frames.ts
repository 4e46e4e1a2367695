import { inflateSync } from 'node:zlib';
import { HeguiError, malformed, oversize } from '../../../errors.ts';
import { ascii, u16be, u24be, u32be } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import { decodeUnsync, fileBody, memoryBody, type TagBody } from './body.ts';
import { FLAG_EXTENDED, FLAG_UNSYNC, ID3_HEADER_SIZE, type Id3Header, syncsafe } from './header.ts';

/** No real tag holds this many frames; the bound keeps a hostile tag from spinning the walker. */
const MAX_FRAMES = 65_536;
/** An unsynchronised v2.2/2.3 tag is decoded in memory; past this size it is refused rather than loaded. */
const MAX_UNSYNC_TAG = 16 * 1024 * 1024;

export interface Id3Frame {
  id: string;
  /** Offset of the frame header in the tag body. */
  offset: number;
  /** 10 bytes (v2.3/2.4) or 6 (v2.2). */
  headerSize: number;
  /** Data size as stored after the frame header. */
  size: number;
  /** Status byte << 8 | format byte (v2.3/2.4); 0 for v2.2. */
  flags: number;
}

export const frameTotal = (f: Id3Frame): number => f.headerSize + f.size;

export interface Id3Tag {
  header: Id3Header;
  body: TagBody;
  /** The body was de-unsynchronised into memory (v2.2/2.3 with the tag unsynchronisation flag). */
  unsyncDecoded: boolean;
  /** Extended header length in the body (0 without one) and whether it carries a CRC over the frames. */
  extLength: number;
  extCrc: boolean;
  frames: Id3Frame[];
  /** Body offset where the frames end and padding begins. */
  framesEnd: number;
  /** ID3v2.4 tag whose frame sizes turned out to be plain 32-bit integers (an old iTunes bug). */
  plainSizes: boolean;
  /** Why this tag cannot be understood (unknown version, v2.2 compression); it has no frames then. */
  unsupported?: string;
  /** What stopped the frame walk early (lenient loading only). */
  error?: HeguiError;
}

/** File offset of a body position, for messages (the tag start for a body decoded in memory). */
export const fileOffset = (tag: Id3Tag, pos: number): number =>
  tag.unsyncDecoded ? tag.header.offset : tag.header.offset + ID3_HEADER_SIZE + pos;

interface FrameWalk {
  frames: Id3Frame[];
  end: number;
  error?: HeguiError;
}

async function walkFrames(tag: Id3Tag, start: number, plainSizes: boolean): Promise<FrameWalk> {
  const { major } = tag.header;
  const hs = major === 2 ? 6 : 10;
  const idPattern = major === 2 ? /^[A-Z0-9]{3}$/ : /^[A-Z0-9]{4}$/;
  const frames: Id3Frame[] = [];
  let pos = start;
  try {
    // Fewer bytes than a frame header left, or a zero byte where an id should start: padding (ID3v2.4 §3.3).
    while (pos + hs <= tag.body.length) {
      if (frames.length >= MAX_FRAMES)
        throw new HeguiError('oversize', 'the ID3v2 tag has too many frames', { limit: MAX_FRAMES });
      const h = await tag.body.read(pos, hs);
      if (h[0] === 0) break;
      const id = ascii(h, 0, hs === 6 ? 3 : 4);
      if (!idPattern.test(id))
        throw malformed('ID3v2 frame id is not upper-case letters and digits', fileOffset(tag, pos));
      const size = major === 2 ? u24be(h, 3) : major === 3 || plainSizes ? u32be(h, 4) : syncsafe(h, 4);
      if (size === undefined) throw malformed('ID3v2.4 frame size is not a syncsafe integer', fileOffset(tag, pos));
      if (pos + hs + size > tag.body.length)
        throw malformed('ID3v2 frame runs past the end of its tag', fileOffset(tag, pos));
      frames.push({ id, offset: pos, headerSize: hs, size, flags: major === 2 ? 0 : u16be(h, 8) });
      pos += hs + size;
    }
  } catch (e) {
    if (!(e instanceof HeguiError)) throw e;
    return { frames, end: pos, error: e };
  }
  return { frames, end: pos };
}

/** ID3v2.3 §3.2 / ID3v2.4 §3.2: the extended header's length and whether it holds a CRC. */
async function extendedHeader(tag: Id3Tag): Promise<{ length: number; crc: boolean }> {
  const at = fileOffset(tag, 0);
  if (tag.body.length < 6) throw malformed('ID3v2 extended header runs past the end of its tag', at);
  const b = await tag.body.read(0, 6);
  if (tag.header.major === 3) {
    const size = u32be(b, 0);
    if (size !== 6 && size !== 10) throw malformed('ID3v2.3 extended header has an invalid size', at);
    if (4 + size > tag.body.length) throw malformed('ID3v2 extended header runs past the end of its tag', at);
    return { length: 4 + size, crc: (u16be(b, 4) & 0x8000) !== 0 };
  }
  const size = syncsafe(b, 0);
  if (size === undefined || size < 6 || b[4] !== 1) throw malformed('ID3v2.4 extended header is invalid', at);
  if (size > tag.body.length) throw malformed('ID3v2 extended header runs past the end of its tag', at);
  return { length: size, crc: (b[5]! & 0x20) !== 0 };
}

/**
 * Load a tag's frame list (headers only; frame data stays in the file). Strict mode throws on anything odd, lenient
 * mode keeps what it walked and records the problem in `error`.
 */
export async function loadTag(src: ByteSource, header: Id3Header, strict: boolean): Promise<Id3Tag> {
  const { major, flags, size } = header;
  const start = header.offset + ID3_HEADER_SIZE;
  const tag: Id3Tag = {
    header,
    body: fileBody(src, start, size),
    unsyncDecoded: false,
    extLength: 0,
    extCrc: false,
    frames: [],
    framesEnd: 0,
    plainSizes: false,
  };
  if (major > 4) tag.unsupported = `ID3v2.${major} is not a version this reader knows`;
  else if (major === 2 && flags & 0x40) tag.unsupported = 'ID3v2.2 compression has no defined scheme';
  if (tag.unsupported) {
    if (strict) throw new HeguiError('format_unsupported', `the file's ${tag.unsupported}`, { offset: header.offset });
    return tag;
  }
  try {
    if (major <= 3 && flags & FLAG_UNSYNC) {
      if (size > MAX_UNSYNC_TAG) throw oversize('an unsynchronised ID3v2 tag', size, MAX_UNSYNC_TAG);
      tag.body = memoryBody(decodeUnsync(await src.read(start, size)));
      tag.unsyncDecoded = true;
    }
    if (major >= 3 && flags & FLAG_EXTENDED) {
      const ext = await extendedHeader(tag);
      tag.extLength = ext.length;
      tag.extCrc = ext.crc;
    }
  } catch (e) {
    if (strict || !(e instanceof HeguiError)) throw e;
    tag.error = e;
    return tag;
  }
  let walk = await walkFrames(tag, tag.extLength, false);
  if (walk.error && major === 4) {
    const plain = await walkFrames(tag, tag.extLength, true);
    if (!plain.error) {
      walk = plain;
      tag.plainSizes = true;
    }
  }
  tag.frames = walk.frames;
  tag.framesEnd = walk.end;
  if (walk.error) {
    if (strict) throw walk.error;
    tag.error = walk.error;
  }
  return tag;
}

export type FrameContent = { data: Uint8Array; complete: boolean } | { undecodable: string };

/**
 * A frame's content after its flags are undone (grouping, encryption and data-length bytes skipped,
 * unsynchronisation and zlib compression reversed). At most `max` bytes are read; `complete` says whether that was all.
 */
export async function frameContent(tag: Id3Tag, frame: Id3Frame, max: number): Promise<FrameContent> {
  const { major, flags: tagFlags } = tag.header;
  const fmt = frame.flags & 0xff;
  const complete = frame.size <= max;
  let data = await tag.body.read(frame.offset + frame.headerSize, Math.min(frame.size, max));
  let compressed = false;
  if (major === 3) {
    if (fmt & 0x40) return { undecodable: 'encrypted' };
    compressed = (fmt & 0x80) !== 0;
    data = data.subarray((compressed ? 4 : 0) + (fmt & 0x20 ? 1 : 0));
  } else if (major === 4) {
    if (fmt & 0x04) return { undecodable: 'encrypted' };
    compressed = (fmt & 0x08) !== 0;
    data = data.subarray((fmt & 0x40 ? 1 : 0) + (fmt & 0x01 ? 4 : 0));
    if (fmt & 0x02 || tagFlags & FLAG_UNSYNC) data = decodeUnsync(data);
  }
  if (!compressed) return { data, complete };
  if (!complete) return { undecodable: 'compressed and too large' };
  try {
    return { data: inflateSync(data, { maxOutputLength: max }), complete: true };
  } catch {
    return { undecodable: 'compressed data that does not inflate within the size limit' };
  }
}
