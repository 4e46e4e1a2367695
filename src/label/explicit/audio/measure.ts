import { HeguiError } from '../../../errors.ts';
import { halfLevelEdges, type Run, rmsEnvelope, runsAbove } from './envelope.ts';
import { probeAudio } from './probe.ts';
import { RHYTHM_PATTERN, RHYTHM_TONES, RHYTHM_UNITS } from './rhythm.ts';
import { runFfmpeg } from './tool.ts';

/**
 * Finds the rhythm "短长 短短" (GB 45438 §5) in an audio file the way a listener would: decode to mono, take the
 * loudness envelope (RMS, 5 ms windows), cut it into tones at a threshold, and look for four tones short–long–short–
 * short with Morse proportions, at the start or the end of the sound. Durations are measured between the points
 * where a tone is at half its level (−6 dB), so a 120 ms tone with 5 ms fades measures about 115 ms.
 */
export interface MeasureAudioOptions {
  /** Envelope level that counts as sound, dBFS RMS. Default −40. */
  thresholdDbfs?: number;
  /** Seconds analysed at each end of a long file (the whole file when it is at most twice this). Default 20. */
  windowSeconds?: number;
}

export interface MeasuredTone {
  startMs: number;
  durationMs: number;
  kind: 'short' | 'long';
  /** Peak level of the tone as a sine, dBFS. */
  levelDbfs: number;
  frequencyHz: number;
}

export type RhythmPosition = 'before' | 'after' | 'middle';

export interface RhythmFinding {
  position: RhythmPosition;
  startMs: number;
  endMs: number;
  tones: MeasuredTone[];
  /** Silences between the tones: inside A, between the letters, inside I. */
  gapsMs: number[];
  /** The Morse unit the timing implies: the rhythm's span over its 11 units. */
  unitMs: number;
  frequencyHz: number;
  /** The pattern heard, in Morse notation (`·− ··` is "AI"). */
  pattern: string;
  /** Silence between the rhythm and the nearest other sound on the content's side; null when there is none. */
  separationMs: number | null;
  ok: boolean;
  problems: string[];
}

export interface AudioLabelMeasurement {
  durationMs: number;
  sampleRate: number;
  thresholdDbfs: number;
  /** When sound first rises above the threshold, and when it last falls below it (ms); null for silence. */
  soundStartMs: number | null;
  soundEndMs: number | null;
  /** Every group of four tones with the rhythm's shape, checked in detail. */
  rhythms: RhythmFinding[];
  /** Where a rhythm that passes every check sits: before, after, both, or null (none passes). */
  position: 'before' | 'after' | 'both' | 'middle' | null;
  pass: boolean;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const dbfs = (rms: number): number => (rms > 0 ? round1(20 * Math.log10(rms * Math.SQRT2)) : -Infinity);

/** The mean of all channels, so a tone at −12 dBFS in every channel reads −12 dBFS (not a louder downmix). */
function meanOfChannels(channels: number): string[] {
  if (channels === 1) return [];
  const terms = Array.from({ length: channels }, (_, c) => `${1 / channels}*c${c}`);
  return ['-af', `pan=mono|c0=${terms.join('+')}`];
}

async function decodeMono(
  file: string,
  rate: number,
  channels: number,
  range: { seconds?: number; fromEnd?: boolean },
): Promise<Float32Array> {
  const seek = range.fromEnd ? ['-sseof', `-${range.seconds}`] : [];
  const limit = range.seconds && !range.fromEnd ? ['-t', String(range.seconds)] : [];
  const mono = [...meanOfChannels(channels), '-ac', '1'];
  const r = await runFfmpeg(
    [...seek, '-i', file, '-vn', '-map', '0:a:0', ...limit, ...mono, '-f', 'f32le', '-c:a', 'pcm_f32le', '-'],
    { action: 'decode the audio', maxStdout: 4 * rate * (range.seconds ? range.seconds + 2 : 4 * 3600) },
  );
  const b = r.stdout;
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length - (b.length % 4)));
}

/** Zero crossings in the middle 80 % of a tone, as a frequency. */
function frequencyOf(samples: Float32Array, rate: number, startMs: number, endMs: number): number {
  const len = endMs - startMs;
  const a = Math.max(0, Math.round(((startMs + 0.1 * len) / 1000) * rate));
  const b = Math.min(samples.length, Math.round(((endMs - 0.1 * len) / 1000) * rate));
  let crossings = 0;
  for (let i = a + 1; i < b; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  return b > a ? Math.round((crossings / 2 / ((b - a) / rate)) * 10) / 10 : 0;
}

interface Segment {
  env: Float32Array;
  samples: Float32Array;
  runs: Run[];
  /** Where the segment starts in the file, ms. */
  offsetMs: number;
}

function analyse(seg: Segment, rate: number, i: number): RhythmFinding | null {
  const runs = seg.runs.slice(i, i + 4);
  // The envelope value at index k describes the window centred on k + 0.5 ms.
  const edges = runs
    .map((r) => halfLevelEdges(seg.env, r))
    .map((e) => ({ ...e, start: e.start + 0.5, end: e.end + 0.5 }));
  const durations = edges.map((e) => e.end - e.start);
  const gaps = edges.slice(1).map((e, k) => e.start - edges[k]!.end);
  const unit = (edges[3]!.end - edges[0]!.start) / RHYTHM_UNITS;
  const kinds = durations.map((d): MeasuredTone['kind'] => (d > 2 * unit ? 'long' : 'short'));
  const symbols = kinds.map((k) => (k === 'long' ? '−' : '·'));
  const pattern = symbols.map((s, k) => (k > 0 && gaps[k - 1]! > 2 * unit ? ' ' : '') + s).join('');
  // Only groups with the rhythm's shape are reported; anything else is content.
  if (pattern !== RHYTHM_PATTERN) return null;
  const tones: MeasuredTone[] = edges.map((e, k) => ({
    startMs: round1(seg.offsetMs + e.start),
    durationMs: round1(durations[k]!),
    kind: kinds[k]!,
    levelDbfs: dbfs(e.level),
    frequencyHz: frequencyOf(seg.samples, rate, e.start, e.end),
  }));
  const problems: string[] = [];
  const tol = Math.max(15, 0.2 * unit);
  RHYTHM_TONES.forEach(([, units], k) => {
    if (Math.abs(durations[k]! - units * unit) > tol)
      problems.push(`tone ${k + 1} lasts ${round1(durations[k]!)} ms, not ${units} unit(s) of ${round1(unit)} ms`);
  });
  [1, 3, 1].forEach((units, k) => {
    if (Math.abs(gaps[k]! - units * unit) > tol)
      problems.push(`gap ${k + 1} lasts ${round1(gaps[k]!)} ms, not ${units} unit(s) of ${round1(unit)} ms`);
  });
  const freqs = tones.map((t) => t.frequencyHz);
  const meanF = freqs.reduce((s, f) => s + f, 0) / 4;
  if (freqs.some((f) => Math.abs(f - meanF) > 0.1 * meanF)) problems.push('the four tones are not at one pitch');
  const levels = tones.map((t) => t.levelDbfs);
  if (Math.max(...levels) - Math.min(...levels) > 6) problems.push('the four tones are not at one level');
  const before = seg.runs[i - 1];
  const after = seg.runs[i + 4];
  const position: RhythmPosition = !before ? 'before' : !after ? 'after' : 'middle';
  const neighbour = position === 'before' ? after : position === 'after' ? before : undefined;
  let separationMs: number | null = null;
  if (neighbour) {
    separationMs = round1(position === 'before' ? neighbour.start - edges[3]!.end : edges[0]!.start - neighbour.end);
    if (separationMs < 1.5 * unit)
      problems.push(`only ${separationMs} ms of silence separate the rhythm from other sound (at least 1.5 units)`);
  }
  return {
    position,
    startMs: round1(seg.offsetMs + edges[0]!.start),
    endMs: round1(seg.offsetMs + edges[3]!.end),
    tones,
    gapsMs: gaps.map(round1),
    unitMs: round1(unit),
    frequencyHz: round1(meanF),
    pattern,
    separationMs,
    ok: problems.length === 0,
    problems,
  };
}

function findings(seg: Segment, rate: number, edge: 'start' | 'end' | 'both'): RhythmFinding[] {
  const out: RhythmFinding[] = [];
  for (let i = 0; i + 4 <= seg.runs.length; i++) {
    // A group cut by the analysed window's edge is not judged.
    if (edge === 'start' && seg.runs[i + 3]!.end >= seg.env.length - 1) continue;
    if (edge === 'end' && seg.runs[i]!.start <= 0) continue;
    const f = analyse(seg, rate, i);
    if (!f) continue;
    // In the head of a long file, sound is cut at the window's end, so a group there is only "before" or "middle".
    if (edge === 'start' && f.position === 'after') f.position = 'middle';
    if (edge === 'end' && f.position === 'before') f.position = 'middle';
    out.push(f);
  }
  return out;
}

/** Measure the audio explicit label of a file: the rhythm's tones, gaps, pattern, place and a pass/fail verdict. */
export async function measureAudioLabel(
  file: string,
  options: MeasureAudioOptions = {},
): Promise<AudioLabelMeasurement> {
  const thresholdDbfs = options.thresholdDbfs ?? -40;
  const window = options.windowSeconds ?? 20;
  if (!Number.isFinite(thresholdDbfs) || thresholdDbfs > -6 || thresholdDbfs < -90)
    throw new HeguiError('usage', 'the threshold must be from -90 to -6 dBFS');
  if (!Number.isFinite(window) || window < 2 || window > 600)
    throw new HeguiError('usage', 'the analysis window must be from 2 to 600 seconds');
  const probe = await probeAudio(file);
  const rate = probe.sampleRate;
  const threshold = 10 ** (thresholdDbfs / 20);
  const make = (samples: Float32Array, offsetMs: number): Segment => {
    const env = rmsEnvelope(samples, rate);
    return { env, samples, runs: runsAbove(env, threshold), offsetMs };
  };
  const whole = (probe.durationSeconds ?? 0) <= 2 * window;
  let rhythms: RhythmFinding[];
  let soundStartMs: number | null;
  let soundEndMs: number | null;
  let durationMs: number;
  if (whole) {
    const seg = make(await decodeMono(file, rate, probe.channels, {}), 0);
    durationMs = (seg.samples.length / rate) * 1000;
    rhythms = findings(seg, rate, 'both');
    soundStartMs = seg.runs[0]?.start ?? null;
    soundEndMs = seg.runs.at(-1)?.end ?? null;
  } else {
    durationMs = probe.durationSeconds! * 1000;
    const head = make(await decodeMono(file, rate, probe.channels, { seconds: window }), 0);
    const tailSamples = await decodeMono(file, rate, probe.channels, { seconds: window, fromEnd: true });
    const tail = make(tailSamples, durationMs - (tailSamples.length / rate) * 1000);
    rhythms = [...findings(head, rate, 'start'), ...findings(tail, rate, 'end')];
    soundStartMs = head.runs[0]?.start ?? null;
    soundEndMs = tail.runs.length ? tail.offsetMs + tail.runs.at(-1)!.end : null;
  }
  const passed = new Set(rhythms.filter((r) => r.ok).map((r) => r.position));
  const position =
    passed.has('before') && passed.has('after')
      ? 'both'
      : passed.has('before')
        ? 'before'
        : passed.has('after')
          ? 'after'
          : passed.has('middle')
            ? 'middle'
            : null;
  return {
    durationMs: round1(durationMs),
    sampleRate: rate,
    thresholdDbfs,
    soundStartMs: soundStartMs === null ? null : round1(soundStartMs),
    soundEndMs: soundEndMs === null ? null : round1(soundEndMs),
    rhythms,
    position,
    pass: position !== null,
  };
}
