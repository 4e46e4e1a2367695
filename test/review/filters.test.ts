/** False-positive control: allow-list spans, the short-term boundary rule, word boundaries, repeats, co-occurrence. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../src/review/decision.ts';
import { reviewText } from '../../src/review/review.ts';
import { createStreamReviewer } from '../../src/review/stream.ts';
import { compile, rule } from './support.ts';

const spans = (text: string, lib: ReturnType<typeof compile>) =>
  reviewText(text, lib).hits.map((h) => (h.kind === 'text' ? `${h.entryId}:${h.matchedText}` : ''));

describe('allow-list', () => {
  const lib = compile([{ id: 'd', pattern: '赌博' }], { allow: ['打击赌博'] });
  it('suppresses the hit inside an allowed phrase, only there', () => {
    const r = reviewText('警方打击赌博，他却去赌博', lib);
    assert.deepEqual(
      r.hits.map((h) => (h.kind === 'text' ? h.span : null)),
      [{ start: 10, end: 12 }],
    );
    assert.deepEqual(r.suppressed, [{ entryId: 'd', span: { start: 4, end: 6 }, reason: 'allow-list' }]);
  });
  it('applies to normalised text too (traditional allowed phrase)', () => {
    assert.equal(reviewText('打擊賭博', lib).decision, 'pass');
  });
  it('applies to an occurrence of any length: a long run of a repeated character is one character', () => {
    const long = compile([{ id: 'd', pattern: '赌博' }], { allow: ['打击赌博行为'] });
    // The phrase's occurrence reaches far past the entry's.
    const text = `打击赌博${'行'.repeat(300)}为，打击赌博行${'为'.repeat(300)}`;
    const r = reviewText(text, long);
    assert.equal(r.decision, 'pass');
    assert.deepEqual(
      r.suppressed.map((x) => x.reason),
      ['allow-list', 'allow-list'],
    );
    const s = createStreamReviewer(long);
    for (const ch of text) s.push(ch);
    assert.deepEqual(s.end().result, r);
  });
});

describe('short-term boundary rule', () => {
  const lib = compile([{ id: 'kj', pattern: '口交', riskCode: 'A.1.f' }]);
  it('"口交" in "路口交通" is not a hit (cuts through 路口 and 交通)', () => {
    const r = reviewText('路口交通很拥堵', lib);
    assert.equal(r.decision, 'pass');
    assert.equal(r.suppressed[0]?.reason, 'boundary');
  });
  it('still a hit where it cuts no common word', () => {
    assert.deepEqual(spans('他们口交了', lib), ['kj:口交']);
  });
  it('library common words extend the built-in list', () => {
    const withWord = compile([{ id: 'kj', pattern: '口交' }], { commonWords: ['交警'] });
    assert.equal(reviewText('他们口交警', withWord).decision, 'pass');
    assert.equal(reviewText('他们口交警', lib).decision, 'block');
  });
  it('a longer term is not subject to it (boundary auto)', () => {
    const l = compile([{ id: 'x', pattern: '口交通' }]);
    assert.deepEqual(spans('路口交通', l), ['x:口交通']);
  });
  it('boundary "none" switches it off for an entry', () => {
    const l = compile([{ id: 'kj', pattern: '口交', boundary: 'none' }]);
    assert.deepEqual(spans('路口交通', l), ['kj:口交']);
  });
});

describe('word boundary for Latin and digit keys', () => {
  const lib = compile([
    { id: 'ass', pattern: 'ass' },
    { id: '64', pattern: '六四', boundary: 'auto' },
  ]);
  it('"ass" is not in "class" but is a word on its own', () => {
    assert.deepEqual(spans('a class act', lib), []);
    assert.deepEqual(spans('kiss my ass!', lib), ['ass:ass']);
  });
  it('"六四" folds to 64 and is not inside 1964', () => {
    assert.deepEqual(spans('1964年', lib), []);
    assert.deepEqual(spans('六四事件', lib), ['64:六四']);
  });
});

describe('repeat counts', () => {
  const lib = compile([{ id: 'hh', pattern: '哈哈', boundary: 'none' }]);
  it('an entry with a doubled character needs the double in the text', () => {
    assert.deepEqual(spans('哈', lib), []);
    assert.deepEqual(spans('哈哈', lib), ['hh:哈哈']);
    assert.deepEqual(spans('哈 哈哈', lib), ['hh:哈 哈']);
  });
});

describe('co-occurrence', () => {
  const lib = compile([], { cooccurrence: [rule('枪', '出售', 5)] });
  it('fires when A is within N characters of B, either order', () => {
    assert.deepEqual(spans('出售一把枪', lib), ['c-枪-出售:出售一把枪']);
    assert.deepEqual(spans('枪，便宜出售', lib), ['c-枪-出售:枪，便宜出售']);
  });
  it('does not fire beyond the window, or with one term alone', () => {
    assert.deepEqual(spans('出售了很多很多很多东西和枪', lib), []);
    assert.deepEqual(spans('一把枪', lib), []);
  });
});

describe('per-entry action and severity', () => {
  const lib = compile([
    { id: 'b', pattern: '甲乙丙', action: 'block', severity: 5 },
    { id: 'r', pattern: '丁戊己', action: 'review', severity: 2 },
    { id: 'l', pattern: '庚辛壬', action: 'log', severity: 1 },
  ]);
  it('the decision is the most severe action among hits; log hits pass but are listed', () => {
    assert.equal(reviewText('庚辛壬', lib).decision, 'pass');
    assert.equal(reviewText('庚辛壬', lib).hits.length, 1);
    assert.equal(reviewText('庚辛壬丁戊己', lib).decision, 'review');
    assert.equal(reviewText('庚辛壬丁戊己甲乙丙', lib).decision, 'block');
    const h = reviewText('甲乙丙', lib).hits[0]!;
    assert.equal(h.severity, 5);
    assert.equal(h.action, 'block');
  });
  it('decide() works on image hits too', () => {
    assert.equal(
      decide([
        {
          kind: 'image',
          entryId: 'i',
          riskCode: 'A.1.f',
          action: 'review',
          severity: 2,
          method: 'pdq',
          distance: 12,
          quality: 90,
        },
      ]),
      'review',
    );
    assert.equal(decide([]), 'pass');
  });
});
