/**
 * From raw automaton matches to hits: false-positive control (content-safety.md §3.4).
 *
 * - Allow-list: an occurrence of an allowed phrase suppresses a hit that lies inside it — there, not elsewhere.
 * - Repeat counts: "哈哈" is stored as 哈 with a minimum run of 2, so a single 哈 is not a hit.
 * - `word` boundary (Latin/digit keys): the characters next to the span must not be Latin letters or digits.
 * - `common` boundary (keys of ≤ 2 characters by default): the hit must not cut through a common word or an allowed
 *   phrase found in the same text — overlap it without either containing the other. "路口交通" holds 路口 and 交通;
 *   the hit 口交 overlaps both and contains neither, so it is not a hit. A common word that contains the whole hit
 *   does not suppress it (that is what the allow-list is for).
 * - Co-occurrence: rule terms are found like entry terms; a rule fires for each occurrence of one term that has an
 *   earlier occurrence of the other within the window (the nearest one is reported).
 *
 * Checks that need a character after the span return `undefined` ("not yet decidable") when the text seen so far
 * ends there and more may follow (streaming).
 */
import {
  BOUNDARY_COMMON,
  BOUNDARY_WORD,
  CODE_NOISE,
  CODE_SPECIAL,
  type CompiledLibrary,
  type FoldedChar,
  PATTERN_VARIANTS,
} from '../compiled/compiled-library.ts';
import type { Span, SuppressedHit, TextHit } from '../decision.ts';
import { normaliseKey } from '../normalise/normalise.ts';
import { ACTIONS, RISK_CODES, type Severity } from '../risk.ts';

export interface RawMatch {
  pattern: number;
  start: number;
  end: number;
}

export interface Context {
  /** The text from offset `base` on (a stream drops text no check needs any more); spans are whole-text positions. */
  text: string;
  base: number;
  /** More text may follow `text` (streaming). */
  open: boolean;
  allow: Spans;
  common: Spans;
}

/**
 * The occurrences of allowed phrases (or of common words) found so far, in order of their end. The longest one's
 * length bounds a search: an occurrence may be long, its repeated characters being collapsed (远离冰毒宣宣宣…宣传 is
 * an occurrence of 远离冰毒宣传).
 */
export class Spans {
  readonly list: Span[] = [];
  #longest = 0;

  get length(): number {
    return this.list.length;
  }

  add(start: number, end: number): void {
    this.list.push({ start, end });
    if (end - start > this.#longest) this.#longest = end - start;
  }

  /** Is [start, end) inside one of the spans? */
  contain(start: number, end: number): boolean {
    const spans = this.list;
    for (let k = firstEndingAfter(spans, start); k < spans.length; k++) {
      const w = spans[k]!;
      if (w.end - this.#longest >= end) break;
      if (w.start <= start && end <= w.end) return true;
    }
    return false;
  }

  /** Does a span overlap [start, end) without either containing the other (cut through it)? */
  cut(start: number, end: number): boolean {
    const spans = this.list;
    for (let k = firstEndingAfter(spans, start); k < spans.length; k++) {
      const w = spans[k]!;
      if (w.end - this.#longest >= end) break;
      if (w.start < end && !(w.start <= start && end <= w.end) && !(start <= w.start && w.end <= end)) return true;
    }
    return false;
  }

  /** Forget the spans that end at or before `at` (no search from there on looks at them). */
  forgetEndingBy(at: number): void {
    let dead = 0;
    while (dead < this.list.length && this.list[dead]!.end <= at) dead++;
    if (dead) this.list.splice(0, dead);
  }
}

/**
 * What `check` returns: the hit's end (≥ 0, after any trailing repeats), `PENDING` while the verdict depends on text
 * not yet seen, or a reason the match is set aside, as `-2 - REASONS.indexOf(reason)`. A number, not an object: a
 * short check decides a match or two, and an allocation per match is a measurable share of it.
 */
export const PENDING = -1;
export const REASONS: readonly SuppressedHit['reason'][] = ['repeat-count', 'word-boundary', 'allow-list', 'boundary'];
const REPEAT_COUNT = -2;
const WORD_BOUNDARY = -3;
const ALLOW_LIST = -4;
const BOUNDARY = -5;

/** Collapse keys of the characters `keysAt` just read (keys[0] … keys[keyCount - 1]). */
const keys: number[] = [];
let keyCount = 0;

/**
 * Collapse keys of the normalised characters the original character at i folds to, into `keys` (none for noise);
 * returns where the character ends. Keys at or above 0x10000 stand for astral characters (two units).
 */
function keysAt(lib: CompiledLibrary, text: string, i: number): number {
  keyCount = 0;
  const u = text.charCodeAt(i);
  const c = lib.codeOf[u]!;
  if (c === CODE_NOISE) return i + 1;
  if (c !== CODE_SPECIAL) {
    keys[keyCount++] = c;
    return i + 1;
  }
  let chars: readonly FoldedChar[] | undefined;
  let next = i + 1;
  if (u >= 0xd800 && u <= 0xdbff && next < text.length) {
    const lo = text.charCodeAt(next);
    if (lo >= 0xdc00 && lo <= 0xdfff) {
      chars = lib.astral(((u - 0xd800) << 10) + (lo - 0xdc00) + 0x10000);
      next++;
    }
  } else chars = lib.expansions.get(u);
  if (chars) for (const ch of chars) keys[keyCount++] = ch.key;
  return next;
}

/** Does the character ending at i (before) or starting at i (after) fold to a Latin letter or digit? */
function alnumAround(lib: CompiledLibrary, text: string, i: number, before: boolean): boolean {
  let at = i;
  if (before) {
    at = i - 1;
    const lo = text.charCodeAt(at);
    if (lo >= 0xdc00 && lo <= 0xdfff && at > 0) at--;
  }
  const u = text.charCodeAt(at);
  let s: string;
  if (lib.fold && lib.fold[u]! < 0xfffe) s = String.fromCharCode(lib.fold[u]!);
  else if (!lib.fold) s = text.charAt(at);
  else s = normaliseKey(String.fromCodePoint(text.codePointAt(at)!)).key;
  const ch = before ? s.charCodeAt(s.length - 1) : s.charCodeAt(0);
  return (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x30 && ch <= 0x39) || (!lib.fold && ch >= 0x41 && ch <= 0x5a);
}

/** Index of the first span (spans are kept in order of their end) whose end is after `start`. */
function firstEndingAfter(spans: readonly Span[], start: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Decide one entry (or co-occurrence term) match [start, end) of `pattern`: its end (after trailing repeats) when it
 * stands, else `PENDING` or a reason code (see `REASONS`). Reads `ctx.text` from the code point before `start` on.
 */
export function check(lib: CompiledLibrary, pattern: number, start: number, end: number, ctx: Context): number {
  const { text, base } = ctx;
  const settings = lib.header.settings;
  const runs = lib.patterns.runs;
  const runsLength = runs.lengthOf(pattern);
  const matchEnd = end;
  if (runsLength !== 0) {
    // Repeat counts per key unit inside the span; the last character's repeats follow the span (through noise within
    // the gap), so read on to count them.
    const need = runs.codeAt(pattern, runsLength - 1);
    let unit = 0;
    let prev = -1;
    let count = 0;
    for (let i = start - base; i < matchEnd - base; ) {
      i = keysAt(lib, text, i);
      for (let k = 0; k < keyCount; k++) {
        const key = keys[k]!;
        if (key === prev) {
          count++;
          continue;
        }
        if (prev !== -1) {
          if (count < runs.codeAt(pattern, unit)) return REPEAT_COUNT;
          unit += prev >= 0x10000 ? 2 : 1;
        }
        prev = key;
        count = 1;
      }
    }
    let gap = 0;
    for (let j = matchEnd - base; count < need; ) {
      if (j >= text.length) {
        if (ctx.open) return PENDING;
        break;
      }
      const next = keysAt(lib, text, j);
      if (keyCount === 0) {
        if (++gap > settings.maxGap) break;
      } else if (keys[0] === prev) {
        count += keyCount;
        gap = 0;
        end = next + base;
      } else break;
      j = next;
    }
    if (count < need) return REPEAT_COUNT;
  }
  const boundary = lib.patterns.boundary[pattern];
  if (boundary === BOUNDARY_WORD) {
    if (start > 0 && alnumAround(lib, text, start - base, true)) return WORD_BOUNDARY;
    if (end - base >= text.length) {
      if (ctx.open) return PENDING;
    } else if (alnumAround(lib, text, end - base, false)) return WORD_BOUNDARY;
  }
  if (ctx.allow.length === 0 && (boundary !== BOUNDARY_COMMON || ctx.common.length === 0)) return end;
  if (ctx.allow.contain(start, end)) return ALLOW_LIST;
  // Cutting through: overlapping without either containing the other, one of the hit's edges strictly inside.
  if (boundary === BOUNDARY_COMMON && (ctx.common.cut(start, end) || ctx.allow.cut(start, end))) return BOUNDARY;
  return end;
}

export function entryHit(lib: CompiledLibrary, pattern: number, span: Span, text: string, base = 0): TextHit {
  const variant = { kind: PATTERN_VARIANTS[lib.patterns.variant[pattern]!]!, form: lib.patterns.form.get(pattern) };
  return hitOfEntry(lib, lib.patterns.entry[pattern]!, variant, span, text, base);
}

/**
 * A text hit on entry `e` of the library: what it is, how it was found (`variant`) and where. `text` is the whole text
 * from offset `base` on.
 */
export function hitOfEntry(
  lib: CompiledLibrary,
  e: number,
  variant: TextHit['variant'],
  span: Span,
  text: string,
  base = 0,
): TextHit {
  const E = lib.entries;
  return {
    kind: 'text',
    entryId: E.id.get(e),
    pattern: E.pattern.get(e),
    riskCode: RISK_CODES[E.risk[e]!]!,
    action: ACTIONS[E.action[e]!]!,
    severity: E.severity[e]! as Severity,
    variant,
    span,
    matchedText: text.slice(span.start - base, span.end - base),
  };
}

/** One co-occurrence term occurrence that passed its checks. */
export interface CoocOccurrence {
  rule: number;
  side: 0 | 1;
  start: number;
  end: number;
}

/**
 * The rule hit for occurrence `y`, if an earlier occurrence of the rule's other term (decided before it) lies within
 * the window; the nearest one is reported, the latest by (end, start). `latest` is that latest occurrence of the other
 * term: if it is not within the window, no earlier one is. `text` is the whole text from offset `base` on (from
 * `latest.start` at least).
 */
export function coocHit(
  lib: CompiledLibrary,
  y: CoocOccurrence,
  latest: CoocOccurrence | undefined,
  text: string,
  base = 0,
): TextHit | undefined {
  const rule = lib.header.cooccurrence[y.rule]!;
  if (!latest || y.start - latest.end > rule.window) return undefined;
  const span = { start: Math.min(latest.start, y.start), end: Math.max(latest.end, y.end) };
  return {
    kind: 'text',
    entryId: rule.id,
    pattern: `${rule.a} … ${rule.b}`,
    riskCode: rule.riskCode,
    action: rule.action,
    severity: rule.severity,
    variant: { kind: 'cooccurrence', form: `${rule.a}…${rule.b}` },
    span,
    matchedText: text.slice(span.start - base, span.end - base),
  };
}

/**
 * Hits sorted by span, then entry id; one hit per entry and span (the entry's own form before its variants: the sort
 * is stable, and the first of equal hits stays). Returns `hits` itself when it is already in that order.
 */
export function orderHits<T extends { entryId: string; span: Span }>(hits: T[]): T[] {
  let ordered = true;
  for (let k = 1; k < hits.length && ordered; k++) ordered = compareHits(hits[k - 1]!, hits[k]!) < 0;
  if (ordered) return hits;
  const sorted = hits.slice().sort(compareHits);
  const out: T[] = [sorted[0]!];
  for (let k = 1; k < sorted.length; k++) if (compareHits(out[out.length - 1]!, sorted[k]!) !== 0) out.push(sorted[k]!);
  return out;
}

function compareHits(x: { entryId: string; span: Span }, y: { entryId: string; span: Span }): number {
  return (
    x.span.start - y.span.start ||
    x.span.end - y.span.end ||
    (x.entryId < y.entryId ? -1 : x.entryId > y.entryId ? 1 : 0)
  );
}
