/** `hegui explicit-text`, run as a user runs it: the real bin/hegui.js. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../support/run.ts';

const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));
const hegui = (args: string[]) => run(process.execPath, [BIN, ...args], { env: { ...process.env, CI: 'true' } });

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-cli-text-'));
  await mkdir(join(dir, 'in/sub'), { recursive: true });
  await writeFile(join(dir, 'in/a.md'), '# Title\n\nFirst.\n\n```\ncode\n```\n');
  await writeFile(join(dir, 'in/sub/b.html'), '<html><body><p>One</p><p>Two</p></body></html>\n');
  await writeFile(join(dir, 'in/c.txt'), '第一段。\n\n第二段。\n');
  await writeFile(join(dir, 'in/d.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hegui explicit-text', () => {
  it('labels a folder into --out by file type, skipping other files; a second run finds them labelled', async () => {
    const out = join(dir, 'out');
    const r = await hegui(['explicit-text', join(dir, 'in'), '--out', out, '--mode', 'middle']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Labelled 3 text file\(s\), skipped 1, failed 0/);
    assert.equal(
      await readFile(join(out, 'a.md'), 'utf8'),
      '# Title\n\nFirst.\n\n本内容由人工智能生成\n\n```\ncode\n```\n',
    );
    assert.equal(
      await readFile(join(out, 'sub/b.html'), 'utf8'),
      '<html><body><p>One</p><p class="aigc-label">本内容由人工智能生成</p><p>Two</p></body></html>\n',
    );
    assert.equal(await readFile(join(out, 'c.txt'), 'utf8'), '第一段。\n\n本内容由人工智能生成\n\n第二段。\n');
    const again = await hegui(['explicit-text', out, '--in-place', '--mode', 'middle', '--json']);
    const report = JSON.parse(again.stdout);
    assert.equal(report.summary.unchanged, 3);
    assert.equal(report.summary.labelled, 0);
  });

  it('--in-place with a corner mark and --format; binary and non-UTF-8 files fail alone', async () => {
    const f = join(dir, 'note');
    await writeFile(f, 'Plain note.');
    const bin = join(dir, 'bin.txt');
    await writeFile(bin, Buffer.from([0x41, 0, 0x42]));
    const latin = join(dir, 'latin1.txt');
    await writeFile(latin, Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    const r = await hegui([
      'explicit-text',
      f,
      bin,
      latin,
      '--in-place',
      '--mode',
      'corner',
      '--text',
      'AI',
      '--format',
      'plain',
      '--json',
    ]);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(await readFile(f, 'utf8'), 'AIPlain note.');
    const codes = report.files
      .filter((x: { status: string }) => x.status === 'failed')
      .map((x: { error: { message: string } }) => x.error.message);
    assert.deepEqual(codes, ['the file is binary, not text', 'the file is not UTF-8 text']);
    assert.deepEqual([...(await readFile(latin))], [0x63, 0x61, 0x66, 0xe9]);
  });

  it('refuses an invalid label text and missing destinations with exit code 2', async () => {
    const f = join(dir, 'in/a.md');
    for (const [args, msg] of [
      [['explicit-text', f, '--in-place', '--text', '机器写的'], /--text: .*AI element/],
      [['explicit-text', f, '--in-place', '--text', 'AI'], /generation element/],
      [['explicit-text', f], /--out DIR, or --in-place/],
      [['explicit-text', f, '--in-place', '--mode', 'top'], /Allowed choices are prefix, suffix, middle, corner/],
    ] as const) {
      const r = await hegui([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
    }
    assert.equal(await readFile(f, 'utf8'), '# Title\n\nFirst.\n\n```\ncode\n```\n');
  });
});
