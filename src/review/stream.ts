/**
 * Streaming review of model output (content-safety.md §3.6): feed chunks as tokens arrive; each push returns the text
 * that can be released — text that can no longer be part of any match — and the hits that became final.
 *
 * Hold-back: after each chunk the automaton's state is the longest suffix of the normalised text that is still a
 * prefix of some key (entry, variant, allowed phrase or common word); only text from where that suffix starts is held.
 * So the hold-back is bounded by the longest key (in normalised characters; in original characters that is up to
 * (1 + maxGap) per character, and two units per surrogate pair), and is usually much shorter. A hit is final once the
 * release point has passed its end (no allowed phrase or common word still in progress can overlap it) and the
 * character after it is known. A block is reported in the push where it becomes final, and nothing is released from
 * then on. Regex entries run over the whole text at `end()` (a regex has no bounded hold-back).
 */
import type { CompiledLibrary } from './compiled/compiled-library.ts';
import { decide, type ReviewDecision, type ReviewResult, stricter, type TextHit } from './decision.ts';
import { orderHits, type RawMatch } from './filters/resolve.ts';
import { type RegexStageOptions, runRegexStage } from './regex/stage.ts';
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
  /** No more text: decide what was held, run the regex stage, return the last release and the full result. */
  end(): StreamUpdate & { result: ReviewResult };
  /** Code units currently held back. */
  readonly held: number;
}

export function createStreamReviewer(
  lib: CompiledLibrary,
  opts: { regex?: RegexStageOptions; onIncomplete?: 'review' | 'ignore' } = {},
): StreamReviewer {
  let text = '';
  let scanned = 0;
  let released = 0;
  let blockedAt = -1;
  const st = newScanState(lib);
  const sink = new MatchSink();
  const resolver = new TermResolver(lib);
  let pending: RawMatch[] = [];
  const { depth } = lib.automaton;

  const advance = (open: boolean): StreamUpdate => {
    scanned = scan(lib, text, scanned, text.length, st, sink, 0, !open);
    const fresh = sinkMatches(sink);
    sink.n = 0;
    for (const m of fresh) if (!resolver.note(m.pattern, m.start, m.end)) pending.push(m);
    if (fresh.length) pending.sort((x, y) => x.end - y.end || x.start - y.start || x.pattern - y.pattern);
    // Release point: where the longest key still in progress starts.
    const d = depth[st.s]!;
    const point = open ? (d > 0 ? st.ring[(st.pos - d) & lib.ringMask]! : scanned) : text.length;
    const before = resolver.hits.length;
    let k = 0;
    for (; k < pending.length; k++) {
      const m = pending[k]!;
      if (open && m.end > point) break;
      if (!resolver.decide(m.pattern, m.start, m.end, text, open)) break;
    }
    pending = pending.slice(k);
    const hits = resolver.hits.slice(before);
    for (const h of hits) if (h.action === 'block' && blockedAt < 0) blockedAt = h.span.start;
    let upTo = Math.min(point, scanned, pending.length ? pending[0]!.start : Number.POSITIVE_INFINITY);
    // Never release part of a pending allow/common decision's text, nor anything at or after a block.
    if (blockedAt >= 0) upTo = Math.min(upTo, blockedAt);
    upTo = Math.max(upTo, released);
    const release = text.slice(released, upTo);
    released = upTo;
    return { release, hits, decision: decide(resolver.hits), blocked: blockedAt >= 0 };
  };

  return {
    push(chunk) {
      text += chunk;
      return advance(true);
    },
    end() {
      const last = advance(false);
      const regex = runRegexStage(lib, text, opts.regex, resolver.allow);
      const hits = orderHits([...resolver.hits, ...regex.hits]);
      let decision = decide(hits);
      if (!regex.complete && opts.onIncomplete !== 'ignore') decision = stricter(decision, 'review');
      const regexBlock = regex.hits.find((h) => h.action === 'block');
      // Text already released cannot be recalled; the result says what was found in it.
      const result: ReviewResult = {
        decision,
        hits,
        suppressed: resolver.suppressed,
        complete: regex.complete,
        ...(regex.complete
          ? {}
          : {
              incomplete: {
                stage: 'regex' as const,
                reason: 'time-budget' as const,
                entriesSkipped: regex.entriesSkipped,
              },
            }),
      };
      let release = last.release;
      if (regexBlock && blockedAt < 0) {
        blockedAt = regexBlock.span.start;
        // Withhold the unreleased tail from the regex block on.
        const from = released - release.length;
        release = release.slice(0, Math.max(0, blockedAt - from));
      }
      return {
        release,
        hits: [...last.hits, ...regex.hits],
        decision,
        blocked: blockedAt >= 0,
        result,
      };
    },
    get held() {
      return text.length - released;
    },
  };
}
