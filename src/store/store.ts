import { join, resolve } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import { HeguiError } from '../errors.ts';
import { type DialectCapabilities, POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES } from './dialect/capabilities.ts';
import { createPostgresPool } from './dialect/postgres/postgres-pool.ts';
import { openSqliteFile, type SqliteFileOptions } from './dialect/sqlite/sqlite-database.ts';
import { HeguiSqliteDialect } from './dialect/sqlite/sqlite-dialect.ts';
import { type MigrationReport, migrateToLatest } from './migrate.ts';
import type { StoreSchema } from './schema/index.ts';
import { runInTransaction, type StoreTransaction } from './transaction.ts';

export const DEFAULT_DATA_DIR = './data';
export const SQLITE_FILE_NAME = 'hegui.sqlite';

export interface StoreOptions extends SqliteFileOptions {
  /** Folder of the embedded SQLite database (default ./data); ignored when `databaseUrl` is given. */
  dataDir?: string;
  /** A PostgreSQL connection URL (postgres://…): the store for more than one server instance. */
  databaseUrl?: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

export interface Store {
  readonly db: Kysely<StoreSchema>;
  readonly dialect: DialectCapabilities;
  /** Where the data is, for messages: the SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** Run `fn` in a transaction (see transaction.ts); every platform write goes through here. */
  transaction<T>(fn: (trx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Bring the schema up to date; reports per migration, never throws half-way. */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;
}

/** Which database the options name: PostgreSQL when a URL is given, else the SQLite file under the data folder. */
export function sqliteFileOf(dataDir: string = DEFAULT_DATA_DIR): string {
  return resolve(join(dataDir, SQLITE_FILE_NAME));
}

/** Options from the environment: `HEGUI_DATABASE_URL` (PostgreSQL) or `HEGUI_DATA_DIR` (SQLite, default ./data). */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  const url = env['HEGUI_DATABASE_URL']?.trim();
  const dir = env['HEGUI_DATA_DIR']?.trim();
  return { ...(url ? { databaseUrl: url } : {}), ...(dir ? { dataDir: dir } : {}) };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Open the store: Kysely over SQLite (`better-sqlite3`, a file under the data folder) or PostgreSQL (`pg`), with the
 * capability flags of the dialect. Does not migrate: call `migrate()` (a server does at start; a verifier does not).
 */
export function openStore(opts: StoreOptions = {}): Store {
  if (opts.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
      throw new HeguiError('usage', 'the database URL must start with postgres:// or postgresql://');
    }
    const pool = createPostgresPool(opts.databaseUrl, opts.poolSize === undefined ? {} : { poolSize: opts.poolSize });
    const db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
    return makeStore(db, POSTGRES_CAPABILITIES, redactUrl(opts.databaseUrl));
  }
  const file = sqliteFileOf(opts.dataDir);
  const { db: database, checkpointer } = openSqliteFile(file, opts);
  const db = new Kysely<StoreSchema>({ dialect: new HeguiSqliteDialect({ database }, file, checkpointer) });
  const store = makeStore(db, SQLITE_CAPABILITIES, file);
  // Also when the store was never used (Kysely then has no driver to destroy).
  return checkpointer ? { ...store, close: () => checkpointer.stop().then(() => db.destroy()) } : store;
}

function makeStore(db: Kysely<StoreSchema>, dialect: DialectCapabilities, location: string): Store {
  return {
    db,
    dialect,
    location,
    transaction: (fn) => runInTransaction(db, fn),
    migrate: () => migrateToLatest(db, dialect),
    close: () => db.destroy(),
  };
}
