/**
 * Shapes shared by the image side of the review engine. `ImageHit` is the image member of the engine's `ReviewHit`
 * union and must keep exactly this shape.
 */

/** What an entry asks the engine to do with matching content (content-safety.md §3.4). */
export type ImageAction = 'block' | 'review' | 'log';

export interface ImageHit {
  kind: 'image';
  entryId: string;
  /** TC260-003 App. A risk code, e.g. 'A.1.f'. */
  riskCode: string;
  action: ImageAction;
  severity: number;
  method: 'pdq' | 'sha256';
  /** PDQ only: Hamming distance to the entry, the smallest over the query's eight rotations and flips. */
  distance?: number;
  /** PDQ only: quality of the query image (0–100). */
  quality?: number;
}

/** A feature-library entry for images: a PDQ hash, a SHA-256 file digest, or both. */
export interface ImageLibraryEntry {
  id: string;
  /** 64 hex digits, as ThreatExchange tools print a PDQ hash. */
  pdq?: string;
  /** 64 hex digits of the file's SHA-256. */
  sha256?: string;
  riskCode: string;
  action: ImageAction;
  severity: number;
  /** PDQ quality of the image the hash came from, when known; entries below the minimum quality are refused. */
  quality?: number;
}
