import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { HeguiError } from '../../../errors.ts';
import { BACKSTOP_PAGES, SQLITE_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer.ts';

export interface SqliteFileOptions {
  /** Open an existing file read-only (verification); never creates it. */
  readonly?: boolean;
  /** How long a writer waits for another process's write lock before SQLITE_BUSY (default 10 s). */
  busyTimeoutMs?: number;
  /**
   * `normal` (default): with WAL, a commit survives a crash of the process; a power loss may roll back the last
   * commits but never corrupts the file. `full`: every commit is also synced to disk before it returns.
   */
  synchronous?: 'normal' | 'full';
  /**
   * Who copies the write-ahead log back into the database file. `auto` (default): SQLite, inside the commit that
   * fills the log, on the calling thread. `background`: a worker thread, once a second (wal-checkpointer.ts), so no
   * commit waits for a checkpoint's fsync; what a long-running server uses.
   */
  checkpoint?: 'auto' | 'background';
}

/** Cached statements per connection: preparing costs more than running a small statement. */
const STATEMENT_CACHE_LIMIT = 500;

/**
 * Open the SQLite file with the settings every connection needs: WAL (readers do not block the writer), foreign keys
 * on (off by default in SQLite), a busy timeout (another process may hold the write lock). The returned object is what
 * Kysely's dialect expects, with prepared statements reused by SQL text.
 */
export function openSqliteFile(
  file: string,
  opts: SqliteFileOptions = {},
): { db: SqliteDatabase; raw: Database.Database; checkpointer: WalCheckpointer | null } {
  let raw: Database.Database;
  try {
    if (!opts.readonly) mkdirSync(dirname(file), { recursive: true });
    raw = new Database(file, { readonly: opts.readonly === true, fileMustExist: opts.readonly === true });
  } catch (e) {
    throw new HeguiError('io', `cannot open the SQLite database ${file}: ${(e as Error).message}`, { file });
  }
  raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 10_000))}`);
  if (!opts.readonly) {
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  }
  const background = opts.checkpoint === 'background' && !opts.readonly;
  if (background) raw.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  raw.pragma('foreign_keys = ON');
  const cache = new Map<string, Database.Statement>();
  const db: SqliteDatabase = {
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      // A statement still iterating (a streamed query) cannot run again until it finishes: prepare another.
      if (hit && !hit.busy) return hit as unknown as SqliteStatement;
      const stmt = raw.prepare(sql);
      if (!hit) {
        if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
        cache.set(sql, stmt);
      }
      return stmt as unknown as SqliteStatement;
    },
  };
  const checkpointer = background
    ? WalCheckpointer.start(file, () => {
        // SQLite's default threshold again; a connection closed meanwhile has nothing left to set.
        if (raw.open) raw.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
      })
    : null;
  return { db, raw, checkpointer };
}
