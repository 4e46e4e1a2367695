import { HeguiError, isHeguiError } from '../../../errors.ts';
import type { AigcRecord } from '../../aigc/record.ts';
import { concat, utf8 } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import { BufferSource, type ByteSource } from '../../io/source.ts';
import { decodeXmpBytes, mergeXmpAigc, readXmpAigc } from '../../xmp/xmp.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { blankUserComment, findUserCommentLabels } from '../tiff/exif.ts';
import { readIfd, readTiffHeader } from '../tiff/ifd.ts';
import { stripXmpAigcInPlace } from '../tiff/xmp-inplace.ts';
import { aigcBlobText, type ClassifiedSegment, classify, EXIF_HEADER_LENGTH, XMP_HEADER } from './app.ts';
import { cleanExtendedXmp, type ExtendedXmp, readExtendedXmp } from './extended-xmp.ts';
import { shiftMpfOffsets } from './mpf.ts';
import { APP1, APP2, buildSegment, isApp, MAX_PAYLOAD, payloadLength, payloadOffset, walkJpeg } from './segments.ts';

/** Placement written (TC260-PG-20259A): the standard XMP packet in APP1, after JFIF and Exif. */
const XMP_PLACEMENT = 'jpeg.xmp';
/** Also read: `{"AIGC":{…}}` in EXIF UserComment (the image guide's App. B), and an `AIGC{…}` APPn blob. */
const USER_COMMENT_PLACEMENT = 'jpeg.exif-usercomment';
const BLOB_PLACEMENT = 'jpeg.appn-aigc';

interface Analysed {
  seg: ClassifiedSegment;
  sites: LabelSite[];
  /** XMP segments: the decoded packet. */
  packet?: string;
  /** The segment with its label removed: same length for XMP and EXIF (nothing after it moves), empty for a blob. */
  cleaned?: Uint8Array;
}

async function analyseXmp(src: ByteSource, seg: ClassifiedSegment, strict: boolean): Promise<Analysed> {
  const payload = await src.read(payloadOffset(seg), payloadLength(seg));
  const bytes = payload.subarray(XMP_HEADER.length);
  const packet = decodeXmpBytes(bytes);
  const sites = readXmpAigc(packet).map((p) => ({
    placement: XMP_PLACEMENT,
    normative: true,
    text: p.value,
    offset: seg.offset,
  }));
  const stripped = strict && sites.length > 0 ? stripXmpAigcInPlace(bytes) : undefined;
  const cleaned = stripped && buildSegment(APP1, concat([XMP_HEADER, stripped]));
  return { seg, sites, packet, ...(cleaned ? { cleaned } : {}) };
}

/** EXIF is walked leniently even when writing: a damaged Exif block is not ours to refuse, it is copied as it is. */
async function analyseExif(src: ByteSource, seg: ClassifiedSegment, warnings: CodecWarning[]): Promise<Analysed> {
  const payload = (await src.read(payloadOffset(seg), payloadLength(seg))).slice();
  const tiff = payload.subarray(EXIF_HEADER_LENGTH);
  const exif = new BufferSource(tiff);
  try {
    const header = await readTiffHeader(exif);
    const ifd0 = await readIfd(exif, header, header.firstIfd);
    const found = await findUserCommentLabels(exif, header, ifd0, warnings, seg.offset);
    if (found.length === 0) return { seg, sites: [] };
    for (const f of found) tiff.set(blankUserComment(f.entry.size), f.entry.valueOffset);
    const sites = found.map((f) => ({
      placement: USER_COMMENT_PLACEMENT,
      normative: false,
      text: f.text,
      offset: seg.offset,
    }));
    return { seg, sites, cleaned: buildSegment(APP1, payload) };
  } catch (e) {
    if (!isHeguiError(e)) throw e;
    warnings.push({ code: 'exif_unreadable', message: `EXIF: ${e.message}`, offset: seg.offset });
    return { seg, sites: [] };
  }
}

async function analyse(
  src: ByteSource,
  seg: ClassifiedSegment,
  warnings: CodecWarning[],
  strict: boolean,
): Promise<Analysed> {
  if (seg.kind === 'xmp') {
    try {
      return await analyseXmp(src, seg, strict);
    } catch (e) {
      if (strict || !isHeguiError(e)) throw e;
      warnings.push({ code: 'xmp_unreadable', message: e.message, offset: seg.offset });
      return { seg, sites: [] };
    }
  }
  if (seg.kind === 'exif') return analyseExif(src, seg, warnings);
  if (seg.kind === 'aigc') {
    const text = aigcBlobText(await src.read(payloadOffset(seg), payloadLength(seg)));
    return {
      seg,
      sites: [{ placement: BLOB_PLACEMENT, normative: false, text, offset: seg.offset }],
      cleaned: new Uint8Array(0),
    };
  }
  return { seg, sites: [] };
}

interface Analysis {
  items: Analysed[];
  extended: ExtendedXmp[];
  sites: LabelSite[];
}

async function analyseAll(src: ByteSource, strict: boolean, warnings: CodecWarning[]): Promise<Analysis> {
  const walk = await walkJpeg(src, strict);
  if (walk.error) warnings.push({ code: walk.error.code, message: walk.error.message });
  const items: Analysed[] = [];
  for (const seg of walk.segments) items.push(await analyse(src, await classify(src, seg), warnings, strict));
  const chunks = items.map((it) => ({ seg: it.seg, ext: it.seg.kind === 'xmp-extended' }));
  const extended = await readExtendedXmp(src, chunks, warnings);
  const sites = [...items.flatMap((it) => it.sites), ...extended.flatMap((x) => x.sites)].sort(
    (a, b) => a.offset - b.offset,
  );
  return { items, extended, sites };
}

/** Where a new XMP segment goes: after the leading JFIF and Exif segments, before tables and frame (index −1: SOI). */
function insertionIndex(items: Analysed[]): number {
  let after = -1;
  for (const [i, it] of items.entries()) {
    if (!isApp(it.seg.marker)) break;
    if (it.seg.kind === 'jfif' || it.seg.kind === 'exif') after = i;
  }
  return after;
}

function xmpSegment(packet: string | null, label: AigcRecord, guids: [string, string][]): Uint8Array {
  let merged = mergeXmpAigc(packet, label);
  for (const [from, to] of guids) merged = merged.split(from).join(to);
  const payload = concat([XMP_HEADER, utf8.encode(merged)]);
  if (payload.length > MAX_PAYLOAD) {
    throw new HeguiError(
      'oversize',
      `the XMP packet with the label needs ${payload.length} bytes, over the ${MAX_PAYLOAD}-byte JPEG segment limit (extended XMP is not written)`,
      { size: payload.length, limit: MAX_PAYLOAD },
    );
  }
  return buildSegment(APP1, payload);
}

/** T.81 Table B.1: SOF0–SOF3 by marker − 0xC0. */
const SOF_NAMES = ['baseline', 'extended', 'progressive', 'lossless'];

export const jpegCodec: Codec = {
  id: 'jpeg',
  name: 'JPEG',
  kind: 'image',
  mimeTypes: ['image/jpeg'],
  extensions: ['jpg', 'jpeg', 'jpe', 'jfif'],

  sniff: (src) => src.head.length >= 3 && src.head[0] === 0xff && src.head[1] === 0xd8 && src.head[2] === 0xff,

  async read(src): Promise<CodecReadResult> {
    const warnings: CodecWarning[] = [];
    const { sites } = await analyseAll(src, false, warnings);
    return { sites, warnings };
  },

  /**
   * Header segments are rewritten up to SOS; from SOS on (scans, restart markers, EOI, any trailing images) every byte
   * is streamed unchanged. The first XMP segment keeps its place and its other properties; other placements lose
   * their label; an MPF index is corrected when segments after it change size.
   */
  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
    const { items, extended } = await analyseAll(src, true, []);
    const parts: (Uint8Array | undefined)[] = items.map((it) => it.cleaned);
    // An extended packet holding a label is cleaned and re-chunked; its new GUID goes into the standard packet.
    const guids: [string, string][] = [];
    for (const ext of extended.filter((x) => x.sites.length > 0)) {
      const cleaned = cleanExtendedXmp(ext);
      ext.indexes.forEach((i, k) => {
        parts[i] = k === 0 ? cleaned.segments : new Uint8Array(0);
      });
      guids.push([ext.guid, cleaned.guid]);
    }
    const primary = items.findIndex((it) => it.seg.kind === 'xmp');
    const xmp = xmpSegment(primary >= 0 ? items[primary]!.packet! : null, label, guids);
    if (primary >= 0) parts[primary] = xmp;
    const at = primary >= 0 ? -2 : insertionIndex(items);
    const grow = (i: number): number =>
      (parts[i] ? parts[i].length - items[i]!.seg.length : 0) + (i === at ? xmp.length : 0);
    for (const [m, it] of items.entries()) {
      if (it.seg.kind !== 'mpf') continue;
      let delta = 0;
      for (let i = m + 1; i < items.length; i++) delta += grow(i);
      if (at === m) delta += xmp.length;
      if (delta === 0) continue;
      const payload = await src.read(payloadOffset(it.seg), payloadLength(it.seg));
      parts[m] = buildSegment(APP2, await shiftMpfOffsets(payload, delta));
    }

    await out.copyFrom(src, 0, 2);
    if (at === -1) await out.write(xmp);
    let pos = 2;
    for (const [i, it] of items.entries()) {
      await out.copyFrom(src, pos, it.seg.offset - pos);
      const part = parts[i];
      if (part) await out.write(part);
      else await out.copyFrom(src, it.seg.offset, it.seg.length);
      if (i === at) await out.write(xmp);
      pos = it.seg.offset + it.seg.length;
    }
    await out.copyFrom(src, pos, src.size - pos);
  },

  async describe(src): Promise<string> {
    const { segments } = await walkJpeg(src, false);
    const sof = segments.find((s) => s.marker >= 0xc0 && s.marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(s.marker));
    const kind = sof
      ? (SOF_NAMES[sof.marker - 0xc0] ?? (sof.marker >= 0xc9 ? 'arithmetic' : 'hierarchical'))
      : 'no frame header';
    return `JPEG (${kind})`;
  },
};
