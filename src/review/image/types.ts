/**
 * Shapes shared by the image side of the review engine. `ImageHit` is the image member of the engine's `ReviewHit`
 * union and must keep exactly this shape.
 */

import type { ReviewAction, RiskCode, Severity } from '../risk.ts';

/** What an entry asks the engine to do with matching content (content-safety.md §3.4). */
export type ImageAction = ReviewAction;

/** The image member of the engine's `ReviewHit` union, defined once in decision.ts. */
export type { ImageHit } from '../decision.ts';

/** A feature-library entry for images: a PDQ hash, a SHA-256 file digest, or both. */
export interface ImageLibraryEntry {
  id: string;
  /** 64 hex digits, as ThreatExchange tools print a PDQ hash. */
  pdq?: string;
  /** 64 hex digits of the file's SHA-256. */
  sha256?: string;
  riskCode: RiskCode;
  action: ImageAction;
  severity: Severity;
  /** PDQ quality of the image the hash came from, when known; entries below the minimum quality are refused. */
  quality?: number;
}
