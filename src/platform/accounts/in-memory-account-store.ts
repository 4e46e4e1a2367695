/** Test and development implementation of AccountStore: a Map, lost at exit. Not the product's storage. */
import { HeguiError } from '../../errors.ts';
import type { IdentifierKind } from '../pii/protected-identifier.ts';
import type { Account } from './account.ts';
import type { AccountListFilter, AccountPatch, AccountStore } from './account-store.ts';

const KEY_OF: Record<IdentifierKind, 'mobile' | 'idNumber' | 'realName'> = {
  mobile: 'mobile',
  id_number: 'idNumber',
  personal_name: 'realName',
};

export class InMemoryAccountStore implements AccountStore {
  private readonly byId = new Map<string, Account>();

  async insert(account: Account): Promise<void> {
    if ([...this.byId.values()].some((a) => a.username === account.username)) {
      throw new HeguiError('conflict', 'that user name is taken');
    }
    this.byId.set(account.id, structuredClone(account));
  }

  async get(id: string): Promise<Account | undefined> {
    const a = this.byId.get(id);
    return a && structuredClone(a);
  }

  async getByUsername(username: string): Promise<Account | undefined> {
    const a = [...this.byId.values()].find((x) => x.username === username);
    return a && structuredClone(a);
  }

  async update(id: string, patch: AccountPatch): Promise<Account> {
    const a = this.byId.get(id);
    if (!a) throw new HeguiError('not_found', 'no such account');
    const next: Account = { ...a };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete (next as unknown as Record<string, unknown>)[k];
      else (next as unknown as Record<string, unknown>)[k] = structuredClone(v);
    }
    this.byId.set(id, next);
    return structuredClone(next);
  }

  async list(filter: AccountListFilter = {}): Promise<Account[]> {
    const all = [...this.byId.values()]
      .filter((a) => !filter.kinds || filter.kinds.includes(a.kind))
      .sort((x, y) => x.createdAt.localeCompare(y.createdAt) || x.id.localeCompare(y.id));
    const offset = filter.offset ?? 0;
    return all.slice(offset, offset + (filter.limit ?? 100)).map((a) => structuredClone(a));
  }

  async findByIdentifier(kind: IdentifierKind, lookup: string): Promise<Account[]> {
    const key = KEY_OF[kind];
    return [...this.byId.values()].filter((a) => a.identifiers[key]?.lookup === lookup).map((a) => structuredClone(a));
  }
}
