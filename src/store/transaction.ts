import type { CompiledQuery, DatabaseConnection, Kysely, QueryResult, Transaction } from 'kysely';
import type { StoreSchema } from './schema/index.ts';

export type StoreTransaction = Transaction<StoreSchema>;

/**
 * What one transaction opened by `runInTransaction` carries besides its connection: work to do just before COMMIT and
 * per-transaction state keyed by the module that owns it. The audit log uses both: appends insert their entries at
 * once, and the tree's head and interior nodes are written once, at the end, for all the transaction's appends.
 */
export class TransactionScope {
  readonly #beforeCommit: (() => Promise<void>)[] = [];
  readonly #afterCommit: (() => void)[] = [];
  readonly #state = new Map<symbol, unknown>();
  #closed = false;

  /** Run `hook` before this transaction commits (hooks added by hooks run too). */
  beforeCommit(hook: () => Promise<void>): void {
    if (this.#closed) throw new Error('the transaction has already committed');
    this.#beforeCommit.push(hook);
  }

  /** Run `hook` once this transaction has committed (not when it rolls back): work that must see the write done. */
  afterCommit(hook: () => void): void {
    if (this.#closed) throw new Error('the transaction has already committed');
    this.#afterCommit.push(hook);
  }

  state<T>(key: symbol, init: () => T): T {
    if (!this.#state.has(key)) this.#state.set(key, init());
    return this.#state.get(key) as T;
  }

  async finish(): Promise<void> {
    while (this.#beforeCommit.length > 0) await this.#beforeCommit.shift()!();
    this.#closed = true;
  }

  /** After COMMIT: a failing hook does not undo the commit, so its error is not the transaction's. */
  committed(): void {
    for (const hook of this.#afterCommit.splice(0)) {
      try {
        hook();
      } catch {}
    }
  }
}

const scopes = new WeakMap<object, TransactionScope>();

const CONNECTION = Symbol('connection');

/**
 * Run a compiled statement in a transaction opened by `runInTransaction`, on its connection directly. Kysely's
 * executor takes the connection anew for every statement, through a chain of async functions and closures; the
 * statements every log append runs (a gateway writes a record per answer) take it once per transaction instead. Only
 * within the transaction's work and its before-commit hooks, where the connection is the transaction's. Any other
 * transaction or database goes through Kysely.
 */
export function executeIn<R = unknown>(
  trx: Pick<Kysely<StoreSchema>, 'executeQuery' | 'getExecutor'>,
  query: CompiledQuery,
): Promise<QueryResult<R>> {
  const scope = scopes.get(trx);
  if (!scope) return trx.executeQuery<R>(query);
  const held = scope.state(
    CONNECTION,
    (): { connection?: DatabaseConnection; taking?: Promise<DatabaseConnection> } => ({}),
  );
  if (held.connection) return held.connection.executeQuery<R>(query);
  held.taking ??= trx.getExecutor().provideConnection(async (c) => c);
  return held.taking.then((c) => {
    held.connection = c;
    return c.executeQuery<R>(query);
  });
}

/** The scope of a transaction opened by `runInTransaction`, or undefined for any other. */
export function scopeOf(trx: object): TransactionScope | undefined {
  return scopes.get(trx);
}

/**
 * Run `fn` in a transaction: commit when it returns, roll back when it throws. Platform writes go through this so
 * that their audit event is appended in the same transaction. On SQLite the transaction holds the database's write
 * lock from its start; on PostgreSQL it is READ COMMITTED, and the audit log locks its head row at the first append.
 */
export async function runInTransaction<T>(
  db: Kysely<StoreSchema>,
  fn: (trx: StoreTransaction) => Promise<T>,
): Promise<T> {
  const scope = new TransactionScope();
  const result = await db.transaction().execute(async (trx) => {
    scopes.set(trx, scope);
    const result = await fn(trx);
    await scope.finish();
    return result;
  });
  scope.committed();
  return result;
}
