/**
 * The labelling run as a process (the real bin/hegui.js, built first): killed with SIGKILL half-way and run again,
 * a stale lock taken over and a live one respected, `--jobs 4`, and the progress bar on a pseudo-terminal.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { measureExplicitLabel, readLabel } from '../../src/index.ts';
import { noise } from '../explicit/support.ts';
import { sha256File } from '../support/media.ts';
import { run } from '../support/run.ts';
import { PRODUCER } from './support.ts';

const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));
const ENV = { ...process.env, CI: 'true', HEGUI_PRODUCER: PRODUCER, HEGUI_SECRET_KEY: '', HEGUI_SECRET_KEY_FILE: '' };
const hegui = (args: string[]) => run(process.execPath, [BIN, ...args], { env: ENV });
const STATE = '.hegui-label-state.jsonl';
/** The default text label (prefix) of `label --explicit`. */
const TEXT_LABEL = '以下内容由人工智能生成';

interface FileResult {
  file: string;
  status: string;
}
interface Summary {
  labelled: number;
  alreadyLabelled: number;
  skipped: number;
  failed: number;
}
const json = (stdout: string): { files: FileResult[]; summary: Summary } => JSON.parse(stdout);

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-runner-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** A folder of `images` noise PNGs and `texts` text files. */
async function folder(name: string, images: number, texts: number): Promise<string> {
  const d = join(dir, name);
  await mkdir(d);
  for (let i = 0; i < images; i++)
    await noise(480, 360, i + 1)
      .png()
      .toFile(join(d, `img-${i}.png`));
  for (let i = 0; i < texts; i++) await writeFile(join(d, `answer-${i}.txt`), `Generated answer number ${i}.\n`);
  return d;
}

const inputsOf = async (d: string) => (await readdir(d)).filter((f) => !f.startsWith('.')).sort();

/** Every file labelled exactly once: one prompt in each text, one metadata label and a passing explicit label on each image. */
async function assertLabelledOnce(d: string): Promise<void> {
  for (const f of await inputsOf(d)) {
    const p = join(d, f);
    if (f.endsWith('.txt')) {
      const text = await readFile(p, 'utf8');
      assert.equal(text.split(TEXT_LABEL).length - 1, 1, `${f}: the prompt once`);
    } else {
      const reading = await readLabel(p);
      assert.equal(reading.sites.length, 1, `${f}: one metadata label`);
      assert.equal(reading.label?.ContentProducer, PRODUCER);
      assert.equal((await measureExplicitLabel(p)).pass, true, `${f}: the explicit label measures`);
    }
  }
}

describe('hegui label: the run as a process', () => {
  it('killed with SIGKILL half-way, in place: the rerun takes the stale lock and labels each file exactly once', async () => {
    const d = await folder('killed', 24, 24);
    const args = ['label', '--explicit', d, '--in-place', '--jobs', '1'];
    // Watch the per-file lines (stdout is a pipe: one line per finished file) and kill after the fourth.
    const child = spawn(process.execPath, [BIN, ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!killed && out.split('\n').filter((l) => l.startsWith('labelled')).length >= 4) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_c, s) => resolve(s)));
    assert.equal(signal, 'SIGKILL', 'the run was killed, not finished');
    const reported = out
      .split('\n')
      .filter((l) => l.startsWith('labelled'))
      .map((l) => l.split(/\s+/)[1]!);
    assert.ok(reported.length >= 4);

    // The killed run left its lock, naming a process that no longer runs, and its journal.
    const lock = join(d, `${STATE}.lock`);
    assert.equal(Number(await readFile(lock, 'utf8')), child.pid);
    assert.ok(existsSync(join(d, STATE)));
    const untouched = new Map<string, string>();
    for (const f of reported) untouched.set(f, await sha256File(f));

    const rerun = await hegui([...args, '--json']);
    assert.equal(rerun.code, 0, rerun.stderr);
    const r = json(rerun.stdout);
    assert.equal(r.files.length, 48);
    assert.equal(r.summary.labelled + r.summary.alreadyLabelled, 48, 'every file done, by one run or the other');
    assert.ok(r.summary.labelled > 0, 'the killed run had not finished');
    assert.equal(r.summary.failed, 0);
    for (const f of reported) {
      assert.equal(r.files.find((x) => x.file === f)?.status, 'already-labelled', `${f} is not redone`);
      assert.equal(await sha256File(f), untouched.get(f), `${f} is untouched`);
    }
    assert.equal(existsSync(lock), false, 'the lock is released');
    await assertLabelledOnce(d);

    const third = json((await hegui([...args, '--json'])).stdout);
    assert.deepEqual([third.summary.labelled, third.summary.alreadyLabelled], [0, 48]);
    const journal = (await readFile(join(d, STATE), 'utf8')).trimEnd().split('\n');
    assert.equal(journal.length, 48, 'one journal line per input');
  });

  it('a lock left by a process that no longer runs is taken over; a running one is respected (exit 2)', async () => {
    const d = await folder('locks', 1, 2);
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => gone.on('close', resolve));
    const lock = join(d, `${STATE}.lock`);
    await writeFile(lock, String(gone.pid));
    const ok = await hegui(['label', '--explicit', d, '--in-place', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(json(ok.stdout).summary.labelled, 3);
    assert.equal(existsSync(lock), false);

    // This test process is alive: its lock holds, and nothing is labelled.
    await writeFile(lock, String(process.pid));
    const before = await sha256File(join(d, 'answer-0.txt'));
    await writeFile(join(d, 'answer-9.txt'), 'A new answer.\n');
    const refused = await hegui(['label', '--explicit', d, '--in-place']);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      new RegExp(`another labelling run \\(process ${process.pid}\\) is using the state file`),
    );
    assert.equal(await readFile(join(d, 'answer-9.txt'), 'utf8'), 'A new answer.\n');
    assert.equal(await sha256File(join(d, 'answer-0.txt')), before);
    assert.equal(await readFile(lock, 'utf8'), String(process.pid), 'a live lock is left alone');
  });

  it('--jobs 4 labels every file once, results in input order', async () => {
    const d = await folder('jobs', 12, 12);
    const out = join(dir, 'jobs-out');
    const r = await hegui(['label', '--explicit', d, '--out', out, '--jobs', '4', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const res = json(r.stdout);
    assert.equal(res.summary.labelled, 24);
    const names = res.files.map((f) => f.file.split('/').pop()!);
    assert.deepEqual(names, [...names].sort(), 'reported in input order, whatever order they finished in');
    assert.deepEqual(await inputsOf(out), await inputsOf(d));
    await assertLabelledOnce(out);
    const journal = (await readFile(join(out, STATE), 'utf8')).trimEnd().split('\n');
    assert.equal(journal.length, 24);
  });

  it('on a terminal, a progress bar is drawn on stderr and cleared at the end', async (t) => {
    if (!existsSync('/usr/bin/script')) return t.skip('script (util-linux) is not installed: no pseudo-terminal');
    const d = await folder('tty', 2, 4);
    const env: NodeJS.ProcessEnv = { ...ENV, COLUMNS: '120' };
    delete env['CI'];
    const cmd = [process.execPath, BIN, 'label', '--explicit', d, '--out', join(dir, 'tty-out')]
      .map((a) => `'${a}'`)
      .join(' ');
    // script runs the command on a pseudo-terminal and copies what it writes to our stdout.
    const r = await run('/usr/bin/script', ['-qfec', cmd, '/dev/null'], { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const bars = r.stdout.split('\r\x1b[2K').filter((s) => s.startsWith('['));
    assert.ok(bars.length > 0, `a bar was drawn: ${JSON.stringify(r.stdout.slice(0, 300))}`);
    assert.match(bars.at(-1)!, /^\[█+\] 6\/6 [\d.]+\/s eta 0s /, 'the last bar is full');
    assert.ok(r.stdout.includes('\r\x1b[2KLabelled 6 file(s)'), 'the bar is cleared before the summary');
    assert.ok(!r.stdout.includes('labelled  /'), 'on a terminal, no line per file (the bar shows it)');
    // The same run on a pipe draws no bar.
    const piped = await run(process.execPath, [BIN, 'label', '--explicit', d, '--out', join(dir, 'pipe-out')], { env });
    assert.equal(piped.code, 0, piped.stderr);
    assert.ok(!piped.stderr.includes('█') && !piped.stdout.includes('█'));
    assert.equal((await stat(join(dir, 'tty-out', 'img-0.png'))).isFile(), true);
  });
});
