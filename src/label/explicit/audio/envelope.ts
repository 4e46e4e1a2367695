/**
 * The loudness envelope of mono audio: RMS over 5 ms windows every 1 ms (so edges are placed to the millisecond),
 * and the runs where it stays above a threshold.
 */
export const HOP_MS = 1;
export const WINDOW_MS = 5;

/** env[k]: RMS of the 5 ms centred on millisecond k (k from 0), linear (1.0 = a full-scale square wave). */
export function rmsEnvelope(samples: Float32Array, rate: number): Float32Array {
  const perMs = rate / 1000;
  const n = Math.floor(samples.length / perMs);
  const sums = new Float64Array(n);
  const counts = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = Math.round(k * perMs);
    const b = Math.round((k + 1) * perMs);
    let s = 0;
    for (let i = a; i < b; i++) s += samples[i]! * samples[i]!;
    sums[k] = s;
    counts[k] = b - a;
  }
  const env = new Float32Array(n);
  const half = (WINDOW_MS - 1) / 2;
  for (let k = 0; k < n; k++) {
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, k - half); j <= Math.min(n - 1, k + half); j++) {
      s += sums[j]!;
      c += counts[j]!;
    }
    env[k] = c ? Math.sqrt(s / c) : 0;
  }
  return env;
}

export interface Run {
  /** First and one-past-last millisecond above the threshold. */
  start: number;
  end: number;
}

/** Runs above `threshold`, with dips shorter than `bridgeMs` bridged and runs shorter than `minMs` dropped. */
export function runsAbove(env: Float32Array, threshold: number, bridgeMs = 10, minMs = 10): Run[] {
  const raw: Run[] = [];
  let start = -1;
  for (let k = 0; k <= env.length; k++) {
    const on = k < env.length && env[k]! >= threshold;
    if (on && start < 0) start = k;
    else if (!on && start >= 0) {
      raw.push({ start, end: k });
      start = -1;
    }
  }
  const merged: Run[] = [];
  for (const r of raw) {
    const last = merged.at(-1);
    if (last && r.start - last.end < bridgeMs) last.end = r.end;
    else merged.push({ ...r });
  }
  return merged.filter((r) => r.end - r.start >= minMs);
}

/** Where the envelope crosses `level` between k and k+1, interpolated (ms). */
function crossing(env: Float32Array, k: number, level: number): number {
  const a = env[k]!;
  const b = env[k + 1] ?? a;
  return b === a ? k : k + (level - a) / (b - a);
}

/**
 * A tone's edges at half its median level (−6 dB): where the raised-cosine fades are half way, independent of the
 * detection threshold. Returns [start, end] in ms.
 */
export function halfLevelEdges(env: Float32Array, run: Run): { start: number; end: number; level: number } {
  const inside = Array.from(env.subarray(run.start, run.end)).sort((x, y) => x - y);
  const level = inside[inside.length >> 1] ?? 0;
  const half = level / 2;
  let s = run.start;
  while (s > 0 && env[s - 1]! >= half) s--;
  while (s < run.end && env[s]! < half) s++;
  let e = run.end - 1;
  while (e + 1 < env.length && env[e + 1]! >= half) e++;
  while (e > s && env[e]! < half) e--;
  const start = s > 0 ? crossing(env, s - 1, half) : s;
  const end = crossing(env, e, half);
  return { start, end, level };
}
