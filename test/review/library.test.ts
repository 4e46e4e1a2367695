/** The feature library record: import, versions and hashes, export round trips, diff, coverage, storage. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { coverage } from '../../src/review/library/coverage.ts';
import { diffVersions } from '../../src/review/library/diff.ts';
import { exportCsv, exportJsonl } from '../../src/review/library/export.ts';
import { importText } from '../../src/review/library/import.ts';
import {
  createLibrary,
  DEFAULT_SETTINGS,
  type FeatureLibraryVersion,
  publishVersion,
  verifyVersion,
} from '../../src/review/library/model.ts';
import { readLibrary, writeLibrary } from '../../src/review/library/store.ts';
import { RISKS } from '../../src/review/risk.ts';
import { shared, version } from './support.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('taxonomy', () => {
  it('has the 31 risks of TC260-003 App. A: 8 + 9 + 5 + 7 + 2, each with Chinese and English names', () => {
    assert.equal(RISKS.length, 31);
    const per = (c: string) => RISKS.filter((r) => r.category === c).length;
    assert.deepEqual(['A.1', 'A.2', 'A.3', 'A.4', 'A.5'].map(per), [8, 9, 5, 7, 2]);
    for (const r of RISKS) assert.ok(r.zh && r.en);
  });
});

describe('import', () => {
  it('CSV with quoted fields, defaults filled, bad rows reported by line without content', () => {
    const csv =
      'pattern,riskCode,action,severity,variants,rationale\r\n' +
      '"出售,枪支",A.1.h,block,5,none,"weapons ""trade"""\r\n' +
      '冰毒,A.1.h,,,,\r\n' +
      '秘密词,X.9,block,,,\r\n';
    const r = importText('terms.csv', csv);
    assert.equal(r.entries.length, 2);
    assert.deepEqual(
      { ...r.entries[0], id: '' },
      {
        id: '',
        kind: 'term',
        pattern: '出售,枪支',
        riskCode: 'A.1.h',
        action: 'block',
        severity: 5,
        variants: [],
        boundary: 'auto',
        source: 'terms.csv',
        rationale: 'weapons "trade"',
      },
    );
    assert.equal(r.entries[1]!.action, 'review');
    assert.deepEqual(r.entries[1]!.variants, ['pinyin', 'homophone', 'split']);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.line, 4);
    assert.doesNotMatch(r.problems[0]!.message, /秘密词/);
  });
  it('JSON lines: entries, allowed phrases, common words, co-occurrence rules', () => {
    const jsonl = [
      '{"type":"meta","note":"x"}',
      '{"id":"a","pattern":"赌博","riskCode":"A.1.h","action":"block"}',
      '{"type":"allow","phrase":"打击赌博"}',
      '{"type":"common","word":"交警"}',
      '{"type":"cooccurrence","a":"枪","b":"出售","window":8,"riskCode":"A.1.h"}',
      'not json',
    ].join('\n');
    const r = importText('lib.jsonl', jsonl);
    assert.deepEqual([r.entries.length, r.allow, r.commonWords, r.cooccurrence.length], [1, ['打击赌博'], ['交警'], 1]);
    assert.equal(r.cooccurrence[0]!.window, 8);
    assert.deepEqual(r.problems, [{ file: 'lib.jsonl', line: 6, message: 'not a JSON object' }]);
  });
  it('word list with tags: 0 → A.1.a (flagged for re-classification), 1/3/4 → A.1.h, 2 → A.1.f, untagged → A.1.h', () => {
    const r = importText('dict.txt', '甲乙\n丙丁\n戊己\n庚辛\n\n甲乙\n', { tags: '甲乙 0,4\n丙丁 2,4\n戊己 3\n' });
    assert.deepEqual(
      r.entries.map((e) => [e.pattern, e.riskCode]),
      [
        ['甲乙', 'A.1.a'],
        ['丙丁', 'A.1.f'],
        ['戊己', 'A.1.h'],
        ['庚辛', 'A.1.h'],
      ],
    );
    assert.match(r.entries[0]!.rationale, /re-classification/);
    assert.match(r.entries[3]!.rationale, /untagged/);
  });
  it('stable ids: the same word imported twice gets the same id', () => {
    assert.equal(importText('a.txt', '冰毒').entries[0]!.id, importText('b.txt', '冰毒').entries[0]!.id);
  });
});

describe('versions', () => {
  it('content hash is over a canonical form: entry order does not matter, content does', () => {
    const a = version(['甲乙丙', '丁戊己']);
    const b = version(['丁戊己', '甲乙丙'].map((p, i) => ({ pattern: p, id: `e${1 - i}` })));
    assert.equal(a.contentHash, b.contentHash);
    assert.notEqual(version(['甲乙丙', '丁戊庚']).contentHash, a.contentHash);
    assert.match(a.contentHash, /^[0-9a-f]{64}$/);
  });
  it('is immutable and chained; a tampered version fails verification', () => {
    let lib = createLibrary('x');
    const content = {
      settings: DEFAULT_SETTINGS,
      entries: version(['甲乙丙']).entries,
      allow: [],
      commonWords: [],
      cooccurrence: [],
    };
    lib = publishVersion(lib, content);
    lib = publishVersion(lib, { ...content, allow: ['甲乙丙丁'] });
    assert.equal(lib.versions[1]!.parent, lib.versions[0]!.contentHash);
    assert.ok(Object.isFrozen(lib.versions[0]));
    assert.ok(verifyVersion(lib.versions[1]!));
    const tampered = { ...lib.versions[1]!, entries: [{ ...lib.versions[1]!.entries[0]!, action: 'log' as const }] };
    assert.equal(verifyVersion(tampered), false);
  });
});

describe('export', () => {
  const v = version(
    [
      { pattern: '出售"枪支",现货', action: 'block', severity: 5, variants: 'pinyin' },
      { pattern: '/\\d{11}/', kind: 'regex', action: 'log' },
      { pattern: '/[a-z]+@[a-z]+/', kind: 'regex', action: 'review', maxLength: 64 },
    ],
    {
      allow: ['打击出售枪支'],
    },
  );
  it('CSV round trip keeps every entry', () => {
    assert.deepEqual(importText('x.csv', exportCsv(v)).entries, v.entries);
  });
  it('JSON lines round trip keeps entries and allowed phrases', () => {
    const r = importText('x.jsonl', exportJsonl(v));
    assert.deepEqual(r.entries, v.entries);
    assert.deepEqual(r.allow, v.allow);
  });
});

describe('diff', () => {
  it('lists added, removed and changed entries', () => {
    const a = version([
      { id: 'x', pattern: '甲乙丙' },
      { id: 'y', pattern: '丁戊己' },
    ]);
    const b = version([
      { id: 'x', pattern: '甲乙丙', action: 'review' },
      { id: 'z', pattern: '庚辛壬' },
    ]);
    const d = diffVersions(a, b);
    assert.deepEqual(
      d.added.map((e) => e.id),
      ['z'],
    );
    assert.deepEqual(
      d.removed.map((e) => e.id),
      ['y'],
    );
    assert.deepEqual(
      d.changed.map((c) => [c.id, c.fields]),
      [['x', ['action', 'severity']]],
    );
    assert.equal(d.same, false);
    assert.equal(diffVersions(a, a).same, true);
  });
});

describe('coverage', () => {
  const v: FeatureLibraryVersion = version([
    '甲乙丙',
    { pattern: '丁戊己', riskCode: 'A.2.e' },
    { pattern: '庚辛壬', riskCode: 'A.3.a' },
  ]);
  it('counts per risk against 200 per A.1 risk, 100 per A.2 risk, 10,000 total', () => {
    const r = coverage(v, new Date('2026-01-02T00:00:00Z'));
    assert.equal(r.total, 3);
    assert.equal(r.risks.find((x) => x.code === 'A.1.h')!.count, 1);
    assert.equal(r.risks.find((x) => x.code === 'A.1.h')!.minimum, 200);
    assert.equal(r.risks.find((x) => x.code === 'A.2.e')!.minimum, 100);
    assert.equal(r.risks.find((x) => x.code === 'A.3.a')!.minimum, null);
    assert.equal(r.ok, false);
    assert.equal(r.shortfalls.length, 1 + 8 + 9);
    assert.equal(r.stale, false);
  });
  it('warns when the last version is 7 days old', () => {
    assert.equal(coverage(v, new Date('2026-01-07T23:00:00Z')).stale, false);
    assert.equal(coverage(v, new Date('2026-01-08T00:00:00Z')).stale, true);
  });
  it('passes when every minimum is met (smaller minimums)', () => {
    const r = coverage(v, new Date('2026-01-02T00:00:00Z'), { total: 3, perA1: 0, perA2: 0, maxAgeDays: 7 });
    assert.equal(r.ok, true);
  });
});

describe('storage', () => {
  it('round-trips as a file and as a folder, and refuses an edited version', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hegui-lib-'));
    dirs.push(dir);
    let lib = createLibrary('x');
    lib = publishVersion(lib, {
      settings: DEFAULT_SETTINGS,
      entries: version(['甲乙丙']).entries,
      allow: [],
      commonWords: [],
      cooccurrence: [],
    });
    await writeLibrary(join(dir, 'lib.json'), lib);
    assert.deepEqual(await readLibrary(join(dir, 'lib.json')), JSON.parse(JSON.stringify(lib)));
    await writeLibrary(join(dir, 'folder'), lib, true);
    assert.deepEqual(await readLibrary(join(dir, 'folder')), JSON.parse(JSON.stringify(lib)));
    const text = await readFile(join(dir, 'lib.json'), 'utf8');
    await writeFile(join(dir, 'lib.json'), text.replace('"block"', '"log"'));
    await assert.rejects(readLibrary(join(dir, 'lib.json')), /does not match its content hash/);
  });
});

describe('the 64k word list (shared test data)', () => {
  const dict = shared('lexicon/sensitive_word_dict.txt');
  const tags = shared('lexicon/sensitive_word_tags.txt');
  it('imports every word with a risk code from its tags', {
    skip: !existsSync(dict) && 'shared/testdata/lexicon is absent',
  }, async () => {
    const r = importText(fileURLToPath(dict), await readFile(dict, 'utf8'), { tags: await readFile(tags, 'utf8') });
    assert.equal(r.problems.length, 0);
    assert.ok(r.entries.length > 64_000);
    const by = (code: string) => r.entries.filter((e) => e.riskCode === code).length;
    // Tags 0 (2,029 words) decide A.1.a; tag 2 (15,090) A.1.f unless tag 0 is also present.
    assert.ok(by('A.1.a') > 1900 && by('A.1.a') <= 2029, `A.1.a ${by('A.1.a')}`);
    assert.ok(by('A.1.f') > 14_000 && by('A.1.f') <= 15_090, `A.1.f ${by('A.1.f')}`);
    assert.equal(by('A.1.a') + by('A.1.f') + by('A.1.h'), r.entries.length);
  });
});
