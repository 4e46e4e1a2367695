/** `reviewText` match modes: leftmost-longest trims overlapping hits from the explanation, never from the decision. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { leftmostLongest } from '../../src/review/automaton/automaton.ts';
import type { TextHit } from '../../src/review/decision.ts';
import { reviewText } from '../../src/review/review.ts';
import { ACTION_RANK, type ReviewAction } from '../../src/review/risk.ts';
import { compile } from './support.ts';

const ids = (r: ReturnType<typeof reviewText>) => r.hits.map((h) => (h.kind === 'text' ? h.entryId : ''));

describe('leftmost-longest mode', () => {
  it('keeps a stricter hit inside a longer, weaker one: 中国人民 (log) and 国人 (block) on 我是中国人民 block', () => {
    const lib = compile([
      { id: 'people', pattern: '中国人民', action: 'log' },
      { id: 'gr', pattern: '国人', action: 'block', boundary: 'none' },
    ]);
    const all = reviewText('我是中国人民', lib);
    const ll = reviewText('我是中国人民', lib, { mode: 'leftmost-longest' });
    assert.equal(all.decision, 'block');
    assert.equal(ll.decision, 'block');
    assert.deepEqual(ids(ll), ['people', 'gr']);
  });

  it('drops an overlapped hit whose action is no stricter than the kept one', () => {
    const lib = compile([
      { id: 'people', pattern: '中国人民', action: 'block' },
      { id: 'gr', pattern: '国人', action: 'review', boundary: 'none' },
    ]);
    assert.deepEqual(ids(reviewText('我是中国人民', lib)), ['people', 'gr']);
    const ll = reviewText('我是中国人民', lib, { mode: 'leftmost-longest' });
    assert.deepEqual(ids(ll), ['people']);
    assert.equal(ll.decision, 'block');
  });

  it('the decision equals the decision over all hits, on random libraries and texts', () => {
    const actions: ReviewAction[] = ['log', 'review', 'block'];
    const term = fc
      .array(fc.constantFrom('中', '国', '人', '民', '法', '轮'), { minLength: 1, maxLength: 4 })
      .map((xs) => xs.join(''));
    fc.assert(
      fc.property(
        fc.uniqueArray(term, { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom(...actions), { minLength: 6, maxLength: 6 }),
        fc.array(fc.constantFrom('中', '国', '人', '民', '法', '轮', '是', ' '), { maxLength: 30 }),
        (terms, acts, chars) => {
          const lib = compile(
            terms.map((pattern, i) => ({ id: `e${i}`, pattern, action: acts[i]!, boundary: 'none' })),
          );
          const text = chars.join('');
          const all = reviewText(text, lib);
          const ll = reviewText(text, lib, { mode: 'leftmost-longest' });
          assert.equal(ll.decision, all.decision, JSON.stringify({ terms, acts, text }));
          // Every hit kept is one of all the hits.
          const every = new Set(all.hits.map((h) => JSON.stringify(h)));
          for (const h of ll.hits) assert.ok(every.has(JSON.stringify(h)));
          // And they are the leftmost-longest ones, with every other hit stricter than each kept hit it overlaps.
          const textHits = all.hits.flatMap((h) => (h.kind === 'text' ? [h] : []));
          const kept = leftmostLongest(textHits.map((h) => ({ hit: h, start: h.span.start, end: h.span.end }))).map(
            (m) => m.hit,
          );
          const overlaps = (x: TextHit, y: TextHit) => x.span.start < y.span.end && y.span.start < x.span.end;
          const expected = textHits.filter(
            (h) =>
              kept.includes(h) || kept.every((k) => !overlaps(k, h) || ACTION_RANK[h.action] > ACTION_RANK[k.action]),
          );
          assert.deepEqual(ll.hits, expected, JSON.stringify({ terms, acts, text }));
        },
      ),
      { numRuns: 300 },
    );
  });
});
