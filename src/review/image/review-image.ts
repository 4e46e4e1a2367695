/**
 * Review one image against the image entries of a feature library (Provisions Art. 10): exact SHA-256 matches, then
 * PDQ matches of the image and its seven rotations/flips at Hamming distance ≤ 31 (content-safety.md §3.5).
 */
import { readFile } from 'node:fs/promises';
import { sha256Hex } from '../../digest.ts';
import { HeguiError } from '../../errors.ts';
import { type DecodeOptions, decodeLuma } from './decode.ts';
import { DIHEDRAL } from './dihedral.ts';
import { hash256ToHex } from './hash256.ts';
import { DEFAULT_MIN_QUALITY, type ImageLibrary } from './library.ts';
import { dihedralHashes, pdqFromLuma } from './pdq.ts';
import type { ImageHit } from './types.ts';

/** PDQ's recommended match threshold: 31 of 256 bits. */
export const DEFAULT_MAX_DISTANCE = 31;

export interface ImageReviewOptions {
  /** Largest Hamming distance that counts as a match (default 31). */
  maxDistance?: number;
  /** Query images below this PDQ quality get no PDQ hits (default 50). */
  minQuality?: number;
  decode?: DecodeOptions;
}

export interface ImageReview {
  /** Exact matches first, then PDQ matches nearest first; one hit per entry. */
  hits: ImageHit[];
  sha256: string;
  /** The query's PDQ hash and quality, when the image could be hashed. */
  pdq?: { hash: string; quality: number };
  /** Why PDQ matching did not run: the image is too featureless, cannot be decoded, or the library has no hashes. */
  pdqSkipped?: 'low_quality' | 'undecodable' | 'no_pdq_entries';
}

export async function reviewImage(
  input: Uint8Array | string,
  library: ImageLibrary,
  o: ImageReviewOptions = {},
): Promise<ImageReview> {
  const bytes = typeof input === 'string' ? await readInput(input) : input;
  const sha256 = sha256Hex(bytes);
  const hits: ImageHit[] = [];
  const seen = new Set<string>();
  for (const pos of library.sha256.lookup(sha256)) {
    const e = library.entries[pos]!;
    seen.add(e.id);
    hits.push({
      kind: 'image',
      entryId: e.id,
      riskCode: e.riskCode,
      action: e.action,
      severity: e.severity,
      method: 'sha256',
    });
  }
  if (library.pdqCount === 0) return { hits, sha256, pdqSkipped: 'no_pdq_entries' };

  let decoded: Awaited<ReturnType<typeof decodeLuma>>;
  try {
    decoded = await decodeLuma(bytes, o.decode);
  } catch (e) {
    if (e instanceof HeguiError && (e.code === 'format_unknown' || e.code === 'format_unsupported')) {
      return { hits, sha256, pdqSkipped: 'undecodable' };
    }
    throw e;
  }
  const r = pdqFromLuma(decoded.luma, decoded.rows, decoded.cols);
  const pdq = { hash: hash256ToHex(r.hash), quality: r.quality };
  if (r.quality < (o.minQuality ?? DEFAULT_MIN_QUALITY)) return { hits, sha256, pdq, pdqSkipped: 'low_quality' };

  const maxDistance = o.maxDistance ?? DEFAULT_MAX_DISTANCE;
  const best = new Map<number, number>(); // index position → smallest distance over the 8 variants
  const variants = dihedralHashes(r.dct);
  for (const d of DIHEDRAL) {
    for (const m of library.pdqIndex.query(variants[d], maxDistance)) {
      const prev = best.get(m.index);
      if (prev === undefined || m.distance < prev) best.set(m.index, m.distance);
    }
  }
  const pdqHits: ImageHit[] = [];
  for (const [pos, distance] of best) {
    const e = library.entryOfPdq(pos);
    if (seen.has(e.id)) continue;
    pdqHits.push({
      kind: 'image',
      entryId: e.id,
      riskCode: e.riskCode,
      action: e.action,
      severity: e.severity,
      method: 'pdq',
      distance,
      quality: r.quality,
    });
  }
  pdqHits.sort((a, b) => a.distance! - b.distance! || (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0));
  return { hits: [...hits, ...pdqHits], sha256, pdq };
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
    throw new HeguiError('io', `the image file could not be read (${code})`, { errno: code });
  }
}
