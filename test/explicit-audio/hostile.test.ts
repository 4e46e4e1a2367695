/**
 * Audio that cannot be labelled gets a clear HeguiError with a stable code; the input is never changed and no
 * output or temporary file is left behind. Bad options are refused before any work.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type AudioLabelOptions,
  createLabel,
  isHeguiError,
  labelAudioBytes,
  labelAudioFile,
  measureAudioLabel,
  readLabel,
} from '../../src/index.ts';
import { ffmpeg } from '../support/media.ts';
import { makeAudio, PRODUCER } from './support.ts';

let dir: string;
let wav: string;
const label = createLabel({ producer: PRODUCER, produceId: 'hostile-1' });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-explicit-hostile-'));
  wav = join(dir, 'ok.wav');
  await makeAudio(wav, { source: 'sine', rate: 16000, channels: 2, seconds: 0.5, codec: ['-c:a', 'pcm_s16le'] });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refused(name: string, bytes: Uint8Array, code: string, options: AudioLabelOptions = {}): Promise<void> {
  const sub = await mkdtemp(join(dir, 'case-'));
  const input = join(sub, name);
  await writeFile(input, bytes);
  for (const output of [join(sub, `out-${name}`), input]) {
    await assert.rejects(labelAudioFile(input, output, options), (e: unknown) => {
      assert.ok(isHeguiError(e), `not a HeguiError: ${e}`);
      assert.equal(e.code, code, e.message);
      return true;
    });
    assert.ok((await readFile(input)).equals(bytes), 'the input is untouched');
    assert.deepEqual(await readdir(sub), [name], 'no output and no temporary file left');
  }
}

describe('audio that cannot be labelled', () => {
  it('arbitrary bytes named .mp3: format_unknown', async () => {
    // Fixed pseudo-random bytes (a SHA-256 chain), so the case is the same on every run.
    const blocks: Buffer[] = [createHash('sha256').update('hegui').digest()];
    while (blocks.length < 128) blocks.push(createHash('sha256').update(blocks.at(-1)!).digest());
    await refused('noise.mp3', Buffer.concat(blocks), 'format_unknown');
  });

  it('an empty file: format_unknown', async () => {
    await refused('empty.wav', new Uint8Array(0), 'format_unknown');
  });

  it('a WAV cut short inside its data: truncated', async () => {
    const b = await readFile(wav);
    await refused('cut.wav', b.subarray(0, b.length - 1000), 'truncated');
  });

  it('a WAV whose data ends inside a sample frame: malformed', async () => {
    const b = Buffer.from(await readFile(wav));
    const odd = Buffer.concat([b, Buffer.from([1, 2, 3])]);
    const data = odd.indexOf('data');
    odd.writeUInt32LE(odd.readUInt32LE(data + 4) + 3, data + 4);
    odd.writeUInt32LE(odd.length - 8 + 1, 4);
    await refused('odd.wav', Buffer.concat([odd, Buffer.alloc(1)]), 'malformed');
  });

  it('a µ-law WAV (not PCM): format_unsupported', async () => {
    const p = join(dir, 'mulaw.wav');
    await makeAudio(p, { source: 'sine', rate: 8000, channels: 1, seconds: 0.3, codec: ['-c:a', 'pcm_mulaw'] });
    await refused('mulaw.wav', await readFile(p), 'format_unsupported');
  });

  it('a video file: format_unsupported', async () => {
    const p = join(dir, 'video.mkv');
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc=s=64x48:d=0.5',
      '-f',
      'lavfi',
      '-i',
      'sine=d=0.5',
      '-c:v',
      'libx264',
      '-c:a',
      'libvorbis',
      '-shortest',
      p,
    ]);
    await refused('video.mkv', await readFile(p), 'format_unsupported');
  });

  it('an invalid metadata label: label_invalid before any work', async () => {
    const bad = { ...label, ContentProducer: '含空格 的名字' };
    await refused('ok.wav', await readFile(wav), 'label_invalid', { label: bad });
  });

  it('an output folder that does not exist: io, input untouched', async () => {
    const before = await readFile(wav);
    await assert.rejects(labelAudioFile(wav, join(dir, 'nope', 'out.wav')), (e: unknown) => {
      assert.ok(isHeguiError(e) && e.code === 'io', String(e));
      return true;
    });
    assert.ok((await readFile(wav)).equals(before));
  });

  it('options that cannot work: usage', async () => {
    const cases: [AudioLabelOptions, RegExp][] = [
      [{ rhythm: false }, /needs the rhythm, a spoken prompt, or both/],
      [{ rhythm: { unitMs: 10 } }, /unit/],
      [{ rhythm: { frequencyHz: 7900 } }, /cannot be carried at a 16000 Hz sample rate/],
      [{ rhythm: { levelDbfs: 3 } }, /level/],
      [{ gapMs: 0 }, /gap/],
      [{ position: 'middle' as never }, /position/],
    ];
    for (const [o, msg] of cases) {
      await assert.rejects(labelAudioFile(wav, join(dir, 'x.wav'), o), (e: unknown) => {
        assert.ok(isHeguiError(e) && e.code === 'usage', `${JSON.stringify(o)}: ${e}`);
        assert.match(e.message, msg);
        return true;
      });
    }
    assert.ok(!(await readdir(dir)).includes('x.wav'));
  });
});

describe('in place and in memory', () => {
  it('in place: the file is replaced atomically and carries both labels', async () => {
    const sub = join(dir, 'inplace');
    await mkdir(sub);
    const p = join(sub, 'song.flac');
    await makeAudio(p, { source: 'noise', rate: 44100, channels: 2, seconds: 0.5, codec: ['-c:a', 'flac'] });
    const r = await labelAudioFile(p, p, { label, position: 'both' });
    assert.equal(r.path, p);
    assert.deepEqual((await readLabel(p)).label, label);
    assert.deepEqual(await readdir(sub), ['song.flac']);
  });

  it('in place without a metadata label: the re-encoded file replaces the original', async () => {
    const sub = join(dir, 'inplace-mp3');
    await mkdir(sub);
    const p = join(sub, 'song.mp3');
    await makeAudio(p, { source: 'speech', rate: 44100, channels: 1, seconds: 0.5, codec: ['-c:a', 'libmp3lame'] });
    const size = (await readFile(p)).length;
    const r = await labelAudioFile(p, p, { position: 'after' });
    assert.equal(r.metadataLabel, false);
    assert.ok((await readFile(p)).length > size * 2, 'the label adds 1.62 s');
    assert.equal((await measureAudioLabel(p)).position, 'after');
    assert.deepEqual(await readdir(sub), ['song.mp3']);
  });

  it('labelAudioBytes returns the labelled bytes and leaves no temporary files', async () => {
    const input = await readFile(wav);
    const before = (await readdir(tmpdir())).filter((n) => n.startsWith('hegui-audio-bytes-')).length;
    const out = await labelAudioBytes(input, { label });
    assert.equal(Buffer.from(out.subarray(0, 4)).toString('latin1'), 'RIFF');
    assert.ok(out.length > input.length + 16000 * 2 * 2 * 1.6, 'the label adds 1.62 s of stereo 16-bit audio');
    assert.deepEqual((await readLabel(out)).label, label);
    const after = (await readdir(tmpdir())).filter((n) => n.startsWith('hegui-audio-bytes-')).length;
    assert.equal(after, before);
  });
});
