import { HeguiError, malformed, truncated } from '../../../errors.ts';
import { startsWith } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';

/** ID3v2 tag header and footer are 10 bytes (ID3v2.4 §3.1, §3.4). */
export const ID3_HEADER_SIZE = 10;
const ID3_MAGIC = [0x49, 0x44, 0x33] as const; // "ID3"
const FOOTER_MAGIC = [0x33, 0x44, 0x49] as const; // "3DI"
/** Some taggers stack tags; more than a handful in a row is not a real file. */
export const MAX_LEADING_TAGS = 8;
/** A 28-bit syncsafe size: the largest tag body ID3v2 can describe. */
export const MAX_SYNCSAFE = 0x0fffffff;

/** Header flag bits (ID3v2.3 §3.1, ID3v2.4 §3.1). */
export const FLAG_UNSYNC = 0x80;
export const FLAG_EXTENDED = 0x40; // v2.2: compression
export const FLAG_EXPERIMENTAL = 0x20;
export const FLAG_FOOTER = 0x10; // v2.4 only

export interface Id3Header {
  /** Offset of "ID3" in the file. */
  offset: number;
  /** 2, 3 or 4 (a higher major version is recognised but not understood). */
  major: number;
  revision: number;
  flags: number;
  /** Tag body size after the header, excluding a footer. */
  size: number;
  footer: boolean;
  /** Offset just after the tag (and its footer). */
  end: number;
}

/** A 32-bit syncsafe integer (7 bits per byte); undefined when a byte has its high bit set. */
export function syncsafe(b: Uint8Array, o: number): number | undefined {
  if ((b[o]! | b[o + 1]! | b[o + 2]! | b[o + 3]!) & 0x80) return undefined;
  return (b[o]! << 21) | (b[o + 1]! << 14) | (b[o + 2]! << 7) | b[o + 3]!;
}

export function putSyncsafe(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 21) & 0x7f;
  b[o + 1] = (v >>> 14) & 0x7f;
  b[o + 2] = (v >>> 7) & 0x7f;
  b[o + 3] = v & 0x7f;
}

export const isId3Magic = (b: Uint8Array, at = 0): boolean => startsWith(b, ID3_MAGIC, at);

/**
 * Parse the 10-byte header at `offset` of `b` (which holds at least 10 bytes there). Versions and revisions of 0xFF
 * and sizes with a high bit set are forbidden by ID3v2 §3.1, so they make the header malformed.
 */
export function parseId3Header(b: Uint8Array, offset: number): Id3Header {
  const major = b[3]!;
  const revision = b[4]!;
  const flags = b[5]!;
  if (major === 0xff || revision === 0xff || major < 2) throw malformed('ID3v2 header has an invalid version', offset);
  const size = syncsafe(b, 6);
  if (size === undefined) throw malformed('ID3v2 tag size is not a syncsafe integer', offset);
  const footer = major === 4 && (flags & FLAG_FOOTER) !== 0;
  const end = offset + ID3_HEADER_SIZE + size + (footer ? ID3_HEADER_SIZE : 0);
  return { offset, major, revision, flags, size, footer, end };
}

export function buildId3Header(
  h: Pick<Id3Header, 'major' | 'revision' | 'flags' | 'size'>,
  footer = false,
): Uint8Array {
  const out = new Uint8Array(ID3_HEADER_SIZE);
  out.set(footer ? FOOTER_MAGIC : ID3_MAGIC, 0);
  out[3] = h.major;
  out[4] = h.revision;
  out[5] = h.flags;
  putSyncsafe(out, 6, h.size);
  return out;
}

/**
 * The ID3v2 tags at the start of the file, one after another (a FLAC or MP3 file may carry one, some carry two).
 * Throws `malformed` for an invalid header and `truncated` for a tag that runs past the end of the file.
 */
export async function leadingId3Tags(src: ByteSource): Promise<Id3Header[]> {
  const tags: Id3Header[] = [];
  let pos = 0;
  while (pos + ID3_HEADER_SIZE <= src.size) {
    const b = await src.read(pos, ID3_HEADER_SIZE);
    if (!isId3Magic(b)) break;
    if (tags.length >= MAX_LEADING_TAGS) {
      throw new HeguiError('oversize', `more than ${MAX_LEADING_TAGS} ID3v2 tags in a row`, {
        limit: MAX_LEADING_TAGS,
      });
    }
    const h = parseId3Header(b, pos);
    if (h.end > src.size) throw truncated('the ID3v2 tag', pos, h.end - pos);
    tags.push(h);
    pos = h.end;
  }
  return tags;
}

/** Offset after the leading ID3v2 tags (0 without one); throws like {@link leadingId3Tags}. */
export async function skipId3Tags(src: ByteSource): Promise<number> {
  return (await leadingId3Tags(src)).at(-1)?.end ?? 0;
}
