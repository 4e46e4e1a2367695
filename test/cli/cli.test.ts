/** The CLI, run as a user runs it: the real `bin/hegui.js` (built by `npm test` before the tests). */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { readLabel } from '../../src/index.ts';
import { exiftool, exiftoolAigc, sha256File } from '../support/media.ts';
import { run } from '../support/run.ts';

const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));
const P = '001191440300708461136T1XGW3';
const hegui = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [BIN, ...args], { env: { ...process.env, CI: 'true', HEGUI_PRODUCER: '', ...env } });

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-cli-'));
  await mkdir(join(dir, 'in/sub'), { recursive: true });
  const png = (c: string) => sharp({ create: { width: 32, height: 24, channels: 3, background: c } }).png();
  await png('#ff0000').toFile(join(dir, 'in/a.png'));
  await png('#00ff00').toFile(join(dir, 'in/sub/b.png'));
  // A JPEG-free check of sniffing: PNG bytes behind a .jpg name are still labelled as PNG.
  await png('#0000ff').toFile(join(dir, 'in/sub/really-png.jpg'));
  await writeFile(join(dir, 'in/notes.txt'), 'not media');
});
after(async () => {
  await exiftool.end();
  await rm(dir, { recursive: true, force: true });
});

describe('hegui label', () => {
  it('labels a folder into --out, keeping relative paths, unique ProduceIDs, skipping unsupported files', async () => {
    const out = join(dir, 'out1');
    const r = await hegui(['label', join(dir, 'in'), '--producer', P, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Labelled 3 file\(s\), skipped 1 \(no metadata container\), failed 0/);
    assert.doesNotMatch(r.stdout + r.stderr, /\r/, 'no redrawn progress bar when not on a terminal');
    const ids = new Set<string>();
    for (const f of ['a.png', 'sub/b.png', 'sub/really-png.jpg']) {
      const reading = await readLabel(join(out, f));
      assert.equal(reading.format.codec, 'png');
      assert.equal(reading.label?.ContentProducer, P);
      assert.equal(reading.label?.PropagateID, reading.label?.ProduceID);
      ids.add(reading.label!.ProduceID);
      assert.ok(await exiftoolAigc(join(out, f)), 'exiftool sees the label');
    }
    assert.equal(ids.size, 3);
    const orig = await readLabel(join(dir, 'in/a.png'));
    assert.equal(orig.sites.length, 0, 'the original stays unlabelled');
  });

  it('--json reports every file and a summary; a broken file fails alone and stays untouched', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad);
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toFile(join(bad, 'ok.png'));
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toFile(join(bad, 'cut.png'));
    await truncate(join(bad, 'cut.png'), 40);
    const hash = await sha256File(join(bad, 'cut.png'));
    const r = await hegui(['label', bad, '--producer', P, '--in-place', '--json', '--label', '2']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.summary.labelled, 1);
    assert.deepEqual(report.summary.failed, 1);
    const failed = report.files.find((f: { status: string }) => f.status === 'failed');
    assert.match(failed.file, /cut\.png$/);
    assert.equal(failed.error.code, 'truncated');
    assert.equal(await sha256File(join(bad, 'cut.png')), hash);
    assert.equal((await readLabel(join(bad, 'ok.png'))).label?.Label, '2');
  });

  it('takes a fixed --produce-id for one file and the producer from HEGUI_PRODUCER', async () => {
    const f = join(dir, 'one.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } })
      .png()
      .toFile(f);
    const r = await hegui(['label', f, '--produce-id', 'order-42', '--in-place'], { HEGUI_PRODUCER: P });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await readLabel(f)).label?.ProduceID, 'order-42');
  });

  it('refuses unusable arguments with exit code 2 and a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['label', join(dir, 'in'), '--out', join(dir, 'x')], /--producer CODE is required/],
      [['label', join(dir, 'in'), '--producer', P], /--out DIR, or --in-place/],
      [['label', join(dir, 'in'), '--producer', P, '--out', join(dir, 'x'), '--in-place'], /exclude each other/],
      [
        ['label', join(dir, 'in'), '--producer', P, '--out', join(dir, 'x'), '--produce-id', 'same'],
        /--produce-id auto/,
      ],
      [['label', join(dir, 'in'), '--producer', '平台', '--out', join(dir, 'x')], /printable ASCII/],
      [
        ['label', join(dir, 'in'), '--producer', P, '--out', join(dir, 'x'), '--label', '4'],
        /Allowed choices are 1, 2, 3/,
      ],
      [['label', join(dir, 'nope'), '--producer', P, '--in-place'], /no such file or folder/],
    ];
    for (const [args, msg] of cases) {
      const r = await hegui(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
    }
  });

  it('warns (but labels) when --producer is not a valid provider code', async () => {
    const f = join(dir, 'warn.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#654321' } })
      .png()
      .toFile(f);
    const r = await hegui(['label', f, '--producer', 'doubao', '--in-place']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: --producer is not a valid TC260-PG-20252A provider code/);
  });
});

/** Every file under `d`, relative, sorted (temporary files included: none may be left). */
async function tree(d: string): Promise<string[]> {
  const entries = await readdir(d, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(d.length + 1))
    .sort();
}

describe('hegui label --jobs and --out failures', () => {
  it('--jobs 3 labels every file of a mixed folder, each with its own ProduceID; --jobs out of range is refused', async () => {
    const many = join(dir, 'many');
    await mkdir(join(many, 'deeper'), { recursive: true });
    const img = (i: number) =>
      sharp({ create: { width: 24 + i, height: 16, channels: 3, background: { r: 20 * i, g: 100, b: 255 - 20 * i } } });
    const made: [string, string][] = [];
    for (let i = 0; i < 9; i++) {
      const [ext, codec] = (
        [
          ['png', 'png'],
          ['jpg', 'jpeg'],
          ['webp', 'webp'],
        ] as const
      )[i % 3]!;
      const name = `${i < 5 ? '' : 'deeper/'}f${i}.${ext}`;
      await img(i)
        .toFormat(ext === 'jpg' ? 'jpeg' : ext)
        .toFile(join(many, name));
      made.push([name, codec]);
    }
    const out = join(dir, 'out-jobs');
    const r = await hegui(['label', many, '--producer', P, '--out', out, '--jobs', '3', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.summary.labelled, 9);
    assert.equal(report.summary.failed, 0);
    const ids = new Set<string>();
    for (const [name, codec] of made) {
      const reading = await readLabel(join(out, name));
      assert.equal(reading.format.codec, codec, name);
      assert.deepEqual(reading.findings, [], name);
      assert.equal(reading.label?.ContentProducer, P);
      const entry = report.files.find((f: { file: string }) => f.file === join(many, name));
      assert.equal(entry.produceId, reading.label!.ProduceID, `${name}: the report names another ProduceID`);
      ids.add(reading.label!.ProduceID);
    }
    assert.equal(ids.size, 9, 'ProduceIDs repeat across workers');
    assert.deepEqual(await tree(out), made.map(([n]) => n).sort());
    for (const jobs of ['0', '65', '2.5']) {
      const bad = await hegui(['label', many, '--producer', P, '--out', out, '--jobs', jobs]);
      assert.equal(bad.code, 2, jobs);
      assert.match(bad.stderr, /--jobs must be a whole number from 1 to 64/);
    }
  });

  it('--out: files that fail leave no output and no temporary file; the others are written; exit 1', async () => {
    const src = join(dir, 'partial');
    await mkdir(join(src, 'blocked'), { recursive: true });
    const png = (c: string) => sharp({ create: { width: 16, height: 16, channels: 3, background: c } }).png();
    await png('#101010').toFile(join(src, 'ok.png'));
    await png('#202020').toFile(join(src, 'cut.png'));
    await truncate(join(src, 'cut.png'), 60);
    await png('#303030').toFile(join(src, 'blocked/inner.png'));
    const before = await sha256File(join(src, 'cut.png'));
    // A file where the output folder `blocked` must go: that file cannot be written, the run goes on.
    const out = join(dir, 'out-partial');
    await mkdir(out);
    await writeFile(join(out, 'blocked'), 'in the way');
    const r = await hegui(['label', src, '--producer', P, '--out', out, '--json', '--jobs', '2']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout);
    assert.deepEqual([report.summary.labelled, report.summary.failed], [1, 2]);
    const failed = Object.fromEntries(
      report.files
        .filter((f: { status: string }) => f.status === 'failed')
        .map((f: { file: string; error: { code: string } }) => [f.file.slice(src.length + 1), f.error.code]),
    );
    assert.deepEqual(failed, { 'blocked/inner.png': 'io', 'cut.png': 'truncated' });
    assert.deepEqual(await tree(out), ['blocked', 'ok.png'], 'a partial or temporary output was left behind');
    assert.equal(await readFile(join(out, 'blocked'), 'utf8'), 'in the way');
    assert.equal(await sha256File(join(src, 'cut.png')), before);
    assert.equal((await readLabel(join(out, 'ok.png'))).label?.ContentProducer, P);
  });

  it('--out naming a file → exit 2 with a clear message, nothing written', async () => {
    const file = join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    const r = await hegui(['label', join(dir, 'in'), '--producer', P, '--out', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out .*not-a-folder is a file, not a folder/);
    assert.equal(await readFile(file, 'utf8'), 'x');
  });
});

describe('hegui label on a terminal', () => {
  it('draws a redrawn progress bar on stderr and ends with the summary', async () => {
    const out = join(dir, 'out-tty');
    const cmd = [process.execPath, BIN, 'label', join(dir, 'in'), '--producer', P, '--out', out]
      .map((a) => `'${a}'`)
      .join(' ');
    // util-linux `script` runs the command on a pseudo-terminal, as a user's shell would.
    const env: NodeJS.ProcessEnv = { ...process.env, HEGUI_PRODUCER: '' };
    delete env['CI'];
    const r = await run('script', ['-qec', cmd, '/dev/null'], { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\r\x1b\[2K\[[█░]+\] \d+\/4/, 'a progress bar redrawn in place');
    assert.match(r.stdout, /Labelled 3 file\(s\), skipped 1/);
    assert.doesNotMatch(r.stdout, /^labelled {2}/m, 'no per-file lines for successes on a terminal');
  });
});

describe('hegui label: text files', () => {
  it('Markdown without front matter named .md gets a front matter block; plain text is skipped', async () => {
    const texts = join(dir, 'texts');
    await mkdir(texts);
    const body = '# 标题\n\n正文。\n';
    await writeFile(join(texts, 'answer.md'), body);
    await writeFile(join(texts, 'answer.txt'), body);
    const out = join(dir, 'texts-out');
    const r = await hegui(['label', texts, '--producer', P, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Labelled 1 file\(s\), skipped 1 \(no metadata container\), failed 0/);
    const md = await readFile(join(out, 'answer.md'), 'utf8');
    assert.match(md, /^---\nAIGC:\n[\s\S]*\n---\n# 标题\n\n正文。\n$/);
    assert.equal((await readLabel(join(out, 'answer.md'))).label?.ContentProducer, P);
    const named = await hegui(['label', join(texts, 'answer.txt'), '--producer', P, '--out', join(dir, 'x')]);
    assert.equal(named.code, 1);
    assert.match(named.stdout + named.stderr, /plain text has no metadata container/);
  });
});

describe('hegui inspect', () => {
  it('shows the label and its placement, as text and as JSON', async () => {
    const f = join(dir, 'out1/a.png');
    const text = await hegui(['inspect', f]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /format: PNG \(image\)/);
    assert.match(text.stdout, /label site 1: png\.xmp \(normative\)/);
    assert.match(text.stdout, new RegExp(`ContentProducer: "${P}"`));
    const json = await hegui(['inspect', '--json', f, join(dir, 'in/a.png')]);
    const [labelled, plain] = JSON.parse(json.stdout);
    assert.equal(labelled.reading.sites.length, 1);
    assert.equal(labelled.reading.label.ContentProducer, P);
    assert.deepEqual(
      plain.reading.findings.map((x: { code: string }) => x.code),
      ['no_label'],
    );
  });

  it('exits 1 when a named file cannot be read; plain text is recognised but has no label container', async () => {
    const bin = join(dir, 'in/blob.bin');
    await writeFile(bin, Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]));
    const r = await hegui(['inspect', bin]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /format_unknown/);
    const txt = await hegui(['inspect', join(dir, 'in/notes.txt')]);
    assert.equal(txt.code, 0);
    assert.match(txt.stdout, /format: Plain text \(document\)/);
    assert.ok((await readFile(join(dir, 'in/notes.txt'), 'utf8')).startsWith('not media'));
  });
});
