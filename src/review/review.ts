/**
 * `reviewText(text, library)`: the text review of Provisions Art. 10 — term stage (normalised automaton), filters,
 * co-occurrence rules, regex stage — and the decision with every hit as its explanation.
 */
import { leftmostLongest } from './automaton/automaton.ts';
import { type CompiledLibrary, ROLE_ALLOW, ROLE_COMMON, ROLE_COOC, ROLE_ENTRY } from './compiled/compiled-library.ts';
import {
  decide,
  decisionOf,
  type ReviewDecision,
  type ReviewResult,
  type SuppressedHit,
  stricter,
  type TextHit,
} from './decision.ts';
import {
  type Context,
  type CoocOccurrence,
  check,
  coocHit,
  entryHit,
  orderHits,
  PENDING,
  type RawMatch,
  REASONS,
  Spans,
} from './filters/resolve.ts';
import { type RegexStageOptions, runRegexStage } from './regex/stage.ts';
import { ACTION_RANK } from './risk.ts';
import { MatchSink, newScanState, type ScanState, scan } from './scan.ts';

export interface ReviewOptions {
  /**
   * `all` (default): every hit, overlapping ones included. `leftmost-longest`: non-overlapping, longest first, except
   * that a hit set aside for overlapping a kept one stays when its action is stricter than that of every kept hit it
   * overlaps, so the decision is always the one over all hits.
   */
  mode?: 'all' | 'leftmost-longest';
  regex?: RegexStageOptions;
  /**
   * List at most this many term hits, and as many set-aside matches (default: all). The others are counted in
   * `omitted`, and the decision covers them: a text that repeats a term a hundred thousand times is not a hundred
   * thousand objects.
   */
  maxHits?: number;
  /** What a cut-short regex stage does to the decision (default: at least "review"). */
  onIncomplete?: 'review' | 'ignore';
}

/**
 * How many hits the platform's services list for one text (the review queue takes no more per item): enough to
 * explain a decision, bounded whatever the text repeats.
 */
export const MAX_LISTED_HITS = 10_000;

/** Scan state and match buffer kept per library between calls (review is synchronous, so one is enough). */
const scratch = new WeakMap<CompiledLibrary, Scratch>();
interface Scratch {
  state: ScanState;
  sink: MatchSink;
}
/** The last library's scratch, so a run of reviews against one library skips the map. */
let lastLib: CompiledLibrary | undefined;
let lastScratch: Scratch | undefined;

/** Scan all of `text` into the library's reused match buffer, sorted as `rawMatches` describes. */
function scanText(lib: CompiledLibrary, text: string): MatchSink {
  let s = lib === lastLib ? lastScratch : scratch.get(lib);
  if (!s) {
    s = { state: newScanState(lib), sink: new MatchSink() };
    scratch.set(lib, s);
  }
  lastLib = lib;
  lastScratch = s;
  const { state, sink } = s;
  state.s = 0;
  state.prev = -1;
  state.gap = 0;
  state.pos = 0;
  sink.n = 0;
  scan(lib, text, 0, text.length, state, sink);
  sortSink(sink);
  return sink;
}

/** All raw matches of text, sorted by (end, start, pattern): the order they become final in a stream. */
export function rawMatches(lib: CompiledLibrary, text: string): RawMatch[] {
  return sinkMatches(scanText(lib, text));
}

export function sinkMatches(sink: MatchSink, from = 0): RawMatch[] {
  const out: RawMatch[] = [];
  for (let k = from * 3; k < sink.n; k += 3)
    out.push({ pattern: sink.buf[k]!, start: sink.buf[k + 1]!, end: sink.buf[k + 2]! });
  return out.sort(byEnd);
}

const byEnd = (x: RawMatch, y: RawMatch) => x.end - y.end || x.start - y.start || x.pattern - y.pattern;

/**
 * Sort the buffer's (pattern, start, end) triples by (end, start, pattern) in place. The scan emits them by end and,
 * at one end, longest first, so they are nearly always in order already (not when one character folds to several).
 */
function sortSink(sink: MatchSink): void {
  const b = sink.buf;
  for (let k = 3; k < sink.n; k += 3) {
    if (
      b[k + 2]! > b[k - 1]! ||
      (b[k + 2] === b[k - 1] && (b[k + 1]! > b[k - 2]! || (b[k + 1] === b[k - 2] && b[k]! > b[k - 3]!)))
    )
      continue;
    const sorted = sinkMatches(sink);
    sorted.forEach((m, j) => {
      b[3 * j] = m.pattern;
      b[3 * j + 1] = m.start;
      b[3 * j + 2] = m.end;
    });
    return;
  }
}

/** The text-hit stage shared by whole-text and stream review: decide each match in order. */
export class TermResolver {
  readonly allow = new Spans();
  readonly common = new Spans();
  /** The hits, in the order they were decided: the first `maxHits` of them. */
  readonly hits: TextHit[] = [];
  readonly suppressed: SuppressedHit[] = [];
  /** Hits and set-aside matches past `maxHits`: counted, not listed. */
  omittedHits = 0;
  omittedSuppressed = 0;
  /** The decision over the omitted hits, and where the first omitted block hit starts (a stream stops there). */
  omittedDecision: ReviewDecision = 'pass';
  omittedBlockAt = Number.POSITIVE_INFINITY;
  /**
   * The latest occurrence, by (end, start), of each co-occurrence rule's terms, at 2 × rule + side: the only one a later
   * occurrence of the other term can pair with (see coocHit).
   */
  private readonly cooc: (CoocOccurrence | undefined)[] = [];
  private readonly ctx: Context;

  constructor(
    private readonly lib: CompiledLibrary,
    private readonly maxHits = Number.POSITIVE_INFINITY,
  ) {
    this.ctx = { text: '', base: 0, open: false, allow: this.allow, common: this.common };
  }

  /** The omitted counts for a result, when there are any. */
  get omitted(): { hits: number; suppressed: number } | undefined {
    return this.omittedHits || this.omittedSuppressed
      ? { hits: this.omittedHits, suppressed: this.omittedSuppressed }
      : undefined;
  }

  #hit(h: TextHit): void {
    if (this.hits.length < this.maxHits) {
      this.hits.push(h);
      return;
    }
    this.omittedHits++;
    this.omittedDecision = stricter(this.omittedDecision, decisionOf(h.action));
    if (h.action === 'block') this.omittedBlockAt = Math.min(this.omittedBlockAt, h.span.start);
  }

  /** Record an allowed phrase or common word (they only ever inform other matches); false for other patterns. */
  note(pattern: number, start: number, end: number): boolean {
    const role = this.lib.patterns.role[pattern];
    if (role === ROLE_ALLOW) this.allow.add(start, end);
    else if (role === ROLE_COMMON) this.common.add(start, end);
    else return false;
    return true;
  }

  /**
   * Decide an entry or co-occurrence match; false while it depends on text not yet seen. `text` is the whole text from
   * offset `base` on: from `keepFrom` at least.
   */
  decide(pattern: number, start: number, end: number, text: string, open: boolean, base = 0): boolean {
    const lib = this.lib;
    const role = lib.patterns.role[pattern];
    const ctx = this.ctx;
    ctx.text = text;
    ctx.base = base;
    ctx.open = open;
    const v = check(lib, pattern, start, end, ctx);
    if (v === PENDING) return false;
    if (role === ROLE_ENTRY) {
      if (v >= 0) this.#hit(entryHit(lib, pattern, { start, end: v }, text, base));
      else if (this.suppressed.length >= this.maxHits) this.omittedSuppressed++;
      else
        this.suppressed.push({
          entryId: lib.entries.id.get(lib.patterns.entry[pattern]!),
          span: { start, end },
          reason: REASONS[-2 - v]!,
        });
    } else if (role === ROLE_COOC && v >= 0) {
      const code = lib.patterns.entry[pattern]!;
      const y: CoocOccurrence = { rule: code >> 1, side: (code & 1) as 0 | 1, start, end: v };
      const hit = coocHit(lib, y, this.cooc[2 * y.rule + 1 - y.side], text, base);
      if (hit) this.#hit(hit);
      // Matches are decided in order of their end, but an occurrence's end may reach on over trailing repeats.
      const k = 2 * y.rule + y.side;
      const x = this.cooc[k];
      if (!x || y.end > x.end || (y.end === x.end && y.start > x.start)) this.cooc[k] = y;
    }
    return true;
  }

  /**
   * A stream's bookkeeping: no match still to be decided starts before `from`, and no regex match still to be decided
   * before `regexFrom`. Forgets the allowed phrases, common words and co-occurrence terms none of them can bear on, and
   * returns where the text that deciding them may read starts: the code point before `from` (a word boundary looks at
   * it), and the start of every co-occurrence term a later one may still pair with (its hit spans both).
   */
  keepFrom(from: number, regexFrom: number): number {
    // check() looks only at spans ending after a match's start; the regex stage only at spans containing its match.
    this.allow.forgetEndingBy(Math.min(from, regexFrom));
    this.common.forgetEndingBy(from);
    let keep = from - 2;
    const rules = this.lib.header.cooccurrence;
    for (let k = 0; k < this.cooc.length; k++) {
      const x = this.cooc[k];
      if (x && x.end >= from - rules[k >> 1]!.window) keep = Math.min(keep, x.start);
    }
    return keep;
  }
}

/**
 * The leftmost-longest selection of hits, never weaker than all of them: a shorter or later hit is dropped only when a
 * kept hit it overlaps has an action at least as strict. (中国人民 logged and 国人 blocked, on 我是中国人民: both are
 * kept, and the decision is block, as over all hits.)
 */
function leftmostLongestHits(hits: TextHit[]): TextHit[] {
  const kept = leftmostLongest(hits.map((h) => ({ hit: h, start: h.span.start, end: h.span.end }))).map((m) => m.hit);
  if (kept.length === hits.length) return hits;
  const isKept = new Set(kept);
  const out = [...kept];
  for (const h of hits) {
    if (isKept.has(h)) continue;
    // The kept hits do not overlap and are in order, of their starts and of their ends alike: search from the first
    // one ending after h starts.
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (kept[mid]!.span.end <= h.span.start) lo = mid + 1;
      else hi = mid;
    }
    let rank = 0;
    for (let k = lo; k < kept.length && kept[k]!.span.start < h.span.end; k++)
      rank = Math.max(rank, ACTION_RANK[kept[k]!.action]);
    if (ACTION_RANK[h.action] > rank) out.push(h);
  }
  return orderHits(out);
}

export function reviewText(text: string, lib: CompiledLibrary, opts: ReviewOptions = {}): ReviewResult {
  const sink = scanText(lib, text);
  const n = sink.n;
  // Nothing matched and no regex to run: the common case of a short check, answered without further work.
  if (n === 0 && lib.header.regexes.length === 0) return { decision: 'pass', hits: [], suppressed: [], complete: true };
  const buf = sink.buf;
  const r = new TermResolver(lib, opts.maxHits);
  // Allowed phrases and common words first: any of them may bear on any entry match.
  let rest = 0;
  for (let k = 0; k < n; k += 3) if (!r.note(buf[k]!, buf[k + 1]!, buf[k + 2]!)) rest++;
  if (rest > 0)
    for (let k = 0; k < n; k += 3) {
      const role = lib.patterns.role[buf[k]!];
      if (role === ROLE_ENTRY || role === ROLE_COOC) r.decide(buf[k]!, buf[k + 1]!, buf[k + 2]!, text, false);
    }
  const regex = runRegexStage(lib, text, opts.regex, r.allow);
  let hits: TextHit[] = regex.hits.length
    ? orderHits([...r.hits, ...regex.hits])
    : r.hits.length > 1
      ? orderHits(r.hits)
      : r.hits;
  if (opts.mode === 'leftmost-longest') hits = leftmostLongestHits(hits);
  let decision = stricter(decide(hits), r.omittedDecision);
  if (!regex.complete && opts.onIncomplete !== 'ignore') decision = stricter(decision, 'review');
  const omitted = r.omitted;
  if (regex.complete && !omitted) return { decision, hits, suppressed: r.suppressed, complete: true };
  return {
    decision,
    hits,
    suppressed: r.suppressed,
    complete: regex.complete,
    ...(regex.complete
      ? {}
      : { incomplete: { stage: 'regex', reason: 'time-budget', entriesSkipped: regex.entriesSkipped } }),
    ...(omitted ? { omitted } : {}),
  };
}
