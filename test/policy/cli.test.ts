/**
 * `hegui label --explicit`, `hegui label --policy` (resumable), the Art. 9 path and `hegui check-explicit` on every
 * medium, run as a user runs them: the real bin/hegui.js (built first).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { measureAudioLabel, measureExplicitLabel, readLabel } from '../../src/index.ts';
import { sha256File } from '../support/media.ts';
import { run } from '../support/run.ts';
import { FIXTURES, makeFixtures, PRODUCER } from './support.ts';

const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));
const hegui = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [BIN, ...args], {
    env: {
      ...process.env,
      CI: 'true',
      HEGUI_PRODUCER: PRODUCER,
      HEGUI_SECRET_KEY: '',
      HEGUI_SECRET_KEY_FILE: '',
      ...env,
    },
  });

interface FileResult {
  file: string;
  status: string;
  output?: string;
  reason?: string;
  report?: {
    medium: string;
    explicit: { applied: boolean };
    metadata: { written: boolean };
    signature: { signed: boolean };
  };
}
const json = (stdout: string): { files: FileResult[]; summary: Record<string, number>; state?: string } =>
  JSON.parse(stdout);
const byName = (files: FileResult[], name: string) => files.find((f) => f.file.endsWith(name))!;

let dir: string;
const at = (...p: string[]) => join(dir, ...p);
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-policy-cli-'));
  await makeFixtures(at('in'));
  await writeFile(at('in', 'data.json'), '{"not":"a text to label"}\n');
  await writeFile(
    at('policy.json'),
    JSON.stringify({
      version: 1,
      serviceType: 'face-generation',
      defaults: { signature: { key: 'keys/private.pem' } },
      services: {
        'face-generation': {
          explicit: { image: { position: 'top-left' } },
          withoutExplicitOnRequest: { allowed: true, agreement: 'User Agreement v3 §7' },
        },
      },
    }),
  );
  const k = await hegui(['keys', 'generate', '--out', at('keys')]);
  assert.equal(k.code, 0, k.stderr);
});
after(() => rm(dir, { recursive: true, force: true }));

describe('hegui label --explicit', () => {
  it('adds the default explicit label for each medium and the metadata label, skipping what is not labellable', async () => {
    const out = at('explicit-out');
    const r = await hegui(['label', '--explicit', at('in'), '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const { files, summary } = json(r.stdout);
    assert.deepEqual(summary.labelled, 6);
    assert.deepEqual(summary.skipped, 1);
    assert.equal(byName(files, 'data.json').reason, 'not a text, Markdown or HTML file');
    for (const f of files.filter((x) => x.status === 'labelled')) {
      assert.equal(f.report!.explicit.applied, true, f.file);
      assert.equal(f.report!.metadata.written, !f.file.endsWith('.txt'), f.file);
    }
    assert.equal((await measureExplicitLabel(join(out, FIXTURES.image))).pass, true);
    assert.equal((await measureExplicitLabel(join(out, FIXTURES.video))).pass, true);
    assert.equal((await measureAudioLabel(join(out, FIXTURES.audio))).pass, true);
    for (const f of [FIXTURES.image, FIXTURES.video, FIXTURES.audio, FIXTURES.markdown, FIXTURES.html])
      assert.equal((await readLabel(join(out, f))).label?.ContentProducer, PRODUCER, f);
    assert.match(await readFile(join(out, FIXTURES.text), 'utf8'), /^以下内容由人工智能生成\n\n/);
    assert.ok((await stat(join(out, '.hegui-label-state.jsonl'))).isFile());
  });

  it('--explicit-text and --position (once per medium) change the look', async () => {
    const out = at('explicit-look');
    const r = await hegui([
      'label',
      '--explicit',
      at('in', FIXTURES.image),
      at('in', FIXTURES.audio),
      at('in', FIXTURES.text),
      '--out',
      out,
      '--explicit-text',
      '本内容由AI生成',
      '--position',
      'top',
      '--position',
      'after',
      '--position',
      'suffix',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /labelled .*photo\.png .*image, explicit top, .*metadata PNG/);
    assert.equal((await measureExplicitLabel(join(out, FIXTURES.image))).label?.position, 'top');
    assert.equal((await measureAudioLabel(join(out, FIXTURES.audio))).position, 'after');
    assert.match(await readFile(join(out, FIXTURES.text), 'utf8'), /\n\n本内容由AI生成\n$/);
  });

  it('refuses unusable arguments with exit 2, touching nothing', async () => {
    const img = at('in', FIXTURES.image);
    const hash = await sha256File(img);
    const cases: [string[], RegExp][] = [
      [
        ['label', img, '--out', at('x'), '--explicit-text', 'AI生成'],
        /--explicit-text goes with --explicit or --policy/,
      ],
      [['label', img, '--out', at('x'), '--service-type', 'other'], /--service-type goes with/],
      [['label', img, '--out', at('x'), '--no-explicit-on-request'], /--no-explicit-on-request goes with/],
      [['label', '--explicit', img, '--out', at('x'), '--explicit-text', '智能生成'], /AI element/],
      [['label', '--explicit', img, '--out', at('x'), '--position', 'middle-ish'], /--position must be one of/],
      [['label', '--explicit', img, '--out', at('x'), '--service-type', 'chat'], /Allowed choices are/],
      [['label', '--explicit', img], /--out DIR, or --in-place/],
      [['label', '--policy', at('missing.json'), img, '--out', at('x')], /no such policy file/],
    ];
    for (const [args, message] of cases) {
      const r = await hegui(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal(await sha256File(img), hash);
  });
});

describe('hegui label --policy', () => {
  it('applies the policy (signature included: it verifies against a trust list of the key)', async () => {
    const out = at('policy-out');
    const r = await hegui(['label', '--policy', at('policy.json'), at('in', FIXTURES.image), '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [f] = json(r.stdout).files;
    assert.equal(f!.report!.signature.signed, true);
    assert.equal((await measureExplicitLabel(join(out, FIXTURES.image))).label?.position, 'top-left');
    await writeFile(
      at('trust.json'),
      JSON.stringify({
        version: 1,
        providers: { [PRODUCER]: { name: 'T', keys: [{ publicKey: 'keys/public.pem' }] } },
      }),
    );
    const v = await hegui(['verify', join(out, FIXTURES.image), '--trust', at('trust.json')]);
    assert.equal(v.code, 0, v.stdout);
    assert.match(
      v.stdout,
      /producer signature \(ReservedCode1\): valid, sm2, key \w+ \(trust list\), content binding match/,
    );
  });

  it('is resumable: a rerun skips every file, a touched input is redone, a changed policy redoes all', async () => {
    const out = at('resume-out');
    const args = ['label', '--policy', at('policy.json'), at('in'), '--out', out, '--json'];
    const first = json((await hegui(args)).stdout);
    assert.equal(first.summary.labelled, 6);
    const outputs = Object.fromEntries(
      await Promise.all(Object.values(FIXTURES).map(async (f) => [f, await sha256File(join(out, f))])),
    );

    const second = await hegui(args);
    assert.equal(second.code, 0, second.stderr);
    const s = json(second.stdout);
    assert.deepEqual([s.summary.labelled, s.summary.alreadyLabelled, s.summary.skipped], [0, 6, 1]);
    for (const f of Object.values(FIXTURES)) assert.equal(await sha256File(join(out, f)), outputs[f], `${f} untouched`);
    const again = byName(s.files, FIXTURES.image);
    assert.equal(again.status, 'already-labelled');
    assert.equal(again.report?.medium, 'image', 'the earlier report is kept');

    const later = new Date(Date.now() + 5000);
    await utimes(at('in', FIXTURES.audio), later, later);
    const third = json((await hegui(args)).stdout);
    assert.deepEqual([third.summary.labelled, third.summary.alreadyLabelled], [1, 5]);
    assert.equal(byName(third.files, FIXTURES.audio).status, 'labelled');

    const changed = at('policy-changed.json');
    const p = JSON.parse(await readFile(at('policy.json'), 'utf8'));
    p.services['face-generation'].explicit.image.position = 'bottom-left';
    await writeFile(changed, JSON.stringify(p));
    const fourth = json((await hegui(['label', '--policy', changed, at('in'), '--out', out, '--json'])).stdout);
    assert.deepEqual([fourth.summary.labelled, fourth.summary.alreadyLabelled], [6, 0]);
    assert.equal((await measureExplicitLabel(join(out, FIXTURES.image))).label?.position, 'bottom-left');

    // The journal holds one line per input after a run.
    const lines = (await readFile(join(out, '.hegui-label-state.jsonl'), 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 6);
    // --no-state redoes everything and keeps no journal.
    const fifth = json((await hegui([...args, '--no-state'])).stdout);
    assert.equal(fifth.summary.labelled, 6);
    assert.equal(fifth.state, undefined);
  });

  it('in place: a rerun never labels a file twice, not even with another policy', async () => {
    const work = at('inplace');
    await mkdir(work);
    for (const f of [FIXTURES.image, FIXTURES.audio, FIXTURES.text])
      await writeFile(join(work, f), await readFile(at('in', f)));
    const args = ['label', '--policy', at('policy.json'), work, '--in-place', '--json'];
    assert.equal(json((await hegui(args)).stdout).summary.labelled, 3);
    const labelled = await sha256File(join(work, FIXTURES.audio));
    const again = json((await hegui(args)).stdout);
    assert.equal(again.summary.alreadyLabelled, 3);
    const other = json(
      (await hegui(['label', '--policy', at('policy-changed.json'), work, '--in-place', '--json'])).stdout,
    );
    assert.equal(other.summary.skipped, 3);
    assert.match(
      byName(other.files, FIXTURES.audio).reason!,
      /labelled in place by an earlier run with other settings/,
    );
    assert.equal(await sha256File(join(work, FIXTURES.audio)), labelled);
    assert.equal((await measureAudioLabel(join(work, FIXTURES.audio))).rhythms.length, 1, 'one rhythm, not two');
    assert.ok((await stat(join(work, '.hegui-label-state.jsonl'))).isFile());
  });

  it('refuses a policy that does not validate, listing the problems (exit 2)', async () => {
    await writeFile(at('bad.json'), JSON.stringify({ version: 1, defaults: { watermark: true, metadata: false } }));
    const r = await hegui(['label', '--policy', at('bad.json'), at('in', FIXTURES.image), '--out', at('bad-out')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the labelling policy in .*bad\.json is not valid:/);
    assert.match(r.stderr, /defaults\.watermark: digital watermarks are not available in this version/);
    assert.match(r.stderr, /defaults\.metadata: the metadata label cannot be switched off/);
    await writeFile(at('no-type.json'), JSON.stringify({ version: 1 }));
    const t = await hegui(['label', '--policy', at('no-type.json'), at('in', FIXTURES.image), '--out', at('bad-out')]);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /--service-type KIND is required/);
  });
});

describe('hegui label --no-explicit-on-request (Labelling Measures Art. 9)', () => {
  it('writes the metadata label without the explicit one and appends a record (keyed hash with HEGUI_SECRET_KEY)', async () => {
    const out = at('art9');
    const log = at('art9-records.jsonl');
    const key = Buffer.alloc(32, 9).toString('base64');
    const r = await hegui(
      [
        'label',
        '--policy',
        at('policy.json'),
        at('in', FIXTURES.image),
        '--out',
        out,
        '--no-explicit-on-request',
        '--recipient',
        'user-42',
        '--record-log',
        log,
      ],
      { HEGUI_SECRET_KEY: key },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no explicit label: user request, recorded/);
    assert.equal((await measureExplicitLabel(join(out, FIXTURES.image))).pass, false);
    assert.equal((await readLabel(join(out, FIXTURES.image))).label?.ContentProducer, PRODUCER);
    const rec = JSON.parse(await readFile(log, 'utf8'));
    assert.equal(rec.recipient.form, 'hmac-sha256');
    assert.match(rec.recipient.keyId, /^k[0-9a-f]{8}$/);
    assert.equal(rec.file.sha256, await sha256File(join(out, FIXTURES.image)));
    assert.equal(rec.serviceType, 'face-generation');
    assert.equal(rec.agreement, 'User Agreement v3 §7');
  });

  it('records the identifier as given without a key, by default under the data folder', async () => {
    const data = at('data');
    const r = await hegui(
      [
        'label',
        '--policy',
        at('policy.json'),
        at('in', FIXTURES.audio),
        '--out',
        at('art9b'),
        '--no-explicit-on-request',
        '--recipient',
        'acct-7',
      ],
      { HEGUI_DATA_DIR: data },
    );
    assert.equal(r.code, 0, r.stderr);
    const rec = JSON.parse(await readFile(join(data, 'unlabelled-deliveries.jsonl'), 'utf8'));
    assert.deepEqual(rec.recipient, { form: 'plain', value: 'acct-7' });
    assert.equal((await measureAudioLabel(join(at('art9b'), FIXTURES.audio))).pass, false);
  });

  it('refuses without a recipient, when the policy does not permit it, and with the default policy (exit 2)', async () => {
    const log = at('refused.jsonl');
    const img = at('in', FIXTURES.image);
    const cases: [string[], RegExp][] = [
      [['--policy', at('policy.json'), '--no-explicit-on-request'], /needs the recipient/],
      [
        [
          '--policy',
          at('policy.json'),
          '--service-type',
          'synthetic-voice',
          '--no-explicit-on-request',
          '--recipient',
          'u',
        ],
        /does not permit content without its explicit label/,
      ],
      [['--explicit', '--no-explicit-on-request', '--recipient', 'u'], /exclude each other|does not permit/],
      [
        ['--policy', at('policy.json'), '--recipient', 'u'],
        /--recipient and --record-log go with --no-explicit-on-request/,
      ],
    ];
    for (const [extra, message] of cases) {
      const r = await hegui(['label', img, '--out', at('refused'), '--record-log', log, ...extra]);
      assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal(await stat(log).catch(() => null), null, 'no record written');
    assert.equal(await stat(at('refused')).catch(() => null), null, 'no output written');
  });
});

describe('hegui check-explicit on every medium', () => {
  it('passes the labelled image, video, audio and text files, in text and JSON', async () => {
    const out = at('explicit-out');
    const files = Object.values(FIXTURES).map((f) => join(out, f));
    const r = await hegui(['check-explicit', ...files]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /photo\.png: PASS \(image 320×240\)/);
    assert.match(r.stdout, /clip\.mp4: PASS \(video 320×240\)\n(?:.*\n)*? {2}pass {2}duration/);
    assert.match(r.stdout, /voice\.wav: PASS \(audio .* 16000 Hz\)\n {2}rhythm ·− ·· before/);
    assert.match(
      r.stdout,
      /answer\.txt: PASS \(text, plain, \d+ characters\)\n {2}pass {2}present {3}prompt "人工智能生成" at the start/,
    );
    assert.match(r.stdout, /notes\.md: PASS \(text, markdown/);
    assert.match(r.stdout, /page\.html: PASS \(text, html/);
    const j = await hegui(['check-explicit', '--json', out]);
    assert.equal(j.code, 0);
    const results = JSON.parse(j.stdout) as { file: string; medium: string; pass: boolean }[];
    assert.deepEqual(results.map((x) => x.medium).sort(), ['audio', 'image', 'text', 'text', 'text', 'video']);
    assert.ok(results.every((x) => x.pass));
  });

  it('fails unlabelled files of each medium (exit 1) and says what is missing', async () => {
    const r = await hegui(['check-explicit', at('in')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /photo\.png: FAIL/);
    assert.match(r.stdout, /clip\.mp4: FAIL/);
    assert.match(r.stdout, /voice\.wav: FAIL .*\n {2}no rhythm "短长 短短" found/);
    assert.match(r.stdout, /answer\.txt: FAIL .*\n {2}FAIL {2}present {3}no prompt or corner mark found/);
    assert.doesNotMatch(r.stdout, /data\.json/, 'a folder walk checks only text, Markdown and HTML files');
    const u = await hegui(['check-explicit', at('in', 'data.json'), '--threshold', 'x']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /--threshold must be a number/);
  });
});
