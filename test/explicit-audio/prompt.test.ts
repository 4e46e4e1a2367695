/**
 * The spoken prompt: a provider's recording (here a noise burst made by ffmpeg, at another sample rate and channel
 * count than the content) converted to the content's format and placed before or after it, apart from the rhythm.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isHeguiError, labelAudioFile, measureAudioLabel } from '../../src/index.ts';
import { ffmpeg } from '../support/media.ts';
import { bursts, decode, decodeMono, makeAudio, rmsPerMs } from './support.ts';

const SOUND = 0.01;
let dir: string;
let prompt: string;
let content: string;
const PROMPT_MS = 800;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-explicit-prompt-'));
  prompt = join(dir, 'prompt.wav');
  // A "recording": 0.8 s of white noise, mono at 22.05 kHz, in a WAV as a provider would supply it.
  await ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=r=22050:d=0.8:a=0.4:c=white', '-c:a', 'pcm_s16le', prompt]);
  content = join(dir, 'content.flac');
  await makeAudio(content, { source: 'sine', rate: 48000, channels: 2, seconds: 1.2, codec: ['-c:a', 'flac'] });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const soundRuns = (env: Float64Array) => bursts(env, SOUND, 20);

describe('spoken prompt', () => {
  it('rhythm, gap, prompt, gap, content: the prompt converted to 48 kHz stereo, content samples untouched', async () => {
    const out = join(dir, 'both-before.flac');
    const r = await labelAudioFile(content, out, { prompt, gapMs: 300 });
    assert.deepEqual(r.before?.rhythm, { startMs: 0, durationMs: 1320 });
    assert.deepEqual(r.before?.prompt, { startMs: 1620, durationMs: PROMPT_MS });
    assert.equal(r.contentStartMs, 1620 + PROMPT_MS + 300);

    const env = rmsPerMs(await decodeMono(out, 2), 48000);
    const runs = soundRuns(env);
    assert.equal(runs.length, 6, `rhythm (4), prompt, content: ${JSON.stringify(runs)}`);
    const [p, c] = [runs[4]!, runs[5]!];
    assert.ok(Math.abs(p.startMs - 1620) <= 3 && Math.abs(p.durationMs - PROMPT_MS) <= 5, JSON.stringify(p));
    assert.ok(Math.abs(c.startMs - r.contentStartMs) <= 3, 'the content follows the prompt after the gap');

    // The prompt in the output is ffmpeg's own conversion of the recording, to the output's 16-bit precision.
    const expected = (await decode(prompt, 'f32le', ['-ar', '48000', '-ac', '2'])) as Float32Array;
    const got = (await decode(out, 'f32le')) as Float32Array;
    const at = Math.round(1.62 * 48000) * 2;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[at + i]! - expected[i]!));
    assert.ok(worst <= 1.5 / 32768, `prompt samples differ by up to ${worst}`);

    const pcmIn = (await decode(content, 's32le')) as Int32Array;
    const pcmOut = (await decode(out, 's32le')) as Int32Array;
    const pre = Math.round((r.contentStartMs / 1000) * 48000) * 2;
    assert.deepEqual(pcmOut.subarray(pre, pre + pcmIn.length), pcmIn);

    const m = await measureAudioLabel(out);
    assert.equal(m.position, 'before', 'the rhythm is found although a prompt follows it');
    assert.equal(m.rhythms[0]!.separationMs! >= 295, true);
  });

  it('prompt alone, after the content', async () => {
    const out = join(dir, 'prompt-after.flac');
    const r = await labelAudioFile(content, out, { prompt, rhythm: false, position: 'after', gapMs: 500 });
    assert.equal(r.before, undefined);
    assert.deepEqual(r.after?.prompt, { startMs: 1700, durationMs: PROMPT_MS });
    assert.equal(r.after?.rhythm, undefined);
    const runs = soundRuns(rmsPerMs(await decodeMono(out, 2), 48000));
    assert.equal(runs.length, 2);
    assert.ok(Math.abs(runs[0]!.endMs - 1200) <= 3 && Math.abs(runs[1]!.startMs - 1700) <= 3, JSON.stringify(runs));
    assert.equal((await measureAudioLabel(out)).pass, false, 'no rhythm: the measurement does not pass');
  });

  it('after the content the mirror image: content, gap, prompt, gap, rhythm (the rhythm ends the file)', async () => {
    const out = join(dir, 'both-after.flac');
    const r = await labelAudioFile(content, out, { prompt, position: 'after' });
    assert.equal(r.after?.prompt?.startMs, 1500);
    assert.equal(r.after?.rhythm?.startMs, 1500 + PROMPT_MS + 300);
    const m = await measureAudioLabel(out);
    assert.equal(m.position, 'after');
    assert.ok(Math.abs(m.rhythms[0]!.startMs - r.after!.rhythm!.startMs) < 5);
  });

  it('refuses a prompt that is missing, not audio, or longer than 30 s', async () => {
    const notAudio = join(dir, 'prompt.txt');
    await writeFile(notAudio, 'this is not a recording');
    const long = join(dir, 'long.wav');
    await ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=r=8000:d=31:a=0.1', '-c:a', 'pcm_u8', long]);
    for (const [p, msg] of [
      [join(dir, 'missing.wav'), /does not exist/],
      [notAudio, /not audio/],
      [long, /longer than 30 s/],
    ] as const) {
      const out = join(dir, 'refused.flac');
      await assert.rejects(labelAudioFile(content, out, { prompt: p }), (e: unknown) => {
        assert.ok(isHeguiError(e) && e.code === 'usage', String(e));
        assert.match(e.message, msg);
        return true;
      });
    }
  });
});
