/**
 * The outcome of a review and the evidence for it (Provisions Art. 10; architecture: "evidence for every decision").
 * Text and image stages produce hits of one union, so a caller decides over both with the same `decide`.
 */
import { ACTION_RANK, type ReviewAction, type RiskCode, type Severity } from './risk.ts';

export type ReviewDecision = 'pass' | 'review' | 'block';

/** How a text hit's pattern was produced: the entry itself, or a variant generated when the library was built. */
export type VariantKind = 'term' | 'pinyin' | 'initials' | 'homophone' | 'split' | 'regex' | 'cooccurrence';

/** A span of the ORIGINAL input: UTF-16 code unit offsets, `start` inclusive, `end` exclusive (`text.slice(start, end)`). */
export interface Span {
  start: number;
  end: number;
}

export interface TextHit {
  kind: 'text';
  entryId: string;
  /** The entry's pattern as written in the library (a term, a regex source, or "A … B" for a co-occurrence rule). */
  pattern: string;
  riskCode: RiskCode;
  action: ReviewAction;
  severity: Severity;
  /** Which form matched: the variant kind and its text before normalisation (e.g. pinyin "falungong"). */
  variant: { kind: VariantKind; form: string };
  span: Span;
  /** `input.slice(span.start, span.end)`. */
  matchedText: string;
}

/** Produced by the image stage (`src/review/image/`): a PDQ hash within distance, or an exact SHA-256 match. */
export interface ImageHit {
  kind: 'image';
  entryId: string;
  riskCode: RiskCode;
  action: ReviewAction;
  severity: Severity;
  method: 'pdq' | 'sha256';
  /** PDQ Hamming distance to the library hash (0–256); absent for SHA-256. */
  distance?: number;
  /** PDQ quality of the input image (0–100). */
  quality?: number;
}

export type ReviewHit = TextHit | ImageHit;

/** A hit that was found and then set aside, kept so an explanation can say why a term did not count. */
export interface SuppressedHit {
  entryId: string;
  span: Span;
  reason: 'allow-list' | 'boundary' | 'word-boundary' | 'repeat-count';
}

export interface ReviewResult {
  decision: ReviewDecision;
  hits: ReviewHit[];
  suppressed: SuppressedHit[];
  /** False when a stage stopped early (the regex time budget); the decision is then at least "review". */
  complete: boolean;
  incomplete?: { stage: 'regex'; reason: 'time-budget'; entriesSkipped: number };
  /**
   * Term hits and set-aside matches found past the review's `maxHits`: counted, not listed (only when there are any).
   * The decision covers them.
   */
  omitted?: { hits: number; suppressed: number };
}

const DECISION_OF: Readonly<Record<ReviewAction, ReviewDecision>> = { block: 'block', review: 'review', log: 'pass' };

/** The decision one hit of this action makes. */
export const decisionOf = (action: ReviewAction): ReviewDecision => DECISION_OF[action];

/** The most severe action among the hits: any block → block; else any review → review; else pass (log hits pass). */
export function decide(hits: readonly ReviewHit[]): ReviewDecision {
  let rank = 0;
  let action: ReviewAction | undefined;
  for (const h of hits) {
    const r = ACTION_RANK[h.action];
    if (r > rank) {
      rank = r;
      action = h.action;
    }
  }
  return action ? DECISION_OF[action] : 'pass';
}

export const DECISION_RANK: Readonly<Record<ReviewDecision, number>> = { pass: 0, review: 1, block: 2 };

/** The more severe of two decisions. */
export function stricter(a: ReviewDecision, b: ReviewDecision): ReviewDecision {
  return DECISION_RANK[a] >= DECISION_RANK[b] ? a : b;
}
