/**
 * The semantics the fast paths must keep: repeat counts decided exactly as a brute force over the text's runs says,
 * at every position (hits, spans and the matches set aside); raw matches in (end, start, pattern) order even where one
 * character folds to several; hit ordering and de-duplication as a plain sort and set would do it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { orderHits, type RawMatch } from '../../src/review/filters/resolve.ts';
import { normaliseKey } from '../../src/review/normalise/normalise.ts';
import { rawMatches, reviewText } from '../../src/review/review.ts';
import { createStreamReviewer } from '../../src/review/stream.ts';
import { compile } from './support.ts';

// 媽 folds to 妈, so 妈媽 is one run of two; 的 is in no entry; the noise is within the gap (3) or past it.
const LETTERS = ['哈', '好', '爸', '妈', '媽', '的'];
const NOISE = ['', '', '', ' ', '.*', ' . '];
const ENTRIES = ['哈哈', '哈哈哈', '爸爸', '好爸爸', '爸爸好', '妈妈好', '哈哈好哈哈', '好', '哈好', '妈妈妈妈'];
const MAX_GAP = 3;

/** A text made of runs: a letter repeated 1–4 times, noise between repeats and between runs. */
const runsText = fc
  .array(
    fc.record({
      letter: fc.constantFrom(...LETTERS),
      count: fc.integer({ min: 1, max: 4 }),
      inside: fc.constantFrom(...NOISE),
      after: fc.constantFrom(...NOISE, '    '),
    }),
    { maxLength: 12 },
  )
  .map((runs) => runs.map((r) => Array(r.count).fill(r.letter).join(r.inside) + r.after).join(''));

interface Run {
  key: string;
  /** Original index of each repeat. */
  at: number[];
}

/** Split into runs of one folded letter, the way the normaliser collapses them; a long noise run ends a segment. */
function segments(text: string): Run[][] {
  const out: Run[][] = [[]];
  let gap = 0;
  for (let i = 0; i < text.length; i++) {
    const key = normaliseKey(text[i]!).key;
    if (key === '') {
      if (++gap === MAX_GAP + 1) out.push([]);
      continue;
    }
    gap = 0;
    const seg = out[out.length - 1]!;
    const last = seg[seg.length - 1];
    if (last && last.key === key) last.at.push(i);
    else seg.push({ key, at: [i] });
  }
  return out;
}

/** Every occurrence of every entry's collapsed key, decided by its minimum runs. */
function bruteForce(text: string): { hits: string[]; suppressed: string[] } {
  const hits: { id: string; start: number; end: number }[] = [];
  const suppressed: { id: string; start: number; end: number; n: number }[] = [];
  const segs = segments(text);
  ENTRIES.forEach((pattern, n) => {
    const { key, runs } = normaliseKey(pattern);
    for (const seg of segs)
      for (let p = 0; p + key.length <= seg.length; p++) {
        if ([...key].some((k, j) => seg[p + j]!.key !== k)) continue;
        const last = seg[p + key.length - 1]!;
        const start = seg[p]!.at[0]!;
        const ok = runs.every((need, j) => seg[p + j]!.at.length >= need);
        if (ok) hits.push({ id: `e${n}`, start, end: last.at[runs[runs.length - 1]! - 1]! + 1 });
        else suppressed.push({ id: `e${n}`, start, end: last.at[0]! + 1, n });
      }
  });
  hits.sort((x, y) => x.start - y.start || x.end - y.end || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  // Set aside in the order matches become final: by end, then start, then pattern.
  suppressed.sort((x, y) => x.end - y.end || x.start - y.start || x.n - y.n);
  return {
    hits: hits.map((h) => `${h.id} ${h.start}-${h.end}`),
    suppressed: suppressed.map((s) => `${s.id} ${s.start}-${s.end}`),
  };
}

describe('repeat counts at every position of a text made of runs', () => {
  const lib = compile(ENTRIES.map((pattern) => ({ pattern, boundary: 'none' })));

  it('known cases', () => {
    const r = (t: string) =>
      reviewText(t, lib).hits.map((h) => (h.kind === 'text' ? `${h.entryId}:${h.span.start}-${h.span.end}` : ''));
    assert.deepEqual(r('爸'), []);
    assert.deepEqual(r('爸爸爸'), ['e2:0-2']);
    assert.deepEqual(r('好爸 爸'), ['e7:0-1', 'e3:0-4', 'e2:1-4']);
    assert.deepEqual(r('爸    爸'), [], 'a noise run past the gap ends the run');
    assert.deepEqual(r('妈媽妈好'), ['e5:0-4', 'e7:3-4']);
    assert.deepEqual(
      reviewText('爸', lib).suppressed,
      [{ entryId: 'e2', span: { start: 0, end: 1 }, reason: 'repeat-count' }],
      'a lone 爸 is a match of 爸爸 set aside, and says so',
    );
  });

  it('whole-text review equals the brute force: hits, spans and the matches set aside', () => {
    fc.assert(
      fc.property(runsText, (text) => {
        const r = reviewText(text, lib);
        const want = bruteForce(text);
        const got = {
          hits: r.hits.map((h) => (h.kind === 'text' ? `${h.entryId} ${h.span.start}-${h.span.end}` : '')),
          suppressed: r.suppressed.map((s) => `${s.entryId} ${s.span.start}-${s.span.end}`),
        };
        assert.deepEqual(got, want, JSON.stringify(text));
        assert.ok(r.suppressed.every((s) => s.reason === 'repeat-count'));
      }),
      { numRuns: 400 },
    );
  });

  it('streamed in two pieces at every split, the hits are the same', () => {
    fc.assert(
      fc.property(runsText, (text) => {
        const whole = reviewText(text, lib);
        for (let cut = 0; cut <= text.length; cut++) {
          const s = createStreamReviewer(lib, { compactAt: 1 });
          s.push(text.slice(0, cut));
          s.push(text.slice(cut));
          const end = s.end();
          assert.deepEqual(end.result.hits, whole.hits, `cut at ${cut} of ${JSON.stringify(text)}`);
          assert.deepEqual(end.result.suppressed, whole.suppressed, `cut at ${cut} of ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('match order', () => {
  // ⑩ folds to "10", ㍿ to 株式会社, 𝐚 (astral) to a: several keys end inside one original character, and longer
  // keys come first in the library, so the scan meets them out of pattern order. Allowing ㍿ and ⑩ sets every entry
  // inside them aside, in the order the matches were decided.
  const entries = ['株式会社', '式会社', '会社', '株式', '10', '0', '1', 'ab', 'a'];
  const lib = compile(
    entries.map((pattern) => ({ pattern, boundary: 'none' })),
    { allow: ['㍿', '⑩'] },
  );
  const text = fc
    .array(fc.constantFrom('⑩', '1', '0', '㍿', '株', '式', '会', '社', '𝐚', 'a', 'b', ' '), { maxLength: 20 })
    .map((xs) => xs.join(''));
  const byEnd = (x: RawMatch, y: RawMatch) => x.end - y.end || x.start - y.start || x.pattern - y.pattern;

  it('is by end, then start, then pattern, as streaming needs, for raw matches and decisions alike', () => {
    assert.deepEqual(
      reviewText('㍿', lib).suppressed.map((s) => s.entryId),
      ['e0', 'e1', 'e2', 'e3'],
      'one character, four keys: 株式 is found first, but sorts after 株式会社',
    );
    fc.assert(
      fc.property(text, (t) => {
        const ms = rawMatches(lib, t);
        assert.deepEqual(ms, [...ms].sort(byEnd));
        const decided = reviewText(t, lib).suppressed.map((s) => ({
          pattern: Number(s.entryId.slice(1)),
          start: s.span.start,
          end: s.span.end,
        }));
        assert.deepEqual(decided, [...decided].sort(byEnd));
      }),
      { numRuns: 300 },
    );
  });
});

describe('hit order', () => {
  const hit = fc.record({
    entryId: fc.constantFrom('a', 'b', 'c'),
    span: fc
      .integer({ min: 0, max: 4 })
      .chain((start) => fc.integer({ min: start + 1, max: 6 }).map((end) => ({ start, end }))),
    n: fc.nat(),
  });

  it('equals a stable sort by span and entry, keeping the first hit per entry and span', () => {
    fc.assert(
      fc.property(fc.array(hit, { maxLength: 12 }), (hits) => {
        const seen = new Set<string>();
        const want = hits
          .map((h, i) => ({ h, i }))
          .sort(
            (x, y) =>
              x.h.span.start - y.h.span.start ||
              x.h.span.end - y.h.span.end ||
              (x.h.entryId < y.h.entryId ? -1 : x.h.entryId > y.h.entryId ? 1 : 0) ||
              x.i - y.i,
          )
          .map(({ h }) => h)
          .filter((h) => {
            const k = `${h.entryId} ${h.span.start} ${h.span.end}`;
            if (seen.has(k)) return false;
            seen.add(k);
            return true;
          });
        assert.deepEqual(orderHits([...hits]), want);
      }),
      { numRuns: 500 },
    );
  });
});
