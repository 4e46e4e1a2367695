/** Aho–Corasick: dictionary-suffix outputs, both match modes against a brute-force matcher, bytes round trip. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findAll } from '../../src/review/automaton/automaton.ts';
import { buildAutomaton } from '../../src/review/automaton/build.ts';
import { packSections, unpackSections } from '../../src/review/automaton/sections.ts';
import { createStringMatcher, type StringMatch } from '../../src/review/automaton/string-matcher.ts';

function bruteAll(words: string[], text: string): StringMatch[] {
  const out: StringMatch[] = [];
  words.forEach((w, word) => {
    if (!w) return;
    for (let i = text.indexOf(w); i !== -1; i = text.indexOf(w, i + 1)) out.push({ word, start: i, end: i + w.length });
  });
  return out;
}

function bruteLeftmostLongest(words: string[], text: string): StringMatch[] {
  const out: StringMatch[] = [];
  for (let p = 0; p < text.length; ) {
    let best = -1;
    words.forEach((w, i) => {
      if (w && text.startsWith(w, p) && (best === -1 || w.length > words[best]!.length)) best = i;
    });
    if (best === -1) p++;
    else {
      out.push({ word: best, start: p, end: p + words[best]!.length });
      p += words[best]!.length;
    }
  }
  return out;
}

const key = (m: StringMatch) => `${m.word}:${m.start}:${m.end}`;
const sorted = (ms: StringMatch[]) => ms.map(key).sort();

// Small alphabets make overlaps, shared prefixes and suffix-of-another-word cases frequent.
const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '中', '国', '人'), minLength: 1, maxLength: 5 });
const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', '中', '国', '人', '民'), maxLength: 60 });

describe('Aho–Corasick', () => {
  it('finds a word that is the suffix of another word: {中国人民, 国人} in 我是中国人', () => {
    const m = createStringMatcher(['中国人民', '国人']);
    assert.deepEqual(m.all('我是中国人'), [{ word: 1, start: 3, end: 5 }]);
  });
  it('reports every overlapping match (he/she/his/hers)', () => {
    const m = createStringMatcher(['he', 'she', 'his', 'hers']);
    assert.deepEqual(sorted(m.all('ushers')), ['0:2:4', '1:1:4', '3:2:6']);
    assert.deepEqual(m.leftmostLongest('ushers'), [{ word: 1, start: 1, end: 4 }]);
  });
  it('all-matches mode equals a brute-force search on random dictionaries and texts', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), text, (words, t) => {
        assert.deepEqual(sorted(createStringMatcher(words).all(t)), sorted(bruteAll(words, t)));
      }),
      { numRuns: 400 },
    );
  });
  it('leftmost-longest mode equals a brute-force search on random dictionaries and texts', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), text, (words, t) => {
        assert.deepEqual(createStringMatcher(words).leftmostLongest(t), bruteLeftmostLongest(words, t));
      }),
      { numRuns: 400 },
    );
  });
  it('serialised to bytes and loaded back, gives the same matches', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), text, (words, t) => {
        const m = createStringMatcher(words);
        const a = m.automaton;
        const bytes = packSections(
          'TEST',
          { alphabetSize: a.alphabetSize },
          {
            rootNext: a.rootNext,
            base: a.base,
            check: a.check,
            target: a.target,
            fail: a.fail,
            depth: a.depth,
            report: a.report,
            dictLink: a.dictLink,
            outStart: a.outStart,
            outKey: a.outKey,
          },
        );
        // Misalign on purpose: loading must copy rather than misread.
        const shifted = new Uint8Array(bytes.length + 1);
        shifted.set(bytes, 1);
        const { sections: s } = unpackSections('TEST', shifted.subarray(1));
        const loaded = { ...a, ...(s as unknown as typeof a) };
        const codes = Array.from(t, (c) => m.codeOf[c.charCodeAt(0)]!);
        assert.deepEqual(findAll(loaded, codes), findAll(a, codes));
      }),
      { numRuns: 100 },
    );
  });
  it('refuses a code outside the alphabet', () => {
    assert.throws(() => buildAutomaton([[1, 5]], 3), RangeError);
  });
});
