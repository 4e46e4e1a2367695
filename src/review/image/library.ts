/**
 * The image part of one feature-library version, compiled once: a multi-index over its PDQ hashes and a bank of its
 * SHA-256 digests. Immutable, like the library version it comes from (content-safety.md §4).
 */
import { HeguiError } from '../../errors.ts';
import { ACTIONS, isRiskCode } from '../risk.ts';
import { type Hash256, hash256FromHex, isHash256Hex } from './hash256.ts';
import { PdqIndex } from './mih.ts';
import { isSha256Hex, Sha256Bank } from './sha256-bank.ts';
import type { ImageLibraryEntry } from './types.ts';

/** Shape of a TC260-003 App. A code (A.1.a … A.5.b); the full taxonomy table lives with the text engine. */

/** PDQ's own threshold: hashes of images below this quality are unstable and not admitted. */
export const DEFAULT_MIN_QUALITY = 50;

export interface ImageLibraryOptions {
  /** Entries whose stated quality is below this are refused (default 50). Entries without a quality are admitted. */
  minQuality?: number;
}

export class ImageLibrary {
  readonly entries: readonly ImageLibraryEntry[];
  readonly pdqIndex: PdqIndex;
  readonly sha256: Sha256Bank;
  /** Position in the PDQ index → position in `entries`. */
  private readonly pdqOwner: Uint32Array;

  private constructor(entries: ImageLibraryEntry[], pdq: Hash256[], pdqOwner: number[], bank: Sha256Bank) {
    this.entries = entries;
    this.pdqIndex = PdqIndex.fromHashes(pdq);
    this.pdqOwner = Uint32Array.from(pdqOwner);
    this.sha256 = bank;
  }

  /** Validate and compile. Refuses the whole set on the first bad entry, naming its position and field. */
  static build(entries: readonly ImageLibraryEntry[], o: ImageLibraryOptions = {}): ImageLibrary {
    const minQuality = o.minQuality ?? DEFAULT_MIN_QUALITY;
    const ids = new Set<string>();
    const kept: ImageLibraryEntry[] = [];
    const pdq: Hash256[] = [];
    const owner: number[] = [];
    const bank = new Sha256Bank();
    entries.forEach((e, at) => {
      const bad = (field: string, why: string) =>
        new HeguiError('usage', `image library entry ${at + 1}: ${field} ${why}`, { entry: at, field });
      if (typeof e.id !== 'string' || e.id.length === 0) throw bad('id', 'is missing');
      if (ids.has(e.id)) throw bad('id', 'repeats an earlier entry');
      if (e.pdq === undefined && e.sha256 === undefined) throw bad('pdq/sha256', 'is missing: one of them is needed');
      if (e.pdq !== undefined && !isHash256Hex(e.pdq)) throw bad('pdq', 'must be 64 hex digits');
      if (e.sha256 !== undefined && !isSha256Hex(e.sha256)) throw bad('sha256', 'must be 64 hex digits');
      if (!isRiskCode(e.riskCode)) throw bad('riskCode', 'is not one of the 31 TC260-003 risk codes (A.1.a … A.5.b)');
      if (!(ACTIONS as readonly string[]).includes(e.action)) throw bad('action', 'must be block, review or log');
      if (!Number.isInteger(e.severity) || e.severity < 1 || e.severity > 5) throw bad('severity', 'must be 1 to 5');
      if (e.quality !== undefined && e.pdq !== undefined && e.quality < minQuality) {
        throw bad('quality', `is below the minimum of ${minQuality}: the hash is too unstable to match on`);
      }
      ids.add(e.id);
      const pos = kept.push({ ...e }) - 1;
      if (e.pdq !== undefined) {
        pdq.push(hash256FromHex(e.pdq));
        owner.push(pos);
      }
      if (e.sha256 !== undefined) bank.add(e.sha256, pos);
    });
    return new ImageLibrary(kept, pdq, owner, bank);
  }

  /** Entry behind a position of the PDQ index. */
  entryOfPdq(indexPosition: number): ImageLibraryEntry {
    return this.entries[this.pdqOwner[indexPosition]!]!;
  }

  get pdqCount(): number {
    return this.pdqIndex.size;
  }
}
