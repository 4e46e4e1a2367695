import { HeguiError, isHeguiError } from '../../../errors.ts';
import type { AigcRecord } from '../../aigc/record.ts';
import { startsWith } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import { mergeXmpAigc, readXmpAigc, removeXmpAigc } from '../../xmp/xmp.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import {
  buildChunk,
  chunkCrcOk,
  chunkTotalLength,
  PNG_SIGNATURE,
  type PngChunk,
  readChunkData,
  walkPng,
} from './chunks.ts';
import { decodeTextChunk, encodeITXt, XMP_KEYWORD } from './text.ts';

/** Text chunks larger than this are not label carriers; they are copied, not parsed. */
const MAX_TEXT_CHUNK = 4 * 1024 * 1024;
const TEXT_TYPES = new Set(['tEXt', 'zTXt', 'iTXt']);
/** Placement written (TC260-PG-20259A): XMP in an uncompressed iTXt before the first IDAT. */
const XMP_PLACEMENT = 'png.xmp';
/** Also read: a text chunk whose keyword is AIGC (Doubao writes tEXt AIGC with raw JSON). */
const TEXT_PLACEMENT = 'png.text-aigc';

interface TextChunk {
  chunk: PngChunk;
  keyword: string;
  text: string;
}

async function readTextChunks(src: ByteSource, chunks: PngChunk[], warnings: CodecWarning[]): Promise<TextChunk[]> {
  const out: TextChunk[] = [];
  for (const chunk of chunks) {
    if (!TEXT_TYPES.has(chunk.type) || chunk.length > MAX_TEXT_CHUNK) continue;
    const data = await readChunkData(src, chunk);
    if (!(await chunkCrcOk(src, chunk, data))) {
      warnings.push({ code: 'crc_mismatch', message: `${chunk.type} chunk CRC does not match`, offset: chunk.offset });
    }
    try {
      const t = decodeTextChunk(chunk.type, data);
      out.push({ chunk, keyword: t.keyword, text: t.text });
    } catch (e) {
      if (!isHeguiError(e)) throw e;
      // An AIGC text chunk that cannot be decoded is still evidence of a label site.
      const keyword = new TextDecoder('latin1').decode(data.subarray(0, Math.max(0, data.indexOf(0))));
      warnings.push({
        code: 'text_chunk_malformed',
        message: `${chunk.type} "${keyword.slice(0, 79)}": ${e.message}`,
        offset: chunk.offset,
      });
      if (keyword === 'AIGC') out.push({ chunk, keyword, text: '' });
    }
  }
  return out;
}

function sitesOf(texts: TextChunk[], warnings: CodecWarning[]): LabelSite[] {
  const sites: LabelSite[] = [];
  for (const t of texts) {
    if (t.keyword === 'AIGC') {
      sites.push({ placement: TEXT_PLACEMENT, normative: false, text: t.text, offset: t.chunk.offset });
    } else if (t.keyword === XMP_KEYWORD) {
      try {
        for (const p of readXmpAigc(t.text)) {
          sites.push({ placement: XMP_PLACEMENT, normative: true, text: p.value, offset: t.chunk.offset });
        }
      } catch (e) {
        if (!isHeguiError(e)) throw e;
        warnings.push({ code: 'xmp_unreadable', message: e.message, offset: t.chunk.offset });
      }
    }
  }
  return sites;
}

export const pngCodec: Codec = {
  id: 'png',
  name: 'PNG',
  kind: 'image',
  mimeTypes: ['image/png', 'image/apng'],
  extensions: ['png', 'apng'],

  sniff: (src) => startsWith(src.head, PNG_SIGNATURE),

  async read(src): Promise<CodecReadResult> {
    const walk = await walkPng(src, false);
    const warnings: CodecWarning[] = [];
    if (walk.error) warnings.push({ code: walk.error.code, message: walk.error.message });
    if (walk.trailing > 0) warnings.push({ code: 'trailing_data', message: `${walk.trailing} bytes after IEND` });
    const texts = await readTextChunks(src, walk.chunks, warnings);
    return { sites: sitesOf(texts, warnings), warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
    const walk = await walkPng(src, true);
    const chunks = walk.chunks;
    if (chunks[0]?.type !== 'IHDR') throw new HeguiError('malformed', 'the PNG does not start with an IHDR chunk');
    const firstIdat = chunks.findIndex((c) => c.type === 'IDAT');
    if (firstIdat < 0) throw new HeguiError('malformed', 'the PNG has no IDAT chunk');
    const texts = await readTextChunks(src, chunks, []);
    const byOffset = new Map(texts.map((t) => [t.chunk.offset, t]));
    // The first XMP packet before IDAT keeps its place and its other properties; an XMP packet after IDAT is moved
    // in front of it (TC260-PG-20259A: before the first IDAT). Other XMP chunks only lose their AIGC property.
    const xmpTexts = texts.filter((t) => t.keyword === XMP_KEYWORD);
    const primary = xmpTexts[0];
    const newXmp = buildChunk('iTXt', encodeITXt(XMP_KEYWORD, mergeXmpAigc(primary?.text ?? null, label)));
    const primaryBeforeIdat = primary !== undefined && primary.chunk.offset < chunks[firstIdat]!.offset;

    await out.write(Uint8Array.from(PNG_SIGNATURE));
    for (const c of chunks) {
      const t = byOffset.get(c.offset);
      if (t?.keyword === 'AIGC') continue; // replaced by the one XMP label
      if (t && t === primary) {
        if (primaryBeforeIdat) await out.write(newXmp);
        continue;
      }
      if (t?.keyword === XMP_KEYWORD && readXmpAigc(t.text).length > 0) {
        await out.write(buildChunk('iTXt', encodeITXt(XMP_KEYWORD, removeXmpAigc(t.text))));
        continue;
      }
      await out.copyFrom(src, c.offset, chunkTotalLength(c));
      if (c.type === 'IHDR' && !primaryBeforeIdat) await out.write(newXmp);
    }
    const end = chunks.at(-1)!;
    if (walk.trailing > 0) await out.copyFrom(src, end.offset + chunkTotalLength(end), walk.trailing);
  },
};
