/**
 * The library the serving engine reviews with (Provisions Art. 10). One reference to one compiled snapshot: a new
 * version is compiled completely first and then swapped in by a single assignment, so a review that took `current()`
 * works on one version from start to end and no request ever sees a half-built library.
 */
import { compileVersion } from '../../review/compiled/compile.ts';
import type { CompiledLibrary } from '../../review/compiled/compiled-library.ts';
import type { ReviewResult } from '../../review/decision.ts';
import type { FeatureLibraryVersion } from '../../review/library/model.ts';
import { MAX_LISTED_HITS, reviewText } from '../../review/review.ts';

export interface LibrarySnapshot {
  readonly version: number;
  readonly contentHash: string;
  /** The publication (head sequence number) this snapshot serves. */
  readonly seq: number;
  readonly compiled: CompiledLibrary;
}

export interface ServedReview extends ReviewResult {
  /** The version this review used (null when nothing is published yet and the review passed unchecked). */
  library: { version: number; contentHash: string } | null;
}

export class LibraryHolder {
  #current: LibrarySnapshot | null = null;
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  current(): LibrarySnapshot | null {
    return this.#current;
  }

  /** Compile `v` (the slow part): nothing served changes yet. `seq` is the publication it belongs to. */
  prepare(v: FeatureLibraryVersion, seq: number): LibrarySnapshot {
    return Object.freeze({
      version: v.version,
      contentHash: v.contentHash,
      seq,
      compiled: compileVersion(v, this.#name),
    });
  }

  /** Swap the one reference; an older publication arriving late never replaces a newer one. */
  swap(snapshot: LibrarySnapshot): LibrarySnapshot {
    if (!this.#current || snapshot.seq > this.#current.seq) this.#current = snapshot;
    return this.#current;
  }

  install(v: FeatureLibraryVersion, seq: number): LibrarySnapshot {
    return this.swap(this.prepare(v, seq));
  }

  /** Review with the snapshot current at the call; the result names that snapshot. */
  review(text: string): ServedReview {
    const snap = this.#current;
    if (!snap) return { decision: 'review', hits: [], suppressed: [], complete: false, library: null };
    const result = reviewText(text, snap.compiled, { maxHits: MAX_LISTED_HITS });
    return { ...result, library: { version: snap.version, contentHash: snap.contentHash } };
  }
}
