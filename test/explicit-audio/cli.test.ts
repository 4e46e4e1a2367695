/**
 * `hegui explicit-audio` and `hegui check-audio` (the audio side of `check-explicit`), run as a user runs them: the
 * real bin/hegui.js.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readLabel } from '../../src/index.ts';
import { sha256File } from '../support/media.ts';
import { run } from '../support/run.ts';
import { makeAudio, PRODUCER } from './support.ts';

const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));
const hegui = (args: string[]) =>
  run(process.execPath, [BIN, ...args], { env: { ...process.env, CI: 'true', HEGUI_PRODUCER: '' } });

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-cli-audio-'));
  await mkdir(join(dir, 'in/sub'), { recursive: true });
  await makeAudio(join(dir, 'in/a.wav'), {
    source: 'sine',
    rate: 16000,
    channels: 1,
    seconds: 0.6,
    codec: ['-c:a', 'pcm_s16le'],
  });
  await makeAudio(join(dir, 'in/sub/b.flac'), {
    source: 'noise',
    rate: 44100,
    channels: 2,
    seconds: 0.6,
    codec: ['-c:a', 'flac'],
  });
  await writeFile(join(dir, 'in/notes.txt'), 'not audio');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hegui explicit-audio', () => {
  it('labels a folder into --out (both labels), skips what is not audio, and check-audio passes the results', async () => {
    const out = join(dir, 'out');
    const r = await hegui([
      'explicit-audio',
      join(dir, 'in'),
      '--producer',
      PRODUCER,
      '--out',
      out,
      '--position',
      'both',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Labelled 2 audio file\(s\), skipped 1 \(not audio\), failed 0/);
    for (const f of ['a.wav', 'sub/b.flac'])
      assert.equal((await readLabel(join(out, f))).label?.ContentProducer, PRODUCER);
    const check = await hegui(['check-audio', join(out, 'a.wav'), join(out, 'sub/b.flac')]);
    assert.equal(check.code, 0, check.stdout);
    assert.match(check.stdout, /a\.wav: PASS \(audio/);
    assert.match(check.stdout, /rhythm ·− ·· before/);
    assert.match(check.stdout, /rhythm ·− ·· after/);
  });

  it('--json: a report per file; a damaged file fails alone and stays untouched', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad);
    await makeAudio(join(bad, 'ok.wav'), {
      source: 'sine',
      rate: 8000,
      channels: 1,
      seconds: 0.3,
      codec: ['-c:a', 'pcm_s16le'],
    });
    const cut = await readFile(join(bad, 'ok.wav'));
    await writeFile(join(bad, 'cut.wav'), cut.subarray(0, 200));
    const hash = await sha256File(join(bad, 'cut.wav'));
    const r = await hegui([
      'explicit-audio',
      bad,
      '--producer',
      PRODUCER,
      '--in-place',
      '--json',
      '--no-rhythm',
      '--prompt',
      join(dir, 'in/a.wav'),
    ]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.summary.labelled, 1);
    assert.equal(report.summary.failed, 1);
    const failed = report.files.find((f: { status: string }) => f.status === 'failed');
    assert.equal(failed.error.code, 'truncated');
    assert.equal(await sha256File(join(bad, 'cut.wav')), hash);
    const ok = report.files.find((f: { status: string }) => f.status === 'labelled');
    assert.equal(ok.result.before.prompt.durationMs, 600);
    assert.equal(ok.result.before.rhythm, undefined);
  });

  it('check-audio fails an unlabelled file (exit 1) and reports JSON, as check-explicit does', async () => {
    for (const command of ['check-audio', 'check-explicit']) {
      const r = await hegui([command, '--json', join(dir, 'in/a.wav')]);
      assert.equal(r.code, 1);
      const [m] = JSON.parse(r.stdout);
      assert.equal(m.medium, 'audio');
      assert.equal(m.pass, false);
      assert.deepEqual(m.audio.rhythms, []);
    }
  });

  it('refuses unusable arguments with exit code 2', async () => {
    const f = join(dir, 'in/a.wav');
    const cases: [string[], RegExp][] = [
      [['explicit-audio', f, '--out', join(dir, 'x')], /--producer CODE is required/],
      [['explicit-audio', f, '--producer', PRODUCER], /--out DIR, or --in-place/],
      [['explicit-audio', f, '--producer', PRODUCER, '--in-place', '--no-rhythm'], /rhythm, a spoken prompt, or both/],
      [['explicit-audio', f, '--producer', PRODUCER, '--in-place', '--prompt', join(dir, 'in/notes.txt')], /not audio/],
      [['explicit-audio', f, '--producer', PRODUCER, '--in-place', '--unit', 'abc'], /--unit must be a number/],
      [
        ['explicit-audio', f, '--producer', PRODUCER, '--in-place', '--position', 'middle'],
        /Allowed choices are before, after, both/,
      ],
    ];
    const hash = await sha256File(f);
    for (const [args, msg] of cases) {
      const r = await hegui(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
    }
    assert.equal(await sha256File(f), hash, 'refused runs change nothing');
  });

  it('takes negative levels and custom timing', async () => {
    const out = join(dir, 'levels');
    const r = await hegui([
      'explicit-audio',
      join(dir, 'in/a.wav'),
      '--producer',
      PRODUCER,
      '--out',
      out,
      '--level',
      '-20',
      '--unit',
      '100',
      '--gap',
      '500',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const c = await hegui(['check-audio', '--json', join(out, 'a.wav')]);
    const [{ audio: m }] = JSON.parse(c.stdout);
    assert.equal(m.pass, true);
    assert.ok(Math.abs(m.rhythms[0].unitMs - 100) < 5);
    assert.ok(Math.abs(m.rhythms[0].tones[0].levelDbfs + 20) < 1);
    assert.ok(Math.abs(m.rhythms[0].separationMs - 500) < 10);
  });
});
