/**
 * How far a regex entry reaches, so streamed model output (content-safety.md §3.6) can be held back only as long as a
 * regex needs before its text is released: the longest match, and how far past its start an attempt reads.
 *
 * The source is parsed (Unicode mode, the mode the regex stage runs in) and measured in UTF-16 code units, erring
 * long: `.`, negated classes, `\D \S \W \p{…} \P{…}` and astral characters count 2, other atoms 1 (a BMP character or
 * BMP class never matches an astral character, case-insensitively included: Unicode simple case folding keeps planes).
 * An unbounded repeat (`*`, `+`, `{n,}`) is rewritten as a bounded one, `{n,K}`, with K the largest count for which
 * the whole match fits in the entry's `maxLength` (default DEFAULT_MAX_MATCH). So every pattern the stage runs is
 * bounded, and an attempt at position i depends only on the text before i + `reach` (a known text that does not end
 * inside a surrogate pair): a result found with that much text is final, whatever follows. Whole-text and streamed review use the same rewritten pattern and agree.
 */
import { HeguiError } from '../../errors.ts';

/** The longest match, in UTF-16 code units, of a pattern with an unbounded repeat and no declared `maxLength`. */
export const DEFAULT_MAX_MATCH = 256;
/** Largest `maxLength` an entry may declare, and largest longest match of a bounded pattern. */
export const MAX_MATCH_LIMIT = 4096;

type Node =
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; alts: Node[] }
  | { t: 'atom'; src: string; width: number }
  | { t: 'assert'; src: string }
  | { t: 'group'; open: string; body: Node }
  | { t: 'repeat'; body: Node; min: number; max: number; quant: string; lazy: boolean };

export interface RegexBounds {
  /** The pattern the stage runs: the source with unbounded repeats bounded. */
  source: string;
  /** Longest match in code units. */
  maxLength: number;
  /**
   * An attempt at position i reads no text at or after i + reach: its result is final once text[0, i + reach) is known,
   * provided that text does not end inside a surrogate pair (the code point there would not be known).
   */
  reach: number;
  /**
   * An attempt at position i reads no text before i − behind: lookbehinds, and the assertions `^ \b \B` that look at
   * the code point before a position. A stream may drop text further back than that.
   */
  behind: number;
  /** True when the source had an unbounded repeat (and was rewritten). */
  rewritten: boolean;
}

/**
 * Bounds of a regex entry; `declared` is the entry's `maxLength`. Throws HeguiError('malformed') when the pattern
 * cannot fit: a bounded pattern longer than its declared maxLength or than MAX_MATCH_LIMIT, or an unbounded one whose
 * fixed part alone exceeds maxLength.
 */
export function regexBounds(source: string, declared?: number): RegexBounds {
  const root = parse(source);
  const unbounded = hasUnbounded(root);
  if (!unbounded) {
    const maxLength = width(root, 0);
    const limit = declared ?? MAX_MATCH_LIMIT;
    if (maxLength > limit)
      throw new HeguiError(
        'malformed',
        `regex matches up to ${maxLength} code units, more than ${declared === undefined ? 'the limit' : 'its maxLength'} (${limit})`,
      );
    return { source, maxLength, reach: reach(root, 0), behind: behind(root, 0), rewritten: false };
  }
  const limit = declared ?? DEFAULT_MAX_MATCH;
  if (width(root, 1) > limit)
    throw new HeguiError('malformed', `regex cannot match within its maxLength (${limit} code units)`);
  // The match length grows with K; the largest K that fits, by bisection.
  let lo = 1;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (width(root, mid) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return {
    source: render(root, lo),
    maxLength: width(root, lo),
    reach: reach(root, lo),
    behind: behind(root, lo),
    rewritten: true,
  };
}

/** Repeat count an unbounded repeat stands for once bounded with K. */
const countOf = (n: Extract<Node, { t: 'repeat' }>, k: number) => (n.max === Infinity ? Math.max(n.min, k) : n.max);

function hasUnbounded(n: Node): boolean {
  switch (n.t) {
    case 'seq':
      return n.items.some(hasUnbounded);
    case 'alt':
      return n.alts.some(hasUnbounded);
    case 'group':
      return hasUnbounded(n.body);
    case 'repeat':
      return n.max === Infinity || hasUnbounded(n.body);
    default:
      return false;
  }
}

/** Longest text the node consumes. */
function width(n: Node, k: number): number {
  switch (n.t) {
    case 'seq':
      return n.items.reduce((s, x) => s + width(x, k), 0);
    case 'alt':
      return Math.max(...n.alts.map((x) => width(x, k)));
    case 'atom':
      return n.width;
    case 'assert':
      return 0;
    case 'group':
      return isLook(n.open) ? 0 : width(n.body, k);
    case 'repeat':
      return width(n.body, k) * countOf(n, k);
  }
}

/**
 * Furthest the node reads past where it starts: what it consumes, plus what lookaheads and assertions peek at beyond
 * that. A lookbehind reads backwards, but one may hold a lookahead, so it counts as its body would forwards.
 */
function reach(n: Node, k: number): number {
  switch (n.t) {
    case 'seq': {
      let at = 0;
      let r = 0;
      for (const x of n.items) {
        r = Math.max(r, at + reach(x, k));
        at += width(x, k);
      }
      return Math.max(r, at);
    }
    case 'alt':
      return Math.max(...n.alts.map((x) => reach(x, k)));
    case 'atom':
      return n.width;
    case 'assert':
      // $ \b \B look at the character at the position (^ at the one before it).
      return 1;
    case 'group':
      return reach(n.body, k);
    case 'repeat': {
      const c = countOf(n, k);
      return c === 0 ? 0 : (c - 1) * width(n.body, k) + reach(n.body, k);
    }
  }
}

/**
 * Furthest the node reads before where it starts, erring long: a lookbehind reads back as far as its body is wide (and
 * what its body reads before that); an assertion reads the code point before a position (two units at most).
 */
function behind(n: Node, k: number): number {
  switch (n.t) {
    case 'seq':
      return n.items.reduce((m, x) => Math.max(m, behind(x, k)), 0);
    case 'alt':
      return Math.max(...n.alts.map((x) => behind(x, k)));
    case 'atom':
      return 0;
    case 'assert':
      return 2;
    case 'group':
      return isLookbehind(n.open) ? width(n.body, k) + behind(n.body, k) : behind(n.body, k);
    case 'repeat':
      return countOf(n, k) === 0 ? 0 : behind(n.body, k);
  }
}

const isLookbehind = (open: string) => open.startsWith('(?<=') || open.startsWith('(?<!');

const isLook = (open: string) => open.startsWith('(?=') || open.startsWith('(?!') || isLookbehind(open);

function render(n: Node, k: number): string {
  switch (n.t) {
    case 'seq':
      return n.items.map((x) => render(x, k)).join('');
    case 'alt':
      return n.alts.map((x) => render(x, k)).join('|');
    case 'atom':
    case 'assert':
      return n.src;
    case 'group':
      return `${n.open}${render(n.body, k)})`;
    case 'repeat':
      return `${render(n.body, k)}${n.max === Infinity ? `{${n.min},${countOf(n, k)}}` : n.quant}${n.lazy ? '?' : ''}`;
  }
}

/** Parse a source that `new RegExp(source, 'u')` accepts (checked before; back-references are refused earlier). */
function parse(s: string): Node {
  let i = 0;
  const fail = (what: string): never => {
    throw new HeguiError('malformed', `regex: ${what} at ${i}`);
  };

  const disjunction = (): Node => {
    const alts = [alternative()];
    while (s[i] === '|') {
      i++;
      alts.push(alternative());
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  };

  const alternative = (): Node => {
    const items: Node[] = [];
    while (i < s.length && s[i] !== '|' && s[i] !== ')') items.push(term());
    return { t: 'seq', items };
  };

  const term = (): Node => {
    const c = s[i]!;
    if (c === '^' || c === '$') {
      i++;
      return { t: 'assert', src: c };
    }
    if (c === '\\' && (s[i + 1] === 'b' || s[i + 1] === 'B')) {
      i += 2;
      return { t: 'assert', src: s.slice(i - 2, i) };
    }
    let node: Node;
    if (c === '(') {
      const open = /^\((?:\?(?::|=|!|<=|<!|<[^>]+>|[ims]*-?[ims]*:))?/.exec(s.slice(i))![0];
      i += open.length;
      const body = disjunction();
      if (s[i] !== ')') fail('unclosed group');
      i++;
      node = { t: 'group', open, body };
    } else node = atom();
    return quantified(node);
  };

  const quantified = (body: Node): Node => {
    const m = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(s.slice(i));
    if (!m) return body;
    i += m[0].length;
    const q = m[0];
    const [min, max] =
      q === '*'
        ? [0, Infinity]
        : q === '+'
          ? [1, Infinity]
          : q === '?'
            ? [0, 1]
            : [Number(m[1]), m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3])];
    const lazy = s[i] === '?';
    if (lazy) i++;
    return { t: 'repeat', body, min: min!, max: max!, quant: q, lazy };
  };

  const atom = (): Node => {
    const start = i;
    const c = s[i]!;
    if (c === '.') {
      i++;
      return { t: 'atom', src: '.', width: 2 };
    }
    if (c === '[') return charClass();
    if (c === '\\') {
      const w = escapeAt(false);
      return { t: 'atom', src: s.slice(start, i), width: w };
    }
    const cp = s.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    return { t: 'atom', src: s.slice(start, i), width: cp > 0xffff ? 2 : 1 };
  };

  const charClass = (): Node => {
    const start = i;
    i++;
    let w = 1;
    if (s[i] === '^') {
      w = 2;
      i++;
    }
    while (i < s.length && s[i] !== ']') {
      if (s[i] === '\\') w = Math.max(w, escapeAt(true));
      else {
        const cp = s.codePointAt(i)!;
        i += cp > 0xffff ? 2 : 1;
        if (cp > 0xffff) w = 2;
      }
    }
    if (s[i] !== ']') fail('unclosed class');
    i++;
    return { t: 'atom', src: s.slice(start, i), width: w };
  };

  /** Consume one escape at s[i] === '\\'; returns the width of what it matches. */
  const escapeAt = (inClass: boolean): number => {
    const d = s[i + 1] ?? '';
    if ('dsw'.includes(d) || (inClass && d === 'b')) {
      i += 2;
      return 1;
    }
    if ('DSW'.includes(d)) {
      i += 2;
      return 2;
    }
    if (d === 'p' || d === 'P') {
      const end = s.indexOf('}', i);
      if (end < 0) fail('unclosed property escape');
      i = end + 1;
      return 2;
    }
    if (d === 'u') {
      if (s[i + 2] === '{') {
        const end = s.indexOf('}', i);
        if (end < 0) fail('unclosed code point escape');
        const cp = Number.parseInt(s.slice(i + 3, end), 16);
        i = end + 1;
        return cp > 0xffff ? 2 : 1;
      }
      const hi = Number.parseInt(s.slice(i + 2, i + 6), 16);
      i += 6;
      // \uD83D\uDE00 is one astral code point in Unicode mode.
      if (hi >= 0xd800 && hi <= 0xdbff && s.startsWith('\\u', i)) {
        const lo = Number.parseInt(s.slice(i + 2, i + 6), 16);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          i += 6;
          return 2;
        }
      }
      return 1;
    }
    if (d === 'x') {
      i += 4;
      return 1;
    }
    if (d === 'c') {
      i += 3;
      return 1;
    }
    if (/[1-9]/.test(d) || d === 'k') fail('back-reference');
    // \0, control escapes (\n \t …) and escaped syntax characters: one BMP character.
    i += 2;
    return 1;
  };

  const root = disjunction();
  if (i !== s.length) fail('unbalanced parenthesis');
  return root;
}
