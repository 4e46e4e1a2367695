import { SqliteAdapter } from 'kysely';

/**
 * SQLite runs DDL inside transactions, so migrations run in one. Kysely's adapter says otherwise and takes no migration
 * lock ("one connection"), which holds inside one process but not for two processes opening the same file. With
 * transactional DDL on, Kysely's migrator opens its transaction before reading which migrations ran; our driver makes
 * that BEGIN IMMEDIATE, which waits for any other process's migration to commit: that is the lock.
 */
export class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
