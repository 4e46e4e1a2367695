/**
 * measureAudioLabel on signals built sample by sample in the test: the right rhythm passes; a wrong rhythm, a wrong
 * proportion, or content too close fails; a long file is measured at both ends.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isHeguiError, labelAudioFile, measureAudioLabel } from '../../src/index.ts';
import { monoWav } from '../support/wav.ts';
import { makeAudio } from './support.ts';

const RATE = 16000;
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-explicit-measure-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A mono float WAV from tone spans [startMs, durationMs] (1 kHz, −12 dBFS, 5 ms fades) and noise spans. */
async function wavOf(
  name: string,
  seconds: number,
  tones: [number, number][],
  noise: [number, number][] = [],
): Promise<string> {
  const x = new Float32Array(Math.round(seconds * RATE));
  const amp = 10 ** (-12 / 20);
  const fade = 0.005 * RATE;
  for (const [at, len] of tones) {
    const a = Math.round((at / 1000) * RATE);
    const n = Math.round((len / 1000) * RATE);
    for (let k = 0; k < n; k++) {
      const e = Math.min(k, n - 1 - k);
      x[a + k] =
        amp * (e < fade ? 0.5 - 0.5 * Math.cos((Math.PI * e) / fade) : 1) * Math.sin((2 * Math.PI * 1000 * k) / RATE);
    }
  }
  let seed = 1;
  for (const [at, len] of noise) {
    for (let i = Math.round((at / 1000) * RATE); i < Math.round(((at + len) / 1000) * RATE); i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      x[i] = ((seed / 2 ** 32) * 2 - 1) * 0.2;
    }
  }
  const p = join(dir, name);
  await writeFile(p, monoWav(x, RATE));
  return p;
}

/** "AI" in Morse at `u` ms a unit from `at`: · − (3 units) ··. */
const ai = (at: number, u: number): [number, number][] => [
  [at, u],
  [at + 2 * u, 3 * u],
  [at + 8 * u, u],
  [at + 10 * u, u],
];

describe('measureAudioLabel', () => {
  it('finds the rhythm before the content with its timing, pitch and level', async () => {
    const p = await wavOf('ok.wav', 3, ai(100, 120), [[1720, 1000]]);
    const m = await measureAudioLabel(p);
    assert.equal(m.pass, true, JSON.stringify(m.rhythms));
    assert.equal(m.position, 'before');
    const r = m.rhythms[0]!;
    assert.equal(r.pattern, '·− ··');
    assert.deepEqual(
      r.tones.map((t) => t.kind),
      ['short', 'long', 'short', 'short'],
    );
    for (const [i, want] of [120, 360, 120, 120].entries()) assert.ok(Math.abs(r.tones[i]!.durationMs - want) <= 10);
    for (const [i, want] of [120, 360, 120].entries()) assert.ok(Math.abs(r.gapsMs[i]! - want) <= 10);
    assert.ok(Math.abs(r.startMs - 100) <= 5);
    assert.ok(Math.abs(r.frequencyHz - 1000) < 5);
    assert.ok(Math.abs(r.tones[0]!.levelDbfs + 12) < 0.5);
    assert.ok(Math.abs(r.separationMs! - 300) <= 10);
  });

  it('accepts another unit (80 ms) and reports it', async () => {
    const m = await measureAudioLabel(await wavOf('u80.wav', 2.5, ai(0, 80), [[1200, 800]]));
    assert.equal(m.pass, true);
    assert.ok(Math.abs(m.rhythms[0]!.unitMs - 80) <= 3);
  });

  it('finds it after the content', async () => {
    const m = await measureAudioLabel(await wavOf('after.wav', 3, ai(1500, 120), [[0, 1200]]));
    assert.equal(m.position, 'after');
    assert.equal(m.pass, true);
  });

  it('refuses other rhythms: "IA", one letter "L" (·−··), dashes too short', async () => {
    const ia: [number, number][] = [
      [0, 120],
      [240, 120],
      [720, 120],
      [960, 360],
    ];
    const l: [number, number][] = [
      [0, 120],
      [240, 360],
      [720, 120],
      [960, 120],
    ];
    const shortDash: [number, number][] = [
      [0, 120],
      [240, 200],
      [800, 120],
      [1040, 120],
    ];
    for (const [name, tones] of [
      ['ia.wav', ia],
      ['l.wav', l],
      ['short-dash.wav', shortDash],
    ] as const) {
      const m = await measureAudioLabel(await wavOf(name, 2.5, [...tones], [[1700, 500]]));
      assert.equal(m.pass, false, `${name}: ${JSON.stringify(m.rhythms)}`);
      assert.equal(m.position, null);
    }
  });

  it('flags content that follows the rhythm too closely', async () => {
    const m = await measureAudioLabel(await wavOf('close.wav', 2.5, ai(0, 120), [[1400, 500]]));
    assert.equal(m.pass, false);
    assert.match(m.rhythms[0]!.problems.join(), /silence separate/);
  });

  it('finds nothing in unlabelled sine, noise and speech-like content', async () => {
    for (const source of ['sine', 'noise', 'speech'] as const) {
      const p = join(dir, `plain-${source}.flac`);
      await makeAudio(p, { source, rate: 44100, channels: 2, seconds: 2, codec: ['-c:a', 'flac'] });
      const m = await measureAudioLabel(p);
      assert.equal(m.pass, false, source);
      assert.deepEqual(m.rhythms, []);
      assert.equal(m.soundStartMs, 0);
    }
  });

  it('a long file is measured at both ends only', async () => {
    const p = join(dir, 'long.flac');
    await makeAudio(p, { source: 'speech', rate: 16000, channels: 1, seconds: 50, codec: ['-c:a', 'flac'] });
    const out = join(dir, 'long-labelled.flac');
    await labelAudioFile(p, out, { position: 'both' });
    const m = await measureAudioLabel(out, { windowSeconds: 5 });
    assert.equal(m.position, 'both', JSON.stringify(m.rhythms));
    assert.ok(m.durationMs > 53_000);
  });

  it('refuses a file that is not audio, and bad options', async () => {
    const p = join(dir, 'text.wav');
    await writeFile(p, 'not audio at all');
    await assert.rejects(measureAudioLabel(p), (e: unknown) => isHeguiError(e) && e.code === 'format_unknown');
    const ok = await wavOf('opts.wav', 1, []);
    await assert.rejects(
      measureAudioLabel(ok, { thresholdDbfs: 0 }),
      (e: unknown) => isHeguiError(e) && e.code === 'usage',
    );
  });
});
