/** What `hegui log verify` finds: problems with stable codes, each naming the entry it is about where there is one. */

export type ProblemCode =
  | 'entry_missing' // an index between 0 and the log's size has no row (deleted)
  | 'entry_unexpected' // a row with an index that cannot be there (negative, past a gap that was filled, …)
  | 'payload_mismatch' // the payload text does not hash to the stored payload hash (edited)
  | 'leaf_mismatch' // the entry's fields do not hash to its stored leaf hash (edited, or moved to another index)
  | 'time_backwards' // logged earlier than the entry before it (reordered or edited)
  | 'purge_invalid' // payload gone without a purge time, or purged before the legal minimum of 6 months
  | 'node_mismatch' // a stored interior node disagrees with the entries under it
  | 'node_missing' // a stored interior node is missing (proofs involving it fail)
  | 'head_mismatch' // the head row (size, frontier) disagrees with the entries
  | 'checkpoint_root_mismatch' // the entries do not produce a signed checkpoint's root
  | 'checkpoint_signature_invalid' // the signature does not verify under the checkpoint's key
  | 'checkpoint_key_unknown' // signed by a key that is not recorded, or not among the keys given with --public-key
  | 'checkpoint_beyond_log' // a checkpoint covers entries that are not in the log (truncated)
  | 'file_missing' // export: a file the manifest lists is not there
  | 'file_hash_mismatch' // export: a file's SHA-256 differs from the manifest
  | 'export_malformed' // export: a line or the manifest cannot be read
  | 'proof_invalid'; // export: an inclusion or consistency proof does not verify

export interface Problem {
  code: ProblemCode;
  /** The entry concerned (the first of a range), if any. */
  entry?: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  kind: 'database' | 'export';
  source: string;
  entries: number;
  /** Entries whose payload was purged per retention (they verify from their kept payload hash). */
  purged: number;
  /** Root of the tree rebuilt from the entries, hex. */
  rootHash: string;
  checkpoints: { checked: number; latest: { treeSize: number; rootHash: string; keyId: string } | null };
  keys: { keyId: string; algorithm: string }[];
  /** The lowest entry any problem names: where the log stops being trustworthy. */
  firstBadEntry: number | null;
  problems: Problem[];
  /** All problems found (only the first MAX_PROBLEMS are listed). */
  problemCount: number;
}

export const MAX_PROBLEMS = 100;

/**
 * How precisely a problem locates the bad entry: the entry itself; the lowest stored subtree that disagrees (one of
 * its entries, usually a pair); or the range between the last matching checkpoint and the first failing one.
 */
export type Precision = 'entry' | 'subtree' | 'checkpoint';

/** Collects problems, keeping the first MAX_PROBLEMS and, per precision, the lowest entry named. */
export class ProblemList {
  readonly list: Problem[] = [];
  count = 0;
  readonly #lowest: Record<Precision, number | null> = { entry: null, subtree: null, checkpoint: null };

  add(code: ProblemCode, message: string, entry?: number, precision: Precision = 'entry'): void {
    this.count++;
    if (this.list.length < MAX_PROBLEMS)
      this.list.push(entry === undefined ? { code, message } : { code, entry, message });
    if (entry === undefined) return;
    const low = this.#lowest[precision];
    this.#lowest[precision] = low === null ? entry : Math.min(low, entry);
  }

  /** The first bad entry, from the most precise kind of problem found. */
  get firstBadEntry(): number | null {
    return this.#lowest.entry ?? this.#lowest.subtree ?? this.#lowest.checkpoint;
  }
}
