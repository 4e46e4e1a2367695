/**
 * The image stage of a compiled feature library: its image-hash entries (`pdq:<hex>`, `sha256:<hex>`) as an
 * {@link ImageLibrary} with its multi-index PDQ index, built once per loaded library and cached.
 */
import type { CompiledLibrary } from './compiled/compiled-library.ts';
import { decide, type ReviewResult } from './decision.ts';
import { ImageLibrary } from './image/library.ts';
import { type ImageReview, type ImageReviewOptions, reviewImage } from './image/review-image.ts';
import type { ImageLibraryEntry } from './image/types.ts';
import { PATTERN_KINDS } from './library/model.ts';
import { ACTIONS, RISK_CODES, type Severity } from './risk.ts';

const IMAGE_KIND = PATTERN_KINDS.indexOf('image-hash');
const cache = new WeakMap<CompiledLibrary, ImageLibrary>();

export function imageLibraryOf(lib: CompiledLibrary): ImageLibrary {
  const hit = cache.get(lib);
  if (hit) return hit;
  const entries: ImageLibraryEntry[] = [];
  const { kind, id, pattern, risk, action, severity } = lib.entries;
  for (let i = 0; i < kind.length; i++) {
    if (kind[i] !== IMAGE_KIND) continue;
    const [method, hex] = pattern.get(i).split(':') as ['pdq' | 'sha256', string];
    entries.push({
      id: id.get(i),
      [method]: hex.toLowerCase(),
      riskCode: RISK_CODES[risk[i]!]!,
      action: ACTIONS[action[i]!]!,
      severity: severity[i] as Severity,
    });
  }
  const built = ImageLibrary.build(entries);
  cache.set(lib, built);
  return built;
}

export interface ImageReviewResult extends ReviewResult {
  image: Omit<ImageReview, 'hits'>;
}

/** Review an image (bytes or path) against the library's image entries: SHA-256 exact, PDQ near-duplicates. */
export async function reviewImageWith(
  input: Uint8Array | string,
  lib: CompiledLibrary,
  options: ImageReviewOptions = {},
): Promise<ImageReviewResult> {
  const { hits, ...image } = await reviewImage(input, imageLibraryOf(lib), options);
  return { decision: decide(hits), hits, suppressed: [], complete: true, image };
}
