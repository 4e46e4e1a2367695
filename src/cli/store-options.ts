/**
 * Which database a command works on: --database URL (PostgreSQL), else --data DIR (SQLite), else the environment
 * (HEGUI_DATABASE_URL, then HEGUI_DATA_DIR), else ./data.
 */
import { sql } from 'kysely';
import { HeguiError, isHeguiError } from '../errors.ts';
import { openStore, type Store, type StoreOptions, storeOptionsFromEnv } from '../store/index.ts';

export interface StoreFlags {
  data?: string;
  database?: string;
}

export function storeOptions(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env): StoreOptions {
  if (flags.data && flags.database) throw new HeguiError('usage', 'give --data or --database, not both');
  if (flags.database) return { databaseUrl: flags.database };
  if (flags.data) return { dataDir: flags.data };
  return storeOptionsFromEnv(env);
}

/** Open an existing store holding the audit log; a database error becomes an `io` error naming the location only. */
export async function openExistingStore(flags: StoreFlags, opts: { readonly?: boolean } = {}): Promise<Store> {
  const store = openStore({ ...storeOptions(flags), ...(opts.readonly ? { readonly: true } : {}) });
  try {
    await sql`select tree_size from audit_head where id = 1`.execute(store.db);
  } catch (e) {
    await store.close().catch(() => {});
    throw asStoreError(e, store.location);
  }
  return store;
}

export function asStoreError(e: unknown, location: string): HeguiError {
  if (isHeguiError(e)) return e;
  const msg = (e as Error)?.message ?? String(e);
  if (/no such table|does not exist/.test(msg)) {
    return new HeguiError('io', `${location} holds no Hegui audit log (is it the right database, and migrated?)`);
  }
  return new HeguiError('io', `cannot use the database ${location}: ${msg}`);
}
