/** Storage of accounts; SqlAccountStore (sql-account-store.ts) implements it on SQLite and PostgreSQL. */
import type { IdentifierKind } from '../pii/protected-identifier.ts';
import type { Account, AccountKind } from './account.ts';

export interface AccountListFilter {
  kinds?: AccountKind[];
  limit?: number;
  offset?: number;
}

/** Fields to change; a key present with the value undefined clears that field. */
export type AccountPatch = Partial<
  Pick<
    Account,
    'displayName' | 'role' | 'status' | 'passwordHash' | 'mustChangePassword' | 'totp' | 'identifiers' | 'updatedAt'
  >
>;

export interface AccountStore {
  /** Fails with `conflict` when the user name is taken. */
  insert(account: Account): Promise<void>;
  get(id: string): Promise<Account | undefined>;
  getByUsername(username: string): Promise<Account | undefined>;
  /** Fails with `not_found` for an unknown id. Keys set to undefined are cleared. */
  update(id: string, patch: AccountPatch): Promise<Account>;
  list(filter?: AccountListFilter): Promise<Account[]>;
  /** Accounts holding an identifier with this lookup hash (keyed hash, never the number). */
  findByIdentifier(kind: IdentifierKind, lookup: string): Promise<Account[]>;
}
