/**
 * `reviewText(text, library)`: the text review of Provisions Art. 10 — term stage (normalised automaton), filters,
 * co-occurrence rules, regex stage — and the decision with every hit as its explanation.
 */
import { leftmostLongest } from './automaton/automaton.ts';
import { type CompiledLibrary, ROLE_ALLOW, ROLE_COMMON, ROLE_COOC, ROLE_ENTRY } from './compiled/compiled-library.ts';
import { decide, type ReviewResult, type Span, type SuppressedHit, stricter, type TextHit } from './decision.ts';
import {
  type Context,
  type CoocOccurrence,
  check,
  coocHit,
  entryHit,
  orderHits,
  type RawMatch,
} from './filters/resolve.ts';
import { type RegexStageOptions, runRegexStage } from './regex/stage.ts';
import { MatchSink, newScanState, type ScanState, scan } from './scan.ts';

export interface ReviewOptions {
  /** `all` (default): every hit, overlapping ones included. `leftmost-longest`: non-overlapping, longest first. */
  mode?: 'all' | 'leftmost-longest';
  regex?: RegexStageOptions;
  /** What a cut-short regex stage does to the decision (default: at least "review"). */
  onIncomplete?: 'review' | 'ignore';
}

/** Scan state and match buffer kept per library between calls (review is synchronous, so one is enough). */
const scratch = new WeakMap<CompiledLibrary, { state: ScanState; sink: MatchSink }>();

/** All raw matches of text, sorted by (end, start, pattern): the order they become final in a stream. */
export function rawMatches(lib: CompiledLibrary, text: string): RawMatch[] {
  let s = scratch.get(lib);
  if (!s) {
    s = { state: newScanState(lib), sink: new MatchSink() };
    scratch.set(lib, s);
  }
  const { state, sink } = s;
  state.s = 0;
  state.prev = -1;
  state.gap = 0;
  state.pos = 0;
  sink.n = 0;
  scan(lib, text, 0, text.length, state, sink);
  return sinkMatches(sink);
}

export function sinkMatches(sink: MatchSink, from = 0): RawMatch[] {
  const out: RawMatch[] = [];
  for (let k = from * 3; k < sink.n; k += 3)
    out.push({ pattern: sink.buf[k]!, start: sink.buf[k + 1]!, end: sink.buf[k + 2]! });
  return out.sort((x, y) => x.end - y.end || x.start - y.start || x.pattern - y.pattern);
}

/** The text-hit stage shared by whole-text and stream review: decide each match in order. */
export class TermResolver {
  readonly allow: Span[] = [];
  readonly common: Span[] = [];
  readonly hits: TextHit[] = [];
  readonly suppressed: SuppressedHit[] = [];
  private readonly cooc: CoocOccurrence[] = [];

  constructor(private readonly lib: CompiledLibrary) {}

  /** Record allowed phrases and common words (they only ever inform other matches). */
  note(m: RawMatch): boolean {
    const role = this.lib.patterns.role[m.pattern];
    if (role === ROLE_ALLOW) this.allow.push({ start: m.start, end: m.end });
    else if (role === ROLE_COMMON) this.common.push({ start: m.start, end: m.end });
    else return false;
    return true;
  }

  /** Decide an entry or co-occurrence match; false while it depends on text not yet seen. */
  decide(m: RawMatch, text: string, open: boolean): boolean {
    const lib = this.lib;
    const role = lib.patterns.role[m.pattern];
    const ctx: Context = { text, open, allow: this.allow, common: this.common };
    const v = check(lib, m, ctx);
    if (v === undefined) return false;
    if (role === ROLE_ENTRY) {
      if (v.ok) this.hits.push(entryHit(lib, m.pattern, { start: m.start, end: v.end }, text));
      else
        this.suppressed.push({
          entryId: lib.entries.id.get(lib.patterns.entry[m.pattern]!),
          span: { start: m.start, end: m.end },
          reason: v.reason,
        });
    } else if (role === ROLE_COOC && v.ok) {
      const code = lib.patterns.entry[m.pattern]!;
      const y: CoocOccurrence = { rule: code >> 1, side: (code & 1) as 0 | 1, start: m.start, end: v.end };
      const hit = coocHit(lib, y, this.cooc, text);
      if (hit) this.hits.push(hit);
      this.cooc.push(y);
    }
    return true;
  }
}

export function reviewText(text: string, lib: CompiledLibrary, opts: ReviewOptions = {}): ReviewResult {
  const matches = rawMatches(lib, text);
  const r = new TermResolver(lib);
  const rest: RawMatch[] = [];
  for (const m of matches) if (!r.note(m)) rest.push(m);
  for (const m of rest) r.decide(m, text, false);
  const regex = runRegexStage(lib, text, opts.regex, r.allow);
  let hits = regex.hits.length ? orderHits([...r.hits, ...regex.hits]) : r.hits.length > 1 ? orderHits(r.hits) : r.hits;
  if (opts.mode === 'leftmost-longest')
    hits = orderHits(
      leftmostLongest(hits.map((h) => ({ ...h, start: h.span.start, end: h.span.end }))).map(
        ({ start: _s, end: _e, ...h }) => h,
      ),
    );
  let decision = decide(hits);
  if (!regex.complete && opts.onIncomplete !== 'ignore') decision = stricter(decision, 'review');
  return {
    decision,
    hits,
    suppressed: r.suppressed,
    complete: regex.complete,
    ...(regex.complete
      ? {}
      : {
          incomplete: { stage: 'regex' as const, reason: 'time-budget' as const, entriesSkipped: regex.entriesSkipped },
        }),
  };
}
