/**
 * Streaming review of model output (content-safety.md §3.6): feed chunks as tokens arrive; each push returns the text
 * that can be released — text that can no longer be part of any match — and the hits that became final.
 *
 * Hold-back, term entries: after each chunk the automaton's state is the longest suffix of the normalised text that is
 * still a prefix of some key (entry, variant, allowed phrase or common word); only text from where that suffix starts
 * is held. So the hold-back is bounded by the longest key (in normalised characters; in original characters that is
 * up to (1 + maxGap) per character, and two units per surrogate pair), and is usually much shorter. A hit is final
 * once the release point has passed its end (no allowed phrase or common word still in progress can overlap it) and
 * the character after it is known.
 *
 * Hold-back, regex entries: every regex the stage runs is bounded (regex/bounds.ts), so an attempt at position i reads
 * nothing at or after i + reach. The regex stage runs over the text as it arrives and holds back at most the last
 * reach − 1 code units (from where its next attempt starts, or from a match not yet decided); a match is final once
 * that much text follows its start, and is then reported like a term hit. Regex hits therefore equal whole-text review
 * too. The regex time budget applies to each push: work a push leaves undone is carried to the next, its text held
 * back meanwhile. If `end()` cannot finish within the budget, the regex stage stops (the result says so, the decision
 * is at least "review") and what is left is released, as a whole-text review would have passed it.
 *
 * A block is reported in the push where it becomes final, and nothing from its start on is released.
 */
import type { CompiledLibrary } from './compiled/compiled-library.ts';
import { decide, type ReviewDecision, type ReviewResult, stricter, type TextHit } from './decision.ts';
import { orderHits, type RawMatch } from './filters/resolve.ts';
import { isHigh, isLow, RegexScan, type RegexStageOptions } from './regex/stage.ts';
import { sinkMatches, TermResolver } from './review.ts';
import { MatchSink, newScanState, scan } from './scan.ts';

export interface StreamUpdate {
  /** Text safe to forward now (never text after a block). */
  release: string;
  /** Hits that became final in this push. */
  hits: TextHit[];
  /** Decision over all final hits so far. */
  decision: ReviewDecision;
  blocked: boolean;
}

export interface StreamReviewer {
  push(chunk: string): StreamUpdate;
  /** No more text: decide what was held, return the last release and the full result. */
  end(): StreamUpdate & { result: ReviewResult };
  /** Code units currently held back. */
  readonly held: number;
}

/** Shared empty intermediates: a push that finds nothing (most of them) copies no arrays. Never written to. */
const NO_HITS: TextHit[] = [];
const NO_MATCHES: RawMatch[] = [];

export function createStreamReviewer(
  lib: CompiledLibrary,
  opts: { regex?: RegexStageOptions; onIncomplete?: 'review' | 'ignore' } = {},
): StreamReviewer {
  return new Reviewer(lib, opts);
}

/**
 * The reviewer's state as fields of one object rather than locals of closures: a gateway keeps one per streamed
 * choice for as long as the stream lasts, and an object with methods is a third of the heap of a closure set.
 */
class Reviewer implements StreamReviewer {
  #text = '';
  #scanned = 0;
  #released = 0;
  #blockedAt = Number.POSITIVE_INFINITY;
  #pending: RawMatch[] = [];
  readonly #lib: CompiledLibrary;
  readonly #onIncomplete: 'review' | 'ignore' | undefined;
  readonly #st: ReturnType<typeof newScanState>;
  readonly #sink = new MatchSink();
  readonly #resolver: TermResolver;
  readonly #regex: RegexScan | null;

  constructor(lib: CompiledLibrary, opts: { regex?: RegexStageOptions; onIncomplete?: 'review' | 'ignore' }) {
    this.#lib = lib;
    this.#onIncomplete = opts.onIncomplete;
    this.#st = newScanState(lib);
    this.#resolver = new TermResolver(lib);
    this.#regex = lib.header.regexes.length ? new RegexScan(lib, opts.regex) : null;
  }

  push(chunk: string): StreamUpdate {
    this.#text += chunk;
    return this.#advance(true);
  }

  end(): StreamUpdate & { result: ReviewResult } {
    const last = this.#advance(false);
    const regex = this.#regex;
    const resolver = this.#resolver;
    const hits = orderHits(regex ? [...resolver.hits, ...regex.hits] : resolver.hits);
    // Text already released cannot be recalled; the result says what was found in it.
    const complete = regex?.complete ?? true;
    const result: ReviewResult = {
      decision: this.#decision(),
      hits,
      suppressed: resolver.suppressed,
      complete,
      ...(complete
        ? {}
        : {
            incomplete: {
              stage: 'regex' as const,
              reason: 'time-budget' as const,
              entriesSkipped: regex!.entriesSkipped,
            },
          }),
    };
    return { ...last, result };
  }

  get held(): number {
    return this.#text.length - this.#released;
  }

  /** Decision over every final hit so far (an incomplete regex stage makes it at least "review"). */
  #decision(): ReviewDecision {
    let d = decide(this.#resolver.hits);
    const regex = this.#regex;
    if (regex) {
      d = stricter(d, decide(regex.hits));
      if (!regex.complete && this.#onIncomplete !== 'ignore') d = stricter(d, 'review');
    }
    return d;
  }

  #advance(open: boolean): StreamUpdate {
    const lib = this.#lib;
    const text = this.#text;
    const st = this.#st;
    const sink = this.#sink;
    const resolver = this.#resolver;
    const regex = this.#regex;
    this.#scanned = scan(lib, text, this.#scanned, text.length, st, sink, 0, !open);
    const scanned = this.#scanned;
    const fresh = sink.n > 0 ? sinkMatches(sink) : NO_MATCHES;
    sink.n = 0;
    let pending = this.#pending;
    for (const m of fresh) if (!resolver.note(m.pattern, m.start, m.end)) pending.push(m);
    if (fresh.length) pending.sort((x, y) => x.end - y.end || x.start - y.start || x.pattern - y.pattern);
    // Release point: where the longest key still in progress starts.
    const d = lib.automaton.depth[st.s]!;
    const point = open ? (d > 0 ? st.ring[(st.pos - d) & lib.ringMask]! : scanned) : text.length;
    const before = resolver.hits.length;
    let k = 0;
    for (; k < pending.length; k++) {
      const m = pending[k]!;
      if (open && m.end > point) break;
      if (!resolver.decide(m.pattern, m.start, m.end, text, open)) break;
    }
    if (k > 0) pending = this.#pending = pending.slice(k);
    const termHits = resolver.hits.length > before ? resolver.hits.slice(before) : NO_HITS;
    // Allowed phrases not yet found start at or after the release point.
    const regexHits = regex ? regex.advance(text, !open, resolver.allow, point) : NO_HITS;
    // A fresh array for the caller even when empty: the shared empty ones never leave this function.
    const hits = regexHits.length ? orderHits([...termHits, ...regexHits]) : termHits === NO_HITS ? [] : termHits;
    for (const h of hits) if (h.action === 'block') this.#blockedAt = Math.min(this.#blockedAt, h.span.start);
    // Never release part of a pending allow/common decision's text, nor anything at or after a block.
    let upTo = Math.min(
      point,
      scanned,
      pending.length ? pending[0]!.start : Number.POSITIVE_INFINITY,
      regex ? regex.holdFrom : Number.POSITIVE_INFINITY,
      this.#blockedAt,
    );
    // Keep a surrogate pair together.
    if (upTo > 0 && upTo < text.length && isLow(text.charCodeAt(upTo)) && isHigh(text.charCodeAt(upTo - 1))) upTo--;
    upTo = Math.max(upTo, this.#released);
    const release = text.slice(this.#released, upTo);
    this.#released = upTo;
    return {
      release,
      hits,
      decision: this.#decision(),
      blocked: this.#blockedAt < Number.POSITIVE_INFINITY,
    };
  }
}
