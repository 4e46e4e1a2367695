import { resolve } from 'node:path';
import { CompiledQuery, type DatabaseConnection, type SqliteDialectConfig, SqliteDriver } from 'kysely';
import type { WalCheckpointer } from './wal-checkpointer.ts';

/**
 * Kysely's SQLite driver with two changes.
 *
 * Transactions start with BEGIN IMMEDIATE. A deferred BEGIN takes the write lock only at the first write; if another
 * process committed in between, SQLite cannot upgrade the read snapshot and fails at once with SQLITE_BUSY, without
 * waiting for the busy timeout. Taking the write lock up front makes every transaction wait its turn instead, which is
 * what the audit log (one writer at a time appends to the tree) and the migration lock (one process migrates) rely on.
 *
 * Connections to one file within one process take turns. better-sqlite3 is synchronous: a second connection that
 * meets the first one's write lock waits for it inside SQLite, blocking the event loop — so the first transaction,
 * which needs the event loop to finish, never does, and both fail after the busy timeout. An in-process lock per file
 * makes the second connection wait on the event loop instead. (Other processes still wait inside SQLite, which is fine:
 * their holder keeps running.)
 */
export class HeguiSqliteDriver extends SqliteDriver {
  readonly #lock: FileTurns;
  readonly #checkpointer: WalCheckpointer | null;
  #release: (() => void) | undefined;

  constructor(config: SqliteDialectConfig, file: string, checkpointer: WalCheckpointer | null = null) {
    super(config);
    this.#lock = turnsFor(file);
    this.#checkpointer = checkpointer;
  }

  /** The checkpoint thread closes its connection first, so this one is the last and SQLite tidies the log away. */
  override async destroy(): Promise<void> {
    await this.#checkpointer?.stop();
    await super.destroy();
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.#release = await this.#lock.take();
    return connection;
  }

  override async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
    await super.releaseConnection();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** A first-come, first-served lock. */
class FileTurns {
  #last: Promise<void> = Promise.resolve();

  async take(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const before = this.#last;
    this.#last = before.then(() => mine);
    await before;
    return release;
  }
}

const turns = new Map<string, FileTurns>();

function turnsFor(file: string): FileTurns {
  const key = resolve(file);
  let t = turns.get(key);
  if (!t) {
    t = new FileTurns();
    turns.set(key, t);
  }
  return t;
}
