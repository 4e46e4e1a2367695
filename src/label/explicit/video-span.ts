import { HeguiError } from '../../errors.ts';

/**
 * When the label is on screen. GB 45438 §5.4: on the start frame, for at least 2 s at normal speed (required); at
 * the end or in the middle as well (optional). `start` shows it from the first frame for `duration` seconds,
 * `start-and-end` also for the last `duration` seconds, `whole` throughout.
 */
export const VIDEO_SPANS = ['start', 'start-and-end', 'whole'] as const;
export type VideoSpan = (typeof VIDEO_SPANS)[number];

/** GB 45438 §5.4: shown for at least 2 s. */
export const MIN_VIDEO_SECONDS = 2;
const MAX_VIDEO_SECONDS = 3600;

export function checkSpan(
  span: string | undefined,
  duration: number | undefined,
): { span: VideoSpan; duration: number } {
  const s = span ?? 'start';
  if (!(VIDEO_SPANS as readonly string[]).includes(s))
    throw new HeguiError('usage', `the label span must be one of ${VIDEO_SPANS.join(', ')}`);
  const d = duration ?? MIN_VIDEO_SECONDS;
  if (!Number.isFinite(d) || d < MIN_VIDEO_SECONDS || d > MAX_VIDEO_SECONDS)
    throw new HeguiError(
      'usage',
      `the label duration must be from ${MIN_VIDEO_SECONDS} s (GB 45438 §5.4) to ${MAX_VIDEO_SECONDS} s`,
    );
  return { span: s as VideoSpan, duration: d };
}

export interface SpanPlan {
  /** ffmpeg `enable` expression for the overlay, or null for the whole video. */
  enable: string | null;
  /** Intervals (seconds from the first frame) during which the label is shown. */
  intervals: { from: number; to: number }[];
  warnings: string[];
}

/**
 * The overlay's timeline. `t0` is the first video frame's time in the filter graph (ffmpeg shifts the file's start to
 * zero, so this is the video's offset from the earliest stream), `length` the video's duration, `frame` one frame's
 * duration. The start interval ends at t0 + duration inclusive, so the frame showing at that instant is labelled
 * and the label stays until the next frame: at least `duration` seconds on screen. The end interval begins a frame
 * early for the same reason.
 */
export function planSpan(
  span: VideoSpan,
  duration: number,
  t0: number,
  length: number | undefined,
  frame: number,
): SpanPlan {
  const warnings: string[] = [];
  const whole = (why?: string): SpanPlan => {
    if (why) warnings.push(why);
    return { enable: null, intervals: [{ from: 0, to: length ?? Number.POSITIVE_INFINITY }], warnings };
  };
  if (span === 'whole') return whole();
  if (length === undefined) return whole('the video duration is unknown: labelled throughout');
  if (length <= duration)
    return whole(
      `the video is ${length.toFixed(2)} s long, not longer than ${duration} s: labelled throughout (GB 45438 §5.4)`,
    );
  if (span === 'start-and-end' && length <= 2 * duration)
    return whole(`the video is ${length.toFixed(2)} s long: the start and end spans overlap, labelled throughout`);
  const f = (x: number) => x.toFixed(6);
  const lead = frame / 2;
  const parts = [`between(t,${f(t0 - lead)},${f(t0 + duration)})`];
  const intervals = [{ from: 0, to: Math.min(length, duration + frame) }];
  if (span === 'start-and-end') {
    parts.push(`gte(t,${f(t0 + length - duration - frame)})`);
    intervals.push({ from: Math.max(0, length - duration - frame), to: length });
  }
  return { enable: parts.join('+'), intervals, warnings };
}
