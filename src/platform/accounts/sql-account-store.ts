/** AccountStore on SQLite and PostgreSQL. Identifiers go in as their encrypted envelopes and keyed hashes only. */
import type { Selectable } from 'kysely';
import { HeguiError } from '../../errors.ts';
import type { AccountTable } from '../../store/schema/platform-tables.ts';
import type { Role } from '../auth/roles.ts';
import type { IdentifierKind, ProtectedIdentifier } from '../pii/protected-identifier.ts';
import { type Db, insertOrConflict, json, opt, parseJson } from '../sql-rows.ts';
import type { Account, AccountIdentifiers, AccountKind, AccountStatus } from './account.ts';
import type { AccountListFilter, AccountPatch, AccountStore } from './account-store.ts';

const PII_COLUMN = { mobile: 'mobile', id_number: 'id_number', personal_name: 'real_name' } as const;

type Row = Selectable<AccountTable>;

function identifierColumns(ids: AccountIdentifiers) {
  const col = (p: ProtectedIdentifier | undefined) =>
    p ? { pii: json(p), lookup: p.lookup } : { pii: null, lookup: null };
  const m = col(ids.mobile);
  const n = col(ids.idNumber);
  const r = col(ids.realName);
  return {
    mobile_pii: m.pii,
    mobile_lookup: m.lookup,
    id_number_pii: n.pii,
    id_number_lookup: n.lookup,
    real_name_pii: r.pii,
    real_name_lookup: r.lookup,
    uscc: ids.uscc ?? null,
  };
}

function toRow(a: Account): Row {
  return {
    id: a.id,
    username: a.username,
    display_name: a.displayName,
    kind: a.kind,
    role: a.role,
    status: a.status,
    password_hash: a.passwordHash,
    must_change_password: a.mustChangePassword ? 1 : 0,
    totp: a.totp ? json(a.totp) : null,
    ...identifierColumns(a.identifiers),
    created_at: a.createdAt,
    created_by: a.createdBy,
    updated_at: a.updatedAt,
  };
}

function fromRow(r: Row): Account {
  const pii = (text: string | null) => (text === null ? null : parseJson<ProtectedIdentifier>(text));
  const identifiers: AccountIdentifiers = {
    ...opt('mobile', pii(r.mobile_pii)),
    ...opt('idNumber', pii(r.id_number_pii)),
    ...opt('realName', pii(r.real_name_pii)),
    ...opt('uscc', r.uscc),
  };
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    kind: r.kind as AccountKind,
    role: r.role as Role,
    status: r.status as AccountStatus,
    passwordHash: r.password_hash,
    mustChangePassword: r.must_change_password === 1,
    ...opt('totp', r.totp === null ? null : parseJson<NonNullable<Account['totp']>>(r.totp)),
    identifiers,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
  };
}

export class SqlAccountStore implements AccountStore {
  constructor(private readonly db: Db) {}

  async insert(account: Account): Promise<void> {
    await insertOrConflict(
      () => this.db.insertInto('account').values(toRow(account)).execute(),
      'that user name is taken',
    );
  }

  async get(id: string): Promise<Account | undefined> {
    const r = await this.db.selectFrom('account').selectAll().where('id', '=', id).executeTakeFirst();
    return r && fromRow(r);
  }

  async getByUsername(username: string): Promise<Account | undefined> {
    const r = await this.db.selectFrom('account').selectAll().where('username', '=', username).executeTakeFirst();
    return r && fromRow(r);
  }

  async update(id: string, patch: AccountPatch): Promise<Account> {
    const current = await this.get(id);
    if (!current) throw new HeguiError('not_found', 'no such account');
    const next: Account = { ...current };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete (next as unknown as Record<string, unknown>)[k];
      else (next as unknown as Record<string, unknown>)[k] = v;
    }
    const { id: _id, ...row } = toRow(next);
    await this.db.updateTable('account').set(row).where('id', '=', id).execute();
    return next;
  }

  async list(filter: AccountListFilter = {}): Promise<Account[]> {
    let q = this.db.selectFrom('account').selectAll();
    if (filter.kinds) q = q.where('kind', 'in', filter.kinds.length ? filter.kinds : ['']);
    const rows = await q
      .orderBy('created_at')
      .orderBy('id')
      .limit(filter.limit ?? 100)
      .offset(filter.offset ?? 0)
      .execute();
    return rows.map(fromRow);
  }

  async findByIdentifier(kind: IdentifierKind, lookup: string): Promise<Account[]> {
    const column = `${PII_COLUMN[kind]}_lookup` as const;
    const rows = await this.db.selectFrom('account').selectAll().where(column, '=', lookup).orderBy('id').execute();
    return rows.map(fromRow);
  }
}
