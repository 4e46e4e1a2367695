/**
 * The audio explicit label in every supported format, checked from the decoded output: the rhythm's tones and gaps,
 * its place before/after the content, silence between them, content samples bit-identical for lossless formats,
 * the duration, the metadata label, tags, and the library's own measurement.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type AudioLabelPosition,
  type AudioLabelResult,
  createLabel,
  labelAudioFile,
  measureAudioLabel,
  readLabel,
} from '../../src/index.ts';
import { ffmpeg, ffprobe, packetHashes } from '../support/media.ts';
import { bursts, decode, decodeMono, makeAudio, PRODUCER, rmsPerMs, type Source } from './support.ts';

interface Case {
  name: string;
  ext: string;
  codec: string[];
  rate: number;
  channels: number;
  source: Source;
  position: AudioLabelPosition;
  lossless: boolean;
  container: string;
  tags?: boolean;
}

const CASES: Case[] = [
  {
    name: 'WAV s16 mono 16 kHz sine',
    ext: 'wav',
    codec: ['-c:a', 'pcm_s16le'],
    rate: 16000,
    channels: 1,
    source: 'sine',
    position: 'before',
    lossless: true,
    container: 'wav',
  },
  {
    name: 'WAV s24 stereo 48 kHz noise',
    ext: 'wav',
    codec: ['-c:a', 'pcm_s24le'],
    rate: 48000,
    channels: 2,
    source: 'noise',
    position: 'after',
    lossless: true,
    container: 'wav',
  },
  {
    name: 'WAV f32 stereo 44.1 kHz speech',
    ext: 'wav',
    codec: ['-c:a', 'pcm_f32le'],
    rate: 44100,
    channels: 2,
    source: 'speech',
    position: 'both',
    lossless: true,
    container: 'wav',
  },
  {
    name: 'WAV u8 mono 22.05 kHz sine',
    ext: 'wav',
    codec: ['-c:a', 'pcm_u8'],
    rate: 22050,
    channels: 1,
    source: 'sine',
    position: 'before',
    lossless: true,
    container: 'wav',
  },
  {
    name: 'FLAC 16-bit stereo 44.1 kHz speech',
    ext: 'flac',
    codec: ['-c:a', 'flac'],
    rate: 44100,
    channels: 2,
    source: 'speech',
    position: 'before',
    lossless: true,
    container: 'flac',
    tags: true,
  },
  {
    name: 'FLAC 24-bit mono 48 kHz noise',
    ext: 'flac',
    codec: ['-c:a', 'flac', '-sample_fmt', 's32'],
    rate: 48000,
    channels: 1,
    source: 'noise',
    position: 'both',
    lossless: true,
    container: 'flac',
  },
  {
    name: 'MP3 stereo 44.1 kHz speech',
    ext: 'mp3',
    codec: ['-c:a', 'libmp3lame', '-b:a', '128k'],
    rate: 44100,
    channels: 2,
    source: 'speech',
    position: 'before',
    lossless: false,
    container: 'mp3',
    tags: true,
  },
  {
    name: 'MP3 mono 16 kHz sine',
    ext: 'mp3',
    codec: ['-c:a', 'libmp3lame', '-b:a', '48k'],
    rate: 16000,
    channels: 1,
    source: 'sine',
    position: 'after',
    lossless: false,
    container: 'mp3',
  },
  {
    name: 'Ogg Vorbis stereo 44.1 kHz noise',
    ext: 'ogg',
    codec: ['-c:a', 'libvorbis', '-b:a', '96k'],
    rate: 44100,
    channels: 2,
    source: 'noise',
    position: 'both',
    lossless: false,
    container: 'ogg',
    tags: true,
  },
  {
    name: 'Ogg Opus mono 48 kHz speech',
    ext: 'opus',
    codec: ['-c:a', 'libopus', '-b:a', '64k', '-f', 'ogg'],
    rate: 48000,
    channels: 1,
    source: 'speech',
    position: 'before',
    lossless: false,
    container: 'ogg',
    tags: true,
  },
  {
    name: 'M4A AAC stereo 48 kHz speech',
    ext: 'm4a',
    codec: ['-c:a', 'aac', '-b:a', '128k'],
    rate: 48000,
    channels: 2,
    source: 'speech',
    position: 'after',
    lossless: false,
    container: 'm4a',
    tags: true,
  },
  {
    name: 'M4A ALAC stereo 44.1 kHz sine',
    ext: 'm4a',
    codec: ['-c:a', 'alac'],
    rate: 44100,
    channels: 2,
    source: 'sine',
    position: 'before',
    lossless: true,
    container: 'm4a',
  },
];

const UNIT = 120;
const GAP = 300;
const TONES = [UNIT, 3 * UNIT, UNIT, UNIT];
const GAPS = [UNIT, 3 * UNIT, UNIT];
/** The configured unit within ±10 ms, measured between the half-level points of the raised-cosine fades. */
const TIMING_TOLERANCE_MS = 10;
const CONTENT_SECONDS = 1.2;
const TAGS = { title: 'Generated song', artist: 'Model 7' };
const SOUND = 0.01; // −40 dBFS RMS: where content counts as sound

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-explicit-audio-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The four tones in [fromMs, toMs) of the envelope: their durations and the gaps between them. */
function rhythmIn(env: Float64Array, fromMs: number, toMs: number) {
  const from = Math.max(0, Math.floor(fromMs));
  const region = env.subarray(from, Math.ceil(toMs));
  const peak = Math.max(...region);
  const found = bursts(region, peak / 2).map((b) => ({ ...b, startMs: b.startMs + from, endMs: b.endMs + from }));
  return {
    peak,
    found,
    durations: found.map((b) => b.durationMs),
    gaps: found.slice(1).map((b, i) => b.startMs - found[i]!.endMs),
  };
}

/** The rhythm in [fromMs, toMs): four tones and three gaps of the configured unit; returns where it starts. */
function assertRhythm(env: Float64Array, fromMs: number, toMs: number, what: string): number {
  const r = rhythmIn(env, fromMs, toMs);
  assert.equal(r.found.length, 4, `${what}: four tones, found ${r.durations.join(', ')}`);
  for (const [i, d] of r.durations.entries())
    assert.ok(Math.abs(d - TONES[i]!) <= TIMING_TOLERANCE_MS, `${what}: tone ${i + 1} lasts ${d} ms, not ${TONES[i]}`);
  for (const [i, g] of r.gaps.entries())
    assert.ok(Math.abs(g - GAPS[i]!) <= TIMING_TOLERANCE_MS, `${what}: gap ${i + 1} lasts ${g} ms, not ${GAPS[i]}`);
  // −12 dBFS peak is −15 dBFS RMS for a sine, whatever the content's level.
  assert.ok(Math.abs(20 * Math.log10(r.peak * Math.SQRT2) + 12) < 1, `${what}: tone level ${r.peak}`);
  return r.found[0]!.startMs;
}

/** Every millisecond in [a, b) is quiet: the label is never mixed over the content. */
function assertQuiet(env: Float64Array, a: number, b: number, what: string): void {
  for (let k = Math.ceil(a); k < Math.floor(b); k++)
    assert.ok(env[k]! < SOUND, `${what}: sound at ${k} ms (${env[k]}) in what should be the gap`);
}

const firstSound = (env: Float64Array, from: number): number => {
  for (let k = Math.ceil(from); k < env.length; k++) if (env[k]! >= SOUND) return k;
  return -1;
};
const lastSound = (env: Float64Array, before: number): number => {
  for (let k = Math.floor(before) - 1; k >= 0; k--) if (env[k]! >= SOUND) return k + 1;
  return -1;
};

async function tagsOf(path: string): Promise<Record<string, string>> {
  const p = await ffprobe(path);
  const all: Record<string, string> = {};
  for (const t of [p.format.tags ?? {}, ...p.streams.map((s) => s.tags ?? {})])
    for (const [k, v] of Object.entries(t)) all[k.toLowerCase()] = v;
  return all;
}

describe('labelAudioFile: every format', () => {
  for (const c of CASES) {
    it(`${c.name}, label ${c.position}`, async () => {
      const input = join(dir, `${c.name.replaceAll(/\W+/g, '-')}.${c.ext}`);
      const output = join(dir, `${c.name.replaceAll(/\W+/g, '-')}.labelled.${c.ext}`);
      await makeAudio(input, { ...c, tags: c.tags ? TAGS : {}, seconds: CONTENT_SECONDS });
      const label = createLabel({ producer: PRODUCER, produceId: `case-${c.ext}` });
      const r: AudioLabelResult = await labelAudioFile(input, output, {
        position: c.position,
        gapMs: GAP,
        rhythm: { unitMs: UNIT, levelDbfs: -12, frequencyHz: 1000 },
        label,
      });
      assert.equal(r.container, c.container);
      assert.equal(r.sampleRate, c.rate);
      assert.equal(r.channels, c.channels);
      assert.equal(r.lossless, c.lossless);
      assert.equal(r.metadataLabel, true);

      const probeIn = await ffprobe(input);
      const probeOut = await ffprobe(output);
      const aIn = probeIn.streams.find((s) => s.codec_type === 'audio') as Record<string, unknown>;
      const aOut = probeOut.streams.find((s) => s.codec_type === 'audio') as Record<string, unknown>;
      for (const k of ['codec_name', 'sample_rate', 'channels']) assert.equal(aOut[k], aIn[k], `${k} kept`);

      const labelMs = 11 * UNIT + GAP;
      const env = rmsPerMs(await decodeMono(output, c.channels), c.rate);
      const lossyMs = c.lossless ? 2 : 25;
      if (r.before) {
        assert.equal(r.before.startMs, 0);
        assert.equal(r.contentStartMs, labelMs);
        const at = assertRhythm(env, 0, 11 * UNIT + 30, 'before');
        assert.ok(at <= TIMING_TOLERANCE_MS, `the rhythm starts the file (at ${at} ms)`);
        assertQuiet(env, 11 * UNIT + 15, labelMs - lossyMs, 'before');
        const onset = firstSound(env, 11 * UNIT + 15);
        assert.ok(Math.abs(onset - labelMs) <= lossyMs, `content starts at ${onset} ms, not ${labelMs}`);
      }
      if (r.after) {
        // The rhythm ends the file (lossy encoders add at most some tens of ms of padding after it).
        const at = assertRhythm(env, env.length - 11 * UNIT - 80, env.length, 'after');
        assert.ok(
          Math.abs(at - r.after.rhythm!.startMs) <= lossyMs + 25,
          `the rhythm starts at ${at}, reported ${r.after.rhythm!.startMs}`,
        );
        const contentEnd = (r.before ? labelMs : 0) + CONTENT_SECONDS * 1000;
        assertQuiet(env, contentEnd + lossyMs, at - 15, 'after');
        const end = lastSound(env, at - 15);
        assert.ok(Math.abs(end - contentEnd) <= lossyMs, `content ends at ${end} ms, not ${contentEnd}`);
        assert.ok(Math.abs(at - end - GAP) <= lossyMs + TIMING_TOLERANCE_MS, 'the gap separates content and rhythm');
      }

      const expectMs = CONTENT_SECONDS * 1000 + (r.before ? labelMs : 0) + (r.after ? labelMs : 0);
      if (c.lossless) {
        const pcmIn = (await decode(input, 's32le')) as Int32Array;
        const pcmOut = (await decode(output, 's32le')) as Int32Array;
        const pre = r.before ? Math.round((labelMs / 1000) * c.rate) : 0;
        const post = r.after ? Math.round((labelMs / 1000) * c.rate) : 0;
        assert.equal(pcmOut.length, (pre + post) * c.channels + pcmIn.length, 'duration = content + label(s), exactly');
        const span = pcmOut.subarray(pre * c.channels, pre * c.channels + pcmIn.length);
        assert.ok(
          Buffer.from(span.buffer, span.byteOffset, span.byteLength).equals(Buffer.from(pcmIn.buffer)),
          'content samples bit-identical',
        );
      } else {
        // Decoded length: containers count encoder delay and padding, a listener hears the samples.
        assert.ok(Math.abs(env.length - expectMs) <= 2 * lossyMs, `decoded ${env.length} ms, expected ${expectMs}`);
        // Re-encoded at the input's bit rate (the stream's, else the file's).
        const rateOf = (p: typeof probeIn, a: Record<string, unknown>) =>
          Number(a['bit_rate'] ?? (p.format as Record<string, unknown>)['bit_rate']);
        assert.equal(r.bitRate, Math.round(rateOf(probeIn, aIn) / 1000) * 1000);
        const ratio = rateOf(probeOut, aOut) / rateOf(probeIn, aIn);
        assert.ok(
          ratio > 0.5 && ratio < 1.6,
          `output bit rate ${rateOf(probeOut, aOut)} vs input ${rateOf(probeIn, aIn)}`,
        );
      }

      assert.deepEqual((await readLabel(output)).label, label, 'the metadata label is there too');
      if (c.tags) {
        const tags = await tagsOf(output);
        assert.equal(tags['title'], TAGS.title);
        assert.equal(tags['artist'], TAGS.artist);
      }

      const m = await measureAudioLabel(output);
      assert.equal(m.pass, true, JSON.stringify(m.rhythms.map((x) => x.problems)));
      assert.equal(m.position, c.position);
      for (const f of m.rhythms) {
        assert.equal(f.pattern, '·− ··');
        assert.ok(Math.abs(f.unitMs - UNIT) <= TIMING_TOLERANCE_MS);
        assert.ok(Math.abs(f.frequencyHz - 1000) < 20);
      }
    });
  }
});

describe('labelAudioFile: cover pictures', () => {
  for (const ext of ['mp3', 'flac']) {
    it(`keeps the cover picture of ${ext.toUpperCase()} (as an attached picture, byte for byte)`, async () => {
      const cover = join(dir, 'cover.png');
      await ffmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=32x32:d=1', '-frames:v', '1', cover]);
      const input = join(dir, `cover.${ext}`);
      await ffmpeg([
        '-f',
        'lavfi',
        '-i',
        'sine=d=0.5',
        '-i',
        cover,
        '-map',
        '0:a',
        '-map',
        '1:v',
        '-c:v',
        'copy',
        '-disposition:v',
        'attached_pic',
        input,
      ]);
      const output = join(dir, `cover.labelled.${ext}`);
      await labelAudioFile(input, output, { label: createLabel({ producer: PRODUCER, produceId: 'cover' }) });
      const pics = (await ffprobe(output)).streams.filter((s) => s.codec_type === 'video');
      assert.equal(pics.length, 1);
      assert.equal(pics[0]!.disposition?.['attached_pic'], 1);
      const picture = async (p: string) => (await packetHashes(p)).filter((l) => l.startsWith('1,'));
      const before = await picture(input);
      assert.equal(before.length, 1, 'one picture packet');
      assert.deepEqual(await picture(output), before);
    });
  }
});
