/**
 * Import-time safety check for regex entries. A JavaScript regex cannot be interrupted once running, so patterns
 * prone to catastrophic backtracking are refused before they enter a library: a quantified group that itself contains
 * an unbounded quantifier ((a+)+, (\w*\s?)*, (x+|y)+), and back-references (which defeat the usual bounds).
 * This is a conservative syntactic check, not a proof; the per-input budget in the regex stage is the second line.
 */
export const MAX_REGEX_SOURCE = 1000;
/** A bounded repeat above this counts as unbounded for nesting ({1,1000} nested is as slow as +). */
const LARGE_REPEAT = 16;

export type RegexProblem = 'too-long' | 'syntax' | 'nested-quantifier' | 'backreference' | 'empty-match' | 'flags';

export const REGEX_PROBLEMS: Readonly<Record<RegexProblem, string>> = {
  'too-long': `longer than ${MAX_REGEX_SOURCE} characters`,
  syntax: 'not a valid JavaScript regular expression',
  'nested-quantifier': 'a repeated group contains a repeat, e.g. (a+)+: catastrophic backtracking',
  backreference: 'back-references are not accepted',
  'empty-match': 'matches the empty string',
  flags: 'only the flags i, m and s are accepted',
};

export function regexProblem(source: string, flags = ''): RegexProblem | null {
  if (source.length > MAX_REGEX_SOURCE) return 'too-long';
  if (!/^[ims]*$/.test(flags)) return 'flags';
  try {
    new RegExp(source, `${flags}u`);
  } catch {
    return 'syntax';
  }
  if (new RegExp(source, `${flags}u`).test('')) return 'empty-match';
  // Walk the source: a stack of groups, each remembering whether an unbounded quantifier occurred inside it.
  const stack: boolean[] = [];
  let inner = false; // unbounded quantifier seen in the current innermost group (or top level)
  let lastGroupUnbounded: boolean | null = null; // the group that just closed, if the previous token was ")"
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const quant = quantifierAt(source, i);
    if (quant) {
      if (lastGroupUnbounded && quant.unbounded) return 'nested-quantifier';
      if (quant.unbounded) inner = true;
      i += quant.length - 1;
      lastGroupUnbounded = null;
      continue;
    }
    lastGroupUnbounded = null;
    if (c === '\\') {
      const d = source[i + 1] ?? '';
      if (/[1-9]/.test(d) || (d === 'k' && source[i + 2] === '<')) return 'backreference';
      i++;
      continue;
    }
    if (c === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      stack.push(inner);
      inner = false;
      continue;
    }
    if (c === ')') {
      const outer = stack.pop() ?? false;
      lastGroupUnbounded = inner;
      inner = outer || inner;
    }
  }
  return null;
}

function quantifierAt(s: string, i: number): { length: number; unbounded: boolean } | null {
  const c = s[i];
  if (c === '*' || c === '+') return { length: s[i + 1] === '?' ? 2 : 1, unbounded: true };
  if (c === '?') return { length: 1, unbounded: false };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}\??/.exec(s.slice(i));
    if (!m) return null;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
    return { length: m[0].length, unbounded: max > LARGE_REPEAT };
  }
  return null;
}

/** A regex entry's pattern is written `/source/flags` or as a bare source. */
export function splitRegexPattern(pattern: string): { source: string; flags: string } {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  return m ? { source: m[1]!, flags: m[2]! } : { source: pattern, flags: '' };
}
