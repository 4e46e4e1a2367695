import { HeguiError, isHeguiError, oversize } from '../../../errors.ts';
import type { AigcRecord } from '../../aigc/record.ts';
import { concat, utf8 } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import { decodeXmpBytes, MAX_XMP_BYTES, mergeXmpAigc, readXmpAigc } from '../../xmp/xmp.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { blankUserComment, findUserCommentLabels } from './exif.ts';
import {
  type Ifd,
  type IfdEntry,
  isTiffMagic,
  readTiffHeader,
  readValue,
  type TiffHeader,
  TYPE_UNDEFINED,
  valueRange,
  walkChain,
} from './ifd.ts';
import { previousAppendStart } from './own-tail.ts';
import { copyWithPatches, firstIfdPatch, type Patch, padTo, rebuildIfd } from './rewrite.ts';
import { stripXmpAigcInPlace } from './xmp-inplace.ts';

/** TIFF 6.0 / XMP Part 3 §1.1.4: tag 700 XMLPacket, written as UNDEFINED; BYTE is read too. */
const TAG_XMP = 0x02bc;
const XMP_TYPES = [1, 2, 7];
/** Placement written (TC260-PG-20259A): the XMP packet of IFD0. */
const XMP_PLACEMENT = 'tiff.xmp';
/** Also read: the XMP packet of a later page, and a label in an EXIF UserComment. */
const PAGE_XMP_PLACEMENT = 'tiff.xmp-page';
const USER_COMMENT_PLACEMENT = 'tiff.exif-usercomment';
/** Classic TIFF offsets are 32-bit: the labelled file must still fit. */
const CLASSIC_LIMIT = 0xffffffff;

const xmpEntries = (ifd: Ifd): IfdEntry[] => ifd.entries.filter((e) => e.tag === TAG_XMP && XMP_TYPES.includes(e.type));

interface Found {
  sites: LabelSite[];
  /** Same-length clean-ups that remove every label found (write only). */
  patches: Patch[];
}

/** Every label in the page chain: each page's XMP packet and each distinct Exif IFD's UserComment. */
async function findLabels(
  src: ByteSource,
  header: TiffHeader,
  ifds: Ifd[],
  warnings: CodecWarning[],
  strict: boolean,
): Promise<Found> {
  const sites: LabelSite[] = [];
  const patches = new Map<number, Uint8Array>();
  for (const [page, ifd] of ifds.entries()) {
    for (const entry of xmpEntries(ifd)) {
      try {
        const bytes = await readValue(src, entry, MAX_XMP_BYTES);
        for (const p of readXmpAigc(decodeXmpBytes(bytes))) {
          sites.push({
            placement: page === 0 ? XMP_PLACEMENT : PAGE_XMP_PLACEMENT,
            normative: page === 0,
            text: p.value,
            offset: entry.valueOffset,
          });
        }
        if (strict) {
          const cleaned = stripXmpAigcInPlace(bytes);
          if (cleaned) patches.set(entry.valueOffset, cleaned);
        }
      } catch (e) {
        if (strict || !isHeguiError(e)) throw e;
        warnings.push({ code: 'xmp_unreadable', message: e.message, offset: entry.valueOffset });
      }
    }
    for (const uc of await findUserCommentLabels(src, header, ifd, warnings, ifd.offset)) {
      if (patches.has(uc.entry.valueOffset) || sites.some((s) => s.offset === uc.entry.valueOffset)) continue;
      sites.push({ placement: USER_COMMENT_PLACEMENT, normative: false, text: uc.text, offset: uc.entry.valueOffset });
      patches.set(uc.entry.valueOffset, blankUserComment(uc.entry.size));
    }
  }
  sites.sort((a, b) => a.offset - b.offset);
  return { sites, patches: [...patches].map(([at, bytes]) => ({ at, bytes })) };
}

export const tiffCodec: Codec = {
  id: 'tiff',
  name: 'TIFF',
  kind: 'image',
  mimeTypes: ['image/tiff'],
  extensions: ['tif', 'tiff'],

  sniff: (src) => isTiffMagic(src.head),

  async read(src): Promise<CodecReadResult> {
    const header = await readTiffHeader(src);
    const chain = await walkChain(src, header, false);
    if (chain.error && chain.ifds.length === 0) throw chain.error;
    const warnings: CodecWarning[] = [];
    if (chain.error) warnings.push({ code: chain.error.code, message: chain.error.message });
    const { sites } = await findLabels(src, header, chain.ifds, warnings, false);
    return { sites, warnings };
  },

  /**
   * Nothing already in the file moves: the new packet and a copy of IFD0 carrying it are appended, the header is
   * pointed at the copy, and labels elsewhere are blanked in place at the same length. Strip and tile offsets are
   * never touched, so every page's pixels stay byte-identical. A file that ends with this writer's previous append
   * has that tail replaced, not appended to again (see own-tail.ts).
   */
  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
    const header = await readTiffHeader(src);
    const { ifds } = await walkChain(src, header, true);
    const ifd0 = ifds[0]!;
    if (ifd0.entries.length === 0)
      throw new HeguiError('malformed', 'the first TIFF directory is empty', { offset: ifd0.offset });
    for (const e of ifd0.entries) if (e.size >= 0 && !e.inline) valueRange(src, e);
    const existing = xmpEntries(ifd0)[0];
    const packet = existing ? decodeXmpBytes(await readValue(src, existing, MAX_XMP_BYTES)) : null;
    const xmp = utf8.encode(mergeXmpAigc(packet, label));
    if (xmp.length > MAX_XMP_BYTES) throw oversize('the merged XMP packet', xmp.length, MAX_XMP_BYTES);
    const { patches } = await findLabels(src, header, ifds, [], true);

    const align = header.big ? 8 : 4;
    const end = await previousAppendStart(src, header, ifds, TAG_XMP, TYPE_UNDEFINED);
    const pad1 = padTo(end, align);
    const xmpAt = end + pad1.length;
    const pad2 = padTo(xmpAt + xmp.length, align);
    const ifdAt = xmpAt + xmp.length + pad2.length;
    const ifd = await rebuildIfd(src, header, ifd0, TAG_XMP, xmpAt, xmp.length);
    if (!header.big && ifdAt + ifd.length > CLASSIC_LIMIT) {
      throw new HeguiError('oversize', 'the labelled file would pass the 4 GiB limit of classic TIFF', {
        size: end,
      });
    }
    await copyWithPatches(src, out, [...patches, firstIfdPatch(header, ifdAt)], end);
    await out.write(concat([pad1, xmp, pad2, ifd]));
  },

  async describe(src): Promise<string> {
    const header = await readTiffHeader(src);
    const { ifds } = await walkChain(src, header, false);
    const name = header.big ? 'BigTIFF' : 'TIFF';
    const pages = ifds.length === 1 ? '1 page' : `${ifds.length} pages`;
    return `${name} (${header.little ? 'little' : 'big'}-endian, ${pages})`;
  },
};
