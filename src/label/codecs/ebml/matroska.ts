import { HeguiError, isHeguiError } from '../../../errors.ts';
import { type AigcRecord, PLACEHOLDER_LABEL, serializeBare } from '../../aigc/record.ts';
import { concat } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { ID } from './ids.ts';
import { planLayout, type Replacement } from './layout.ts';
import { loadElement } from './master.ts';
import { checkSeekEntries, parseSeekHead, type SeekHeadInfo } from './seekhead.ts';
import { aigcTag, type FoundTag, scanTags } from './tags.ts';
import { element, encodeId, encodeSize, voidHeader } from './vint.ts';
import { type MatroskaWalk, type SegmentWalk, sniffDocType, walkMatroska } from './walk.ts';

/** Placement written (TC260-PG-20257A / 202510A): Segment/Tags/Tag/SimpleTag, TagName AIGC, TagString = bare JSON. */
const PLACEMENT = 'matroska.simpletag';
/** Also read: an AIGC SimpleTag nested in another SimpleTag, or named with other letter case. */
const NESTED_PLACEMENT = 'matroska.simpletag-nested';
const NOCASE_PLACEMENT = 'matroska.simpletag-nocase';

function siteOf(f: FoundTag): LabelSite {
  const placement = f.match === 'nocase' ? NOCASE_PLACEMENT : f.nested ? NESTED_PLACEMENT : PLACEMENT;
  return { placement, normative: placement === PLACEMENT, text: f.text, offset: f.offset };
}

const warn = (warnings: CodecWarning[], e: unknown, offset?: number): void => {
  if (!isHeguiError(e)) throw e;
  warnings.push({ code: e.code, message: e.message, ...(offset === undefined ? {} : { offset }) });
};

async function readSegment(
  src: ByteSource,
  seg: SegmentWalk,
  found: FoundTag[],
  warnings: CodecWarning[],
): Promise<void> {
  for (const c of seg.children) {
    try {
      if (c.id === ID.Tags) scanTags(await loadElement(src, c), found, warnings);
      if (c.id === ID.SeekHead) {
        for (const e of parseSeekHead(await loadElement(src, c)).entries) {
          if (seg.header.dataOffset + e.position >= src.size) {
            warnings.push({
              code: 'seek_out_of_range',
              message: 'a SeekHead entry points past the end of the file',
              offset: e.seek.offset,
            });
          }
        }
      }
    } catch (e) {
      warn(warnings, e, c.offset);
    }
  }
}

/** Write `total` bytes of EBMLVoid without holding them in memory. */
async function writeVoid(out: ByteSink, total: number): Promise<void> {
  const head = voidHeader(total)!;
  await out.write(head);
  const zeros = new Uint8Array(Math.min(1 << 20, total));
  for (let left = total - head.length; left > 0; left -= zeros.length)
    await out.write(zeros.subarray(0, Math.min(left, zeros.length)));
}

/** Copy the file with the replacements applied; Clusters and everything else are streamed from the source. */
async function emit(src: ByteSource, out: ByteSink, seg: SegmentWalk, edits: Replacement[]): Promise<void> {
  let delta = 0;
  for (const e of edits) if (e.bytes) delta += e.bytes.length - (e.end - e.start);

  const h = seg.header;
  await out.copyFrom(src, 0, h.offset);
  if (h.size === null) {
    await out.copyFrom(src, h.offset, h.headerSize); // an unknown size stays unknown (live streams)
  } else {
    // Keep the size field's width when the new size fits. If it does not, a wider field shifts the whole Segment by
    // the same amount; every Matroska position counts from the Segment's data start, so none of them changes.
    const size = encodeSize(h.size + delta, h.sizeWidth) ?? encodeSize(h.size + delta);
    if (!size) throw new HeguiError('oversize', 'the labelled Segment would be too large for an EBML size');
    await out.write(concat([encodeId(ID.Segment), size]));
  }
  let pos = h.dataOffset;
  for (const e of edits) {
    if (e.start > pos) await out.copyFrom(src, pos, e.start - pos);
    if (e.bytes) await out.write(e.bytes);
    else await writeVoid(out, e.end - e.start);
    pos = e.end;
  }
  if (src.size > pos) await out.copyFrom(src, pos, src.size - pos);
}

/** An 8-byte EBML size with every value bit set: "unknown" (RFC 8794 §6.2). */
const UNKNOWN_SIZE = Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

/** The one Segment a writer can edit, and its Tag elements with every AIGC SimpleTag removed. */
async function writableSegment(src: ByteSource): Promise<{ walk: MatroskaWalk; seg: SegmentWalk; kept: Uint8Array[] }> {
  const walk = await walkMatroska(src, true);
  if (walk.docs.length !== 1) {
    throw new HeguiError('format_unsupported', 'files with several chained Matroska Segments cannot be labelled');
  }
  const seg = walk.docs[0]!.segment!;
  if (seg.children.some((c) => c.id === ID.CRC32)) {
    throw new HeguiError('format_unsupported', 'the Segment carries a CRC-32 over all its data; it cannot be edited');
  }
  const kept: Uint8Array[] = [];
  // One by one: a Tags element may hold more tags than a call takes arguments.
  for (const c of seg.children)
    if (c.id === ID.Tags) for (const t of scanTags(await loadElement(src, c), [], [])) kept.push(t);
  return { walk, seg, kept };
}

export const matroskaCodec: Codec = {
  id: 'matroska',
  name: 'Matroska / WebM',
  kind: 'video',
  mimeTypes: ['video/x-matroska', 'audio/x-matroska', 'video/webm', 'audio/webm'],
  extensions: ['mkv', 'mka', 'mk3d', 'mks', 'webm', 'weba'],

  sniff: (src) => sniffDocType(src.head) !== undefined,

  async describe(src): Promise<string> {
    const walk = await walkMatroska(src, false);
    const doc = walk.docs[0]!;
    const name = doc.docType === 'webm' ? 'WebM' : 'Matroska';
    return doc.segment?.header.size === null ? `${name} (live: unknown Segment size)` : name;
  },

  async read(src): Promise<CodecReadResult> {
    const walk = await walkMatroska(src, false);
    const warnings: CodecWarning[] = [];
    if (walk.error) warn(warnings, walk.error, walk.error.details.offset as number | undefined);
    if (walk.trailingOffset < src.size) {
      warnings.push({
        code: 'trailing_data',
        message: `${src.size - walk.trailingOffset} bytes after the Segment`,
        offset: walk.trailingOffset,
      });
    }
    const found: FoundTag[] = [];
    for (const doc of walk.docs) if (doc.segment) await readSegment(src, doc.segment, found, warnings);
    return { sites: found.map(siteOf), warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> {
    const { walk, seg, kept } = await writableSegment(src);
    const seekHeads = new Map<number, SeekHeadInfo>();
    for (const [i, c] of seg.children.entries()) {
      if (c.id === ID.SeekHead) seekHeads.set(i, parseSeekHead(await loadElement(src, c)));
    }
    checkSeekEntries(seg, [...seekHeads.values()]);
    let positionsReferenced = seg.children.some((c) => c.id === ID.Cues);
    if (!positionsReferenced && seekHeads.size === 0) {
      // Clusters may move only if none records its own Position. Unknown-size Clusters were scanned by the walk
      // already; known-size ones are scanned (their children's headers only) when it matters.
      positionsReferenced = walk.clusterPosition;
      if (!positionsReferenced && seg.children.some((c) => c.id === ID.Cluster && c.size !== null)) {
        positionsReferenced = (await walkMatroska(src, true, true)).clusterPosition;
      }
    }
    const tagsData = concat([...kept, aigcTag(serializeBare(label))]);
    await emit(src, out, seg, planLayout({ seg, tagsData, seekHeads, positionsReferenced }));
  },

  /**
   * Where the writer puts Tags depends on the room an earlier label left (free room reused, a Void left behind), so
   * the canonical form leaves out what only locates things: Tags, EBMLVoids, SeekHeads and the size fields (every
   * level-1 element is given an 8-byte size, the Segment an unknown one). Every other level-1 element follows in
   * order with its data unchanged, then one Tags holding the kept tags and the placeholder label.
   */
  async canonical(src: ByteSource, out: ByteSink): Promise<void> {
    const { seg, kept } = await writableSegment(src);
    await out.copyFrom(src, 0, seg.header.offset);
    await out.write(concat([encodeId(ID.Segment), UNKNOWN_SIZE]));
    for (const c of seg.children) {
      if (c.id === ID.Tags || c.id === ID.Void || c.id === ID.SeekHead) continue;
      await out.write(concat([encodeId(c.id), encodeSize(c.end - c.dataOffset, 8)!]));
      await out.copyFrom(src, c.dataOffset, c.end - c.dataOffset);
    }
    await out.write(element(ID.Tags, concat([...kept, aigcTag(serializeBare(PLACEHOLDER_LABEL))])));
    if (src.size > seg.end) await out.copyFrom(src, seg.end, src.size - seg.end);
  },
};
