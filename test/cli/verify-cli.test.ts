/**
 * keys, label --sign, verify, propagate and audit, run as a user runs them: the real `bin/hegui.js` (built first).
 * Exit codes: 0 all passed (or done), 1 a file failed, 2 a usage error.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { labelBytes, readLabel, verify } from '../../src/index.ts';
import { run } from '../support/run.ts';

const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));
const P = '001191440300708461136T1XGW3';
const PLATFORM = '001191440300708461136T2XGW3';
const hegui = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [BIN, ...args], {
    env: { ...process.env, CI: 'true', HEGUI_PRODUCER: '', HEGUI_PLATFORM: '', ...env },
  });

let dir: string;
const at = (...p: string[]) => join(dir, ...p);
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-vcli-'));
  await mkdir(at('in'));
  for (const [i, c] of ['#ff0000', '#00ff00', '#0000ff'].entries()) {
    await sharp({ create: { width: 24, height: 16, channels: 3, background: c } })
      .png()
      .toFile(at('in', `img${i}.png`));
  }
  await writeFile(at('in', 'notes.txt'), 'not media');
});
after(() => rm(dir, { recursive: true, force: true }));

describe('hegui keys generate', () => {
  it('writes private.pem (0600) and public.pem, never overwrites them', async () => {
    const r = await hegui(['keys', 'generate', '--out', at('keys')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sm2 key pair written/);
    assert.equal((await stat(at('keys/private.pem'))).mode & 0o777, 0o600);
    assert.match(await readFile(at('keys/public.pem'), 'utf8'), /BEGIN PUBLIC KEY/);
    const again = await hegui(['keys', 'generate', '--out', at('keys')]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /never overwritten/);
    const ed = await hegui(['keys', 'generate', '--out', at('platform-keys'), '--alg', 'ed25519', '--json']);
    assert.equal(ed.code, 0, ed.stderr);
    assert.equal(JSON.parse(ed.stdout).algorithm, 'ed25519');
    const trust = {
      providers: {
        [P]: { keys: [{ publicKey: 'keys/public.pem', alg: 'sm2' }] },
        [PLATFORM]: { keys: [{ publicKey: 'platform-keys/public.pem' }] },
      },
    };
    await writeFile(at('trust.json'), JSON.stringify(trust));
  });
});

describe('hegui label --sign, then hegui verify', () => {
  it('signed labels verify against the trust list: exit 0, PASS lines, a summary; other files in folders skipped', async () => {
    const l = await hegui([
      'label',
      at('in'),
      '--producer',
      P,
      '--out',
      at('signed'),
      '--sign',
      at('keys/private.pem'),
    ]);
    assert.equal(l.code, 0, l.stderr);
    assert.match(l.stdout, /signed/);
    const r = await hegui(['verify', at('signed'), at('in', 'notes.txt'), '--trust', at('trust.json')]);
    assert.equal(r.code, 1, 'the text file named directly fails');
    assert.match(r.stdout, /PASS {2}.*img0\.png {2}compliant, Label 1 \(属于AI生成合成内容\)/);
    assert.match(
      r.stdout,
      /producer signature \(ReservedCode1\): valid, sm2, key [0-9a-f]{16} \(trust list\), content binding match/,
    );
    assert.match(r.stdout, /FAIL {2}.*notes\.txt/);
    assert.match(r.stdout, /Verified 4 file\(s\): 3 passed, 1 failed/);
    const ok = await hegui(['verify', at('signed'), '--trust', at('trust.json')]);
    assert.equal(ok.code, 0, ok.stdout);
  });

  it('--json: every result with its evidence and a summary', async () => {
    const r = await hegui(['verify', '--json', at('signed', 'img1.png'), '--trust', at('trust.json')]);
    assert.equal(r.code, 0);
    const report = JSON.parse(r.stdout);
    assert.equal(report.summary.passed, 1);
    const f = report.files[0];
    assert.equal(f.outcome, 'compliant');
    assert.equal(f.sites[0].placement, 'png.xmp');
    assert.equal(f.signatures[0].binding.status, 'match');
  });

  it('an edited label and a changed picture fail with exit 1 and name why', async () => {
    const signed = await readFile(at('signed', 'img2.png'));
    const label = (await readLabel(signed)).label!;
    await writeFile(at('edited.png'), await labelBytes(signed, { ...label, ProduceID: 'forged' }));
    const edited = await hegui(['verify', at('edited.png'), '--trust', at('trust.json')]);
    assert.equal(edited.code, 1);
    assert.match(edited.stdout, /\[signature_invalid\]/);
    const other = await sharp({ create: { width: 24, height: 16, channels: 3, background: '#fe0000' } })
      .png()
      .toBuffer();
    await writeFile(at('swapped.png'), await labelBytes(other, label));
    const swapped = await hegui(['verify', at('swapped.png'), '--trust', at('trust.json')]);
    assert.equal(swapped.code, 1);
    assert.match(swapped.stdout, /\[content_changed\]/);
    const unlabelled = await hegui(['verify', at('in', 'img0.png')]);
    assert.equal(unlabelled.code, 1);
    assert.match(unlabelled.stdout, /not_found, no Label[\s\S]*\[no_label\]/);
  });

  it('usage errors exit 2', async () => {
    for (const args of [
      ['verify', at('nope')],
      ['verify', at('signed'), '--trust', at('missing.json')],
      ['verify', at('signed'), '--jobs', '0'],
      ['label', at('in'), '--producer', P, '--out', at('x'), '--sign', at('keys/public.pem')],
      ['label', at('in'), '--producer', P, '--out', at('x'), '--sign', at('nokey.pem')],
    ]) {
      const r = await hegui(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});

describe('hegui propagate', () => {
  it('a signed upload: 属于, the platform fields and its signature written, exit 0', async () => {
    const r = await hegui([
      'propagate',
      at('signed', 'img0.png'),
      '--platform',
      PLATFORM,
      '--propagate-id',
      'upload-1',
      '--sign',
      at('platform-keys/private.pem'),
      '--trust',
      at('trust.json'),
      '--out',
      at('published.png'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /decision: labelled \(Label 1\)/);
    assert.match(r.stdout, /show next to the content: 属于AI生成合成内容/);
    assert.match(r.stdout, /reminder: /);
    const v = await hegui(['verify', at('published.png'), '--trust', at('trust.json'), '--json']);
    assert.equal(v.code, 0, v.stdout);
    const sig = JSON.parse(v.stdout).files[0].signatures;
    assert.deepEqual(
      sig.map((s: { status: string }) => s.status),
      ['valid', 'valid'],
    );
  });

  it('no label: --declared-ai → 可能为, --detected → 疑似, neither → nothing written; an invalid label → exit 1', async () => {
    const args = (file: string, ...extra: string[]) => [
      'propagate',
      file,
      '--platform',
      PLATFORM,
      '--propagate-id',
      'u-2',
      '--json',
      ...extra,
    ];
    const declared = await hegui(args(at('in', 'img1.png'), '--declared-ai', '--out', at('declared.png')));
    assert.equal(declared.code, 0, declared.stderr);
    assert.equal(JSON.parse(declared.stdout).decision.display, '可能为AI生成合成内容');
    assert.equal((await readLabel(at('declared.png'))).label?.Label, '2');
    const detected = await hegui(args(at('in', 'img1.png'), '--detected', 'watermark:vendor', '--out', at('det.png')));
    assert.equal(JSON.parse(detected.stdout).decision.label, '3');
    const none = await hegui(args(at('in', 'img1.png'), '--out', at('none.png')));
    assert.equal(none.code, 0);
    assert.equal(JSON.parse(none.stdout).decision.case, 'none');
    await assert.rejects(stat(at('none.png')), 'nothing is written for case none');
    const refused = await hegui(args(at('edited.png'), '--in-place', '--trust', at('trust.json')));
    assert.equal(refused.code, 1);
    assert.equal(JSON.parse(refused.stdout).decision.case, 'refused');
    for (const bad of [
      ['propagate', at('edited.png'), '--propagate-id', 'x', '--in-place'],
      ['propagate', at('edited.png'), '--platform', PLATFORM, '--propagate-id', 'x'],
      args(at('in', 'img1.png'), '--detected', 'rumour', '--in-place'),
    ]) {
      assert.equal((await hegui(bad)).code, 2, bad.join(' '));
    }
  });
});

describe('hegui propagate: plain text', () => {
  it('the decision and the notice with nothing written (no metadata container): exit 0, written false and why', async () => {
    await writeFile(at('answer.txt'), '本内容由人工智能生成。\n今天天气很好。\n');
    const args = (...extra: string[]) => [
      'propagate',
      at('answer.txt'),
      '--platform',
      PLATFORM,
      '--propagate-id',
      'u-3',
      '--out',
      at('answer-out.txt'),
      ...extra,
    ];
    const found = await hegui(args('--json'));
    assert.equal(found.code, 0, found.stderr);
    const j = JSON.parse(found.stdout);
    assert.deepEqual([j.decision.case, j.decision.label, j.decision.display], ['detected', '3', '疑似AI生成合成内容']);
    assert.equal(j.decision.evidence.kind, 'explicit_label');
    assert.equal(j.written, false);
    assert.equal(j.notWritten.code, 'no_container');
    await assert.rejects(stat(at('answer-out.txt')), 'nothing is written');
    const declared = await hegui(args('--declared-ai'));
    assert.equal(declared.code, 0, declared.stderr);
    assert.match(declared.stdout, /decision: declared \(Label 2\)/);
    assert.match(declared.stdout, /show next to the content: 可能为AI生成合成内容/);
    assert.match(declared.stdout, /not written: plain text has no metadata container/);
  });
});

describe('hegui audit', () => {
  it('HTML (self-contained: table and SVG charts, no script) and JSON; exit 1 when a file fails', async () => {
    await mkdir(at('outputs'));
    for (const f of ['img0.png', 'img1.png']) await writeFile(at('outputs', f), await readFile(at('signed', f)));
    await writeFile(at('outputs', 'edited.png'), await readFile(at('edited.png')));
    // Plain text has no metadata container: it is verified by its explicit label, and this one has none.
    await writeFile(at('outputs', 'readme.txt'), 'no label here');
    await writeFile(at('outputs', 'answer.txt'), '本内容由人工智能生成。\n今天天气很好。');
    // Formats no codec recognises: not audited, not counted, but listed per extension and by path.
    const binary = Buffer.from([0x50, 0x4b, 0x05, 0x00, 0xff, 0x00, 0x13]);
    for (const f of ['a.ZIP', 'b.zip', 'blob']) await writeFile(at('outputs', f), binary);
    const html = at('audit.html');
    const r = await hegui(['audit', at('outputs'), '--trust', at('trust.json'), '--html', html, '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.summary.files, 5);
    assert.equal(report.skipped, 3);
    assert.deepEqual(report.skippedByExtension, { '.zip': 2, '(none)': 1 });
    assert.deepEqual(report.skippedFiles.map((f: string) => f.slice(at('outputs').length + 1)).sort(), [
      'a.ZIP',
      'b.zip',
      'blob',
    ]);
    assert.equal(report.summary.byFinding.format_unknown, undefined, 'skipped files are not findings');
    const text = await hegui(['audit', at('outputs'), '--trust', at('trust.json')]);
    assert.match(text.stdout, /3 not audited \(format not recognised: \.zip 2, \(none\) 1\)/);
    assert.equal(report.summary.passed, 3);
    assert.equal(report.summary.byFormat['Plain text'].files, 2);
    assert.equal(report.summary.byFinding.signature_invalid.files, 1);
    assert.equal(report.summary.byFormat.PNG.files, 3);
    const page = await readFile(html, 'utf8');
    assert.match(page, /^<!doctype html>/);
    assert.match(page, /<svg[^>]*role="img"/);
    assert.match(page, /<table>/);
    assert.match(page, /signature_invalid/);
    assert.match(
      page,
      /Not audited: format not recognised \(3\)[\s\S]*\.zip: 2, \(none\): 1[\s\S]*<li>[^<]*blob<\/li>/,
    );
    assert.doesNotMatch(page, /<script|<link|src="http/i);
  });

  it('--sample N draws N files again from the same seed; all passing → exit 0', async () => {
    const args = ['audit', at('signed'), '--sample', '2', '--seed', '7', '--json', '--trust', at('trust.json')];
    const a = JSON.parse((await hegui(args)).stdout);
    const b = await hegui(args);
    assert.equal(b.code, 0);
    const files = (x: { files: { file: string }[] }) => x.files.map((f) => f.file);
    assert.deepEqual(files(JSON.parse(b.stdout)), files(a));
    assert.deepEqual(a.sample, { population: 3, size: 2, seed: 7 });
    const text = await hegui(['audit', at('signed'), '--trust', at('trust.json')]);
    assert.match(text.stdout, /Audited 3 file\(s\): 3 passed, 0 failed, pass rate 100\.0%/);
  });

  it('draws a progress bar on a terminal', async () => {
    const cmd = [process.execPath, BIN, 'audit', at('signed')].map((a) => `'${a}'`).join(' ');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['CI'];
    const r = await run('script', ['-qec', cmd, '/dev/null'], { env });
    assert.match(r.stdout, /\r\x1b\[2K\[[█░]+\] \d+\/3/);
    assert.match(r.stdout, /Audited 3 file\(s\)/);
  });
});

describe('library and CLI agree', () => {
  it('verify() gives the same outcome as the binary', async () => {
    const r = await verify(at('edited.png'));
    assert.equal(r.outcome, 'noncompliant');
  });
});
