import { isHeguiError, malformed } from '../../../errors.ts';
import { type AigcRecord, PLACEHOLDER_LABEL, serializeBare } from '../../aigc/record.ts';
import { concat, startsWith } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite } from '../codec.ts';
import { type Id3Tag, loadTag } from '../id3/frames.ts';
import { isId3Magic, leadingId3Tags, skipId3Tags } from '../id3/header.ts';
import { readLeadingTags } from '../id3/labels.ts';
import { writeLeadingTags } from '../id3/tag-writer.ts';
import {
  buildVorbisComments,
  entriesWithLabel,
  entryValue,
  isAigcEntry,
  parseVorbisComments,
} from '../ogg/vorbis-comment.ts';
import {
  blockDataOffset,
  blockHeader,
  FLAC_MAGIC,
  type FlacBlock,
  MAX_BLOCK_LENGTH,
  PADDING,
  VORBIS_COMMENT,
  walkFlac,
} from './blocks.ts';

const PLACEMENT = 'flac.vorbis-comment';
const ZEROS = new Uint8Array(64 * 1024);

/** One block of the output: copied from the source, given as bytes, or zero padding of a new length. */
type PlannedBlock =
  | { type: number; copy: FlacBlock }
  | { type: number; data: Uint8Array }
  | { type: number; zeros: number; from: FlacBlock };

const plannedLength = (p: PlannedBlock): number =>
  'copy' in p ? p.copy.length : 'data' in p ? p.data.length : p.zeros;

/** The VORBIS_COMMENT block rebuilt with the label (or without any AIGC entry when `json` is undefined). */
function commentBlock(data: Uint8Array, json?: string): Uint8Array {
  const vc = parseVorbisComments(data, 0);
  // FLAC's comment block has no framing bit; bytes after the list (none in real files) are kept as they were.
  return concat([buildVorbisComments(vc.vendor, entriesWithLabel(vc.entries, json)), data.subarray(vc.end)]);
}

/** Let the first PADDING block absorb the size change, so the audio keeps its offset when it fits (as metaflac does). */
function absorbInPadding(plan: PlannedBlock[], delta: number): void {
  const i = plan.findIndex((p) => p.type === PADDING && 'copy' in p);
  if (i < 0 || delta === 0) return;
  const pad = (plan[i] as { copy: FlacBlock }).copy;
  const length = pad.length - delta;
  if (length >= 0 && length <= MAX_BLOCK_LENGTH) plan[i] = { type: PADDING, zeros: length, from: pad };
}

async function writeBlock(src: ByteSource, out: ByteSink, p: PlannedBlock, last: boolean): Promise<void> {
  await out.write(blockHeader(p.type, plannedLength(p), last));
  if ('copy' in p) await out.copyFrom(src, blockDataOffset(p.copy), p.copy.length);
  else if ('data' in p) await out.write(p.data);
  else
    for (let left = p.zeros; left > 0; left -= ZEROS.length)
      await out.write(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
}

async function writeFlac(src: ByteSource, out: ByteSink, label: AigcRecord, canonical: boolean): Promise<void> {
  const headers = await leadingId3Tags(src);
  const tags: Id3Tag[] = [];
  for (const h of headers) tags.push(await loadTag(src, h, true));
  const walk = await walkFlac(src, headers.at(-1)?.end ?? 0, true);
  if (walk.audio < src.size) {
    const sync = await src.read(walk.audio, Math.min(2, src.size - walk.audio));
    if (sync[0] !== 0xff || (sync[1]! & 0xfe) !== 0xf8)
      throw malformed('no FLAC frame sync after the metadata blocks', walk.audio);
  }
  const json = serializeBare(label);
  const plan: PlannedBlock[] = [];
  let delta = 0;
  let labelled = false;
  for (const b of walk.blocks) {
    if (b.type !== VORBIS_COMMENT) {
      plan.push({ type: b.type, copy: b });
      continue;
    }
    // The first comment block carries the label; a second one (not allowed, but seen) loses its AIGC entries.
    const data = await src.read(blockDataOffset(b), b.length);
    const hasAigc = parseVorbisComments(data, 0).entries.some(isAigcEntry);
    if (!labelled || hasAigc) {
      const rebuilt = commentBlock(data, labelled ? undefined : json);
      plan.push({ type: VORBIS_COMMENT, data: rebuilt });
      delta += rebuilt.length - b.length;
    } else plan.push({ type: b.type, copy: b });
    labelled = true;
  }
  if (!labelled) {
    // RFC 9639 §8.6: one comment block; placed right after STREAMINFO, with an empty vendor string.
    const data = commentBlock(buildVorbisComments(new Uint8Array(0), []), json);
    plan.splice(1, 0, { type: VORBIS_COMMENT, data });
    delta += 4 + data.length;
  }
  absorbInPadding(plan, delta);
  const blocks = canonical ? plan.filter((p) => p.type !== PADDING) : plan;

  await writeLeadingTags(src, out, tags);
  await out.write(Uint8Array.from(FLAC_MAGIC));
  for (const [i, p] of blocks.entries()) await writeBlock(src, out, p, i === blocks.length - 1);
  await out.copyFrom(src, walk.audio, src.size - walk.audio);
}

/**
 * FLAC. The label is a VORBIS_COMMENT entry `AIGC=<bare JSON>` (TC260-PG-202510A). A leading ID3v2 tag (not part of
 * the format, but seen) is kept; an AIGC TXXX frame in it is read as an alternative site and removed on write.
 */
export const flacCodec: Codec = {
  id: 'flac',
  name: 'FLAC',
  kind: 'audio',
  mimeTypes: ['audio/flac', 'audio/x-flac'],
  extensions: ['flac'],

  async sniff(src) {
    let start = 0;
    if (isId3Magic(src.head)) {
      try {
        start = await skipId3Tags(src);
      } catch (e) {
        if (isHeguiError(e)) return false;
        throw e;
      }
    }
    return start + 4 <= src.size && startsWith(await src.read(start, 4), FLAC_MAGIC);
  },

  async read(src): Promise<CodecReadResult> {
    const warnings: CodecWarning[] = [];
    const { tags, sites } = await readLeadingTags(src, 'flac', warnings, false);
    const walk = await walkFlac(src, tags.at(-1)?.header.end ?? 0, false);
    if (walk.error) warnings.push({ code: walk.error.code, message: walk.error.message });
    const comments: LabelSite[] = [];
    for (const b of walk.blocks) {
      if (b.type !== VORBIS_COMMENT) continue;
      try {
        const vc = parseVorbisComments(await src.read(blockDataOffset(b), b.length), 0);
        for (const e of vc.entries) {
          if (isAigcEntry(e))
            comments.push({ placement: PLACEMENT, normative: true, text: entryValue(e), offset: b.offset });
        }
      } catch (e) {
        if (!isHeguiError(e)) throw e;
        warnings.push({ code: e.code, message: e.message, offset: b.offset });
      }
    }
    return { sites: [...sites, ...comments], warnings };
  },

  write: (src: ByteSource, out: ByteSink, label: AigcRecord): Promise<void> => writeFlac(src, out, label, false),

  /** The placeholder label with every PADDING block left out: padding absorbs label size changes, so it varies. */
  canonical: (src: ByteSource, out: ByteSink): Promise<void> => writeFlac(src, out, PLACEHOLDER_LABEL, true),

  async describe(src) {
    const prefix = await skipId3Tags(src);
    return prefix > 0 ? 'FLAC (with a leading ID3v2 tag)' : 'FLAC';
  },
};
