/**
 * Everything the platform keeps, behind one object so the implementation is chosen in one place
 * (`createPlatform({ stores })`). `src/store/` provides SQLite and PostgreSQL; `createInMemoryStores()` is the test and
 * development implementation — nothing survives a restart, and it is not the product's storage.
 */
import type { AccountStore } from './accounts/account-store.ts';
import { InMemoryAccountStore } from './accounts/in-memory-account-store.ts';
import { InMemoryVerificationStore, type VerificationStore } from './accounts/verification-store.ts';
import type { AgreementStore } from './agreements/agreement.ts';
import { InMemoryAgreementStore } from './agreements/in-memory-agreement-store.ts';
import { type AuditSink, InMemoryAuditSink } from './audit-sink.ts';
import { type ApiKeyStore, InMemoryApiKeyStore } from './auth/api-key.ts';
import { InMemoryLoginAttemptStore, type LoginAttemptStore } from './auth/login-throttle.ts';
import { InMemorySessionStore, type SessionStore } from './auth/session.ts';

export interface PlatformStores {
  accounts: AccountStore;
  sessions: SessionStore;
  apiKeys: ApiKeyStore;
  verifications: VerificationStore;
  agreements: AgreementStore;
  loginAttempts: LoginAttemptStore;
  audit: AuditSink;
  /**
   * Runs `fn` so that its writes and its audit events commit together or not at all; `fn` must use the stores it is
   * given. (The in-memory implementation runs `fn` directly and cannot roll back.)
   */
  transaction<T>(fn: (tx: PlatformStores) => Promise<T>): Promise<T>;
  /** Readiness: resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** A name for logs: "memory", "sqlite", "postgres". */
  readonly kind: string;
}

export interface InMemoryStores extends PlatformStores {
  audit: InMemoryAuditSink;
}

export function createInMemoryStores(): InMemoryStores {
  const stores: InMemoryStores = {
    kind: 'memory',
    accounts: new InMemoryAccountStore(),
    sessions: new InMemorySessionStore(),
    apiKeys: new InMemoryApiKeyStore(),
    verifications: new InMemoryVerificationStore(),
    agreements: new InMemoryAgreementStore(),
    loginAttempts: new InMemoryLoginAttemptStore(),
    audit: new InMemoryAuditSink(),
    transaction: (fn) => fn(stores),
    ping: async () => {},
    close: async () => {},
  };
  return stores;
}
