import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeguiError } from '../../../errors.ts';
import type { LabelBlock } from './block.ts';
import { encodePcm, type PcmLayout } from './pcm.ts';
import type { AudioProbe } from './probe.ts';
import { runFfmpeg } from './tool.ts';

/**
 * Formats whose samples cannot be spliced as bytes: ffmpeg decodes the content, the concat filter joins label and
 * content, and the result is encoded in the input's codec, sample rate, channel count and bit rate. FLAC and ALAC
 * are lossless: the label is handed to ffmpeg in the decoder's own sample format, so no conversion touches the
 * content and its samples come out bit-identical. Tags (and MP3/FLAC cover pictures) are copied from the input.
 */
export type AudioContainer = 'wav' | 'flac' | 'mp3' | 'ogg' | 'm4a';

export interface AudioRoute {
  container: AudioContainer;
  muxer: string;
  encoder: string;
  lossless: boolean;
  /** How the label samples are handed to ffmpeg. */
  raw: { format: 's16le' | 's32le' | 'f32le'; layout: PcmLayout };
  /** The encoder's input sample format, for lossless codecs (else the encoder picks). */
  sampleFormat?: string;
  bitRate?: number;
  covers: boolean;
}

const FLOAT_RAW = { format: 'f32le', layout: { kind: 'float', containerBits: 32, validBits: 32 } } as const;

/** Bit-rate bounds per encoder (bits/s) and the default per channel when the input says nothing. */
const BIT_RATES: Record<string, { min: number; max: number; perChannel: number }> = {
  libmp3lame: { min: 32_000, max: 320_000, perChannel: 64_000 },
  libvorbis: { min: 32_000, max: 500_000, perChannel: 64_000 },
  libopus: { min: 6_000, max: 510_000, perChannel: 48_000 },
  aac: { min: 16_000, max: 512_000, perChannel: 64_000 },
};

function lossyRate(encoder: string, p: AudioProbe): number {
  const b = BIT_RATES[encoder]!;
  const wanted = p.bitRate ?? b.perChannel * p.channels;
  return Math.round(Math.min(b.max, Math.max(b.min, wanted)) / 1000) * 1000;
}

function losslessRaw(p: AudioProbe): AudioRoute['raw'] {
  if (p.sampleFormat.startsWith('s16'))
    return { format: 's16le', layout: { kind: 'int', containerBits: 16, validBits: 16 } };
  if (p.sampleFormat.startsWith('s32') && (p.bitsPerSample ?? 24) <= 24)
    return { format: 's32le', layout: { kind: 'int', containerBits: 32, validBits: 24 } };
  throw new HeguiError(
    'format_unsupported',
    `lossless audio in sample format ${p.sampleFormat || 'unknown'} is not supported`,
  );
}

const unsupported = (what: string): HeguiError =>
  new HeguiError('format_unsupported', `${what} cannot take an explicit audio label yet`);

export function routeFor(p: AudioProbe): AudioRoute {
  if (p.audioStreams !== 1) throw unsupported('a file with more than one audio stream');
  if (p.videoStreams > 0) throw unsupported('a file with video (use the video explicit label)');
  const names = p.formatName.split(',');
  const base = { covers: false };
  if (names.includes('flac') && p.codec === 'flac') {
    const raw = losslessRaw(p);
    return {
      ...base,
      container: 'flac',
      muxer: 'flac',
      encoder: 'flac',
      lossless: true,
      raw,
      sampleFormat: raw.format.slice(0, 3),
      covers: true,
    };
  }
  if (names.includes('mp3') && p.codec === 'mp3') {
    return {
      ...base,
      container: 'mp3',
      muxer: 'mp3',
      encoder: 'libmp3lame',
      lossless: false,
      raw: FLOAT_RAW,
      bitRate: lossyRate('libmp3lame', p),
      covers: true,
    };
  }
  if (names.includes('ogg') && (p.codec === 'vorbis' || p.codec === 'opus')) {
    const encoder = p.codec === 'vorbis' ? 'libvorbis' : 'libopus';
    return {
      ...base,
      container: 'ogg',
      muxer: 'ogg',
      encoder,
      lossless: false,
      raw: FLOAT_RAW,
      bitRate: lossyRate(encoder, p),
    };
  }
  if (names.includes('mp4') || names.includes('mov')) {
    const muxer = p.majorBrand === 'M4A' ? 'ipod' : 'mp4';
    if (p.codec === 'aac')
      return {
        ...base,
        container: 'm4a',
        muxer,
        encoder: 'aac',
        lossless: false,
        raw: FLOAT_RAW,
        bitRate: lossyRate('aac', p),
      };
    if (p.codec === 'alac') {
      const raw = losslessRaw(p);
      return {
        ...base,
        container: 'm4a',
        muxer,
        encoder: 'alac',
        lossless: true,
        raw,
        sampleFormat: `${raw.format.slice(0, 3)}p`,
      };
    }
  }
  throw unsupported(`${p.codec} audio in a ${names[0]} container`);
}

/**
 * Encode label + content (+ label) into `out`, in the input's format. Returns the content's decoded length in
 * frames, counted by ffmpeg in the same run (a container's duration includes encoder delay and padding).
 */
export async function transcodeWithLabel(
  input: string,
  out: string,
  p: AudioProbe,
  route: AudioRoute,
  blocks: { before?: LabelBlock; after?: LabelBlock },
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'hegui-audio-'));
  try {
    const args: string[] = [];
    const concat: string[] = [];
    const filters: string[] = [];
    const layout = p.channelLayout ? `:channel_layouts='${p.channelLayout}'` : '';
    let n = 0;
    const addLabel = async (block: LabelBlock, name: string) => {
      const path = join(dir, `${name}.raw`);
      await writeFile(path, encodePcm(block.samples, route.raw.layout));
      args.push('-f', route.raw.format, '-ar', String(p.sampleRate), '-ac', String(p.channels), '-i', path);
      // Label samples take the decoder's sample format and layout, so the concat filter converts nothing of the content.
      filters.push(`[${n}:a]aformat=sample_fmts=${p.sampleFormat}:sample_rates=${p.sampleRate}${layout}[l${n}]`);
      concat.push(`[l${n}]`);
      n++;
    };
    if (blocks.before) await addLabel(blocks.before, 'before');
    const content = n++;
    args.push('-i', input);
    // One copy of the content feeds the concat, the other is counted: one byte per frame on stdout.
    filters.push(`[${content}:a:0]asplit=2[content][count]`);
    concat.push('[content]');
    if (blocks.after) await addLabel(blocks.after, 'after');
    filters.push(`${concat.join('')}concat=n=${concat.length}:v=0:a=1[out]`);
    args.push('-filter_complex', filters.join(';'), '-map', '[out]');
    if (route.covers && p.coverPictures > 0)
      args.push('-map', `${content}:v`, '-c:v', 'copy', '-disposition:v', 'attached_pic');
    args.push('-map_metadata', String(content), '-map_metadata:s:a:0', `${content}:s:a:0`);
    args.push('-c:a', route.encoder, '-ar', String(p.sampleRate), '-ac', String(p.channels));
    if (route.sampleFormat) args.push('-sample_fmt', route.sampleFormat);
    if (route.bitRate) args.push('-b:a', String(route.bitRate));
    args.push('-f', route.muxer, '-y', out);
    args.push('-map', '[count]', '-ac', '1', '-c:a', 'pcm_u8', '-f', 'u8', 'pipe:1');
    const r = await runFfmpeg(args, { action: 'encode the labelled audio', countOnly: true });
    return r.stdoutBytes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
