import { type HeguiError, isHeguiError } from '../../../errors.ts';
import { ascii, u32be } from '../../io/bytes.ts';
import type { ByteSource } from '../../io/source.ts';
import { readXmpAigc } from '../../xmp/xmp.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { walkTopLevel } from './boxes.ts';
import { fileOffset, itemSpans, readXmpItem } from './data.ts';
import { describes, type HeifMeta, type ItemInfo, isXmpItem, loadMeta } from './items.ts';
import { writeHeif } from './write.ts';

/** Placement (TC260-PG-20259A): the TC260:AIGC property in an XMP item describing the primary item. */
const XMP_PLACEMENT = 'heif.xmp';

/**
 * Brands of HEIF image files (ISO/IEC 23008-12 Annex B, AV1-ISOBMFF/AVIF §9). A file whose major brand is one of
 * them is ours; a file with another major brand (isom, mp42, …) only when it declares the HEIF structural brands
 * `mif1` (items) or `msf1` (image sequence) among its compatible brands, so MP4 video stays with the MP4 codec.
 */
const IMAGE_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis']);
const STRUCTURAL_BRANDS = new Set(['mif1', 'msf1']);
const SEQUENCE_BRANDS = new Set(['msf1', 'hevc', 'hevx', 'avis']);
/** An ftyp lists a handful of brands; this bounds the scan of a hostile one. */
const MAX_BRANDS = 256;

/** The brands of a leading `ftyp` box (major first), or undefined when the file does not start with one. */
export function ftypBrands(head: Uint8Array): string[] | undefined {
  if (head.length < 16 || ascii(head, 4, 4) !== 'ftyp') return undefined;
  const size = u32be(head, 0);
  if (size < 16) return undefined;
  const brands = [ascii(head, 8, 4)];
  const end = Math.min(size, head.length, 16 + 4 * MAX_BRANDS);
  for (let o = 16; o + 4 <= end; o += 4) brands.push(ascii(head, o, 4));
  return brands;
}

function toWarning(e: HeguiError): CodecWarning {
  const offset = e.details.offset;
  return { code: e.code, message: e.message, ...(typeof offset === 'number' ? { offset } : {}) };
}

/** File offset of an item's first extent (the meta box when it has none or they cannot be resolved). */
function itemOffset(src: ByteSource, meta: HeifMeta, info: ItemInfo): number {
  const loc = meta.locations.find((l) => l.id === info.id);
  try {
    const first = loc ? itemSpans(meta, loc, src.size)[0] : undefined;
    return loc && first ? fileOffset(meta, loc, first) : meta.box.start;
  } catch {
    return meta.box.start;
  }
}

async function readSites(src: ByteSource, meta: HeifMeta, warnings: CodecWarning[]): Promise<LabelSite[]> {
  const sites: LabelSite[] = [];
  for (const info of meta.infos.filter(isXmpItem)) {
    const offset = itemOffset(src, meta, info);
    // Normative only when it describes the primary item (the `cdsc` reference the guide requires).
    const normative = meta.primary !== undefined && describes(meta, info.id).includes(meta.primary);
    try {
      const text = await readXmpItem(src, meta, info);
      for (const p of readXmpAigc(text)) sites.push({ placement: XMP_PLACEMENT, normative, text: p.value, offset });
    } catch (e) {
      if (!isHeguiError(e)) throw e;
      warnings.push({ ...toWarning(e), offset });
    }
  }
  return sites.sort((a, b) => a.offset - b.offset);
}

export const heifCodec: Codec = {
  id: 'heif',
  name: 'HEIF / HEIC / AVIF',
  kind: 'image',
  mimeTypes: [
    'image/heif',
    'image/heic',
    'image/avif',
    'image/heif-sequence',
    'image/heic-sequence',
    'image/avif-sequence',
  ],
  extensions: ['heif', 'heic', 'hif', 'avif', 'heifs', 'heics', 'avifs'],

  sniff(src) {
    const [major, ...compatible] = ftypBrands(src.head) ?? [];
    if (major === undefined) return false;
    return IMAGE_BRANDS.has(major) || compatible.some((b) => STRUCTURAL_BRANDS.has(b));
  },

  async read(src): Promise<CodecReadResult> {
    const warnings: CodecWarning[] = [];
    const walk = await walkTopLevel(src, false);
    const metas = walk.boxes.filter((b) => b.type === 'meta');
    if (walk.error) {
      // Without a complete meta box there is no item list to read: the structure cannot be walked.
      if (metas.length === 0) throw walk.error;
      warnings.push(toWarning(walk.error));
    }
    if (metas.length === 0) {
      warnings.push({ code: 'no_meta', message: 'the file has no meta box (no items, so no XMP item)' });
      return { sites: [], warnings };
    }
    if (metas.length > 1) {
      warnings.push({
        code: 'malformed',
        message: 'the file has more than one top-level meta box; only the first is read',
      });
    }
    const meta = await loadMeta(src, metas[0]!, (e) => warnings.push(toWarning(e)));
    if (meta.handler !== 'pict') warnings.push({ code: 'malformed', message: 'the meta box handler is not pict' });
    return { sites: await readSites(src, meta, warnings), warnings };
  },

  write: (src, out, label) => writeHeif(src, out, label),

  async describe(src): Promise<string> {
    const brands = ftypBrands(src.head) ?? [];
    const family = brands.some((b) => b === 'avif' || b === 'avis')
      ? 'AVIF'
      : brands.some((b) => b.startsWith('he'))
        ? 'HEIC'
        : 'HEIF';
    const sequence = SEQUENCE_BRANDS.has(brands[0] ?? '');
    return `${family} (${sequence ? 'image sequence' : 'still image'})`;
  },
};
