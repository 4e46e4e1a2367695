import { HeguiError, malformed, oversize } from '../../../errors.ts';
import { type AigcRecord, serializeBare } from '../../aigc/record.ts';
import { ascii, asciiBytes, put32le, startsWith, u16le, u32le, utf8 } from '../../io/bytes.ts';
import type { ByteSink } from '../../io/sink.ts';
import type { ByteSource } from '../../io/source.ts';
import type { Codec, CodecReadResult, CodecWarning, LabelSite, WriteOptions } from '../codec.ts';
import { buildChunk, buildList, chunkData, type RiffChunk, type RiffWalk, U32_MAX, walkRiff } from './chunks.ts';
import { AIGC_ID, aigcEntries, chunkBytes, infoLists, MAX_INFO_LIST, readLabelChunk } from './info.ts';
import { WritePlan } from './plan.ts';

/**
 * WAV (TC260-PG-202510A, audio): the label is a RIFF sub-chunk `AIGC` holding the bare JSON. Also read: an `AIGC`
 * entry in a LIST/INFO, which some writers use; it is removed on write (GB 45438 6.1 c: one label per file).
 */
const CHUNK_PLACEMENT = 'wav.aigc-chunk';
const INFO_PLACEMENT = 'wav.list-info-aigc';

/** WAV LISTs (INFO, adtl) are small and hold no audio: walk them all. */
const walk = (src: ByteSource, strict: boolean): Promise<RiffWalk> => walkRiff(src, { strict, descend: () => true });

const isWave = (b: Uint8Array): boolean =>
  (startsWith(b, [0x52, 0x49, 0x46, 0x46]) ||
    startsWith(b, [0x52, 0x46, 0x36, 0x34]) ||
    startsWith(b, [0x42, 0x57, 0x36, 0x34])) &&
  startsWith(b, [0x57, 0x41, 0x56, 0x45], 8);

async function findSites(src: ByteSource, w: RiffWalk, warnings: CodecWarning[]): Promise<LabelSite[]> {
  const sites: LabelSite[] = [];
  for (const c of w.chunks) {
    if (c.id === AIGC_ID) {
      sites.push({
        placement: CHUNK_PLACEMENT,
        normative: true,
        text: await readLabelChunk(src, c, warnings),
        offset: c.offset,
      });
      continue;
    }
    for (const list of infoLists([c])) {
      for (const e of aigcEntries(list)) {
        sites.push({
          placement: INFO_PLACEMENT,
          normative: false,
          text: await readLabelChunk(src, e, warnings),
          offset: e.offset,
        });
      }
    }
  }
  return sites;
}

const holdsInfoLabel = (c: RiffChunk): boolean => infoLists([c]).some((l) => aigcEntries(l).length > 0);

/**
 * A LIST rebuilt without the AIGC INFO entries it holds (at any depth); every other entry is kept byte for byte.
 * Returns null when nothing is left, so an INFO list that only held the label disappears.
 */
async function listWithoutLabel(src: ByteSource, list: RiffChunk): Promise<Uint8Array | null> {
  if (list.size > MAX_INFO_LIST) throw oversize('a LIST chunk holding a label', list.size, MAX_INFO_LIST);
  const kept: Uint8Array[] = [];
  for (const c of list.children ?? []) {
    if (c.id === AIGC_ID && list.listType === 'INFO') continue;
    if (c.id === 'LIST' && holdsInfoLabel(c)) {
      const inner = await listWithoutLabel(src, c);
      if (inner) kept.push(inner);
    } else kept.push(await chunkBytes(src, c));
  }
  return kept.length === 0 && list.listType === 'INFO' ? null : buildList(list.listType!, kept);
}

async function planWrite(src: ByteSource, label: AigcRecord): Promise<WritePlan> {
  const form = ascii(src.head, 0, 4);
  if (form === 'RF64' || form === 'BW64') {
    const message = `${form} WAV files (the 64-bit form for audio over 4 GB) cannot be labelled yet`;
    throw new HeguiError('format_unsupported', message, { form });
  }
  const w = await walk(src, true);
  if (w.formType !== 'WAVE') throw malformed('the RIFF form type is not WAVE', 8);
  const dataIndex = w.chunks.findIndex((c) => c.id === 'data');
  if (dataIndex < 0) throw malformed('the WAV has no data chunk');
  if (!w.chunks.slice(0, dataIndex).some((c) => c.id === 'fmt '))
    throw malformed('the WAV has no fmt chunk before its data');

  const header = new Uint8Array(12);
  const plan = new WritePlan();
  plan.bytes(header);
  for (const [i, c] of w.chunks.entries()) {
    // The label goes right before `data`: after `fmt ` as players expect, and never behind megabytes of audio.
    // Nothing in a WAV addresses bytes by absolute file offset, so moving `data` is safe; its bytes are copied.
    if (i === dataIndex) plan.bytes(buildChunk(AIGC_ID, utf8.encode(serializeBare(label))));
    if (c.id === AIGC_ID) continue;
    if (c.id === 'LIST' && holdsInfoLabel(c)) {
      const rebuilt = await listWithoutLabel(src, c);
      if (rebuilt) plan.bytes(rebuilt);
      continue;
    }
    plan.copy(c.offset, c.total);
    if (!c.padded) plan.bytes(new Uint8Array(1));
  }
  const riffSize = plan.size - 8;
  if (riffSize > U32_MAX) {
    throw new HeguiError(
      'format_unsupported',
      'the labelled WAV would exceed the 4 GB RIFF limit (RF64 is not supported)',
      {
        size: riffSize,
      },
    );
  }
  header.set(asciiBytes('RIFF'), 0);
  put32le(header, 4, riffSize);
  header.set(asciiBytes('WAVE'), 8);
  // Bytes after the RIFF (an appended ID3 tag, say) are not ours to judge: they are kept.
  plan.copy(w.end, w.trailing);
  return plan;
}

const FORMAT_NAMES: Record<number, string> = { 1: 'PCM', 3: 'IEEE float', 6: 'A-law', 7: 'µ-law', 65534: 'extensible' };

export const wavCodec: Codec = {
  id: 'wav',
  name: 'WAV',
  kind: 'audio',
  mimeTypes: ['audio/wav', 'audio/x-wav', 'audio/vnd.wave'],
  extensions: ['wav', 'wave', 'bwf'],

  sniff: (src) => isWave(src.head),

  async read(src): Promise<CodecReadResult> {
    const w = await walk(src, false);
    const warnings: CodecWarning[] = [];
    if (w.error) warnings.push({ code: w.error.code, message: w.error.message });
    if (w.trailing > 0) warnings.push({ code: 'trailing_data', message: `${w.trailing} bytes after the RIFF` });
    return { sites: await findSites(src, w, warnings), warnings };
  },

  async write(src: ByteSource, out: ByteSink, label: AigcRecord, options?: WriteOptions): Promise<void> {
    const plan = await planWrite(src, label);
    await plan.run(src, out, options);
  },

  async describe(src): Promise<string> {
    const w = await walk(src, false);
    const fmt = w.chunks.find((c) => c.id === 'fmt ');
    const prefix = w.form === 'RIFF' ? 'WAV' : `WAV (${w.form})`;
    if (!fmt || fmt.size < 16) return prefix;
    const f = await src.read(chunkData(fmt), 16);
    const tag = u16le(f, 0);
    const name = FORMAT_NAMES[tag] ?? `format 0x${tag.toString(16)}`;
    return `${prefix} ${name} ${u16le(f, 14)}-bit, ${u16le(f, 2)} ch, ${u32le(f, 4)} Hz`;
  },
};
