/**
 * The regex stage: entries of kind `regex`, run over the ORIGINAL text (not the normalised one: a regex author
 * writes for the text as users type it). Bounded three ways, because a running regex cannot be stopped:
 * patterns are checked at import (regex/safety.ts), every pattern is bounded (regex/bounds.ts: unbounded repeats are
 * limited so a match fits in the entry's maxLength), so each exec tries at most `window` start positions and reads at
 * most `window` + reach code units, and the stage stops between execs once `budgetMs` is spent, saying so.
 *
 * The scan is resumable over a growing text (streamed model output): an attempt at position i reads nothing at or after
 * i + reach, so its result is final once that much text is known, and a stream finds exactly the matches a whole-text
 * review finds, each as soon as it is certain. Nor does it read before i − behind, so a stream passes only the text
 * from `keepFrom` on, with its offset (`base`); positions are always those of the whole text. An attempt never starts
 * at the first unit of such a trimmed text, so `^` (no `m` flag) cannot take that unit for the start of the text.
 */
import type { CompiledLibrary } from '../compiled/compiled-library.ts';
import type { Span, TextHit } from '../decision.ts';
import { hitOfEntry, Spans } from '../filters/resolve.ts';
import { regexBounds } from './bounds.ts';

export interface RegexStageOptions {
  /**
   * Wall-clock budget per input (default 50 ms): per review, and in a stream per push and for `end()` (work a push
   * leaves undone is carried to the next one, its text held back meanwhile).
   */
  budgetMs?: number;
  /** Most start positions one exec tries (default 4096). */
  window?: number;
  /** Stop collecting a regex's matches after this many (default 100). */
  maxMatchesPerEntry?: number;
}

export interface RegexStageResult {
  hits: TextHit[];
  complete: boolean;
  entriesSkipped: number;
}

interface PreparedRegex {
  re: RegExp;
  /** An attempt at i reads no text at or after i + reach, nor before i − behind. */
  reach: number;
  behind: number;
}

const prepared = new WeakMap<CompiledLibrary, PreparedRegex[]>();

function regexesOf(lib: CompiledLibrary): PreparedRegex[] {
  let r = prepared.get(lib);
  if (!r) {
    r = lib.header.regexes.map((x) => {
      const b = regexBounds(x.source, x.maxLength);
      return { re: new RegExp(b.source, `${x.flags.replace(/[gyu]/g, '')}gu`), reach: b.reach, behind: b.behind };
    });
    prepared.set(lib, r);
  }
  return r;
}

/** The furthest any of the library's regexes reads past an attempt's start (0 without regexes). */
export function regexReach(lib: CompiledLibrary): number {
  return regexesOf(lib).reduce((m, x) => Math.max(m, x.reach), 0);
}

/** One regex's progress through the text. */
interface Cursor {
  /** Attempts at positions below this are done. */
  at: number;
  /** Matches found and final, not yet checked against the allow-list (in order). */
  found: Span[];
  /** Hits accepted so far. */
  count: number;
  done: boolean;
}

/** UTF-16 surrogate halves: a cut between a high and a low one would split a character. */
export const isHigh = (u: number): boolean => u >= 0xd800 && u <= 0xdbff;
export const isLow = (u: number): boolean => u >= 0xdc00 && u <= 0xdfff;

export class RegexScan {
  /** Every hit found so far, by entry and then position. */
  readonly hits: TextHit[] = [];
  /** False once the time budget ran out on the final text; the stage then stops for good. */
  complete = true;
  private readonly regexes: PreparedRegex[];
  private readonly cursors: Cursor[];
  private readonly budget: number;
  private readonly window: number;
  private readonly maxMatches: number;

  constructor(
    private readonly lib: CompiledLibrary,
    opts: RegexStageOptions = {},
  ) {
    this.regexes = regexesOf(lib);
    this.cursors = this.regexes.map(() => ({ at: 0, found: [], count: 0, done: false }));
    this.budget = opts.budgetMs ?? 50;
    this.window = Math.max(64, opts.window ?? 4096);
    this.maxMatches = opts.maxMatchesPerEntry ?? 100;
  }

  /** Regex entries that did not run over the whole text (all of them until the text is final). */
  get entriesSkipped(): number {
    return this.cursors.filter((c) => !c.done).length;
  }

  /** No match still to be found or decided starts before this (Infinity once the stage is finished or stopped). */
  get holdFrom(): number {
    if (!this.complete) return Number.POSITIVE_INFINITY;
    let from = Number.POSITIVE_INFINITY;
    for (const c of this.cursors) if (!c.done) from = Math.min(from, c.found[0]?.start ?? c.at);
    return from;
  }

  /**
   * The stage reads no text before this from now on (Infinity once finished or stopped): `behind` before where each
   * regex's next attempt or first undecided match starts, and a unit more, so that no attempt starts at the first unit
   * of the text it is given.
   */
  get keepFrom(): number {
    if (!this.complete) return Number.POSITIVE_INFINITY;
    let from = Number.POSITIVE_INFINITY;
    for (let r = 0; r < this.cursors.length; r++) {
      const c = this.cursors[r]!;
      if (!c.done) from = Math.min(from, (c.found[0]?.start ?? c.at) - this.regexes[r]!.behind - 1);
    }
    return from;
  }

  /**
   * Run every regex over the text as far as its results are final: to the end when `final`, else up to where more text
   * could still change an attempt. `text` is the whole text from offset `base` on (`base` at most `keepFrom`). A match
   * is checked against the allowed phrases `allow` (in order of their end) once it starts before `allowFrom` (allowed
   * phrases not yet found start at or after it). Stops between execs once the budget is spent: on a final text the
   * stage is then incomplete; otherwise the next call carries on where this one stopped. Returns the hits that became
   * final.
   */
  advance(text: string, base: number, final: boolean, allow: Spans, allowFrom: number): TextHit[] {
    const before = this.hits.length;
    if (!this.complete) return [];
    const started = performance.now();
    // A trailing high surrogate is not a known code point until the next unit arrives.
    const n = base + (!final && isHigh(text.charCodeAt(text.length - 1)) ? text.length - 1 : text.length);
    for (let r = 0; r < this.regexes.length; r++) {
      const c = this.cursors[r]!;
      if (c.done) continue;
      const { re, reach } = this.regexes[r]!;
      const settled = final ? n : n - reach + 1;
      while (c.at < settled && c.count < this.maxMatches) {
        if (performance.now() - started > this.budget) {
          if (final) this.complete = false;
          return this.hits.slice(before);
        }
        let end = Math.min(n, c.at + this.window + reach);
        if (end < n && isHigh(text.charCodeAt(end - 1 - base))) end--;
        // Attempts below this were made with all the text they read.
        const certain = final && end === n ? n : end - reach + 1;
        re.lastIndex = c.at - base;
        const m = re.exec(end - base === text.length ? text : text.slice(0, end - base));
        const at = m ? m.index + base : 0;
        if (m && at < certain) {
          const len = m[0].length;
          if (len > 0) c.found.push({ start: at, end: at + len });
          // After an empty match, the next attempt is one code point on.
          c.at = at + (len || (isHigh(text.charCodeAt(m.index)) && isLow(text.charCodeAt(m.index + 1)) ? 2 : 1));
          this.decide(r, text, base, final ? n : allowFrom, allow);
        } else c.at = certain;
      }
      this.decide(r, text, base, final ? n : allowFrom, allow);
      if (final || c.count >= this.maxMatches) c.done = true;
    }
    return this.hits.slice(before);
  }

  /** Turn regex r's found matches that start before `allowFrom` into hits, unless inside an allowed phrase. */
  private decide(r: number, text: string, base: number, allowFrom: number, allow: Spans): void {
    const c = this.cursors[r]!;
    let k = 0;
    for (; k < c.found.length && c.found[k]!.start < allowFrom && c.count < this.maxMatches; k++) {
      const span = c.found[k]!;
      if (allow.contain(span.start, span.end)) continue;
      c.count++;
      this.hits.push(this.hit(r, span, text, base));
    }
    c.found = c.count >= this.maxMatches ? [] : c.found.slice(k);
  }

  private hit(r: number, span: Span, text: string, base: number): TextHit {
    const { entry, source } = this.lib.header.regexes[r]!;
    return hitOfEntry(this.lib, entry, { kind: 'regex', form: source }, span, text, base);
  }
}

/** The regex stage over a whole text. */
export function runRegexStage(
  lib: CompiledLibrary,
  text: string,
  opts: RegexStageOptions = {},
  allow: Spans = new Spans(),
): RegexStageResult {
  if (lib.header.regexes.length === 0) return { hits: [], complete: true, entriesSkipped: 0 };
  const scan = new RegexScan(lib, opts);
  scan.advance(text, 0, true, allow, text.length);
  return { hits: scan.hits, complete: scan.complete, entriesSkipped: scan.entriesSkipped };
}
