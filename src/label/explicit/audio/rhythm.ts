import { HeguiError } from '../../../errors.ts';

/**
 * GB 45438 §5: the audio label may be the rhythm "短长 短短", Morse code for "AI" (`·−  ··`). The standard fixes
 * no durations or pitch (?): Hegui uses the Morse proportions (ITU-R M.1677-1: dot 1 unit, dash 3 units, gap inside
 * a letter 1 unit, between letters 3 units) with a default unit of 120 ms at 1 kHz, all configurable.
 */
export interface RhythmOptions {
  /** One Morse unit (the short tone), ms. Default 120. */
  unitMs?: number;
  /** Tone pitch, Hz. Default 1000. */
  frequencyHz?: number;
  /** Peak level of the tones, dBFS. Default −12. */
  levelDbfs?: number;
  /** Raised-cosine fade in and out of each tone, ms, so no tone starts or stops with a click. Default 5. */
  fadeMs?: number;
}

export type ResolvedRhythm = Required<RhythmOptions>;

export const RHYTHM_DEFAULTS: ResolvedRhythm = { unitMs: 120, frequencyHz: 1000, levelDbfs: -12, fadeMs: 5 };

/** The pattern in Morse notation, as `measureAudioLabel` reports what it hears. */
export const RHYTHM_PATTERN = '·− ··';

/** Tones of "AI" in units: [start, length]. A = dot dash, I = dot dot; the rhythm lasts 11 units. */
export const RHYTHM_TONES: readonly (readonly [number, number])[] = [
  [0, 1],
  [2, 3],
  [8, 1],
  [10, 1],
];
export const RHYTHM_UNITS = 11;

function inRange(name: string, v: number, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
    throw new HeguiError('usage', `${name} must be a number from ${lo} to ${hi}`);
  return v;
}

export function resolveRhythm(o: RhythmOptions = {}): ResolvedRhythm {
  const r = { ...RHYTHM_DEFAULTS, ...o };
  inRange('the rhythm unit (ms)', r.unitMs, 40, 500);
  inRange('the tone frequency (Hz)', r.frequencyHz, 200, 8000);
  inRange('the tone level (dBFS)', r.levelDbfs, -40, 0);
  inRange('the tone fade (ms)', r.fadeMs, 0, r.unitMs / 4);
  return r;
}

/** The rhythm as mono samples in −1…1 at `rate`. */
export function synthRhythm(r: ResolvedRhythm, rate: number): Float32Array {
  if (r.frequencyHz >= rate * 0.45)
    throw new HeguiError('usage', `a ${r.frequencyHz} Hz tone cannot be carried at a ${rate} Hz sample rate`);
  const unit = (r.unitMs / 1000) * rate;
  const out = new Float32Array(Math.round(RHYTHM_UNITS * unit));
  const amp = 10 ** (r.levelDbfs / 20);
  const fade = Math.round((r.fadeMs / 1000) * rate);
  const w = (2 * Math.PI * r.frequencyHz) / rate;
  for (const [start, length] of RHYTHM_TONES) {
    const at = Math.round(start * unit);
    const n = Math.round(length * unit);
    for (let k = 0; k < n; k++) {
      const edge = Math.min(k, n - 1 - k);
      const env = edge < fade ? 0.5 * (1 - Math.cos((Math.PI * edge) / fade)) : 1;
      out[at + k] = amp * env * Math.sin(w * k);
    }
  }
  return out;
}
