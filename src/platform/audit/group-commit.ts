/**
 * Group commit for the tamper-evident log (Provisions Art. 16; Cybersecurity Law Art. 21): records that arrive while a
 * transaction is being committed wait and are written together in the next single transaction, instead of one
 * transaction (one lock of the log's head, one head update, one commit) each. Under concurrent load this is what
 * bounds the log's cost per record. A transaction starts at the end of the event-loop turn in which its first call
 * arrived (setImmediate), so the calls of that turn share it: on SQLite a transaction runs start to commit within one
 * turn (better-sqlite3 is synchronous), so without that nothing would ever be grouped there. A lone record waits only
 * for the rest of its turn. Between two transactions the event loop gets a turn of its own: a SQLite transaction holds
 * the loop while it runs, and requests and streams in flight must not wait for a whole queue of them.
 *
 * Every caller's promise settles only after the transaction holding its work has committed — nothing is reported as
 * recorded before it is — and in the order the calls were made, which is also the order of their entries. The work of
 * one call runs as one piece (its events are consecutive entries). A failure rolls back the whole transaction and
 * rejects every caller whose work it held; later calls go into a new transaction.
 */
import type { Store, StoreTransaction } from '../../store/index.ts';
import type { AppendedEntry, AuditLog } from './audit-log.ts';
import type { AuditEvent } from './leaf.ts';

interface Waiting {
  work: (trx: StoreTransaction) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(e: unknown): void;
}

/** Most calls in one transaction: bounds how long the head stays locked and how much one failure takes with it. */
const DEFAULT_MAX_CALLS = 256;

export class GroupCommit {
  readonly #store: Pick<Store, 'transaction'>;
  readonly #log: AuditLog;
  readonly #maxCalls: number;
  readonly #queue: Waiting[] = [];
  /** A transaction is scheduled or running: new calls queue for the next one. */
  #busy = false;

  constructor(store: Pick<Store, 'transaction'>, log: AuditLog, o: { maxCallsPerTransaction?: number } = {}) {
    this.#store = store;
    this.#log = log;
    this.#maxCalls = Math.max(1, o.maxCallsPerTransaction ?? DEFAULT_MAX_CALLS);
  }

  /** Append one event; resolves with its entry once committed. */
  append(event: AuditEvent): Promise<AppendedEntry> {
    return this.transaction((trx) => this.#log.append(trx, event));
  }

  /** Append events that belong together (consecutive entries, one commit); resolves once committed. */
  appendAll(events: readonly AuditEvent[]): Promise<AppendedEntry[]> {
    return this.transaction(async (trx) => {
      const out: AppendedEntry[] = [];
      for (const e of events) out.push(await this.#log.append(trx, e));
      return out;
    });
  }

  /**
   * Run `work` in the next shared transaction, like `store.transaction` (writes and their `log.append` calls on
   * `trx`); resolves with its result once that transaction has committed.
   */
  transaction<T>(work: (trx: StoreTransaction) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#busy) {
        this.#busy = true;
        setImmediate(() => void this.#commitQueued());
      }
    });
  }

  /** One transaction at a time; each takes everything that queued up while the previous one committed. */
  async #commitQueued(): Promise<void> {
    try {
      for (let first = true; this.#queue.length > 0; first = false) {
        // The turn the first transaction was scheduled in has ended already (setImmediate); the next ones wait for one.
        if (!first) await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.#queue.splice(0, this.#maxCalls);
        try {
          const results = await this.#store.transaction(async (trx) => {
            const out: unknown[] = [];
            for (const w of batch) out.push(await w.work(trx));
            return out;
          });
          for (const [i, w] of batch.entries()) w.resolve(results[i]);
        } catch (e) {
          for (const w of batch) w.reject(e);
        }
      }
    } finally {
      this.#busy = false;
    }
  }
}
