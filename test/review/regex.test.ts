/** Regex entries: refused at import when prone to catastrophic backtracking; bounded per input by a time budget. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeguiError } from '../../src/errors.ts';
import { toEntry } from '../../src/review/library/model.ts';
import { regexProblem } from '../../src/review/regex/safety.ts';
import { reviewText } from '../../src/review/review.ts';
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
    const r = reviewText(text, lib, { regex: { window: 1000, overlap: 64 } });
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
