import { type DialectAdapter, type Driver, SqliteDialect, type SqliteDialectConfig } from 'kysely';
import { TransactionalSqliteAdapter } from './sqlite-adapter.ts';
import { HeguiSqliteDriver } from './sqlite-driver.ts';

/** Kysely's SQLite dialect with the driver and adapter of this folder (see their comments for why). */
export class HeguiSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #file: string;

  /** `file` is the database's path: connections to one file in this process take turns. */
  constructor(config: SqliteDialectConfig, file: string) {
    super(config);
    this.#config = config;
    this.#file = file;
  }

  override createDriver(): Driver {
    return new HeguiSqliteDriver(this.#config, this.#file);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}
