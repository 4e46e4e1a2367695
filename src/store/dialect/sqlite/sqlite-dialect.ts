import { type DialectAdapter, type Driver, SqliteDialect, type SqliteDialectConfig } from 'kysely';
import { TransactionalSqliteAdapter } from './sqlite-adapter.ts';
import { HeguiSqliteDriver } from './sqlite-driver.ts';
import type { WalCheckpointer } from './wal-checkpointer.ts';

/** Kysely's SQLite dialect with the driver and adapter of this folder (see their comments for why). */
export class HeguiSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #file: string;
  readonly #checkpointer: WalCheckpointer | null;

  /**
   * `file` is the database's path: connections to one file in this process take turns. A `checkpointer` (background
   * checkpoints) is stopped when the database is closed.
   */
  constructor(config: SqliteDialectConfig, file: string, checkpointer: WalCheckpointer | null = null) {
    super(config);
    this.#config = config;
    this.#file = file;
    this.#checkpointer = checkpointer;
  }

  override createDriver(): Driver {
    return new HeguiSqliteDriver(this.#config, this.#file, this.#checkpointer);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}
