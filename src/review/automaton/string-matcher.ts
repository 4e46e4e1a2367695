/**
 * The automaton over plain strings (UTF-16 code units, no normalisation): the "raw" matcher, and the reference the
 * property tests compare with a brute-force search.
 */
import { type Automaton, findAll, leftmostLongest } from './automaton.ts';
import { buildAutomaton } from './build.ts';

export interface StringMatch {
  word: number;
  start: number;
  end: number;
}

export interface StringMatcher {
  readonly automaton: Automaton;
  /** Code unit → alphabet code (0 = in no word). */
  readonly codeOf: Uint16Array;
  all(text: string): StringMatch[];
  leftmostLongest(text: string): StringMatch[];
}

export function createStringMatcher(words: readonly string[]): StringMatcher {
  const codeOf = new Uint16Array(0x10000);
  let size = 0;
  const keys = words.map((w) => {
    const k = new Uint16Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const u = w.charCodeAt(i);
      if (codeOf[u] === 0) codeOf[u] = ++size;
      k[i] = codeOf[u]!;
    }
    return k;
  });
  const automaton = buildAutomaton(keys, size);
  const all = (text: string): StringMatch[] => {
    const codes = new Uint16Array(text.length);
    for (let i = 0; i < text.length; i++) codes[i] = codeOf[text.charCodeAt(i)]!;
    return findAll(automaton, codes).map((m) => ({ word: m.key, start: m.start, end: m.end }));
  };
  return {
    automaton,
    codeOf,
    all,
    leftmostLongest: (text) =>
      leftmostLongest(all(text).map((m) => ({ ...m, key: m.word }))).map(({ word, start, end }) => ({
        word,
        start,
        end,
      })),
  };
}
