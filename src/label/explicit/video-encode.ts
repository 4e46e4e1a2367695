import { HeguiError } from '../../errors.ts';
import type { ProbeStream } from '../../media/probe.ts';
import { runTool } from '../../media/run.ts';

/** Containers the video renderer writes (the input's own; a labelled video keeps its container). */
export type VideoContainer = 'mp4' | 'mov' | 'matroska' | 'webm';

export interface VideoEncoder {
  /** ffmpeg encoder name. */
  name: string;
  args: string[];
  pixFmt: string;
  warnings: string[];
}

const formatsCache = new Map<string, Promise<string[]>>();

/** The pixel formats this ffmpeg build's encoder accepts (`ffmpeg -h encoder=NAME`). */
function encoderFormats(name: string): Promise<string[]> {
  let hit = formatsCache.get(name);
  if (!hit) {
    hit = runTool('ffmpeg', ['-hide_banner', '-h', `encoder=${name}`], { timeoutMs: 30_000 }).then(({ stdout }) => {
      const text = stdout.toString('utf8');
      if (/is not recognized/i.test(text)) throw new HeguiError('tool_failed', `this ffmpeg has no ${name} encoder`);
      return /Supported pixel formats:([^\n]*)/.exec(text)?.[1]?.trim().split(/\s+/) ?? [];
    });
    formatsCache.set(name, hit);
  }
  return hit;
}

/**
 * Re-encoding quality: visually lossless defaults, the codec family of the input where an encoder exists.
 * x264 CRF 18 is the customary "visually lossless" point; x265 CRF 20 matches it at about half the bitrate;
 * VP9 CRF 24 with an unconstrained bitrate is Google's recommended high-quality setting for 1080p; VP8 has no pure
 * constant-quality mode, so CRF 10 under a cap of twice the input's bitrate.
 */
function choose(codec: string | undefined, container: VideoContainer, bitrate: number | undefined, tag?: string) {
  const webm = container === 'webm';
  if (codec === 'vp8' && webm) {
    const cap = Math.max(2_000_000, Math.min(50_000_000, 2 * (bitrate ?? 2_000_000)));
    return {
      name: 'libvpx',
      args: ['-crf', '10', '-b:v', String(cap), '-deadline', 'good', '-cpu-used', '2', '-auto-alt-ref', '0'],
    };
  }
  if (codec === 'vp9' || webm) {
    return {
      name: 'libvpx-vp9',
      args: ['-crf', '24', '-b:v', '0', '-deadline', 'good', '-cpu-used', '2', '-row-mt', '1'],
    };
  }
  if (codec === 'hevc') {
    const mp4 = container === 'mp4' || container === 'mov';
    return {
      name: 'libx265',
      args: [
        '-preset',
        'medium',
        '-crf',
        '20',
        '-x265-params',
        'log-level=error',
        ...(mp4 ? ['-tag:v', tag === 'hev1' ? 'hev1' : 'hvc1'] : []),
      ],
    };
  }
  return { name: 'libx264', args: ['-preset', 'medium', '-crf', '18'] };
}

export async function chooseEncoder(
  stream: ProbeStream,
  container: VideoContainer,
  bitrate?: number,
): Promise<VideoEncoder> {
  const warnings: string[] = [];
  const { name, args } = choose(stream.codec_name, container, bitrate, stream.codec_tag_string);
  const formats = await encoderFormats(name);
  const family = { libx264: 'h264', libx265: 'hevc', libvpx: 'vp8', 'libvpx-vp9': 'vp9' }[name];
  if (family !== stream.codec_name)
    warnings.push(
      `the ${stream.codec_name ?? 'unknown'} video is re-encoded as ${family} (no ${stream.codec_name} encoder here)`,
    );
  let pixFmt = stream.pix_fmt ?? 'yuv420p';
  if (!formats.includes(pixFmt)) {
    warnings.push(`pixel format ${pixFmt} is not supported by ${name}; written as yuv420p`);
    pixFmt = 'yuv420p';
  }
  return { name, args: ['-c:v', name, ...args, '-pix_fmt', pixFmt], pixFmt, warnings };
}

/** Colour description of the input, carried over so players render the re-encoded video the same. */
export function colourArgs(s: ProbeStream): string[] {
  const out: string[] = [];
  const known = (v: string | undefined) => v && v !== 'unknown' && v !== 'reserved';
  if (known(s.color_range)) out.push('-color_range', s.color_range!);
  if (known(s.color_primaries)) out.push('-color_primaries', s.color_primaries!);
  if (known(s.color_transfer)) out.push('-color_trc', s.color_transfer!);
  if (known(s.color_space)) out.push('-colorspace', s.color_space!);
  return out;
}
