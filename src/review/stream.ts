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
 *
 * Memory and time stay linear in the stream's length: the reviewer keeps only the text from the earliest point any
 * stage may still read (text not yet released, the code point before a match still to be decided, co-occurrence terms
 * within a rule's window, what a regex's next attempt looks back at), with its offset; the text before that is dropped
 * once `compactAt` code units of it have gathered. Without that, each push would copy the whole text so far.
 */
import type { CompiledLibrary } from './compiled/compiled-library.ts';
import { decide, type ReviewDecision, type ReviewResult, stricter, type TextHit } from './decision.ts';
import { orderHits, type RawMatch } from './filters/resolve.ts';
import { isHigh, isLow, RegexScan } from './regex/stage.ts';
import { type ReviewOptions, sinkMatches, TermResolver } from './review.ts';
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
  /** Code units of text kept: what is held back, and what the checks may still read before it. */
  readonly retained: number;
  /** Hits and set-aside matches counted past `maxHits` so far (undefined: none). */
  readonly omitted: { hits: number; suppressed: number } | undefined;
}

/** The whole-text review's options that apply to a stream (`mode` does not), and how much dropped text may gather. */
export interface StreamReviewOptions extends Pick<ReviewOptions, 'regex' | 'onIncomplete' | 'maxHits'> {
  /**
   * Drop text no check needs any more once this many code units of it have gathered (default 4096). Lower values copy
   * less per push, higher ones slice less often; the results are the same.
   */
  compactAt?: number;
}

/** Shared empty intermediates: a push that finds nothing (most of them) copies no arrays. Never written to. */
const NO_HITS: TextHit[] = [];
const NO_MATCHES: RawMatch[] = [];

export function createStreamReviewer(lib: CompiledLibrary, opts: StreamReviewOptions = {}): StreamReviewer {
  return new Reviewer(lib, opts);
}

/**
 * The reviewer's state as fields of one object rather than locals of closures: a gateway keeps one per streamed
 * choice for as long as the stream lasts, and an object with methods is a third of the heap of a closure set.
 */
class Reviewer implements StreamReviewer {
  /** The text from offset #base on; every other position here is one in the whole text. */
  #text = '';
  #base = 0;
  #scanned = 0;
  #released = 0;
  #blockedAt = Number.POSITIVE_INFINITY;
  /** The decision over the final hits so far. */
  #hitsDecision: ReviewDecision = 'pass';
  #pending: RawMatch[] = [];
  readonly #lib: CompiledLibrary;
  readonly #onIncomplete: 'review' | 'ignore' | undefined;
  readonly #compactAt: number;
  readonly #st: ReturnType<typeof newScanState>;
  readonly #sink = new MatchSink();
  readonly #resolver: TermResolver;
  readonly #regex: RegexScan | null;

  constructor(lib: CompiledLibrary, opts: StreamReviewOptions) {
    this.#lib = lib;
    this.#onIncomplete = opts.onIncomplete;
    this.#compactAt = Math.max(1, opts.compactAt ?? 4096);
    this.#st = newScanState(lib);
    this.#resolver = new TermResolver(lib, opts.maxHits);
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
      ...(resolver.omitted ? { omitted: resolver.omitted } : {}),
    };
    return { ...last, result };
  }

  get held(): number {
    return this.#base + this.#text.length - this.#released;
  }

  get retained(): number {
    return this.#text.length;
  }

  get omitted(): { hits: number; suppressed: number } | undefined {
    return this.#resolver.omitted;
  }

  /** Decision over every final hit so far (an incomplete regex stage makes it at least "review"). */
  #decision(): ReviewDecision {
    const regex = this.#regex;
    if (regex && !regex.complete && this.#onIncomplete !== 'ignore') return stricter(this.#hitsDecision, 'review');
    return this.#hitsDecision;
  }

  #advance(open: boolean): StreamUpdate {
    const lib = this.#lib;
    const text = this.#text;
    const base = this.#base;
    const length = base + text.length;
    const st = this.#st;
    const sink = this.#sink;
    const resolver = this.#resolver;
    const regex = this.#regex;
    const scanned = base + scan(lib, text, this.#scanned - base, text.length, st, sink, base, !open);
    this.#scanned = scanned;
    const fresh = sink.n > 0 ? sinkMatches(sink) : NO_MATCHES;
    sink.n = 0;
    let pending = this.#pending;
    for (const m of fresh) if (!resolver.note(m.pattern, m.start, m.end)) pending.push(m);
    if (fresh.length) pending.sort((x, y) => x.end - y.end || x.start - y.start || x.pattern - y.pattern);
    // Release point: where the longest key still in progress starts.
    const d = lib.automaton.depth[st.s]!;
    const point = open ? (d > 0 ? st.ring[(st.pos - d) & lib.ringMask]! : scanned) : length;
    const before = resolver.hits.length;
    let k = 0;
    for (; k < pending.length; k++) {
      const m = pending[k]!;
      if (open && m.end > point) break;
      if (!resolver.decide(m.pattern, m.start, m.end, text, open, base)) break;
    }
    if (k > 0) pending = this.#pending = pending.slice(k);
    const termHits = resolver.hits.length > before ? resolver.hits.slice(before) : NO_HITS;
    // Allowed phrases not yet found start at or after the release point.
    const regexHits = regex ? regex.advance(text, base, !open, resolver.allow, point) : NO_HITS;
    // A fresh array for the caller even when empty: the shared empty ones never leave this function.
    const hits = regexHits.length ? orderHits([...termHits, ...regexHits]) : termHits === NO_HITS ? [] : termHits;
    for (const h of hits) if (h.action === 'block') this.#blockedAt = Math.min(this.#blockedAt, h.span.start);
    // Hits past maxHits are not listed, but block and decide all the same.
    this.#blockedAt = Math.min(this.#blockedAt, resolver.omittedBlockAt);
    this.#hitsDecision = stricter(this.#hitsDecision, resolver.omittedDecision);
    // Kept as it goes: deciding over all hits at every push would cost a long stream time in proportion to its hits.
    if (hits.length) this.#hitsDecision = stricter(this.#hitsDecision, decide(hits));
    // Never release part of a pending allow/common decision's text, nor anything at or after a block.
    let upTo = Math.min(
      point,
      scanned,
      pending.length ? pending[0]!.start : Number.POSITIVE_INFINITY,
      regex ? regex.holdFrom : Number.POSITIVE_INFINITY,
      this.#blockedAt,
    );
    // Keep a surrogate pair together.
    if (upTo > 0 && upTo < length && isLow(text.charCodeAt(upTo - base)) && isHigh(text.charCodeAt(upTo - base - 1)))
      upTo--;
    const release = upTo > this.#released ? text.slice(this.#released - base, upTo - base) : '';
    this.#released = Math.max(upTo, this.#released);
    if (open) this.#compact(point, pending);
    return {
      release,
      hits,
      decision: this.#decision(),
      blocked: this.#blockedAt < Number.POSITIVE_INFINITY,
    };
  }

  /**
   * Drop the text before the earliest point still needed, once there is enough of it: text not yet released (unless
   * a block stops its release for good), what deciding the pending matches and those still to come may read (no match
   * to come starts before `point`), and what the regex stage may read.
   */
  #compact(point: number, pending: readonly RawMatch[]): void {
    let from = point;
    for (const m of pending) from = Math.min(from, m.start);
    const regex = this.#regex;
    const regexFrom = regex ? regex.holdFrom : Number.POSITIVE_INFINITY;
    let keep = Math.min(
      this.#resolver.keepFrom(from, regexFrom),
      regex ? regex.keepFrom : Number.POSITIVE_INFINITY,
      this.#released < this.#blockedAt ? this.#released : Number.POSITIVE_INFINITY,
    );
    const base = this.#base;
    keep = Math.min(keep, base + this.#text.length);
    if (keep - base < this.#compactAt) return;
    this.#text = this.#text.slice(keep - base);
    this.#base = keep;
  }
}
