import { HeguiError, malformed } from '../../../errors.ts';
import type { AigcRecord } from '../../aigc/record.ts';
import { ascii, asciiBytes, put32le, startsWith } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite, WriteOptions } from '../codec.ts';
import { buildList, chunkEnd, junkChunk, type RiffChunk, type RiffWalk, U32_MAX, walkRiff } from './chunks.ts';
import { aigcEntries, infoAigcEntry, infoEntriesWithoutAigc, infoLists, isInfoList, readLabelChunk } from './info.ts';
import { WritePlan } from './plan.ts';

/**
 * AVI (TC260-PG-20257A, video): the label is an `AIGC` entry of a LIST/INFO chunk, holding the bare JSON.
 *
 * Offsets are the danger in AVI: `idx1` entries point into `movi` (relative to it, or absolute), and OpenDML
 * `indx` / `ix##` indexes hold absolute file offsets. So the writer never moves a byte that lies before the last
 * top-level chunk: the label goes into a LIST INFO that is the last chunk of the RIFF (after `movi` and `idx1`),
 * rewritten or appended. A label found anywhere else is removed without changing that list's size: the list is
 * rebuilt without its AIGC entry and the freed bytes become a JUNK chunk right after it, which every reader skips.
 */
const PLACEMENT = 'avi.info-aigc';

/** Walk every LIST but `movi`, whose frames are media (and can number in the millions). */
const walk = (src: ByteSource, strict: boolean): Promise<RiffWalk> =>
  walkRiff(src, { strict, descend: (type) => type !== 'movi' });

const isAvi = (b: Uint8Array): boolean =>
  startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x41, 0x56, 0x49, 0x20], 8);

/** OpenDML files over 1 GB continue in `RIFF AVIX` chunks after the first RIFF. */
async function continuation(src: ByteSource, w: RiffWalk): Promise<string | undefined> {
  if (w.trailing < 12) return undefined;
  const h = await src.read(w.end, 12);
  return ascii(h, 0, 4) === 'RIFF' ? ascii(h, 8, 4) : undefined;
}

async function findSites(src: ByteSource, w: RiffWalk, warnings: CodecWarning[]): Promise<LabelSite[]> {
  const sites: LabelSite[] = [];
  for (const list of infoLists(w.chunks)) {
    for (const e of aigcEntries(list)) {
      sites.push({
        placement: PLACEMENT,
        normative: true,
        text: await readLabelChunk(src, e, warnings),
        offset: e.offset,
      });
    }
  }
  return sites;
}

/** INFO entries must be plain chunks; a LIST inside one would hide entries from the rewrite. */
function assertFlatInfo(list: RiffChunk): void {
  if ((list.children ?? []).some((c) => c.id === 'LIST'))
    throw malformed('a LIST INFO chunk holds a nested LIST', list.offset);
}

/** The same list without its AIGC entries, followed by a JUNK chunk so that the total size does not change. */
async function sameSizeWithoutLabel(src: ByteSource, list: RiffChunk): Promise<Uint8Array> {
  assertFlatInfo(list);
  const kept = await infoEntriesWithoutAigc(src, list);
  if (kept.length === 0) return junkChunk(list.total);
  const rebuilt = buildList('INFO', kept);
  const out = new Uint8Array(list.total);
  out.set(rebuilt, 0);
  out.set(junkChunk(list.total - rebuilt.length), rebuilt.length);
  return out;
}

interface Patch {
  offset: number;
  bytes: Uint8Array;
}

/** Copy [start, end) of the source into the plan, with equal-length replacements spliced in. */
function copyPatched(plan: WritePlan, start: number, end: number, patches: readonly Patch[]): void {
  let pos = start;
  for (const p of patches) {
    if (p.offset < pos || p.offset + p.bytes.length > end) continue;
    plan.copy(pos, p.offset - pos);
    plan.bytes(p.bytes);
    pos = p.offset + p.bytes.length;
  }
  plan.copy(pos, end - pos);
}

async function planWrite(src: ByteSource, label: AigcRecord): Promise<WritePlan> {
  const w = await walk(src, true);
  if (w.form !== 'RIFF' || w.formType !== 'AVI ') throw malformed('not a RIFF AVI file');
  const next = await continuation(src, w);
  if (next !== undefined) {
    throw new HeguiError(
      'format_unsupported',
      `OpenDML AVI files continued in further RIFF chunks (${next.trim() || 'unnamed'}, used past 1 GB) cannot be labelled yet`,
    );
  }
  const top = w.chunks;
  if (top[0]?.id !== 'LIST' || top[0].listType !== 'hdrl')
    throw malformed('the AVI does not start with a LIST hdrl', 12);
  const movi = top.findIndex((c) => c.id === 'LIST' && c.listType === 'movi');
  if (movi < 0) throw malformed('the AVI has no LIST movi');
  const last = top.at(-1)!;
  const tail = isInfoList(last) && top.length - 1 > movi ? last : undefined;

  const patches: Patch[] = [];
  for (const list of infoLists(top)) {
    if (list === tail || aigcEntries(list).length === 0) continue;
    patches.push({ offset: list.offset, bytes: await sameSizeWithoutLabel(src, list) });
  }
  patches.sort((a, b) => a.offset - b.offset);

  const header = new Uint8Array(12);
  const plan = new WritePlan();
  plan.bytes(header);
  for (const c of top) {
    if (c === tail) break;
    copyPatched(plan, c.offset, chunkEnd(c), patches);
    if (!c.padded) plan.bytes(new Uint8Array(1));
  }
  if (tail) assertFlatInfo(tail);
  const entries = tail ? await infoEntriesWithoutAigc(src, tail) : [];
  plan.bytes(buildList('INFO', [...entries, infoAigcEntry(label)]));

  const riffSize = plan.size - 8;
  if (riffSize > U32_MAX) {
    throw new HeguiError('format_unsupported', 'the labelled AVI would exceed the 4 GB RIFF limit', { size: riffSize });
  }
  header.set(asciiBytes('RIFF'), 0);
  put32le(header, 4, riffSize);
  header.set(asciiBytes('AVI '), 8);
  plan.copy(w.end, w.trailing);
  return plan;
}

export const aviCodec: Codec = {
  id: 'avi',
  name: 'AVI',
  kind: 'video',
  mimeTypes: ['video/x-msvideo', 'video/avi', 'video/msvideo'],
  extensions: ['avi'],

  sniff: (src) => isAvi(src.head),

  async read(src): Promise<CodecReadResult> {
    const w = await walk(src, false);
    const warnings: CodecWarning[] = [];
    if (w.error) warnings.push({ code: w.error.code, message: w.error.message });
    const next = w.error ? undefined : await continuation(src, w);
    if (next !== undefined) {
      warnings.push({
        code: 'riff_continuation',
        message: 'OpenDML continuation RIFF chunks were not searched for labels',
      });
    } else if (w.trailing > 0) {
      warnings.push({ code: 'trailing_data', message: `${w.trailing} bytes after the RIFF` });
    }
    return { sites: await findSites(src, w, warnings), warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord, options?: WriteOptions): Promise<void> {
    const plan = await planWrite(src, label);
    await plan.run(src, out, options);
  },

  async describe(src): Promise<string> {
    const w = await walk(src, false);
    const hdrl = w.chunks.find((c) => c.id === 'LIST' && c.listType === 'hdrl');
    const odml = hdrl?.children?.some((c) => c.id === 'LIST' && c.listType === 'odml');
    const next = w.error ? undefined : await continuation(src, w);
    return next !== undefined ? 'AVI (OpenDML, multiple RIFFs)' : odml ? 'AVI (OpenDML)' : 'AVI';
  },
};
