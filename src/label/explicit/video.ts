import { randomBytes } from 'node:crypto';
import { open, rename, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { HeguiError } from '../../errors.ts';
import { displayRotation, type Probe, type ProbeStream, probe, rate, seconds } from '../../media/probe.ts';
import { runTool } from '../../media/run.ts';
import type { AigcRecord } from '../aigc/record.ts';
import { ioError } from '../io/source.ts';
import { type WriteLabelOptions, writeLabel } from '../label-file.ts';
import { ANY_BACKGROUND, anyBackgroundPlate, worstContrast } from './contrast.ts';
import type { DrawnLabel } from './drawn-label.ts';
import { fitText } from './glyphs.ts';
import { displayToCoded, placePlate, targetInkHeight } from './layout.ts';
import { type ExplicitOptions, resolveExplicit } from './options.ts';
import { composeTile, plateSize } from './tile.ts';
import { chooseEncoder, colourArgs, type VideoContainer } from './video-encode.ts';
import { checkSpan, planSpan, type VideoSpan } from './video-span.ts';

export interface VideoLabelOptions extends ExplicitOptions {
  /** When the label shows (default `start`). */
  span?: VideoSpan;
  /** Seconds shown at the start (and end): at least 2 (GB 45438 §5.4), default 2. */
  duration?: number;
}

export interface VideoLabelReport extends DrawnLabel {
  container: VideoContainer;
  /** Size as displayed (after the display matrix). */
  width: number;
  height: number;
  /** Display rotation kept from the input (counter-clockwise degrees). */
  rotation: number;
  span: VideoSpan;
  /** Seconds from the first frame during which the label is drawn (the end of each is the planned bound). */
  intervals: { from: number; to: number }[];
  videoSeconds: number | null;
  encoder: string;
  audio: 'copied' | 'none';
  warnings: string[];
}

/** The container to write: the input's. ffprobe names MP4 and QuickTime alike; the major brand tells them apart. */
async function containerOf(p: Probe, path: string): Promise<VideoContainer> {
  const name = p.format.format_name ?? '';
  if (/\bmov\b|\bmp4\b/.test(name)) return p.format.tags?.['major_brand']?.trim() === 'qt' ? 'mov' : 'mp4';
  if (/matroska|webm/.test(name)) {
    const fh = await open(path, 'r');
    try {
      const head = Buffer.alloc(64);
      await fh.read(head, 0, 64, 0);
      return head.includes('webm', 0, 'latin1') ? 'webm' : 'matroska';
    } finally {
      await fh.close();
    }
  }
  throw new HeguiError(
    'format_unsupported',
    `explicit labels are drawn on MP4, MOV, Matroska and WebM videos, not ${name.split(',')[0] || 'this format'}`,
  );
}

function videoStream(p: Probe): ProbeStream {
  const v = p.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!v?.width || !v.height) throw new HeguiError('format_unsupported', 'the file has no video stream to label');
  return v;
}

/** Subtitle streams the output container can take unchanged; others would make ffmpeg fail, so they are dropped. */
function keptSubtitles(p: Probe, c: VideoContainer): ProbeStream[] {
  const ok = (s: ProbeStream) =>
    c === 'matroska' || (c === 'webm' ? s.codec_name === 'webvtt' : s.codec_name === 'mov_text');
  return p.streams.filter((s) => s.codec_type === 'subtitle' && ok(s));
}

/**
 * A path as a filter option value inside a filter graph: escaped once for the option parser (`\\ ' :`) and once
 * for the graph parser (`\\ ' [ ] , ;`), per ffmpeg-filters "Notes on filtergraph escaping".
 */
export const filterPath = (p: string): string =>
  p.replace(/[\\':]/g, (c) => `\\${c}`).replace(/[\\'[\],;]/g, (c) => `\\${c}`);

/** ffmpeg overlay's `format` option for the pixel formats it blends natively. */
const OVERLAY_FORMATS: Record<string, string> = { yuv420p: 'yuv420', yuv422p: 'yuv422', yuv444p: 'yuv444' };

const tempBeside = (target: string, tag: string): string =>
  join(dirname(target), `.${basename(target)}.hegui-${tag}-${randomBytes(6).toString('hex')}.tmp`);

/**
 * Draw the explicit label (GB 45438 §5.4) on a video and write it to `output` (atomically; `output` may equal
 * `input`). The label is the image renderer's tile (same glyphs, same measured height) overlaid by ffmpeg on the
 * frames of the chosen span. An overlay rather than ffmpeg's drawtext: the text is then measured once, exactly as
 * on images (drawtext sizes by font size, not ink), the plate is the same rounded one, and no user text ever enters a
 * filter graph (drawtext expands `%{…}` and needs `:` `'` `\` escaped: a needless injection surface); the video is re-encoded in its own codec family, audio and subtitles are copied
 * unchanged, the container, frame timing, pixel format, colour description and display rotation are kept. No
 * metadata label is written: see {@link labelVideoFile}.
 */
export async function renderVideoLabel(
  input: string,
  output: string,
  options: VideoLabelOptions = {},
): Promise<VideoLabelReport> {
  const o = resolveExplicit(options);
  const { span, duration } = checkSpan(options.span, options.duration);
  const p = await probe(input);
  const v = videoStream(p);
  const container = await containerOf(p, input);
  const rot = displayRotation(v);
  if (rot.mirrored || !rot.exact)
    throw new HeguiError('format_unsupported', 'the video has a mirrored or non-right-angle display matrix');
  if (rot.ccw !== 0 && (container === 'matroska' || container === 'webm'))
    throw new HeguiError('format_unsupported', 'a rotated Matroska/WebM video cannot keep its rotation here');
  const quarter = rot.ccw === 90 || rot.ccw === 270;
  const W = quarter ? v.height! : v.width!;
  const H = quarter ? v.width! : v.height!;
  const warnings: string[] = [];

  const targetInkPx = targetInkHeight(W, H, o.heightRatio, o.minInkPx);
  const text = await fitText(o.text, targetInkPx);
  const size = plateSize(text);
  const plate = placePlate(o.position, W, H, size.width, size.height);
  // Frames to come are unknown: the plate is sized for the worst background (pure white behind a dark plate).
  const { polarity, alpha } = anyBackgroundPlate();
  const tile = composeTile(text, polarity, alpha);
  const coded = displayToCoded(plate, W, H, rot.ccw);
  const tilePng = await sharp(tile.rgba, { raw: { width: tile.width, height: tile.height, channels: 4 } })
    .rotate(rot.ccw)
    .png()
    .toBuffer();

  const t0 = Math.max(0, (seconds(v.start_time) ?? 0) - (seconds(p.format.start_time) ?? 0));
  const length = seconds(v.duration) ?? seconds(p.format.duration);
  const frame = 1 / (rate(v.avg_frame_rate) ?? rate(v.r_frame_rate) ?? 25);
  const plan = planSpan(span, duration, t0, length, frame);
  warnings.push(...plan.warnings);
  const encoder = await chooseEncoder(v, container, Number(v.bit_rate) || Number(p.format.bit_rate) || undefined);
  warnings.push(...encoder.warnings);
  const audio = p.streams.filter((s) => s.codec_type === 'audio');
  const subtitles = keptSubtitles(p, container);
  if (p.streams.some((s) => s.codec_type === 'subtitle' && !subtitles.includes(s)))
    warnings.push('subtitle streams the container cannot carry unchanged were dropped');

  const enable = plan.enable ? `:enable='${plan.enable}'` : '';
  const timescale = /^1\/(\d+)$/.exec(v.time_base ?? '')?.[1];
  const tilePath = join(tmpdir(), `hegui-label-${randomBytes(6).toString('hex')}.png`);
  // A simple filter graph (-vf) keeps the output stream tied to the input stream, so ffmpeg carries the display
  // matrix over; the tile comes in through the `movie` source instead of a second input.
  // The blend runs in the input's own planar layout where overlay has one (no conversion of every frame), else in
  // the layout ffmpeg negotiates; the encoder's -pix_fmt then gives the output the input's pixel format.
  const layout = OVERLAY_FORMATS[v.pix_fmt ?? ''] ?? 'auto';
  const graph = `movie=${filterPath(tilePath)}[label];[in][label]overlay=x=${coded.x}:y=${coded.y}${enable}:eof_action=repeat:format=${layout}`;
  const target = resolve(output);
  const temp = tempBeside(target, 'video');
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    // Keep the display matrix: draw on the coded frame with a tile turned to match (layout.ts displayToCoded).
    ...(rot.ccw !== 0 ? ['-noautorotate'] : []),
    '-i',
    input,
    '-vf',
    graph,
    '-map',
    `0:${v.index}`,
    ...audio.flatMap((s) => ['-map', `0:${s.index}`]),
    ...subtitles.flatMap((s) => ['-map', `0:${s.index}`]),
    ...encoder.args,
    ...colourArgs(v),
    '-c:a',
    'copy',
    '-c:s',
    'copy',
    '-vsync',
    'passthrough',
    '-map_metadata',
    '0',
    ...(timescale && (container === 'mp4' || container === 'mov') ? ['-video_track_timescale', timescale] : []),
    '-f',
    container,
    temp,
  ];
  try {
    await writeFile(tilePath, tilePng).catch((e: unknown) => {
      throw ioError(e, 'write a temporary file');
    });
    await runTool('ffmpeg', args, {
      redact: { [input]: '<input>', [temp]: '<output>', [tilePath]: '<label>' },
      timeoutMs: Math.max(10 * 60_000, (length ?? 600) * 20_000),
    });
    await checkOutput(temp, p, v, frame, warnings);
    await rename(temp, target).catch((e: unknown) => {
      throw ioError(e, 'replace the output file');
    });
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw e;
  } finally {
    await unlink(tilePath).catch(() => {});
  }
  const ink = { x: plate.x + tile.ink.x, y: plate.y + tile.ink.y, width: tile.ink.width, height: tile.ink.height };
  return {
    container,
    width: W,
    height: H,
    rotation: rot.ccw,
    text: o.text,
    position: o.position,
    plate,
    ink,
    inkHeightPx: ink.height,
    inkHeightRatio: ink.height / Math.min(W, H),
    targetInkPx,
    fontPx: tile.fontPx,
    polarity,
    plateAlpha: tile.alpha,
    contrast: worstContrast(polarity, tile.alpha, ANY_BACKGROUND),
    span,
    intervals: plan.intervals,
    videoSeconds: length ?? null,
    encoder: encoder.name,
    audio: audio.length ? 'copied' : 'none',
    warnings,
  };
}

/** The output must still hold the video and every audio stream; a duration that moved by more than a frame is reported. */
async function checkOutput(
  path: string,
  before: Probe,
  v: ProbeStream,
  frame: number,
  warnings: string[],
): Promise<void> {
  const after = await probe(path);
  const audioIn = before.streams.filter((s) => s.codec_type === 'audio').length;
  const audioOut = after.streams.filter((s) => s.codec_type === 'audio').length;
  const videoOut = after.streams.find((s) => s.codec_type === 'video');
  if (!videoOut || audioOut !== audioIn)
    throw new HeguiError('readback_failed', `the labelled video has ${audioOut} audio stream(s), the input ${audioIn}`);
  const dIn = seconds(v.duration) ?? seconds(before.format.duration);
  const dOut = seconds(videoOut.duration) ?? seconds(after.format.duration);
  if (dIn !== undefined && dOut !== undefined && Math.abs(dIn - dOut) > frame + 0.001)
    warnings.push(`the video duration changed from ${dIn.toFixed(3)} s to ${dOut.toFixed(3)} s`);
}

export interface LabelVideoFileOptions extends VideoLabelOptions {
  /** The metadata label (GB 45438 App. E) written after the explicit one. */
  label: AigcRecord;
  /** Sign the metadata label while writing it (docs/signature-scheme.md). */
  sign?: WriteLabelOptions['sign'];
}

/**
 * Explicit label, then metadata label (written by the container's codec, read back), then an atomic rename: the
 * output carries both. On failure nothing is written and the input is untouched.
 */
export async function labelVideoFile(
  input: string,
  output: string,
  options: LabelVideoFileOptions,
): Promise<{ path: string; report: VideoLabelReport; label: AigcRecord }> {
  const temp = tempBeside(resolve(output), 'explicit');
  try {
    const report = await renderVideoLabel(input, temp, options);
    const written = await writeLabel(temp, options.label, {
      out: output,
      ...(options.sign ? { sign: options.sign } : {}),
    }).catch((e: unknown) => {
      if (e instanceof HeguiError && e.code === 'format_unknown') {
        throw new HeguiError(
          'format_unsupported',
          `the metadata label cannot be written into ${report.container} files: no codec for it is registered`,
        );
      }
      throw e;
    });
    return { path: output, report, label: written.label };
  } finally {
    await unlink(temp).catch(() => {});
  }
}
