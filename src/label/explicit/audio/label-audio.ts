import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { HeguiError } from '../../../errors.ts';
import { hasErrors } from '../../aigc/findings.ts';
import { validateRecord } from '../../aigc/parse.ts';
import type { AigcRecord } from '../../aigc/record.ts';
import { codecById } from '../../codecs/registry.ts';
import { AtomicFileSink } from '../../io/sink.ts';
import { FileSource, ioError } from '../../io/source.ts';
import { detectFormat, type WriteLabelOptions, writeLabel } from '../../label-file.ts';
import { buildBlock, type LabelBlock, type LabelParts } from './block.ts';
import { probeAudio } from './probe.ts';
import { loadPrompt } from './prompt.ts';
import { type RhythmOptions, resolveRhythm } from './rhythm.ts';
import { type AudioContainer, routeFor, transcodeWithLabel } from './transcode.ts';
import { isWav, readWavLayout, writeWavWithLabel } from './wav.ts';

export type AudioLabelPosition = 'before' | 'after' | 'both';
export const AUDIO_LABEL_POSITIONS: readonly AudioLabelPosition[] = ['before', 'after', 'both'];

export interface AudioLabelOptions {
  /** GB 45438 §5: before the content (default), after it, or both; never mixed over it. */
  position?: AudioLabelPosition;
  /** The rhythm "短长 短短" (default on), with its timing and level. */
  rhythm?: boolean | RhythmOptions;
  /** A recording of the spoken prompt (e.g. "本内容由人工智能生成"), in any format ffmpeg reads. */
  prompt?: string;
  /** Silence between the label and the content (and between rhythm and prompt), ms. Default 300. */
  gapMs?: number;
  /** The metadata label to write into the output as well (GB 45438 §6, App. E). */
  label?: AigcRecord;
  /** Sign the metadata label while writing it (docs/signature-scheme.md); needs `label`. */
  sign?: WriteLabelOptions['sign'];
}

/** Where one label block sits in the output, in ms from the start. */
export interface AudioLabelPlacement {
  startMs: number;
  durationMs: number;
  rhythm?: { startMs: number; durationMs: number };
  prompt?: { startMs: number; durationMs: number };
}

export interface AudioLabelResult {
  path: string;
  container: AudioContainer;
  codec: string;
  sampleRate: number;
  channels: number;
  /** True when content samples were copied bit for bit (PCM WAV, FLAC, ALAC). */
  lossless: boolean;
  /** The bit rate used for a lossy re-encode. */
  bitRate?: number;
  before?: AudioLabelPlacement;
  after?: AudioLabelPlacement;
  contentStartMs: number;
  contentMs: number;
  /** Whether the metadata label was written as well. */
  metadataLabel: boolean;
  /** The metadata label as written (with its SecurityData when signed). */
  label?: AigcRecord;
}

const DEFAULT_GAP_MS = 300;

interface Plan {
  position: AudioLabelPosition;
  rhythm: LabelParts['rhythm'];
  prompt?: string;
  gapMs: number;
}

/** Check options before any file is touched: throws `usage` (or `label_invalid`) naming the problem. */
export function checkAudioLabelOptions(o: AudioLabelOptions): void {
  plan(o);
}

function plan(o: AudioLabelOptions): Plan {
  const position = o.position ?? 'before';
  if (!AUDIO_LABEL_POSITIONS.includes(position))
    throw new HeguiError('usage', `the position must be one of ${AUDIO_LABEL_POSITIONS.join(', ')}`);
  const rhythm = o.rhythm === false ? null : resolveRhythm(o.rhythm === true || !o.rhythm ? {} : o.rhythm);
  if (!rhythm && !o.prompt) throw new HeguiError('usage', 'an audio label needs the rhythm, a spoken prompt, or both');
  const gapMs = o.gapMs ?? DEFAULT_GAP_MS;
  if (typeof gapMs !== 'number' || !Number.isFinite(gapMs) || gapMs < 50 || gapMs > 5000)
    throw new HeguiError('usage', 'the gap must be from 50 to 5000 ms');
  if (o.sign && !o.label) throw new HeguiError('usage', 'a signature signs the metadata label: give the label too');
  if (o.label && hasErrors(validateRecord(o.label))) {
    throw new HeguiError('label_invalid', 'the metadata label cannot be written: it does not pass validation');
  }
  return { position, rhythm, gapMs, ...(o.prompt ? { prompt: o.prompt } : {}) };
}

async function blocksFor(
  p: Plan,
  rate: number,
  channels: number,
): Promise<{ before?: LabelBlock; after?: LabelBlock }> {
  const parts: LabelParts = {
    rhythm: p.rhythm,
    prompt: p.prompt ? await loadPrompt(p.prompt, rate, channels) : null,
    gapMs: p.gapMs,
  };
  return {
    ...(p.position !== 'after' ? { before: buildBlock(parts, 'before', rate, channels) } : {}),
    ...(p.position !== 'before' ? { after: buildBlock(parts, 'after', rate, channels) } : {}),
  };
}

const ms = (frames: number, rate: number): number => Math.round((frames / rate) * 1e6) / 1e3;
const round = (x: number): number => Math.round(x * 1e3) / 1e3;

/** A block's parts in ms of the output, the block starting at `startMs`. */
function placement(b: LabelBlock, startMs: number, rate: number): AudioLabelPlacement {
  const at = (frames: number) => round(startMs + ms(frames, rate));
  const out: AudioLabelPlacement = { startMs: round(startMs), durationMs: ms(b.frames, rate) };
  if (b.rhythmAt !== undefined) out.rhythm = { startMs: at(b.rhythmAt), durationMs: ms(b.rhythmFrames!, rate) };
  if (b.promptAt !== undefined) out.prompt = { startMs: at(b.promptAt), durationMs: ms(b.promptFrames!, rate) };
  return out;
}

/** A metadata label needs a codec that writes this container; checked before any work is done. */
async function assertLabelWritable(input: string): Promise<void> {
  const format = await detectFormat(input);
  if (!format || !codecById(format.codec)?.write) {
    throw new HeguiError(
      'format_unsupported',
      `the metadata label cannot be written into ${format ? `${format.name} files` : 'files of this format'} yet, so no explicit label was added either`,
    );
  }
}

async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+').catch((e: unknown) => {
    throw ioError(e, 'open the output file');
  });
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const tempBeside = (target: string): string =>
  join(dirname(target), `.${basename(target)}.hegui-${randomBytes(6).toString('hex')}.tmp`);

/**
 * Add the audio explicit label (GB 45438 §5; Provisions Art. 17) to `input`, writing `output` (which may be the
 * input itself) in the input's format, then the metadata label when `options.label` is given. The output appears
 * atomically and only when everything succeeded; the input is never modified unless it is the output.
 */
export async function labelAudioFile(
  input: string,
  output: string,
  options: AudioLabelOptions = {},
): Promise<AudioLabelResult> {
  const p = plan(options);
  const folder = await stat(dirname(resolve(output))).catch(() => null);
  if (!folder?.isDirectory()) throw new HeguiError('io', 'cannot create the output file: its folder does not exist');
  if (options.label) await assertLabelWritable(input);
  const src = await FileSource.open(input);
  let temp: string | null = null;
  try {
    let result: Omit<AudioLabelResult, 'path' | 'metadataLabel'>;
    if (isWav(src.head)) {
      const wav = await readWavLayout(src);
      const { sampleRate: rate, channels } = wav.format;
      const blocks = await blocksFor(p, rate, channels);
      const sink = await AtomicFileSink.create(output);
      temp = sink.tempPath;
      try {
        await writeWavWithLabel(src, sink, wav, blocks);
        await sink.finish(true);
      } catch (e) {
        await sink.abort();
        throw e;
      }
      const { kind, containerBits } = wav.format.layout;
      const codec = containerBits === 8 ? 'pcm_u8' : `pcm_${kind === 'float' ? 'f' : 's'}${containerBits}le`;
      const format = { container: 'wav', codec, rate, channels, lossless: true } as const;
      result = describe(format, blocks, ms(wav.frames, rate));
    } else {
      const probe = await probeAudio(input);
      const route = routeFor(probe);
      const blocks = await blocksFor(p, probe.sampleRate, probe.channels);
      temp = tempBeside(output);
      const contentFrames = await transcodeWithLabel(input, temp, probe, route, blocks);
      result = {
        ...describe(
          {
            container: route.container,
            codec: probe.codec,
            rate: probe.sampleRate,
            channels: probe.channels,
            lossless: route.lossless,
          },
          blocks,
          ms(contentFrames, probe.sampleRate),
        ),
        ...(route.bitRate ? { bitRate: route.bitRate } : {}),
      };
    }
    let written: AigcRecord | undefined;
    if (options.label) {
      written = (
        await writeLabel(temp, options.label, { out: output, ...(options.sign ? { sign: options.sign } : {}) })
      ).label;
      await unlink(temp).catch(() => {});
    } else {
      // Before a rename replaces the original, the new bytes must be on disk (else a crash could leave neither).
      if (resolve(output) === resolve(input)) await syncFile(temp);
      await rename(temp, output).catch((e: unknown) => {
        throw ioError(e, 'replace the output file');
      });
    }
    temp = null;
    return { path: output, ...result, metadataLabel: !!options.label, ...(written ? { label: written } : {}) };
  } finally {
    await src.close();
    if (temp) await unlink(temp).catch(() => {});
  }
}

interface Format {
  container: AudioContainer;
  codec: string;
  rate: number;
  channels: number;
  lossless: boolean;
}

function describe(
  f: Format,
  blocks: { before?: LabelBlock; after?: LabelBlock },
  contentMs: number,
): Omit<AudioLabelResult, 'path' | 'metadataLabel'> {
  const contentStartMs = ms(blocks.before?.frames ?? 0, f.rate);
  return {
    container: f.container,
    codec: f.codec,
    sampleRate: f.rate,
    channels: f.channels,
    lossless: f.lossless,
    ...(blocks.before ? { before: placement(blocks.before, 0, f.rate) } : {}),
    ...(blocks.after ? { after: placement(blocks.after, contentStartMs + contentMs, f.rate) } : {}),
    contentStartMs,
    contentMs: round(contentMs),
  };
}

/** {@link labelAudioFile} for bytes in memory (a generation service's output): returns the labelled bytes. */
export async function labelAudioBytes(bytes: Uint8Array, options: AudioLabelOptions = {}): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'hegui-audio-bytes-'));
  try {
    const input = join(dir, 'input');
    const output = join(dir, 'output');
    await writeFile(input, bytes);
    await labelAudioFile(input, resolve(output), options);
    return new Uint8Array(await readFile(output));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
