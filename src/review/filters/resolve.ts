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
  type CompiledLibrary,
  PATTERN_VARIANTS,
} from '../compiled/compiled-library.ts';
import type { Span, SuppressedHit, TextHit } from '../decision.ts';
import { normalise, normaliseKey } from '../normalise/normalise.ts';
import { ACTIONS, RISK_CODES, type Severity } from '../risk.ts';

export interface RawMatch {
  pattern: number;
  start: number;
  end: number;
}

export interface Context {
  text: string;
  /** More text may follow `text` (streaming). */
  open: boolean;
  allow: Span[];
  common: Span[];
}

export type Verdict = { ok: true; end: number } | { ok: false; reason: SuppressedHit['reason'] } | undefined;

const ALNUM = /[a-z0-9]/;

function codePointBefore(text: string, i: number): string {
  if (i <= 0) return '';
  const lo = text.charCodeAt(i - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && i >= 2) {
    const hi = text.charCodeAt(i - 2);
    if (hi >= 0xd800 && hi <= 0xdbff) return text.slice(i - 2, i);
  }
  return text.slice(i - 1, i);
}

function codePointAt(text: string, i: number): string {
  const cp = text.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** Decide one entry (or co-occurrence term) match; `undefined` while it depends on text not yet seen. */
export function check(lib: CompiledLibrary, m: RawMatch, ctx: Context): Verdict {
  const { text } = ctx;
  const settings = lib.header.settings;
  const nopts = { fold: settings.normalise, maxGap: settings.maxGap };
  let end = m.end;
  const runs = lib.patterns.runs.get(m.pattern);
  if (runs.length > 0) {
    const got = normalise(text.slice(m.start, m.end), nopts);
    const span = [...got.runs].filter((_, k) => got.text.charCodeAt(k) !== 0xffff);
    for (let k = 0; k < runs.length - 1; k++)
      if ((span[k] ?? 0) < runs.charCodeAt(k)) return { ok: false, reason: 'repeat-count' };
    // The last character's repeats follow the span: read on through noise (within the gap) to count them.
    const need = runs.charCodeAt(runs.length - 1);
    const last = normaliseKey(text.slice(m.start, m.end), nopts).key.slice(-1);
    let count = 1;
    let gap = 0;
    let j = m.end;
    while (count < need) {
      if (j >= text.length) {
        if (ctx.open) return undefined;
        break;
      }
      const ch = codePointAt(text, j);
      const f = normaliseKey(ch, nopts).key;
      if (f === '') {
        if (++gap > settings.maxGap) break;
      } else if (f === last) {
        count++;
        gap = 0;
        end = j + ch.length;
      } else break;
      j += ch.length;
    }
    if (count < need) return { ok: false, reason: 'repeat-count' };
  }
  const boundary = lib.patterns.boundary[m.pattern];
  if (boundary === BOUNDARY_WORD) {
    const before = normaliseKey(codePointBefore(text, m.start), nopts).key;
    if (before && ALNUM.test(before.slice(-1))) return { ok: false, reason: 'word-boundary' };
    if (end >= text.length) {
      if (ctx.open) return undefined;
    } else {
      const after = normaliseKey(codePointAt(text, end), nopts).key;
      if (after && ALNUM.test(after.charAt(0))) return { ok: false, reason: 'word-boundary' };
    }
  }
  if (ctx.allow.some((a) => a.start <= m.start && end <= a.end)) return { ok: false, reason: 'allow-list' };
  if (boundary === BOUNDARY_COMMON) {
    // Overlapping without either containing the other: one of the hit's edges falls strictly inside the word.
    const cuts = (w: Span) =>
      w.start < end &&
      m.start < w.end &&
      !(w.start <= m.start && end <= w.end) &&
      !(m.start <= w.start && w.end <= end);
    if (ctx.common.some(cuts) || ctx.allow.some(cuts)) return { ok: false, reason: 'boundary' };
  }
  return { ok: true, end };
}

export function entryHit(lib: CompiledLibrary, pattern: number, span: Span, text: string): TextHit {
  const e = lib.patterns.entry[pattern]!;
  const E = lib.entries;
  return {
    kind: 'text',
    entryId: E.id.get(e),
    pattern: E.pattern.get(e),
    riskCode: RISK_CODES[E.risk[e]!]!,
    action: ACTIONS[E.action[e]!]!,
    severity: E.severity[e]! as Severity,
    variant: { kind: PATTERN_VARIANTS[lib.patterns.variant[pattern]!]!, form: lib.patterns.form.get(pattern) },
    span,
    matchedText: text.slice(span.start, span.end),
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
 * The rule hit for occurrence `y`, if an earlier occurrence of the rule's other term lies within the window.
 * "Earlier" is by (end, start), the order in which occurrences become final while streaming.
 */
export function coocHit(
  lib: CompiledLibrary,
  y: CoocOccurrence,
  earlier: readonly CoocOccurrence[],
  text: string,
): TextHit | undefined {
  const rule = lib.header.cooccurrence[y.rule]!;
  let best: CoocOccurrence | undefined;
  for (const x of earlier) {
    if (x.rule !== y.rule || x.side === y.side) continue;
    if (y.start - x.end > rule.window) continue;
    if (!best || x.end > best.end || (x.end === best.end && x.start > best.start)) best = x;
  }
  if (!best) return undefined;
  const span = { start: Math.min(best.start, y.start), end: Math.max(best.end, y.end) };
  return {
    kind: 'text',
    entryId: rule.id,
    pattern: `${rule.a} … ${rule.b}`,
    riskCode: rule.riskCode,
    action: rule.action,
    severity: rule.severity,
    variant: { kind: 'cooccurrence', form: `${rule.a}…${rule.b}` },
    span,
    matchedText: text.slice(span.start, span.end),
  };
}

/** Hits sorted by span, then entry id; one hit per entry and span (the entry's own form before its variants). */
export function orderHits<T extends { entryId: string; span: Span }>(hits: T[]): T[] {
  const seen = new Set<string>();
  return hits
    .map((h, i) => ({ h, i }))
    .sort(
      (x, y) =>
        x.h.span.start - y.h.span.start ||
        x.h.span.end - y.h.span.end ||
        (x.h.entryId < y.h.entryId ? -1 : x.h.entryId > y.h.entryId ? 1 : 0) ||
        x.i - y.i,
    )
    .filter(({ h }) => {
      const k = `${h.entryId}\u0000${h.span.start}\u0000${h.span.end}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .map(({ h }) => h);
}
