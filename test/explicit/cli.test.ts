/** `hegui explicit` and `hegui check-explicit`, run as a user runs them: the real bin/hegui.js (built first). */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { detectFormat, readLabel } from '../../src/index.ts';
import { ffmpeg, sha256File } from '../support/media.ts';
import { run } from '../support/run.ts';
import { noise, solid } from './support.ts';

const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));
const P = '001191440300708461136T1XGW3';
const hegui = (args: string[]) =>
  run(process.execPath, [BIN, ...args], { env: { ...process.env, CI: 'true', HEGUI_PRODUCER: '' } });

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-explicit-cli-'));
  await mkdir(join(dir, 'in/sub'), { recursive: true });
  await noise(320, 240, 1).png().toFile(join(dir, 'in/a.png'));
  await solid(300, 200, '#fafafa').jpeg({ quality: 88 }).toFile(join(dir, 'in/sub/b.jpg'));
  await writeFile(join(dir, 'in/notes.txt'), 'not media');
  await mkdir(join(dir, 'video'));
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=25:duration=3',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    join(dir, 'video/clip.mp4'),
  ]);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hegui explicit', () => {
  it('labels a folder: explicit and metadata label on every image, other files skipped, JSON report', async () => {
    const out = join(dir, 'out');
    const r = await hegui([
      'explicit',
      join(dir, 'in'),
      '--producer',
      P,
      '--out',
      out,
      '--json',
      '--position',
      'top-left',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(
      { labelled: report.summary.labelled, skipped: report.summary.skipped, failed: report.summary.failed },
      { labelled: 2, skipped: 1, failed: 0 },
    );
    for (const f of report.files.filter((x: { status: string }) => x.status === 'labelled')) {
      assert.equal(f.position, 'top-left');
      assert.ok(f.inkHeightRatio >= 0.05 && f.contrast >= 4.5);
      assert.equal((await readLabel(f.output)).label?.ContentProducer, P);
    }
    const check = await hegui(['check-explicit', out]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /a\.png: PASS \(image 320×240\)/);
    assert.match(check.stdout, /pass {2}height/);
  });

  it('prints one plain line per file under CI, and labels videos (or says why not)', async () => {
    const out = join(dir, 'vout');
    const r = await hegui([
      'explicit',
      join(dir, 'video/clip.mp4'),
      '--producer',
      P,
      '--out',
      out,
      '--span',
      'start-and-end',
    ]);
    if (await detectFormat(join(dir, 'video/clip.mp4'))) {
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /labelled .*clip\.mp4 .*video, bottom-right.*shown 0\.00-/);
    } else {
      assert.equal(r.code, 1);
      assert.match(
        r.stdout,
        /failed .*clip\.mp4: the metadata label cannot be written into mp4 files.*\[format_unsupported\]/,
      );
    }
    assert.doesNotMatch(r.stdout + r.stderr, /\r/, 'no redrawn progress bar when not on a terminal');
  });

  it('refuses unusable arguments with exit code 2 and a clear message, touching nothing', async () => {
    const a = join(dir, 'in/a.png');
    const hash = await sha256File(a);
    const cases: [string[], RegExp][] = [
      [['explicit', a, '--producer', P], /--out DIR, or --in-place/],
      [['explicit', a, '--out', join(dir, 'x')], /--producer CODE is required/],
      [['explicit', a, '--producer', P, '--out', join(dir, 'x'), '--text', '智能生成'], /AI element/],
      [['explicit', a, '--producer', P, '--out', join(dir, 'x'), '--text', 'AI'], /generation element/],
      [['explicit', a, '--producer', P, '--out', join(dir, 'x'), '--duration', '1.5'], /at least|from 2 s/],
      [['explicit', a, '--producer', P, '--out', join(dir, 'x'), '--position', 'middle'], /position must be one of/],
      [['check-explicit', join(dir, 'missing.png')], /no such file/],
    ];
    for (const [args, message] of cases) {
      const r = await hegui(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal(await sha256File(a), hash);
  });
});

describe('hegui check-explicit', () => {
  it('exits 1 for a file without an explicit label, with the failed criterion in text and JSON', async () => {
    const r = await hegui(['check-explicit', join(dir, 'in/a.png')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL {2}present {3}no label found/);
    const j = await hegui(['check-explicit', join(dir, 'video/clip.mp4'), '--json']);
    assert.equal(j.code, 1);
    const [res] = JSON.parse(j.stdout);
    assert.equal(res.check.kind, 'video');
    assert.equal(res.check.pass, false);
  });

  it('passes a video labelled by the library and reports its on-screen time', async () => {
    const { renderVideoLabel } = await import('../../src/index.ts');
    const out = join(dir, 'video-labelled.mp4');
    await renderVideoLabel(join(dir, 'video/clip.mp4'), out);
    const r = await hegui(['check-explicit', out]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /pass {2}duration {2}2\.0\d\d s from the start frame/);
    assert.match(r.stdout, /label on screen: 0\.000-2\.0\d\d s \(75 frames examined\)/);
  });
});
