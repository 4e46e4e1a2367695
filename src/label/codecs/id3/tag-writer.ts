import { HeguiError, oversize } from '../../../errors.ts';
import { asciiBytes, concat, put32be } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import { encodeUnsync } from './body.ts';
import { frameTotal, type Id3Frame, type Id3Tag } from './frames.ts';
import { buildId3Header, FLAG_UNSYNC, MAX_SYNCSAFE, putSyncsafe } from './header.ts';
import { type AigcFrame, aigcFrames } from './labels.ts';
import { AIGC_DESCRIPTION, encodeUserText } from './txxx.ts';

/** Version of a tag created for a file without one: ID3v2.4, the version with UTF-8 (TC260-PG-202510A asks UTF-8). */
export const NEW_TAG_MAJOR = 4;
const ZEROS = new Uint8Array(64 * 1024);

function unsupported(message: string, offset: number): HeguiError {
  return new HeguiError('format_unsupported', message, { offset });
}

/** Refuse a tag this writer cannot rewrite without risking its other frames. */
export function assertWritable(tag: Id3Tag): void {
  const { major, flags, offset } = tag.header;
  if (tag.unsupported) throw unsupported(`the file's ${tag.unsupported}; it is not rewritten`, offset);
  if (major === 2) {
    throw unsupported(
      'ID3v2.2 tags are not rewritten; convert the tag to ID3v2.3 or 2.4 with a tag editor first',
      offset,
    );
  }
  if (flags & (major === 3 ? 0x1f : 0x0f))
    throw unsupported('the ID3v2 tag header has flags this writer does not know', offset);
  if (tag.extCrc)
    throw unsupported('the ID3v2 extended header carries a CRC over the frames; it is not rewritten', offset);
  if (tag.plainSizes) {
    throw unsupported(
      'the ID3v2.4 tag has non-syncsafe frame sizes (an old iTunes bug); re-save it with a tag editor first',
      offset,
    );
  }
}

/** A v2.3/2.4 frame: id, size (syncsafe in v2.4, plain in v2.3), status and format flags. */
function buildFrame(major: number, id: string, data: Uint8Array, formatFlags: number): Uint8Array {
  const out = new Uint8Array(10 + data.length);
  out.set(asciiBytes(id), 0);
  if (major === 4) putSyncsafe(out, 4, data.length);
  else put32be(out, 4, data.length);
  out[9] = formatFlags;
  out.set(data, 10);
  return out;
}

/**
 * The label's TXXX frame for a tag of this version. In a v2.4 tag with the unsynchronisation flag every frame must
 * say so (ID3v2.4 §6.1); UTF-8 text never holds 0xFF, so the frame needs no change beyond the flag.
 */
export function labelFrame(major: number, tagFlags: number, json: string): Uint8Array {
  const format = major === 4 && tagFlags & FLAG_UNSYNC ? 0x02 : 0;
  return buildFrame(major, 'TXXX', encodeUserText(major, AIGC_DESCRIPTION, json), format);
}

/** A fresh ID3v2.4 tag holding only the label. */
export function newTagWithLabel(json: string): Uint8Array {
  const frame = labelFrame(NEW_TAG_MAJOR, 0, json);
  return concat([buildId3Header({ major: NEW_TAG_MAJOR, revision: 0, flags: 0, size: frame.length }), frame]);
}

type Piece = Id3Frame | Uint8Array;

async function writeZeros(sink: ByteSink, n: number): Promise<void> {
  for (let left = n; left > 0; left -= ZEROS.length) await sink.write(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
}

/**
 * Rewrite one tag: every frame byte-identical and in order except the AIGC TXXX frames; the label frame (when `json`
 * is given) takes the place of the first of them, or follows the last frame. The old tag size is kept when the frames
 * still fit (its padding absorbs the change), so nothing after the tag moves unless it must; `noPadding` drops the
 * padding instead (the canonical form of the content binding, which must not depend on an earlier label's size).
 */
async function rewriteTag(
  sink: ByteSink,
  tag: Id3Tag,
  drop: ReadonlySet<Id3Frame>,
  json?: string,
  noPadding = false,
): Promise<void> {
  assertWritable(tag);
  const { header } = tag;
  const newFrame = json === undefined ? undefined : labelFrame(header.major, header.flags, json);
  const pieces: Piece[] = [];
  let placed = false;
  for (const f of tag.frames) {
    if (!drop.has(f)) pieces.push(f);
    else if (newFrame && !placed) placed = pieces.push(newFrame) > 0;
  }
  if (newFrame && !placed) pieces.push(newFrame);
  const ext = tag.extLength > 0 ? (await tag.body.read(0, tag.extLength)).slice() : new Uint8Array(0);
  const framesLength = pieces.reduce((n, p) => n + (p instanceof Uint8Array ? p.length : frameTotal(p)), 0);

  if (tag.unsyncDecoded) {
    // v2.3 unsynchronisation covers the whole body: rebuild it in memory and encode it again, without padding.
    const parts: Uint8Array[] = [ext];
    for (const p of pieces) parts.push(p instanceof Uint8Array ? p : await tag.body.read(p.offset, frameTotal(p)));
    if (ext.length >= 10) put32be(ext, 6, 0);
    const body = encodeUnsync(concat(parts));
    if (body.length > MAX_SYNCSAFE) throw oversize('the rewritten ID3v2 tag', body.length, MAX_SYNCSAFE);
    await sink.write(buildId3Header({ ...header, size: body.length }));
    await sink.write(body);
    return;
  }
  const content = ext.length + framesLength;
  // ID3v2.4 §3.4: a tag with a footer has no padding.
  const padding = header.footer || noPadding ? 0 : Math.max(0, header.size - content);
  const size = content + padding;
  if (size > MAX_SYNCSAFE) throw oversize('the rewritten ID3v2 tag', size, MAX_SYNCSAFE);
  if (header.major === 3 && ext.length >= 10) put32be(ext, 6, padding); // v2.3 §3.2: size of padding
  await sink.write(buildId3Header({ ...header, size }));
  await sink.write(ext);
  for (const p of pieces) {
    if (p instanceof Uint8Array) await sink.write(p);
    else await tag.body.copyTo(sink, p.offset, frameTotal(p));
  }
  await writeZeros(sink, padding);
  if (header.footer) await sink.write(buildId3Header({ ...header, size }, true));
}

/**
 * Write the leading ID3v2 tags: the first one receives the label when `json` is given; AIGC TXXX frames anywhere
 * else are dropped (GB 45438 6.1 c: one label per file); tags without one are copied verbatim. `carrierNoPadding`
 * writes the label's tag without padding (the canonical form).
 */
export async function writeLeadingTags(
  src: ByteSource,
  sink: ByteSink,
  tags: Id3Tag[],
  json?: string,
  carrierNoPadding = false,
): Promise<void> {
  for (const [i, tag] of tags.entries()) {
    if (tag.unsupported) assertWritable(tag);
    const found: AigcFrame[] = await aigcFrames(tag);
    const carrier = i === 0 && json !== undefined;
    if (!carrier && found.length === 0) {
      await sink.copyFrom(src, tag.header.offset, tag.header.end - tag.header.offset);
      continue;
    }
    await rewriteTag(
      sink,
      tag,
      new Set(found.map((a) => a.frame)),
      carrier ? json : undefined,
      carrier && carrierNoPadding,
    );
  }
}
