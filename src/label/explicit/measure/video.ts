import sharp from 'sharp';
import { HeguiError } from '../../../errors.ts';
import { probe, rate, seconds } from '../../../media/probe.ts';
import { runTool, streamFrames } from '../../../media/run.ts';
import type { Box } from '../layout.ts';
import { MIN_VIDEO_SECONDS } from '../video-span.ts';
import { type Criterion, pictureCriteria } from './criteria.ts';
import { plateLike } from './detect.ts';
import type { ExplicitCheck } from './image.ts';
import { measurePicture, type PictureLabel } from './picture.ts';
import { toRaster } from './raster.ts';

/** When the label is on screen, from the frames themselves. Seconds count from the first frame. */
export interface VideoTiming {
  duration: number | null;
  frames: number;
  /** Stretches of the video that were examined (all of it up to {@link FULL_SCAN_SECONDS}). */
  scanned: { from: number; to: number }[];
  /** Labelled frames, as on-screen intervals. */
  intervals: { from: number; to: number }[];
  /** On-screen time of the label from the first frame (0 when the first frame has none). */
  startSeconds: number;
  /** Whether the last frame carries the label. */
  atEnd: boolean;
}

/** Videos up to this length are examined frame by frame; longer ones at the start and the last {@link TAIL_SECONDS}. */
const FULL_SCAN_SECONDS = 120;
const TAIL_SECONDS = 30;

const base = ['-hide_banner', '-nostdin'];

/** The first frame, upright (ffmpeg applies the display matrix), as PNG: its size comes with it. */
async function firstFrame(path: string, index: number): Promise<Buffer> {
  const { stdout } = await runTool(
    'ffmpeg',
    [
      ...base,
      '-loglevel',
      'error',
      '-i',
      path,
      '-map',
      `0:${index}`,
      '-frames:v',
      '1',
      '-f',
      'image2pipe',
      '-c:v',
      'png',
      '-',
    ],
    { redact: { [path]: '<input>' }, timeoutMs: 120_000 },
  );
  if (stdout.length === 0) throw new HeguiError('malformed', 'the video has no decodable frame');
  return stdout;
}

interface Reference {
  box: Box;
  light: boolean;
  threshold: number;
  ink: number[];
  pad: number[];
}

/** Pixels of the first frame's label (relative to its plate) that a later frame must repeat to count as labelled. */
function reference(frame0: Uint8Array, label: PictureLabel): Reference {
  const box = label.plate;
  const light = label.polarity === 'light-on-dark';
  const r = toRaster(frame0, box.width, box.height, 3);
  const t = label.inkThreshold;
  const ink: number[] = [];
  const pad: number[] = [];
  const ix0 = label.ink.x - box.x - 2;
  const iy0 = label.ink.y - box.y - 2;
  const ix1 = label.ink.x - box.x + label.ink.width + 2;
  const iy1 = label.ink.y - box.y + label.ink.height + 2;
  for (let y = 1; y < box.height - 1; y++) {
    for (let x = 1; x < box.width - 1; x++) {
      const p = y * box.width + x;
      const l = r.luma[p]!;
      const inInk = x >= ix0 && x < ix1 && y >= iy0 && y < iy1;
      // Glyph cores: beyond the threshold by half the text/threshold distance.
      if (inInk && (light ? l >= t + (255 - t) / 4 : l <= t / 2)) ink.push(p);
      else if (!inInk) pad.push(p);
    }
  }
  return { box, light, threshold: t, ink, pad };
}

function present(ref: Reference, frame: Buffer): boolean {
  const r = toRaster(frame, ref.box.width, ref.box.height, 3);
  const isInk = (p: number) => (ref.light ? r.luma[p]! >= ref.threshold : r.luma[p]! <= ref.threshold);
  let inkHits = 0;
  for (const p of ref.ink) if (isInk(p)) inkHits++;
  let padHits = 0;
  const polarity = ref.light ? 'light-on-dark' : 'dark-on-light';
  for (const p of ref.pad) if (!isInk(p) && plateLike(polarity, r.luma[p]!)) padHits++;
  return inkHits >= 0.9 * ref.ink.length && padHits >= 0.9 * ref.pad.length;
}

interface Scan {
  times: number[];
  labelled: boolean[];
}

/** Decode a stretch of the video cropped to the label's plate, one presence verdict and one time per frame. */
async function scan(path: string, index: number, ref: Reference, from: number, length: number | null): Promise<Scan> {
  const b = ref.box;
  const labelled: boolean[] = [];
  const stderr = await streamFrames(
    [
      ...base,
      '-loglevel',
      'info',
      ...(from > 0 ? ['-ss', from.toFixed(3)] : []),
      '-i',
      path,
      ...(length !== null ? ['-t', length.toFixed(3)] : []),
      '-map',
      `0:${index}`,
      '-vf',
      // To RGB first: a crop of 4:2:0 frames snaps to even coordinates and would shift the box by a pixel.
      `format=rgb24,crop=${b.width}:${b.height}:${b.x}:${b.y},showinfo`,
      '-vsync',
      'passthrough',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    b.width * b.height * 3,
    (frame) => labelled.push(present(ref, frame)),
    { redact: { [path]: '<input>' }, timeoutMs: 30 * 60_000 },
  );
  const times = [...stderr.matchAll(/showinfo.*?pts_time:\s*(-?[\d.]+)/g)].map((m) => from + Number(m[1]));
  return { times: times.slice(0, labelled.length), labelled: labelled.slice(0, times.length) };
}

function intervals(s: Scan, frame: number, t0: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let i = 0; i < s.labelled.length; i++) {
    if (!s.labelled[i]) continue;
    const from = s.times[i]! - t0;
    const to = (s.times[i + 1] ?? s.times[i]! + frame) - t0;
    const last = out[out.length - 1];
    if (last && Math.abs(last.to - from) < 1e-6) last.to = to;
    else out.push({ from, to });
  }
  return out;
}

/** Check the explicit label of a video (GB 45438 §5.4): on the start frame, big and legible, for at least 2 s. */
export async function measureVideo(path: string): Promise<ExplicitCheck> {
  const p = await probe(path);
  const v = p.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!v?.width || !v.height) throw new HeguiError('format_unsupported', 'the file has no video stream');
  const png = await firstFrame(path, v.index);
  const meta = await sharp(png).metadata();
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const label = await measurePicture({ width, height, open: () => sharp(png).removeAlpha() });
  const criteria: Criterion[] = pictureCriteria(label, width, height, 'of the start frame');
  const duration = seconds(v.duration) ?? seconds(p.format.duration) ?? null;
  let timing: VideoTiming | undefined;
  if (label) {
    const crop = await sharp(png)
      .removeAlpha()
      .extract({ left: label.plate.x, top: label.plate.y, width: label.plate.width, height: label.plate.height })
      .raw()
      .toBuffer();
    const ref = reference(crop, label);
    const frame = 1 / (rate(v.avg_frame_rate) ?? rate(v.r_frame_rate) ?? 25);
    const long = duration !== null && duration > FULL_SCAN_SECONDS;
    const head = await scan(path, v.index, ref, 0, long ? FULL_SCAN_SECONDS : null);
    const t0 = head.times[0] ?? 0;
    const runs = intervals(head, frame, t0);
    const scanned = [{ from: 0, to: long ? FULL_SCAN_SECONDS : (duration ?? 0) }];
    let atEnd = head.labelled[head.labelled.length - 1] === true;
    if (long && duration !== null) {
      const tail = await scan(path, v.index, ref, duration - TAIL_SECONDS, null);
      runs.push(...intervals(tail, frame, t0));
      scanned.push({ from: duration - TAIL_SECONDS, to: duration });
      atEnd = tail.labelled[tail.labelled.length - 1] === true;
    }
    const first = runs[0];
    const startSeconds = first && first.from < frame / 2 ? first.to - first.from : 0;
    timing = { duration, frames: head.labelled.length, scanned, intervals: runs, startSeconds, atEnd };
    const wholeVideo = duration !== null && duration < MIN_VIDEO_SECONDS && startSeconds >= duration - frame / 2;
    criteria.push({
      id: 'duration',
      pass: startSeconds >= MIN_VIDEO_SECONDS - 1e-3 || wholeVideo,
      required: `shown from the start frame for ≥ ${MIN_VIDEO_SECONDS} s, or throughout a shorter video (GB 45438 §5.4)`,
      measured: `${startSeconds.toFixed(3)} s from the start frame${duration !== null ? ` of a ${duration.toFixed(3)} s video` : ''}${atEnd ? '; also on the last frame' : ''}`,
    });
  }
  return {
    kind: 'video',
    width,
    height,
    label,
    inkHeightRatio: label ? label.ink.height / Math.min(width, height) : null,
    ...(timing ? { video: timing } : {}),
    criteria,
    pass: criteria.every((c) => c.pass),
  };
}
