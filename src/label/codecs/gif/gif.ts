import { isHeguiError } from '../../../errors.ts';
import type { AigcRecord } from '../../aigc/record.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import { mergeXmpAigc, readXmpAigc, removeXmpAigc } from '../../xmp/xmp.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { blockEnd, EXT_APPLICATION, EXT_COMMENT, GIF89A, type GifBlock, isGif, walkGif } from './blocks.ts';
import { buildXmpBlock, type DecodedXmp, decodeXmpBlock, isXmpBlock } from './xmp-ext.ts';

/**
 * GIF (TC260-PG-20259A, image): the label is TC260:AIGC in the XMP packet of an "XMP Data" application extension.
 * The extension is placed after the logical screen (and after a leading NETSCAPE2.0 loop extension or comment),
 * before the first graphic, so that it never comes between a graphic control extension and its image.
 */
const PLACEMENT = 'gif.xmp';

interface XmpBlock {
  block: GifBlock;
  xmp: DecodedXmp;
}

async function readXmpBlocks(
  src: ByteSource,
  blocks: readonly GifBlock[],
  warnings: CodecWarning[] | null,
): Promise<XmpBlock[]> {
  const out: XmpBlock[] = [];
  for (const block of blocks) {
    if (!isXmpBlock(block)) continue;
    try {
      const xmp = await decodeXmpBlock(src, block);
      if (!xmp.magicTrailer) {
        warnings?.push({
          code: 'xmp_no_magic_trailer',
          message: 'an XMP extension lacks the magic trailer',
          offset: block.offset,
        });
      }
      out.push({ block, xmp });
    } catch (e) {
      if (!warnings || !isHeguiError(e)) throw e;
      warnings.push({ code: 'xmp_unreadable', message: e.message, offset: block.offset });
    }
  }
  return out;
}

/** Leading application extensions (loop count) and comments stay in front of the label. */
const staysInFront = (b: GifBlock): boolean =>
  b.kind === 'extension' && (b.label === EXT_APPLICATION || b.label === EXT_COMMENT);

export const gifCodec: Codec = {
  id: 'gif',
  name: 'GIF',
  kind: 'image',
  mimeTypes: ['image/gif'],
  extensions: ['gif'],

  sniff: (src) => isGif(src.head),

  async read(src): Promise<CodecReadResult> {
    const w = await walkGif(src, false);
    const warnings: CodecWarning[] = [];
    if (w.error) warnings.push({ code: w.error.code, message: w.error.message });
    if (w.trailing > 0) warnings.push({ code: 'trailing_data', message: `${w.trailing} bytes after the GIF trailer` });
    const sites: LabelSite[] = [];
    for (const x of await readXmpBlocks(src, w.blocks, warnings)) {
      try {
        for (const p of readXmpAigc(x.xmp.text))
          sites.push({ placement: PLACEMENT, normative: true, text: p.value, offset: x.block.offset });
      } catch (e) {
        if (!isHeguiError(e)) throw e;
        warnings.push({ code: 'xmp_unreadable', message: e.message, offset: x.block.offset });
      }
    }
    return { sites, warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
    const w = await walkGif(src, true);
    const xmps = await readXmpBlocks(src, w.blocks, null);
    // The first packet keeps its other properties and takes the label; further packets only lose their AIGC property.
    const primary = xmps[0];
    const labelBlock = buildXmpBlock(mergeXmpAigc(primary?.xmp.text ?? null, label));
    const byOffset = new Map(xmps.map((x) => [x.block.offset, x]));
    let insertAt = w.blocks.findIndex((b) => !staysInFront(b));
    if (insertAt < 0) insertAt = w.blocks.length;

    // Extensions are a GIF89a feature: a GIF87a header is raised to 89a (the rest of the file is valid 89a).
    await out.write(Uint8Array.from(GIF89A));
    await out.copyFrom(src, GIF89A.length, w.screenEnd - GIF89A.length);
    for (const [i, b] of w.blocks.entries()) {
      if (i === insertAt) await out.write(labelBlock);
      const x = byOffset.get(b.offset);
      if (x === primary && x) continue;
      if (x && readXmpAigc(x.xmp.text).length > 0) await out.write(buildXmpBlock(removeXmpAigc(x.xmp.text)));
      else await out.copyFrom(src, b.offset, b.length);
    }
    const last = w.blocks.at(-1);
    if (last && w.trailing > 0) await out.copyFrom(src, blockEnd(last), w.trailing);
  },

  async describe(src): Promise<string> {
    const w = await walkGif(src, false);
    const frames = w.blocks.filter((b) => b.kind === 'image').length;
    const version = String.fromCharCode(...src.head.subarray(3, 6));
    return frames > 1 ? `GIF${version} (animated, ${frames} frames)` : `GIF${version}`;
  },
};
