/**
 * The tamper-evident log (Cybersecurity Law Art. 21: network logs kept ≥ 6 months; Provisions Art. 16: logs of
 * generation; Art. 21: data support to regulators). An append-only Merkle tree in the style of RFC 9162: each platform
 * write appends an event in its own transaction, checkpoints sign the tree's root, and inclusion and consistency
 * proofs let anyone holding a checkpoint check entries and growth without trusting the database.
 */
import { HeguiError } from '../../errors.ts';
import type { Store, StoreTransaction } from '../../store/index.ts';
import { scopeOf } from '../../store/transaction.ts';
import { checkpointBody, type SignedCheckpoint } from './checkpoint.ts';
import { type AuditEvent, entryLeafHash, prepareEvent, sha256 } from './leaf.ts';
import { appendToFrontier, rootOfFrontier } from './merkle/frontier.ts';
import { EMPTY_ROOT } from './merkle/hash.ts';
import { hashesOfRanges } from './merkle/proofs.ts';
import { consistencyRanges, inclusionRanges, type LeafRange, nodePos } from './merkle/shape.ts';
import type { CheckpointSigner } from './signing-key.ts';
import type { LogHead, SqlAuditStore } from './sql-audit-store.ts';

export interface CheckpointPolicy {
  /** Sign a checkpoint when a transaction takes the tree past a multiple of this many entries (default 1000). */
  everyEntries: number;
  /** The schedule started by startCheckpointSchedule() signs one this often if the tree grew (default 60 s). */
  everySeconds: number;
}

export interface AppendedEntry {
  index: number;
  loggedAt: string;
  /** Hex. */
  leafHash: string;
}

export interface InclusionProof {
  index: number;
  treeSize: number;
  leafHash: string;
  /** MTH of the first treeSize entries, hex. */
  rootHash: string;
  /** RFC 9162 §2.1.3.1 PATH, bottom first, hex. */
  path: string[];
}

export interface ConsistencyProof {
  first: number;
  second: number;
  firstRootHash: string;
  secondRootHash: string;
  /** RFC 9162 §2.1.4.1 PROOF, hex. */
  path: string[];
}

/** What one transaction's appends share: the locked head, and the interior nodes still to write. */
interface PendingAppends {
  head: LogHead;
  startSize: number;
  nodes: { pos: number; hash: Buffer }[];
  /** The event types appended, for the commit listeners. */
  types: Set<string>;
}

/** Told after a transaction that appended events has committed, with the types of those events. */
export type CommitListener = (types: ReadonlySet<string>) => void;

const PENDING = Symbol('audit.pending');

export class AuditLog {
  readonly #store: Store;
  readonly #sql: SqlAuditStore;
  readonly #signer: CheckpointSigner | null;
  readonly #policy: CheckpointPolicy;
  readonly #now: () => Date;
  readonly #listeners = new Set<CommitListener>();

  constructor(
    store: Store,
    sql: SqlAuditStore,
    signer: CheckpointSigner | null,
    policy: CheckpointPolicy,
    now: () => Date,
  ) {
    this.#store = store;
    this.#sql = sql;
    this.#signer = signer;
    this.#policy = policy;
    this.#now = now;
  }

  get signer(): CheckpointSigner | null {
    return this.#signer;
  }

  /**
   * Append an event inside the caller's transaction (one opened by `store.transaction`): it commits or rolls back with
   * the write it records. The first append of a transaction locks the log's head until the transaction ends, so call
   * it after the transaction's other writes to keep that short. Returns the entry's index once it is certain.
   */
  async append(trx: StoreTransaction, event: AuditEvent): Promise<AppendedEntry> {
    const e = prepareEvent(event);
    const pending = await this.#pending(trx, 'audit.append');
    pending.types.add(e.type);
    const head = pending.head;
    const index = head.size;
    const now = this.#now().toISOString();
    // Entries never go back in time (a clock step backwards keeps the last time), so a period is an index range.
    const loggedAt = head.lastLoggedAt !== null && head.lastLoggedAt > now ? head.lastLoggedAt : now;
    const payloadSha256 = sha256(e.payload);
    const leaf = entryLeafHash({ index, loggedAt, type: e.type, actor: e.actor, subject: e.subject, payloadSha256 });
    appendToFrontier(head.frontier, index, leaf, (level, i, hash) =>
      pending.nodes.push({ pos: nodePos(level, i), hash }),
    );
    head.size = index + 1;
    head.lastLoggedAt = loggedAt;
    await this.#sql.insertEntry(trx, {
      idx: index,
      logged_at: loggedAt,
      type: e.type,
      actor: e.actor,
      subject: e.subject,
      payload: e.payload,
      payload_sha256: payloadSha256,
      leaf_hash: leaf,
      purged_at: null,
    });
    return { index, loggedAt, leafHash: leaf.toString('hex') };
  }

  /**
   * Take the head lock for this transaction now, as its first append would. A writer whose appends depend on what it
   * reads (an import that skips what is already in the log) calls this before reading: such transactions then run one
   * after another on every dialect, so the same thing is never appended twice.
   */
  async lock(trx: StoreTransaction): Promise<void> {
    await this.#pending(trx, 'audit.lock');
  }

  /** The transaction's appends so far; the first call locks the head and registers the pre-commit flush. */
  #pending(trx: StoreTransaction, what: string): Promise<PendingAppends> {
    const scope = scopeOf(trx);
    if (!scope) throw new HeguiError('usage', `${what} needs a transaction opened by store.transaction()`);
    return scope.state(PENDING, () =>
      this.#sql.lockHead(trx).then((head): PendingAppends => {
        const p: PendingAppends = { head, startSize: head.size, nodes: [], types: new Set() };
        scope.beforeCommit(() => this.#flush(trx, p));
        if (this.#listeners.size > 0) scope.afterCommit(() => p.types.size > 0 && this.#committed(p.types));
        return p;
      }),
    );
  }

  /**
   * Listen to committed appends. Every platform write appends its event in its own transaction, so this sees every
   * write that changes what the platform answers (caches of those answers drop them here). Returns the unsubscribe.
   */
  onCommit(listener: CommitListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #committed(types: ReadonlySet<string>): void {
    for (const l of this.#listeners) l(types);
  }

  /** Just before COMMIT: the interior nodes and the head, once for all of the transaction's appends. */
  async #flush(trx: StoreTransaction, p: PendingAppends): Promise<void> {
    if (p.head.size === p.startSize) return;
    await this.#sql.insertNodes(trx, p.nodes);
    await this.#sql.writeHead(trx, p.head);
    const every = this.#policy.everyEntries;
    if (this.#signer && Math.floor(p.startSize / every) !== Math.floor(p.head.size / every)) {
      await this.#sql.insertCheckpoint(trx, this.#sign(p.head));
    }
  }

  #sign(head: LogHead): SignedCheckpoint {
    const signer = this.#signer!;
    const c = {
      logId: head.logId,
      treeSize: head.size,
      rootHash: rootOfFrontier(head.frontier).toString('hex'),
      createdAt: this.#now().toISOString(),
    };
    const signature = signer.sign(checkpointBody(c)).toString('base64');
    return { ...c, keyId: signer.keyId, algorithm: signer.algorithm, signature };
  }

  /** The current size and root (unsigned). */
  async head(): Promise<{ logId: string; treeSize: number; rootHash: string }> {
    const h = await this.#sql.readHead();
    return { logId: h.logId, treeSize: h.size, rootHash: rootOfFrontier(h.frontier).toString('hex') };
  }

  /**
   * Sign a checkpoint of the current tree, or return the latest one if the tree has not grown since. Needs the
   * signing key.
   */
  async checkpoint(): Promise<SignedCheckpoint> {
    if (!this.#signer) throw new HeguiError('usage', 'no log signing key is loaded: checkpoints cannot be signed here');
    return this.#store.transaction(async (trx) => {
      const head = await this.#sql.lockHead(trx);
      const [latest] = await this.#sql.checkpoints({ latest: true }, trx);
      if (latest && latest.treeSize === head.size) return latest;
      const c = this.#sign(head);
      await this.#sql.insertCheckpoint(trx, c);
      return c;
    });
  }

  async latestCheckpoint(): Promise<SignedCheckpoint | null> {
    return (await this.#sql.checkpoints({ latest: true }))[0] ?? null;
  }

  /** Sign checkpoints every `everySeconds` while the tree grows; returns the function that stops it. */
  startCheckpointSchedule(onError: (e: unknown) => void = () => {}): () => void {
    let running = false;
    const tick = async () => {
      if (running) return;
      running = true;
      try {
        const [head, latest] = await Promise.all([this.#sql.readHead(), this.latestCheckpoint()]);
        if (head.size > (latest?.treeSize ?? -1)) await this.checkpoint();
      } catch (e) {
        onError(e);
      } finally {
        running = false;
      }
    };
    const timer = setInterval(tick, this.#policy.everySeconds * 1000);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Proof that entry `index` is in the tree of `treeSize` entries (default: the current size). */
  async inclusionProof(index: number, treeSize?: number): Promise<InclusionProof> {
    const size = treeSize ?? (await this.#sql.readHead()).size;
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
      throw new HeguiError('usage', `entry ${index} is not in a tree of ${size} entries`, { index, treeSize: size });
    }
    // Path, root and leaf in one batch of stored hashes.
    const hashes = await this.#hashes([...inclusionRanges(index, size), [0, size], [index, index + 1]], size);
    const [root, leaf] = hashes.splice(-2);
    return { index, treeSize: size, leafHash: hex(leaf!), rootHash: hex(root!), path: hashes.map(hex) };
  }

  /** Proof that the tree of `first` entries is a prefix of the tree of `second` (default: the current size). */
  async consistencyProof(first: number, second?: number): Promise<ConsistencyProof> {
    const size = second ?? (await this.#sql.readHead()).size;
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(size) || first < 1 || first > size) {
      throw new HeguiError('usage', `a consistency proof needs 1 ≤ first ≤ second (${first}, ${size})`, {
        first,
        second: size,
      });
    }
    const ranges = first === size ? [] : consistencyRanges(first, size);
    const hashes = await this.#hashes([...ranges, [0, first], [0, size]], size);
    const [r1, r2] = hashes.splice(-2);
    return { first, second: size, firstRootHash: hex(r1!), secondRootHash: hex(r2!), path: hashes.map(hex) };
  }

  /** MTH of the first `treeSize` entries. */
  async rootAt(treeSize: number): Promise<string> {
    if (treeSize === 0) return hex(EMPTY_ROOT);
    const [root] = await this.#hashes([[0, treeSize]], treeSize);
    return hex(root!);
  }

  /** Hashes of RFC ranges; a hash missing because `size` is past the log is a usage error, not damage. */
  async #hashes(ranges: LeafRange[], size: number): Promise<Buffer[]> {
    try {
      return await hashesOfRanges((b) => this.#sql.subtreeHashes(b), ranges);
    } catch (e) {
      const current = (await this.#sql.readHead()).size;
      if (size > current) {
        throw new HeguiError('usage', `the log has ${current} entries; no tree of ${size}`, {
          treeSize: size,
          current,
        });
      }
      throw e;
    }
  }
}

const hex = (b: Buffer) => b.toString('hex');
