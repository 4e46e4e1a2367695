/**
 * MP4 / MOV / M4A / 3GP (ISO/IEC 14496-12 and the QuickTime File Format). The label is written as the mdta key
 * `AIGC` in `moov/udta/meta` (TC260-PG-20257A video, 202510A audio); also read are an mdta `moov/meta` and XMP
 * `uuid` boxes (top level or `moov/udta`), which writing strips so that exactly one label remains (GB 45438 6.1 c).
 */
import { isHeguiError, oversize } from '../../../errors.ts';
import type { ByteSource } from '../../io/source.ts';
import { MAX_XMP_BYTES } from '../../xmp/xmp.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { type Box, MAX_HEADER, treeErrors, walkFile } from './box.ts';
import { familyName, isBareQuickTime, isMovieBrands, readFtyp } from './brands.ts';
import { moovLabelValues, PLACEMENT_XMP, parseBoxTree } from './moov.ts';
import { canonicalMp4, MAX_MOOV, writeMp4 } from './write.ts';
import { isXmpUuid, xmpAigcValues } from './xmp-uuid.ts';

function warn(warnings: CodecWarning[], code: string, e: unknown, offset?: number): void {
  if (!isHeguiError(e)) throw e;
  warnings.push({ code, message: e.message, ...(offset === undefined ? {} : { offset }) });
}

async function readMoov(src: ByteSource, box: Box, sites: LabelSite[], warnings: CodecWarning[]): Promise<void> {
  if (box.size > MAX_MOOV) {
    warnings.push({
      code: 'oversize',
      message: `the movie box is ${box.size} bytes, over ${MAX_MOOV}; not read`,
      offset: box.offset,
    });
    return;
  }
  const buf = { bytes: await src.read(box.offset, box.size), base: box.offset };
  const tree = parseBoxTree(buf, box, false);
  for (const { error, offset } of treeErrors(tree)) warnings.push({ code: error.code, message: error.message, offset });
  const onError = (e: unknown, offset: number): void => warn(warnings, 'metadata_unreadable', e, offset);
  for (const v of moovLabelValues(buf, tree, onError)) sites.push(v);
}

async function readTopXmp(src: ByteSource, box: Box, sites: LabelSite[], warnings: CodecWarning[]): Promise<void> {
  try {
    if (box.size > MAX_XMP_BYTES + MAX_HEADER) throw oversize('the XMP uuid box', box.size, MAX_XMP_BYTES + MAX_HEADER);
    const buf = { bytes: await src.read(box.offset, box.size), base: box.offset };
    for (const text of xmpAigcValues(buf, box))
      sites.push({ placement: PLACEMENT_XMP, normative: false, text, offset: box.offset });
  } catch (e) {
    warn(warnings, 'xmp_unreadable', e, box.offset);
  }
}

function layoutOf(boxes: readonly Box[]): string {
  const moov = boxes.find((b) => b.type === 'moov');
  const mdat = boxes.find((b) => b.type === 'mdat');
  const fragmented = boxes.some((b) => b.type === 'moof');
  const parts: string[] = [];
  if (!moov) parts.push('no moov');
  else if (mdat) parts.push(moov.offset < mdat.offset ? 'moov first' : 'moov at end');
  if (fragmented) parts.push('fragmented');
  return parts.join(', ');
}

export const mp4Codec: Codec = {
  id: 'mp4',
  name: 'MP4 / MOV / M4A',
  kind: 'video',
  mimeTypes: ['video/mp4', 'video/quicktime', 'audio/mp4', 'audio/x-m4a', 'video/x-m4v', 'video/3gpp', 'video/3gpp2'],
  extensions: ['mp4', 'm4v', 'mov', 'qt', 'm4a', 'm4b', 'm4p', '3gp', '3g2', 'f4v'],

  sniff(src) {
    const brands = readFtyp(src.head);
    if (brands) return isMovieBrands(brands);
    return isBareQuickTime(src.head, src.size);
  },

  async read(src): Promise<CodecReadResult> {
    const walk = await walkFile(src, false);
    const warnings: CodecWarning[] = [];
    const sites: LabelSite[] = [];
    if (walk.error) warnings.push({ code: walk.error.code, message: walk.error.message });
    if (walk.trailing > 0)
      warnings.push({ code: 'trailing_data', message: `${walk.trailing} bytes after the last box` });
    let moovs = 0;
    for (const box of walk.boxes) {
      if (box.type === 'moov') {
        moovs++;
        await readMoov(src, box, sites, warnings);
      } else if (isXmpUuid(box)) await readTopXmp(src, box, sites, warnings);
    }
    if (moovs === 0) warnings.push({ code: 'no_moov', message: 'the file has no movie box (moov)' });
    if (moovs > 1) warnings.push({ code: 'multiple_moov', message: `the file has ${moovs} movie boxes` });
    sites.sort((a, b) => a.offset - b.offset);
    return { sites, warnings };
  },

  write: writeMp4,
  canonical: canonicalMp4,

  async describe(src): Promise<string> {
    const walk = await walkFile(src, false);
    const layout = layoutOf(walk.boxes);
    return `${familyName(readFtyp(src.head))}${layout ? ` (${layout})` : ''}`;
  },
};
