/** `hegui library …` and `hegui review` through the real binary (bin/hegui.js runs dist/: `npm run build` first). */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { hash256ToHex, hashImage, sha256Hex } from '../../src/index.ts';
import { run } from '../support/run.ts';
import { shared } from './support.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/hegui.js');
const hegui = (args: string[], input?: string) =>
  run(process.execPath, [BIN, ...args], {
    env: { ...process.env, CI: 'true' },
    ...(input === undefined ? {} : { input }),
  });

let dir: string;
let lib: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-review-cli-'));
  lib = join(dir, 'starter.json');
  // The starter library as the built package ships it (dist/review/library/starter/).
  const r = await hegui(['library', 'starter', '--out', lib]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Imported \d+ entries .* version 1/);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hegui library', () => {
  it('compile writes an artifact and reports its hash and load time', async () => {
    const r = await hegui(['library', 'compile', lib, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.artifact, join(dir, 'starter.hgl'));
    assert.match(j.sha256, /^[0-9a-f]{64}$/);
    assert.ok(existsSync(j.artifact));
    assert.equal(typeof j.loadMs, 'number');
  });
  it('coverage says the starter library is short of TC260-003 and exits 1', async () => {
    const r = await hegui(['library', 'coverage', lib]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /total \d+ of 10000/);
    assert.match(r.stdout, /A\.1\.a .*\/ {2}200/);
    assert.match(r.stdout, /Does not meet the TC260-003 minimums/);
    const j = JSON.parse((await hegui(['library', 'coverage', lib, '--json'])).stdout);
    assert.equal(j.risks.length, 31);
  });
  it('a second import is a new version; diff shows it and exits 1; export prints CSV', async () => {
    const extra = join(dir, 'extra.csv');
    await writeFile(extra, 'pattern,riskCode,action\n测试违禁词,A.1.h,block\n坏行,Z.9,block\n');
    const lib2 = join(dir, 'two.json');
    assert.equal((await hegui(['library', 'starter', '--out', lib2])).code, 0);
    const r = await hegui(['library', 'import', extra, '--out', lib2]);
    assert.equal(r.code, 1, 'a rejected line is reported with exit 1');
    assert.match(r.stderr, /extra\.csv:3: /);
    assert.match(r.stdout, /version 2/);
    const d = await hegui(['library', 'diff', `${lib2}@1`, lib2]);
    assert.equal(d.code, 1);
    assert.match(d.stdout, /\+ \S+ +A\.1\.h +block +测试违禁词/);
    assert.match(d.stdout, /1 added, 0 removed, 0 changed/);
    assert.equal((await hegui(['library', 'diff', lib2, lib2])).code, 0);
    const csv = await hegui(['library', 'export', lib2, '--format', 'csv']);
    assert.match(csv.stdout, /^id,kind,pattern,riskCode/);
    assert.match(csv.stdout, /测试违禁词/);
  });
});

describe('hegui library: shipped starter library, word lists, folders, artifacts', () => {
  it('the built package holds the starter library, and `library starter` imports it from there', async () => {
    const starter = join(ROOT, 'dist/review/library/starter');
    const shipped = (await readdir(starter)).sort();
    const source = (await readdir(join(ROOT, 'src/review/library/starter'))).sort();
    assert.deepEqual(shipped, source);
    // What `npm pack` would put in the package (scripts skipped: dist/ is built already).
    const pack = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { env: { ...process.env } });
    assert.equal(pack.code, 0, pack.stderr);
    const files = (JSON.parse(pack.stdout)[0].files as { path: string }[]).map((f) => f.path);
    for (const f of source) assert.ok(files.includes(`dist/review/library/starter/${f}`), f);
    const v = JSON.parse(await readFile(lib, 'utf8')).versions[0];
    assert.equal(v.note, 'Hegui starter library');
    assert.ok(v.entries.length >= 40);
  });

  it('imports a word list with --tags and --allow (the lexicon format) into a --folder library', async () => {
    const words = join(dir, 'dict.txt');
    const tags = join(dir, 'tags.txt');
    const allow = join(dir, 'allow.txt');
    await writeFile(words, '冰毒\n赌博网站\n法轮功\n黄色网站\n代开发票\n');
    await writeFile(tags, '冰毒 1\n赌博网站 3,4\n法轮功 0\n黄色网站 4,2\n');
    await writeFile(allow, '打击赌博网站\n');
    const folder = join(dir, 'words-lib');
    const r = await hegui(['library', 'import', words, '--tags', tags, '--allow', allow, '--out', folder, '--folder']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await readdir(folder)).sort(), ['library.json', 'versions']);
    assert.deepEqual(await readdir(join(folder, 'versions')), ['000001.json']);
    const v1 = JSON.parse(await readFile(join(folder, 'versions/000001.json'), 'utf8'));
    const risk = Object.fromEntries(
      v1.entries.map((e: { pattern: string; riskCode: string }) => [e.pattern, e.riskCode]),
    );
    // Tag → risk code: 1 drugs → A.1.h, 3 gambling → A.1.h, 0 politics → A.1.a, 2 porn first → A.1.f, none → A.1.h.
    assert.deepEqual(risk, { 冰毒: 'A.1.h', 赌博网站: 'A.1.h', 法轮功: 'A.1.a', 黄色网站: 'A.1.f', 代开发票: 'A.1.h' });
    assert.deepEqual(v1.allow, ['打击赌博网站']);
    // The allowed phrase suppresses the hit there, and only there.
    assert.equal((await hegui(['review', '--library', folder, '警方打击赌博网站'])).code, 0);
    assert.equal((await hegui(['review', '--library', folder, '他常去赌博网站'])).code, 1);
    // A second import adds a version file; the first is left as it was.
    const before = await readFile(join(folder, 'versions/000001.json'));
    await writeFile(words, '枪支弹药\n');
    assert.equal((await hegui(['library', 'import', words, '--out', folder])).code, 0);
    assert.deepEqual((await readdir(join(folder, 'versions'))).sort(), ['000001.json', '000002.json']);
    assert.deepEqual(await readFile(join(folder, 'versions/000001.json')), before);
    const d = await hegui(['library', 'diff', `${folder}@1`, folder]);
    assert.match(d.stdout, /1 added, 0 removed, 0 changed/);
  });

  it('imports the shared lexicon (word list, tags, allow-list) through the CLI', {
    skip: existsSync(shared('lexicon/sensitive_word_dict.txt')) ? false : 'shared/testdata/lexicon is absent',
  }, async () => {
    const L = (f: string) => fileURLToPath(shared(`lexicon/${f}`));
    const out = join(dir, 'lexicon');
    const r = await hegui([
      'library',
      'import',
      L('sensitive_word_dict.txt'),
      '--tags',
      L('sensitive_word_tags.txt'),
      '--allow',
      L('sensitive_word_allow.txt'),
      '--out',
      out,
      '--folder',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.entries, 64_420);
    const allowLines = new Set(
      (await readFile(L('sensitive_word_allow.txt'), 'utf8'))
        .split('\n')
        .map((x) => x.trim())
        .filter(Boolean),
    );
    assert.equal(j.allow, allowLines.size);
    const v = JSON.parse(await readFile(join(out, 'versions/000001.json'), 'utf8'));
    const byWord = new Map(v.entries.map((e: { pattern: string; riskCode: string }) => [e.pattern, e.riskCode]));
    assert.equal(byWord.get('08宪章'), 'A.1.a'); // tag 0
    assert.equal(byWord.get('0售k粉qq'), 'A.1.h'); // tags 1,4
  });

  it('the same library compiles to the same artifact bytes, in separate runs', async () => {
    const a = join(dir, 'a.hgl');
    const b = join(dir, 'b.hgl');
    const ra = JSON.parse((await hegui(['library', 'compile', lib, '--out', a, '--json'])).stdout);
    const rb = JSON.parse((await hegui(['library', 'compile', lib, '--out', b, '--json'])).stdout);
    assert.equal(ra.sha256, rb.sha256);
    assert.deepEqual(await readFile(a), await readFile(b));
    assert.equal(sha256Hex(await readFile(a)), ra.sha256);
  });
});

describe('hegui review', () => {
  it('exit codes: 0 pass, 1 review, 3 block; hits on the original text', async () => {
    const pass = await hegui(['review', '--library', lib, '今天天气很好']);
    assert.equal(pass.code, 0, pass.stderr);
    assert.match(pass.stdout, /decision: pass/);
    const review = await hegui(['review', '--library', lib, '只招男性，限35岁以下']);
    assert.equal(review.code, 1);
    assert.match(review.stdout, /decision: review/);
    const block = await hegui(['review', '--library', lib, '他在学法 輪 功']);
    assert.equal(block.code, 3);
    assert.match(block.stdout, /block +A\.1\.h .*\[3,8\) "法 輪 功"/);
  });
  it('--json gives the decision, the hits with spans and variants, and the library version', async () => {
    const r = await hegui(['review', '--library', lib, '--json', '学 falungong']);
    assert.equal(r.code, 3);
    const j = JSON.parse(r.stdout);
    assert.equal(j.decision, 'block');
    assert.deepEqual(j.hits[0].variant, { kind: 'pinyin', form: 'falungong' });
    assert.deepEqual(j.hits[0].span, { start: 2, end: 11 });
    assert.equal(j.library.version, 1);
  });
  it('reviews a compiled artifact, a text file and standard input', async () => {
    await hegui(['library', 'compile', lib]);
    const file = join(dir, 'post.txt');
    await writeFile(file, '第一行\n这里有人代开发票\n');
    const r = await hegui(['review', '--library', join(dir, 'starter.hgl'), '--file', file]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /代开发票/);
    const s = await hegui(['review', '--library', lib], '刷单返利');
    assert.equal(s.code, 3);
  });
  it('reviews an image file against the image-hash entries: PDQ near-duplicate and SHA-256 exact', async () => {
    // A textured image (PDQ needs structure to reach quality 50), a re-encoded copy of it, and an unrelated image.
    const texture = (seed: number) =>
      sharp(
        Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256">${Array.from({ length: 40 }, (_, i) => {
            const v = (seed * 7919 + i * 104729) % 997;
            return `<circle cx="${v % 256}" cy="${(v * 31) % 256}" r="${8 + (v % 40)}" fill="#${(v * 4099).toString(16).padStart(6, '0').slice(-6)}"/>`;
          }).join('')}</svg>`,
        ),
      );
    const original = join(dir, 'original.png');
    const reencoded = join(dir, 'reencoded.jpg');
    const other = join(dir, 'other.png');
    await texture(1).png().toFile(original);
    await sharp(original).resize(200, 200).jpeg({ quality: 70 }).toFile(reencoded);
    await texture(2).png().toFile(other);
    const { hash } = await hashImage(await readFile(original));
    const entries = [
      {
        type: 'entry',
        id: 'img-pdq',
        kind: 'image-hash',
        pattern: `pdq:${hash256ToHex(hash)}`,
        riskCode: 'A.1.f',
        action: 'block',
      },
      {
        type: 'entry',
        id: 'img-sha',
        kind: 'image-hash',
        pattern: `sha256:${sha256Hex(await readFile(other))}`,
        riskCode: 'A.1.h',
        action: 'review',
      },
    ];
    const jsonl = join(dir, 'images.jsonl');
    await writeFile(jsonl, entries.map((e) => JSON.stringify(e)).join('\n'));
    const imageLib = join(dir, 'images.json');
    assert.equal((await hegui(['library', 'import', jsonl, '--out', imageLib])).code, 0);

    const near = await hegui(['review', '--library', imageLib, '--file', reencoded]);
    assert.equal(near.code, 3, near.stderr);
    assert.match(near.stdout, /decision: block/);
    assert.match(near.stdout, /image match \(PDQ distance \d+, quality \d+\)\s+entry img-pdq/);
    const exact = await hegui(['review', '--library', imageLib, '--file', other, '--json']);
    assert.equal(exact.code, 1, exact.stderr);
    const j = JSON.parse(exact.stdout);
    assert.deepEqual(
      j.hits.map((h: { entryId: string; method: string }) => [h.entryId, h.method]),
      [['img-sha', 'sha256']],
    );
    // The unrelated image is far from the PDQ entry and not the SHA-256 one: it passes.
    const unrelated = join(dir, 'unrelated.png');
    await texture(3).png().toFile(unrelated);
    const clean = await hegui(['review', '--library', imageLib, '--file', unrelated]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  });
  it('refuses an image-hash entry whose pattern is not pdq:<hex> or sha256:<hex>', async () => {
    const jsonl = join(dir, 'bad-image.jsonl');
    await writeFile(
      jsonl,
      JSON.stringify({ type: 'entry', id: 'x', kind: 'image-hash', pattern: 'abc', riskCode: 'A.1.f' }),
    );
    const r = await hegui(['library', 'import', jsonl, '--out', join(dir, 'bad.json')]);
    assert.equal(r.code, 1, 'done with rejected lines');
    assert.match(
      r.stderr,
      /bad-image\.jsonl:1: an image-hash pattern is pdq:<64 hex digits> or sha256:<64 hex digits>/,
    );
    assert.match(r.stdout, /1 line\(s\) rejected/);
  });
  it('a missing library is exit 2, not a "review" decision', async () => {
    const r = await hegui(['review', '--library', join(dir, 'nope.json'), 'x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no such library/);
  });
  it('--help documents the exit codes', async () => {
    const r = await hegui(['review', '--help']);
    assert.match(r.stdout, /Exit codes: 0 pass, 1 review, 3 block, 2 usage or error/);
  });
});
