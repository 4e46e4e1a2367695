import { HeguiError, isHeguiError } from '../../../errors.ts';
import { runFfprobe } from './tool.ts';

/** What labelling needs to know of an audio file, as ffprobe reports it. */
export interface AudioProbe {
  /** ffprobe's demuxer name list, e.g. `ogg`, `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  codec: string;
  sampleRate: number;
  channels: number;
  channelLayout?: string;
  /** The decoder's sample format (`s16`, `s32`, `fltp` …). */
  sampleFormat: string;
  /** Significant bits per sample for lossless codecs (16, 24), when known. */
  bitsPerSample?: number;
  /** Bits per second of the audio stream, else of the whole file, when known. */
  bitRate?: number;
  durationSeconds?: number;
  audioStreams: number;
  /** Video streams that are cover pictures, and ones that are real video. */
  coverPictures: number;
  videoStreams: number;
  majorBrand?: string;
}

interface RawStream {
  codec_type?: string;
  codec_name?: string;
  sample_rate?: string;
  channels?: number;
  channel_layout?: string;
  sample_fmt?: string;
  bits_per_raw_sample?: string;
  bit_rate?: string;
  disposition?: { attached_pic?: number };
}

interface RawProbe {
  streams?: RawStream[];
  format?: { format_name?: string; bit_rate?: string; duration?: string; tags?: Record<string, string> };
}

const num = (s: string | undefined): number | undefined => {
  const n = Number(s);
  return s !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
};

/** Probe a file; a file ffprobe cannot read, or one without audio, is `format_unknown`. */
export async function probeAudio(path: string): Promise<AudioProbe> {
  let raw: RawProbe;
  try {
    const r = await runFfprobe(['-print_format', 'json', '-show_format', '-show_streams', path], {
      action: 'read the audio',
      maxStdout: 4 * 1024 * 1024,
      timeoutMs: 60_000,
    });
    raw = JSON.parse(r.stdout.toString('utf8')) as RawProbe;
  } catch (e) {
    if (isHeguiError(e) && e.code === 'tool_failed')
      throw new HeguiError('format_unknown', 'the file is not audio that ffmpeg can read');
    throw e;
  }
  const streams = raw.streams ?? [];
  const audio = streams.filter((s) => s.codec_type === 'audio');
  const video = streams.filter((s) => s.codec_type === 'video');
  const a = audio[0];
  const sampleRate = num(a?.sample_rate);
  if (!a || !sampleRate || !a.channels || !a.codec_name)
    throw new HeguiError('format_unknown', 'the file has no audio stream that ffmpeg can read');
  const brand = raw.format?.tags?.['major_brand'];
  return {
    formatName: raw.format?.format_name ?? '',
    codec: a.codec_name,
    sampleRate,
    channels: a.channels,
    ...(a.channel_layout ? { channelLayout: a.channel_layout } : {}),
    sampleFormat: a.sample_fmt ?? '',
    ...(num(a.bits_per_raw_sample) ? { bitsPerSample: num(a.bits_per_raw_sample)! } : {}),
    ...((num(a.bit_rate) ?? num(raw.format?.bit_rate))
      ? { bitRate: (num(a.bit_rate) ?? num(raw.format?.bit_rate))! }
      : {}),
    ...(num(raw.format?.duration) ? { durationSeconds: num(raw.format?.duration)! } : {}),
    audioStreams: audio.length,
    coverPictures: video.filter((v) => v.disposition?.attached_pic === 1).length,
    videoStreams: video.filter((v) => v.disposition?.attached_pic !== 1).length,
    ...(brand ? { majorBrand: brand.trim() } : {}),
  };
}
