import { CompiledQuery, type DatabaseConnection, SqliteDriver } from 'kysely';

/**
 * Kysely's SQLite driver with one change: transactions start with BEGIN IMMEDIATE.
 *
 * A deferred BEGIN takes the write lock only at the first write; if another process committed in between, SQLite
 * cannot upgrade the read snapshot and fails at once with SQLITE_BUSY, without waiting for the busy timeout. Taking the
 * write lock up front makes every transaction wait its turn instead, which is what the audit log (one writer at a time
 * appends to the tree) and the migration lock (one process migrates) rely on.
 */
export class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
