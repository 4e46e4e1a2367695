/**
 * Regex entries: refused at import when prone to catastrophic backtracking; bounded in length (so streamed output is
 * held back only as far as a regex reads); bounded per input by a time budget.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HeguiError } from '../../src/errors.ts';
import { toEntry } from '../../src/review/library/model.ts';
import { DEFAULT_MAX_MATCH, regexBounds } from '../../src/review/regex/bounds.ts';
import { regexProblem } from '../../src/review/regex/safety.ts';
import { regexReach } from '../../src/review/regex/stage.ts';
import { reviewText } from '../../src/review/review.ts';
import { createStreamReviewer } from '../../src/review/stream.ts';
import { compile } from './support.ts';

describe('regex safety check', () => {
  it('refuses nested quantifiers', () => {
    for (const p of ['(a+)+', '(a*)*b', '(\\w+\\s?)+$', '(x+|y)+', '(?:a{1,100})+', '((ab)*c)+'])
      assert.equal(regexProblem(p), 'nested-quantifier', p);
  });
  it('accepts ordinary patterns', () => {
    for (const p of ['\\d{11}', '(ab)+', '[a-z]+@[a-z]+\\.com', '(?:19|20)\\d{2}', '(a|b)*c', 'a{2,5}'])
      assert.equal(regexProblem(p), null, p);
  });
  it('refuses back-references, bad syntax, empty matches and unknown flags', () => {
    assert.equal(regexProblem('(a)\\1'), 'backreference');
    assert.equal(regexProblem('(a'), 'syntax');
    assert.equal(regexProblem('a*'), 'empty-match');
    assert.equal(regexProblem('a', 'g'), 'flags');
  });
  it('import refuses a catastrophic regex entry with a clear error', () => {
    assert.throws(
      () => toEntry({ kind: 'regex', pattern: '/(a+)+$/', riskCode: 'A.1.h' }, 'line 3'),
      (e: unknown) => e instanceof HeguiError && e.code === 'malformed' && /catastrophic/.test(e.message),
    );
  });
});

describe('regex stage', () => {
  const lib = compile([
    { id: 'phone', kind: 'regex', pattern: '/1[3-9]\\d{9}/', action: 'review' },
    { id: 'qq', kind: 'regex', pattern: '/qq[:：]?\\d{5,11}/i', action: 'block' },
  ]);
  it('runs over the original text and reports spans there', () => {
    const r = reviewText('电话13812345678，QQ:123456', lib);
    assert.deepEqual(
      r.hits.map((h) => (h.kind === 'text' ? [h.entryId, h.matchedText, h.variant.kind] : [])),
      [
        ['phone', '13812345678', 'regex'],
        ['qq', 'QQ:123456', 'regex'],
      ],
    );
    assert.equal(r.decision, 'block');
    assert.equal(r.complete, true);
  });
  it('scans long inputs in windows without losing matches', () => {
    const text = `${'好'.repeat(10_000)}13812345678${'好'.repeat(10_000)}13912345678`;
    const r = reviewText(text, lib, { regex: { window: 1000 } });
    assert.deepEqual(
      r.hits.map((h) => (h.kind === 'text' ? h.span.start : -1)),
      [10_000, 20_011],
    );
  });
  it('stops when the budget is spent and says so; the decision is at least review', () => {
    // A zero budget is spent before the first exec.
    const r = reviewText('没有号码', lib, { regex: { budgetMs: -1 } });
    assert.equal(r.complete, false);
    assert.deepEqual(r.incomplete, { stage: 'regex', reason: 'time-budget', entriesSkipped: 2 });
    assert.equal(r.decision, 'review');
    assert.equal(reviewText('没有号码', lib, { regex: { budgetMs: -1 }, onIncomplete: 'ignore' }).decision, 'pass');
  });
});

describe('regex bounds', () => {
  it('derives the longest match of a bounded pattern, in code units (astral-capable atoms count 2)', () => {
    const cases: [string, number, number][] = [
      ['1[3-9]\\d{9}', 11, 11],
      ['qq[:：]?\\d{5,11}', 14, 14],
      ['(?:19|20)\\d{2}', 4, 4],
      ['.{3}', 6, 6],
      ['[^a]b', 3, 3],
      ['\\u{1F600}x|\\uD83D\\uDE00{2}', 4, 4],
      ['\\p{Script=Han}{2}', 4, 4],
      // A lookahead reads past the match; an assertion looks at the character after it.
      ['(?=\\d{3})\\d', 1, 3],
      ['\\bab\\b', 2, 3],
    ];
    for (const [source, maxLength, reach] of cases) {
      const b = regexBounds(source);
      assert.deepEqual([b.maxLength, b.reach, b.rewritten, b.source], [maxLength, reach, false, source], source);
    }
  });
  it('limits the unbounded repeats of a pattern so a match fits in 256 code units, or in the declared maxLength', () => {
    const b = regexBounds('[a-z]+@[a-z]+\\.com');
    assert.equal(b.rewritten, true);
    assert.equal(b.source, '[a-z]{1,125}@[a-z]{1,125}\\.com');
    assert.ok(b.maxLength <= DEFAULT_MAX_MATCH);
    assert.equal(regexBounds('x{2,}', 40).source, 'x{2,40}');
    assert.equal(regexBounds('a.*?b', 20).source, 'a.{0,9}?b');
    // The limit in effect: a 300-digit run is matched in pieces of at most 256.
    const lib = compile([{ id: 'digits', kind: 'regex', pattern: '/\\d+/', action: 'log' }]);
    const hits = reviewText('1'.repeat(300), lib).hits;
    assert.deepEqual(
      hits.map((h) => (h.kind === 'text' ? [h.span.start, h.span.end] : [])),
      [
        [0, 256],
        [256, 300],
      ],
    );
  });
  it('refuses a pattern that cannot fit, and a maxLength out of range or on a term, with a clear error', () => {
    const refused = (raw: Record<string, unknown>, re: RegExp) =>
      assert.throws(
        () => toEntry({ kind: 'regex', riskCode: 'A.1.h', ...raw }, 'line 2'),
        (e: unknown) => e instanceof HeguiError && e.code === 'malformed' && re.test(e.message),
      );
    refused({ pattern: '/\\d{20}/', maxLength: 11 }, /line 2: regex matches up to 20 code units/);
    refused({ pattern: '/.{3000}/' }, /more than the limit \(4096\)/);
    refused({ pattern: '/a{300,}/' }, /cannot match within its maxLength \(256/);
    refused({ pattern: '/a+/', maxLength: 0 }, /maxLength must be a whole number from 1 to 4096/);
    refused({ pattern: '/a+/', maxLength: 'ten' }, /maxLength must be a whole number/);
    assert.throws(
      () => toEntry({ pattern: '赌博', riskCode: 'A.1.h', maxLength: 4 }, 'line 3'),
      (e: unknown) => e instanceof HeguiError && /maxLength applies to regex entries only/.test(e.message),
    );
    assert.equal(toEntry({ kind: 'regex', pattern: '/a+/', riskCode: 'A.1.h', maxLength: '12' }, 'x').maxLength, 12);
  });

  // Random patterns the library accepts, over an alphabet with astral characters, line breaks and word edges.
  const atom = fc.constantFrom(
    'a',
    'b',
    '😀',
    '\\d',
    '\\w',
    '\\s',
    '\\S',
    '.',
    '[ab]',
    '[^a]',
    '\\u{1F600}',
    '[😀b]',
    '\\n',
  );
  const quant = fc.constantFrom('', '', '*', '+', '?', '{1,3}', '{2}', '{2,}', '*?', '+?');
  const pattern: fc.Arbitrary<string> = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(atom, quant).map(([a, q]) => a + q),
      fc.constantFrom('^', '$', '\\b', '\\B'),
      fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((xs) => xs.join('')),
      fc.tuple(tie('node'), tie('node')).map(([x, y]) => `(?:${x}|${y})`),
      fc.tuple(tie('node'), quant).map(([x, q]) => `(${x})${q}`),
      fc.tuple(fc.constantFrom('(?=', '(?!', '(?<=', '(?<!'), tie('node')).map(([o, x]) => `${o}${x})`),
    ),
  })).node;
  const text = fc
    .array(fc.constantFrom('a', 'b', '1', ' ', '\n', '😀', '\ud83d', 'é'), { maxLength: 24 })
    .map((xs) => xs.join(''));

  it('on random patterns and texts: no match is longer than maxLength, and an attempt at i needs only text from i − behind to i + reach', () => {
    fc.assert(
      fc.property(pattern, fc.constantFrom('', 'i', 'm', 's'), text, (source, flags, t) => {
        fc.pre(regexProblem(source, flags) === null);
        const b = regexBounds(source);
        const sticky = new RegExp(b.source, `${flags}yu`);
        const at = (s: string, i: number) => {
          sticky.lastIndex = i;
          const m = sticky.exec(s);
          return m ? m[0] : null;
        };
        for (let i = 0; i <= t.length; i++) {
          // Attempts start at code point boundaries.
          if (i > 0 && /[\ud800-\udbff]/.test(t[i - 1]!) && /[\udc00-\udfff]/.test(t[i] ?? '')) continue;
          const whole = at(t, i);
          if (whole !== null) assert.ok(whole.length <= b.maxLength, `${source} matched ${JSON.stringify(whole)}`);
          // Nor text before i − behind: the same attempt on the text from j on (j may split a surrogate pair).
          for (let j = 1; j <= i - b.behind - 1; j++)
            assert.equal(at(t.slice(j), i - j), whole, `${source}/${flags} at ${i} from ${j} of ${JSON.stringify(t)}`);
          for (let end = i + b.reach; end < t.length; end++) {
            if (/[\ud800-\udbff]/.test(t[end - 1]!)) continue;
            assert.equal(
              at(t.slice(0, end), i),
              whole,
              `${source}/${flags} at ${i} with ${end} of ${JSON.stringify(t)}`,
            );
          }
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('streamed regex entries', () => {
  const lib = compile(
    [
      { id: 'phone', kind: 'regex', pattern: '/1[3-9]\\d{9}/', action: 'block' },
      { id: 'mail', kind: 'regex', pattern: '/[a-z]+@[a-z]+\\.com/', action: 'review' },
    ],
    { allow: ['客服电话13812345678'] },
  );

  it('never releases text a block regex matches, and blocks as soon as the match is certain', () => {
    const s = createStreamReviewer(lib);
    let released = '';
    let blockedAfter = -1;
    const text = '电话13812345678请联系';
    for (let i = 0; i < text.length; i++) {
      const u = s.push(text[i]!);
      released += u.release;
      if (u.blocked && blockedAfter < 0) blockedAfter = i;
      assert.ok(!released.includes('1'), `released ${JSON.stringify(released)}`);
    }
    assert.equal(blockedAfter, 12, 'blocked in the push that completes the number');
    const end = s.end();
    assert.equal(released + end.release, '电话');
    assert.equal(end.result.decision, 'block');
    assert.deepEqual(end.result.hits, reviewText(text, lib).hits);
  });

  it('holds back at most reach − 1 code units for regexes, and releases text no regex can reach', () => {
    const reach = regexReach(lib);
    assert.equal(reach, regexBounds('[a-z]+@[a-z]+\\.com').reach);
    const s = createStreamReviewer(lib);
    for (const ch of `${'好'.repeat(400)}abc@`) {
      s.push(ch);
      assert.ok(s.held <= Math.max(reach - 1, lib.header.maxKeyUnits * (1 + lib.header.settings.maxGap) * 2));
    }
    assert.ok(s.held >= 4, 'a possible address in progress is held');
  });

  it('a match inside an allowed phrase waits for the phrase and is not a hit', () => {
    const s = createStreamReviewer(lib);
    const updates = [...'客服电话13812345678，谢谢'].map((ch) => s.push(ch));
    const end = s.end();
    assert.equal(end.result.decision, 'pass');
    assert.equal(updates.map((u) => u.release).join('') + end.release, '客服电话13812345678，谢谢');
  });

  it('gives each push the time budget: text the regexes have not reached stays held; an end() out of budget is incomplete', () => {
    const s = createStreamReviewer(lib, { regex: { budgetMs: -1 } });
    const u = s.push('电话13812345678');
    assert.equal(u.release, '');
    assert.equal(s.held, '电话13812345678'.length);
    const end = s.end();
    assert.equal(end.result.complete, false);
    assert.deepEqual(end.result.incomplete, { stage: 'regex', reason: 'time-budget', entriesSkipped: 2 });
    assert.equal(end.decision, 'review', 'an incomplete regex stage is at least review');
    assert.deepEqual(end.result, reviewText('电话13812345678', lib, { regex: { budgetMs: -1 } }));
  });
});
