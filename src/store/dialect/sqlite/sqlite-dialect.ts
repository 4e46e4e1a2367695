import { type DialectAdapter, type Driver, SqliteDialect, type SqliteDialectConfig } from 'kysely';
import { TransactionalSqliteAdapter } from './sqlite-adapter.ts';
import { ImmediateSqliteDriver } from './sqlite-driver.ts';

/** Kysely's SQLite dialect with the driver and adapter of this folder (see their comments for why). */
export class HeguiSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}
