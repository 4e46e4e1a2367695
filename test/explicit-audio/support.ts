/**
 * Test-side audio helpers, written apart from the library so they can catch its mistakes: content made by ffmpeg's
 * own generators, decoding by ffmpeg, and a plain tone detector (RMS in 1 ms windows, edges at half the tone level).
 */
import { ffmpegPath } from '../../src/media/tools.ts';
import { ffmpeg } from '../support/media.ts';
import { runOk } from '../support/run.ts';

export const PRODUCER = '001191440300708461136T1XGW3';

/** Sound sources for content: all start loud at t = 0, so the content's first energy marks where it begins. */
export const SOURCES = {
  sine: (rate: number, s: number) => `sine=f=440:r=${rate}:d=${s}`,
  noise: (rate: number, s: number) => `anoisesrc=r=${rate}:d=${s}:a=0.3:c=pink`,
  // A voice-like signal: a 150 Hz buzz with formant-ish partials, its loudness swinging at a syllable rate (4 Hz).
  speech: (rate: number, s: number) =>
    `aevalsrc=exprs='(0.5+0.4*sin(2*PI*4*t))*(0.3*sin(2*PI*150*t)+0.2*sin(2*PI*700*t)+0.1*sin(2*PI*2200*t))':s=${rate}:d=${s}`,
} as const;
export type Source = keyof typeof SOURCES;

/** `ffmpeg -f lavfi -i <source> -ac <channels> <codec args> out`. */
export async function makeAudio(
  out: string,
  o: {
    source: Source;
    rate: number;
    channels: number;
    seconds: number;
    codec: string[];
    tags?: Record<string, string>;
  },
): Promise<void> {
  const tags = Object.entries(o.tags ?? {}).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    SOURCES[o.source](o.rate, o.seconds),
    '-ac',
    String(o.channels),
    ...o.codec,
    ...tags,
    out,
  ]);
}

/** Decoded samples as ffmpeg gives them: `s32le` (exact, for bit comparisons) or `f32le`, interleaved. */
export async function decode(
  path: string,
  format: 's32le' | 'f32le',
  extra: string[] = [],
): Promise<Int32Array | Float32Array> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(
      ffmpegPath(),
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        path,
        '-map',
        '0:a:0',
        ...extra,
        '-f',
        format,
        '-c:a',
        `pcm_${format}`,
        '-',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const parts: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => parts.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ffmpeg decode failed: ${err}`));
      const b = Buffer.concat(parts);
      const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
      resolve(format === 's32le' ? new Int32Array(ab) : new Float32Array(ab));
    });
  });
}

/** Mono float samples (channels averaged by the test, not by ffmpeg). */
export async function decodeMono(path: string, channels: number): Promise<Float32Array> {
  const x = (await decode(path, 'f32le')) as Float32Array;
  const out = new Float32Array(Math.floor(x.length / channels));
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += x[i * channels + c]!;
    out[i] = s / channels;
  }
  return out;
}

export interface Burst {
  startMs: number;
  endMs: number;
  durationMs: number;
}

/** RMS per 1 ms window (non-overlapping). */
export function rmsPerMs(x: Float32Array, rate: number): Float64Array {
  const n = Math.floor((x.length * 1000) / rate);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = Math.floor((k * rate) / 1000);
    const b = Math.floor(((k + 1) * rate) / 1000);
    let s = 0;
    for (let i = a; i < b; i++) s += x[i]! * x[i]!;
    out[k] = Math.sqrt(s / Math.max(1, b - a));
  }
  return out;
}

/** Runs of windows at or above `threshold` (linear RMS), dips under `bridgeMs` bridged. */
export function bursts(env: Float64Array, threshold: number, bridgeMs = 8): Burst[] {
  const out: Burst[] = [];
  let start = -1;
  for (let k = 0; k <= env.length; k++) {
    const on = k < env.length && env[k]! >= threshold;
    if (on && start < 0) start = k;
    if (!on && start >= 0) {
      const last = out.at(-1);
      if (last && start - last.endMs < bridgeMs) {
        last.endMs = k;
        last.durationMs = k - last.startMs;
      } else out.push({ startMs: start, endMs: k, durationMs: k - start });
      start = -1;
    }
  }
  return out.filter((b) => b.durationMs >= 3);
}

export const dbfsToRms = (db: number): number => 10 ** (db / 20) / Math.SQRT2;

export async function probeDuration(path: string): Promise<number> {
  const { ffprobePath } = await import('../../src/media/tools.ts');
  const out = await runOk(ffprobePath(), ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path]);
  return Number(out.trim()) * 1000;
}
