import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { exiftool } from 'exiftool-vendored';
import sharp from 'sharp';
import { ffmpegPath, ffprobePath } from '../../src/media/tools.ts';
import { runOk } from './run.ts';

export { exiftool };

/** Make a media file with ffmpeg (the real encoder): `ffmpeg -y <args> out`. */
export async function ffmpeg(args: string[]): Promise<void> {
  await runOk(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/**
 * Hashes of every packet of every stream, as ffmpeg demuxes them (`-c copy -f framemd5`): equal lists mean the
 * media payload is byte-identical, whatever happened to the metadata.
 */
export async function packetHashes(path: string): Promise<string[]> {
  const out = await runOk(ffmpegPath(), [
    '-hide_banner',
    '-loglevel',
    'error',
    '-i',
    path,
    '-map',
    '0',
    '-c',
    'copy',
    '-f',
    'framemd5',
    '-',
  ]);
  return out.split('\n').filter((l) => l && !l.startsWith('#'));
}

/** Hashes of every decoded frame / audio block (`-f framemd5` with decoding). */
export async function decodedHashes(path: string): Promise<string[]> {
  const out = await runOk(ffmpegPath(), [
    '-hide_banner',
    '-loglevel',
    'error',
    '-i',
    path,
    '-map',
    '0',
    '-f',
    'framemd5',
    '-',
  ]);
  return out.split('\n').filter((l) => l && !l.startsWith('#'));
}

/** SHA-256 of the decoded pixels of every page/frame (sharp decodes; equal hashes mean identical pixels). */
export async function pixelHash(path: string): Promise<string> {
  const { data, info } = await sharp(path, { pages: -1, failOn: 'error' }).raw().toBuffer({ resolveWithObject: true });
  return createHash('sha256').update(`${info.width}x${info.height}x${info.channels}:`).update(data).digest('hex');
}

export interface ProbeResult {
  format: { format_name: string; tags?: Record<string, string> };
  streams: {
    codec_type: string;
    codec_name: string;
    disposition?: Record<string, number>;
    tags?: Record<string, string>;
  }[];
  chapters?: unknown[];
}

export async function ffprobe(path: string): Promise<ProbeResult> {
  const out = await runOk(ffprobePath(), [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    '-show_chapters',
    path,
  ]);
  return JSON.parse(out) as ProbeResult;
}

/** The AIGC tag as ffprobe reports it (format tags, then stream tags; tag names compared case-insensitively). */
export async function ffprobeAigc(path: string): Promise<string | undefined> {
  const p = await ffprobe(path);
  const all = [p.format.tags ?? {}, ...p.streams.map((s) => s.tags ?? {})];
  for (const tags of all) for (const [k, v] of Object.entries(tags)) if (k.toUpperCase() === 'AIGC') return v;
  return undefined;
}

/** The TC260 XMP property as exiftool reports it. */
export async function exiftoolAigc(path: string): Promise<string | undefined> {
  const tags = (await exiftool.readRaw(path, ['-G1', '-a', '-struct'])) as Record<string, unknown>;
  for (const [k, v] of Object.entries(tags)) if (/^XMP-TC260:Aigc$/i.test(k)) return String(v);
  return undefined;
}

export async function exiftoolRaw(path: string, args: string[] = ['-G1', '-a']): Promise<Record<string, unknown>> {
  return (await exiftool.readRaw(path, args)) as Record<string, unknown>;
}

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}
