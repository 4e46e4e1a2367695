import { isHeguiError, malformed, oversize } from '../../../errors.ts';
import type { AigcRecord } from '../../aigc/record.ts';
import { asciiBytes, put32le, startsWith, utf8 } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import { decodeXmpBytes, MAX_XMP_BYTES, mergeXmpAigc, readXmpAigc, removeXmpAigc } from '../../xmp/xmp.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite, WriteOptions } from '../codec.ts';
import { buildChunk, chunkData, type RiffChunk, type RiffWalk, U32_MAX, walkRiff } from './chunks.ts';
import { WritePlan } from './plan.ts';
import { buildVp8x, simpleCanvas, VP8X_FLAGS, VP8X_SIZE } from './vp8x.ts';

/**
 * WebP (TC260-PG-20259A, image): the label is TC260:AIGC in the XMP packet of the RIFF `XMP ` chunk, with the VP8X
 * XMP flag set. Simple (VP8 / VP8L) files get a VP8X header so that they may carry metadata at all.
 */
const PLACEMENT = 'webp.xmp';
const XMP_ID = 'XMP ';
/** Chunks that the container spec orders before XMP: header, ICC, animation, image data, EXIF. */
const BEFORE_XMP = new Set(['VP8X', 'ICCP', 'ANIM', 'ANMF', 'ALPH', 'VP8 ', 'VP8L', 'EXIF']);
const IMAGE_DATA = new Set(['ANMF', 'VP8 ', 'VP8L']);
/** A VP8X chunk is 10 bytes; anything much larger is not a VP8X. */
const MAX_VP8X = 1024;

const walk = (src: ByteSource, strict: boolean): Promise<RiffWalk> => walkRiff(src, { strict });

const isWebp = (b: Uint8Array): boolean =>
  startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8);

interface XmpChunk {
  chunk: RiffChunk;
  text: string;
}

/** The decoded XMP chunks. Readers skip (with a warning) what writers refuse: a packet over the size bound. */
async function readXmpChunks(
  src: ByteSource,
  chunks: readonly RiffChunk[],
  warnings: CodecWarning[] | null,
): Promise<XmpChunk[]> {
  const out: XmpChunk[] = [];
  for (const chunk of chunks) {
    if (chunk.id !== XMP_ID) continue;
    if (chunk.size > MAX_XMP_BYTES) {
      if (!warnings) throw oversize('the XMP chunk', chunk.size, MAX_XMP_BYTES);
      warnings.push({
        code: 'xmp_oversize',
        message: `an XMP chunk of ${chunk.size} bytes was not parsed`,
        offset: chunk.offset,
      });
      continue;
    }
    out.push({ chunk, text: decodeXmpBytes(await src.read(chunkData(chunk), chunk.size)) });
  }
  return out;
}

async function vp8xFlags(src: ByteSource, chunks: readonly RiffChunk[]): Promise<number | undefined> {
  const first = chunks[0];
  if (first?.id !== 'VP8X' || first.size < 1) return undefined;
  return (await src.read(chunkData(first), 1))[0];
}

/** The VP8X chunk of the output: the existing one with the XMP flag set, or a new one for a simple file. */
async function outputVp8x(src: ByteSource, top: readonly RiffChunk[]): Promise<Uint8Array> {
  const first = top[0]!;
  const has = (id: string): boolean => top.some((c) => c.id === id);
  if (first.id === 'VP8X') {
    if (first.size < VP8X_SIZE || first.size > MAX_VP8X)
      throw malformed('the VP8X chunk has the wrong size', first.offset);
    if (top.slice(1).some((c) => c.id === 'VP8X')) throw malformed('the WebP has two VP8X chunks');
    const d = (await src.read(chunkData(first), first.size)).slice();
    d[0]! |= VP8X_FLAGS.xmp;
    return buildChunk('VP8X', d);
  }
  if (first.id !== 'VP8 ' && first.id !== 'VP8L')
    throw malformed('the WebP does not start with a VP8X, VP8 or VP8L chunk', 12);
  if (has('VP8X') || has('ANIM') || has('ANMF')) throw malformed('a simple-format WebP holds extended-format chunks');
  if (top.filter((c) => c.id === 'VP8 ' || c.id === 'VP8L').length > 1)
    throw malformed('a simple-format WebP holds two images');
  const canvas = await simpleCanvas(src, first);
  let flags = VP8X_FLAGS.xmp;
  if (canvas.alpha || has('ALPH')) flags |= VP8X_FLAGS.alpha;
  if (has('ICCP')) flags |= VP8X_FLAGS.icc;
  if (has('EXIF')) flags |= VP8X_FLAGS.exif;
  return buildVp8x(flags, canvas);
}

async function planWrite(src: ByteSource, label: AigcRecord): Promise<WritePlan> {
  const w = await walk(src, true);
  if (w.form !== 'RIFF' || w.formType !== 'WEBP') throw malformed('not a RIFF WEBP file');
  const top = w.chunks;
  if (top.length === 0) throw malformed('the WebP holds no chunks');
  if (!top.some((c) => IMAGE_DATA.has(c.id))) throw malformed('the WebP holds no image data');
  const vp8x = await outputVp8x(src, top);
  const xmps = await readXmpChunks(src, top, null);
  // One packet carries the label; it keeps every other property of the first existing packet (TC260-PG-20259A).
  // Further XMP chunks (the spec allows one) only lose their AIGC property, so that exactly one label remains.
  const xmpOut = [buildChunk(XMP_ID, utf8.encode(mergeXmpAigc(xmps[0]?.text ?? null, label)))];
  for (const x of xmps.slice(1)) {
    xmpOut.push(
      readXmpAigc(x.text).length > 0
        ? buildChunk(XMP_ID, utf8.encode(removeXmpAigc(x.text)))
        : buildChunk(XMP_ID, utf8.encode(x.text)),
    );
  }
  let xmpAfter = -1;
  top.forEach((c, i) => {
    if (BEFORE_XMP.has(c.id)) xmpAfter = i;
  });

  const header = new Uint8Array(12);
  const plan = new WritePlan();
  plan.bytes(header);
  plan.bytes(vp8x);
  for (const [i, c] of top.entries()) {
    if (c.id !== 'VP8X' && c.id !== XMP_ID) {
      plan.copy(c.offset, c.total);
      if (!c.padded) plan.bytes(new Uint8Array(1));
    }
    if (i === xmpAfter) for (const x of xmpOut) plan.bytes(x);
  }
  const riffSize = plan.size - 8;
  if (riffSize > U32_MAX) throw oversize('the labelled WebP', riffSize, U32_MAX);
  header.set(asciiBytes('RIFF'), 0);
  put32le(header, 4, riffSize);
  header.set(asciiBytes('WEBP'), 8);
  plan.copy(w.end, w.trailing);
  return plan;
}

export const webpCodec: Codec = {
  id: 'webp',
  name: 'WebP',
  kind: 'image',
  mimeTypes: ['image/webp'],
  extensions: ['webp'],

  sniff: (src) => isWebp(src.head),

  async read(src): Promise<CodecReadResult> {
    const w = await walk(src, false);
    const warnings: CodecWarning[] = [];
    if (w.error) warnings.push({ code: w.error.code, message: w.error.message });
    if (w.trailing > 0) warnings.push({ code: 'trailing_data', message: `${w.trailing} bytes after the RIFF` });
    const xmps = await readXmpChunks(src, w.chunks, warnings);
    const sites: LabelSite[] = [];
    for (const x of xmps) {
      try {
        for (const p of readXmpAigc(x.text))
          sites.push({ placement: PLACEMENT, normative: true, text: p.value, offset: x.chunk.offset });
      } catch (e) {
        if (!isHeguiError(e)) throw e;
        warnings.push({ code: 'xmp_unreadable', message: e.message, offset: x.chunk.offset });
      }
    }
    const flags = await vp8xFlags(src, w.chunks);
    const hasXmp = w.chunks.some((c) => c.id === XMP_ID);
    if (flags !== undefined && (flags & VP8X_FLAGS.xmp) !== 0 && !hasXmp) {
      warnings.push({
        code: 'xmp_flag_without_chunk',
        message: 'the VP8X header flags XMP but the file has no XMP chunk',
      });
    }
    if (hasXmp && (flags === undefined || (flags & VP8X_FLAGS.xmp) === 0)) {
      warnings.push({
        code: 'xmp_chunk_without_flag',
        message: 'the file has an XMP chunk that its VP8X header does not flag',
      });
    }
    return { sites, warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord, options?: WriteOptions): Promise<void> {
    const plan = await planWrite(src, label);
    await plan.run(src, out, options);
  },

  async describe(src): Promise<string> {
    const w = await walk(src, false);
    const has = (id: string): boolean => w.chunks.some((c) => c.id === id);
    if (has('ANIM') || has('ANMF')) return 'WebP (animated)';
    const kind = has('VP8L') ? 'lossless' : 'lossy';
    const first = w.chunks[0];
    const flags = await vp8xFlags(src, w.chunks);
    let alpha = has('ALPH') || ((flags ?? 0) & VP8X_FLAGS.alpha) !== 0;
    if (first?.id === 'VP8L') alpha ||= (await simpleCanvas(src, first).catch(() => null))?.alpha ?? false;
    return `WebP (${kind}${alpha ? ', alpha' : ''})`;
  },
};
