/**
 * Properties of the whole text pipeline on random libraries (terms, regexes, allowed phrases, co-occurrence rules) and
 * random texts full of evasions: spans map back to the original, the compiled artifact behaves as the in-memory
 * library, and streaming at any split equals whole-text review and never releases text a block hit covers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { artifactHash, loadLibrary, serialiseLibrary } from '../../src/review/compiled/artifact.ts';
import type { CompiledLibrary } from '../../src/review/compiled/compiled-library.ts';
import { normaliseKey } from '../../src/review/normalise/normalise.ts';
import { reviewText } from '../../src/review/review.ts';
import { createStreamReviewer } from '../../src/review/stream.ts';
import { compile, rule } from './support.ts';

// Letters with traditional / full-width / homoglyph forms, noise of every kind, surrogate pairs, digits.
const LETTERS = [
  '法',
  '輪',
  '轮',
  '功',
  '口',
  '交',
  '路',
  '通',
  'a',
  'A',
  'Ａ',
  'а',
  's',
  'b',
  '六',
  '4',
  '④',
  '哈',
  '𝐚',
];
const NOISE = [' ', '.', '\u200b', '😀', '，', '*'];
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...LETTERS) },
  { weight: 1, arbitrary: fc.constantFrom(...NOISE) },
);
const randomText = fc.array(unit, { maxLength: 40 }).map((xs) => xs.join(''));
const term = fc
  .array(fc.constantFrom('法', '轮', '功', '口', '交', 'a', 's', 'b', '六', '4', '哈', '通'), {
    minLength: 1,
    maxLength: 4,
  })
  .map((xs) => xs.join(''));
// Regex entries over the same letters: bounded and unbounded, lookarounds, assertions, astral characters.
const REGEXES = [
  '/a[sb]{1,3}/',
  '/法.{0,2}功/',
  '/\\d+/',
  '/轮(?=功)/',
  '/s\\b/',
  '/^a/m',
  '/哈$/',
  '/(?<=法)轮/',
  '/[^a]4/',
  '/😀{1,2}a/',
  '/[a-z]+/i',
  '/b.*?4/',
  '/^法/',
  '/(?<!a)b/',
  '/(?<=轮.)功\\b/',
];
const libSpec = fc.record({
  terms: fc.uniqueArray(term, { minLength: 1, maxLength: 6 }),
  regexes: fc.subarray(REGEXES, { maxLength: 3 }),
  allow: fc.array(term, { maxLength: 2 }),
  rules: fc.array(fc.tuple(term, term, fc.integer({ min: 0, max: 10 })), { maxLength: 1 }),
  pinyin: fc.boolean(),
});

function build(spec: {
  terms: string[];
  regexes: string[];
  allow: string[];
  rules: [string, string, number][];
  pinyin: boolean;
}): CompiledLibrary {
  return compile(
    [
      ...spec.terms.map((pattern, i) => ({
        id: `e${i}`,
        pattern,
        action: i % 3 === 0 ? 'block' : 'review',
        variants: spec.pinyin ? 'pinyin|homophone|split' : 'none',
      })),
      ...spec.regexes.map((pattern, i) => ({
        id: `r${i}`,
        kind: 'regex',
        pattern,
        action: i % 2 === 0 ? 'block' : 'log',
      })),
    ],
    { allow: spec.allow, cooccurrence: spec.rules.map(([a, b, w]) => rule(a, b, w)) },
  );
}

const norm = (s: string) => normaliseKey(s).key;

describe('review properties', () => {
  it("every hit's span cuts out original text that normalises to the entry's key (or its variant's)", () => {
    fc.assert(
      fc.property(libSpec, randomText, (spec, text) => {
        const lib = build(spec);
        for (const h of reviewText(text, lib).hits) {
          if (h.kind !== 'text' || h.variant.kind === 'cooccurrence' || h.variant.kind === 'regex') continue;
          assert.equal(text.slice(h.span.start, h.span.end), h.matchedText);
          assert.equal(norm(h.matchedText), norm(h.variant.form), `${JSON.stringify(h)} in ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds every entry that occurs in a text (or says which filter set it aside)', () => {
    fc.assert(
      fc.property(libSpec, randomText, fc.nat(), (spec, text, pick) => {
        const i = pick % spec.terms.length;
        const t = spec.terms[i]!;
        const lib = build({ ...spec, allow: [], rules: [] });
        // Repeats may merge the term with a neighbouring run, so the hit is looked for by entry, not by position.
        const input = `${text}  ${t}  ${text}`;
        const r = reviewText(input, lib);
        const found = r.hits.some((h) => h.kind === 'text' && h.entryId === `e${i}`);
        const setAside = r.suppressed.some((s) => s.entryId === `e${i}`);
        assert.ok(found || setAside, `${JSON.stringify(t)} in ${JSON.stringify(input)}`);
      }),
      { numRuns: 200 },
    );
  });

  it('a co-occurrence rule fires for each occurrence of one term with an earlier one of the other within its window, spanning both', () => {
    fc.assert(
      fc.property(term, term, fc.integer({ min: 0, max: 12 }), randomText, (a, b, window, text) => {
        // A term with a repeated letter has a repeat count, and its occurrence's end reaches on over the letter's
        // repeats, so the order the occurrences are decided in (by the end of the key) is not that of their spans.
        fc.pre(norm(a) !== norm(b) && !/(.)\1/u.test(a) && !/(.)\1/u.test(b));
        // The terms are entries too, so their occurrences are the entries' hits, decided in order of their end.
        const lib = compile(
          [
            { id: 'ta', pattern: a, action: 'log' },
            { id: 'tb', pattern: b, action: 'log' },
          ],
          { cooccurrence: [rule(a, b, window)] },
        );
        const r = reviewText(`${text}${a}${text}${b}${text}`, lib);
        const spans = (hs: typeof r.hits) => hs.map((h) => (h.kind === 'text' ? h.span : { start: -1, end: -1 }));
        const occurrences = r.hits
          .filter((h) => h.entryId === 'ta' || h.entryId === 'tb')
          .map((h, i) => ({ side: h.entryId === 'ta' ? 0 : 1, ...spans([h])[0]!, i }))
          .sort((x, y) => x.end - y.end || x.start - y.start);
        const expected: { start: number; end: number }[] = [];
        for (const [k, y] of occurrences.entries()) {
          let best: (typeof occurrences)[number] | undefined;
          for (const x of occurrences.slice(0, k)) {
            if (x.side === y.side || y.start - x.end > window) continue;
            if (!best || x.end > best.end || (x.end === best.end && x.start > best.start)) best = x;
          }
          if (best) expected.push({ start: Math.min(best.start, y.start), end: Math.max(best.end, y.end) });
        }
        const byStart = (x: { start: number; end: number }, y: { start: number; end: number }) =>
          x.start - y.start || x.end - y.end;
        const dedup = (xs: { start: number; end: number }[]) =>
          xs.sort(byStart).filter((x, k) => k === 0 || byStart(x, xs[k - 1]!) !== 0);
        assert.deepEqual(
          dedup(spans(r.hits.filter((h) => h.entryId === rule(a, b, window).id))),
          dedup(expected),
          JSON.stringify({ a, b, window, text }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('serialise → load gives the same results', () => {
    fc.assert(
      fc.property(libSpec, fc.array(randomText, { minLength: 1, maxLength: 5 }), (spec, texts) => {
        const lib = build(spec);
        const loaded = loadLibrary(serialiseLibrary(lib));
        for (const t of texts) assert.deepEqual(reviewText(t, loaded), reviewText(t, lib));
      }),
      { numRuns: 60 },
    );
  });

  it('the same version compiles to the same artifact bytes, and a loaded artifact serialises to them again', () => {
    fc.assert(
      fc.property(libSpec, (spec) => {
        const bytes = serialiseLibrary(build(spec));
        const again = serialiseLibrary(build(spec));
        assert.equal(artifactHash(again), artifactHash(bytes));
        assert.deepEqual(again, bytes);
        assert.deepEqual(serialiseLibrary(loadLibrary(bytes)), bytes);
      }),
      { numRuns: 40 },
    );
  });

  it('streaming, split at every boundary, gives the same hits as whole-text review and releases all text up to the first block', () => {
    fc.assert(
      fc.property(libSpec, randomText, (spec, text) => {
        const lib = build(spec);
        const whole = reviewText(text, lib);
        for (let cut = 0; cut <= text.length; cut++) {
          const s = createStreamReviewer(lib);
          const a = s.push(text.slice(0, cut));
          const b = s.push(text.slice(cut));
          const c = s.end();
          assert.deepEqual(c.result.hits, whole.hits, `cut at ${cut} of ${JSON.stringify(text)}`);
          assert.equal(c.result.decision, whole.decision);
          const released = a.release + b.release + c.release;
          const firstBlock = Math.min(
            ...whole.hits.filter((h) => h.action === 'block').map((h) => (h.kind === 'text' ? h.span.start : 0)),
          );
          // Everything before the first block hit is released, nothing of it or after it.
          assert.equal(released, text.slice(0, firstBlock), `cut at ${cut} of ${JSON.stringify(text)}`);
          assert.equal(c.blocked, firstBlock < text.length);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('streaming one code unit at a time gives the same hits and releases the same text, with the text no check needs dropped after every push or kept, and with the hits listed capped or not', () => {
    fc.assert(
      fc.property(
        libSpec,
        randomText,
        fc.constantFrom(1, 4096),
        fc.constantFrom(undefined, 0, 1, 3),
        (spec, text, compactAt, maxHits) => {
          const lib = build(spec);
          const s = createStreamReviewer(lib, { compactAt, ...(maxHits === undefined ? {} : { maxHits }) });
          const streamed = [];
          let released = '';
          for (let i = 0; i < text.length; i++) {
            const u = s.push(text[i]!);
            streamed.push(...u.hits);
            released += u.release;
          }
          const end = s.end();
          streamed.push(...end.hits);
          released += end.release;
          const whole = reviewText(text, lib, maxHits === undefined ? {} : { maxHits });
          assert.deepEqual(end.result, whole);
          assert.equal(streamed.length, end.result.hits.length, 'each hit is reported once');
          // Capped, the review lists fewer hits and counts the rest; its decision and what it releases are the same.
          const all = reviewText(text, lib);
          assert.equal(whole.decision, all.decision);
          // (A hit listed and one omitted may be the same entry at the same span, which a full list shows once.)
          assert.ok(whole.hits.length <= all.hits.length);
          assert.ok(whole.hits.length + (whole.omitted?.hits ?? 0) >= all.hits.length);
          assert.equal(whole.suppressed.length + (whole.omitted?.suppressed ?? 0), all.suppressed.length);
          if (maxHits !== undefined) assert.ok(whole.suppressed.length <= maxHits);
          const firstBlock = Math.min(
            text.length,
            ...all.hits.filter((h) => h.action === 'block').map((h) => (h.kind === 'text' ? h.span.start : 0)),
          );
          assert.equal(released, text.slice(0, firstBlock));
        },
      ),
      { numRuns: 150 },
    );
  });
});
