/**
 * The platform's stores on SQLite and PostgreSQL (src/store/), with the tamper-evident log as their audit sink.
 * `transaction(fn)` is a database transaction: the slice's writes and the log entries recording them commit together
 * or roll back together (style: "every write appends an audit event in the same transaction").
 */
import { sql } from 'kysely';
import type { Store, StoreTransaction } from '../store/index.ts';
import { SqlAccountStore } from './accounts/sql-account-store.ts';
import { SqlVerificationStore } from './accounts/sql-verification-store.ts';
import { SqlAgreementStore } from './agreements/sql-agreement-store.ts';
import type { AuditLog } from './audit/audit-log.ts';
import type { AuditSink } from './audit-sink.ts';
import { SqlApiKeyStore, SqlLoginAttemptStore, SqlSessionStore } from './auth/sql-auth-stores.ts';
import type { Db } from './sql-rows.ts';
import type { PlatformStores } from './stores.ts';

export interface SqlStoresOptions {
  /** Run when the stores close, before the database does (stop schedules). */
  onClose?: () => Promise<void> | void;
}

export function createSqlStores(store: Store, log: AuditLog, o: SqlStoresOptions = {}): PlatformStores {
  const build = (db: Db, trx: StoreTransaction | undefined): PlatformStores => {
    const audit: AuditSink = {
      // Outside a transaction an event is a write of its own: it gets a transaction of its own.
      append: async (event) => {
        if (trx) await log.append(trx, event);
        else await store.transaction((t) => log.append(t, event));
      },
    };
    const stores: PlatformStores = {
      kind: store.dialect.name,
      accounts: new SqlAccountStore(db),
      sessions: new SqlSessionStore(db),
      apiKeys: new SqlApiKeyStore(db),
      verifications: new SqlVerificationStore(db),
      agreements: new SqlAgreementStore(db),
      loginAttempts: new SqlLoginAttemptStore(db),
      audit,
      // Nested calls join the open transaction.
      transaction: trx ? (fn) => fn(stores) : (fn) => store.transaction((t) => fn(build(t, t))),
      ping: async () => {
        await sql`select 1`.execute(store.db);
      },
      close: async () => {
        await o.onClose?.();
        await store.close();
      },
    };
    return stores;
  };
  return build(store.db, undefined);
}
