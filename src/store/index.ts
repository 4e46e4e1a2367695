/** The store: one interface over SQLite and PostgreSQL (see README.md in this folder). */
export type { DialectCapabilities, DialectName } from './dialect/capabilities.ts';
export { newId } from './ids.ts';
export { type MigrationReport, type MigrationStatus, migrateToLatest, requireMigrated } from './migrate.ts';
export type { StoreSchema } from './schema/index.ts';
export {
  DEFAULT_DATA_DIR,
  openStore,
  redactUrl,
  SQLITE_FILE_NAME,
  type Store,
  type StoreOptions,
  sqliteFileOf,
  storeOptionsFromEnv,
} from './store.ts';
export { runInTransaction, type StoreTransaction, scopeOf, TransactionScope } from './transaction.ts';
