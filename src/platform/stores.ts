/**
 * Everything the platform keeps, behind one object so the implementation is chosen in one place
 * (`createPlatform({ stores })`): `createSqlStores()` (sql-platform-stores.ts) on SQLite or PostgreSQL, with the
 * tamper-evident log as the audit sink.
 */
import type { AccountStore } from './accounts/account-store.ts';
import type { VerificationStore } from './accounts/verification-store.ts';
import type { AgreementStore } from './agreements/agreement.ts';
import type { AuditSink } from './audit-sink.ts';
import type { ApiKeyStore } from './auth/api-key.ts';
import type { LoginAttemptStore } from './auth/login-throttle.ts';
import type { SessionStore } from './auth/session.ts';

export interface PlatformStores {
  accounts: AccountStore;
  sessions: SessionStore;
  apiKeys: ApiKeyStore;
  verifications: VerificationStore;
  agreements: AgreementStore;
  loginAttempts: LoginAttemptStore;
  audit: AuditSink;
  /**
   * Runs `fn` in one database transaction: its writes and its audit events commit together or not at all; `fn` must
   * use the stores it is given. Called inside a transaction, it joins it.
   */
  transaction<T>(fn: (tx: PlatformStores) => Promise<T>): Promise<T>;
  /** Readiness: resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** A name for logs: "sqlite", "postgres". */
  readonly kind: string;
}
