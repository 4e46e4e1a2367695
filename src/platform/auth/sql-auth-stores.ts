/** SessionStore, ApiKeyStore and LoginAttemptStore on SQLite and PostgreSQL. Tokens and secrets only as hashes. */
import type { Selectable } from 'kysely';
import { newId } from '../../store/ids.ts';
import type { ApiKeyTable, SessionTable } from '../../store/schema/platform-tables.ts';
import { type Db, json, opt, parseJson } from '../sql-rows.ts';
import type { ApiKey, ApiKeyStore } from './api-key.ts';
import type { LoginAttemptStore } from './login-throttle.ts';
import type { Permission } from './roles.ts';
import type { Session, SessionStore } from './session.ts';

function sessionOf(r: Selectable<SessionTable>): Session {
  return {
    id: r.id,
    accountId: r.account_id,
    tokenHash: r.token_hash,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastSeenAt: r.last_seen_at,
    factors: r.factors as Session['factors'],
    ...opt('revokedAt', r.revoked_at),
  };
}

export class SqlSessionStore implements SessionStore {
  constructor(private readonly db: Db) {}

  async insert(s: Session): Promise<void> {
    await this.db
      .insertInto('session')
      .values({
        id: s.id,
        account_id: s.accountId,
        token_hash: s.tokenHash,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
        last_seen_at: s.lastSeenAt,
        factors: s.factors,
        revoked_at: s.revokedAt ?? null,
      })
      .execute();
  }

  async getByTokenHash(tokenHash: string): Promise<Session | undefined> {
    const r = await this.db.selectFrom('session').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && sessionOf(r);
  }

  async touch(id: string, lastSeenAt: string): Promise<void> {
    await this.db.updateTable('session').set({ last_seen_at: lastSeenAt }).where('id', '=', id).execute();
  }

  async revoke(id: string, at: string): Promise<void> {
    await this.db
      .updateTable('session')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async revokeAllFor(accountId: string, at: string, exceptId?: string): Promise<number> {
    let q = this.db
      .updateTable('session')
      .set({ revoked_at: at })
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}

function apiKeyOf(r: Selectable<ApiKeyTable>): ApiKey {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    prefix: r.prefix,
    secretHash: r.secret_hash,
    scopes: parseJson<Permission[]>(r.scopes),
    createdAt: r.created_at,
    createdBy: r.created_by,
    ...opt('expiresAt', r.expires_at),
    ...opt('lastUsedAt', r.last_used_at),
    ...opt('revokedAt', r.revoked_at),
  };
}

export class SqlApiKeyStore implements ApiKeyStore {
  constructor(private readonly db: Db) {}

  async insert(k: ApiKey): Promise<void> {
    await this.db
      .insertInto('api_key')
      .values({
        id: k.id,
        account_id: k.accountId,
        name: k.name,
        prefix: k.prefix,
        secret_hash: k.secretHash,
        scopes: json(k.scopes),
        created_at: k.createdAt,
        created_by: k.createdBy,
        expires_at: k.expiresAt ?? null,
        last_used_at: k.lastUsedAt ?? null,
        revoked_at: k.revokedAt ?? null,
      })
      .execute();
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const r = await this.db.selectFrom('api_key').selectAll().where('id', '=', id).executeTakeFirst();
    return r && apiKeyOf(r);
  }

  async list(filter: { accountId?: string } = {}): Promise<ApiKey[]> {
    let q = this.db.selectFrom('api_key').selectAll();
    if (filter.accountId !== undefined) q = q.where('account_id', '=', filter.accountId);
    return (await q.orderBy('created_at').orderBy('id').execute()).map(apiKeyOf);
  }

  async markUsed(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_key').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async revoke(id: string, at: string): Promise<void> {
    await this.db
      .updateTable('api_key')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }
}

/** Failed logins as rows, so several server instances on one PostgreSQL database share the counts. */
export class SqlLoginAttemptStore implements LoginAttemptStore {
  constructor(private readonly db: Db) {}

  async fail(key: string, at: number, since: number): Promise<number> {
    await this.db.deleteFrom('login_failure').where('key', '=', key).where('at', '<', since).execute();
    await this.db
      .insertInto('login_failure')
      .values({ id: newId(at), key, at })
      .execute();
    return (await this.count(key, since)).failures;
  }

  async count(key: string, since: number): Promise<{ failures: number; oldest?: number }> {
    const r = await this.db
      .selectFrom('login_failure')
      .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.min('at').as('oldest')])
      .where('key', '=', key)
      .where('at', '>=', since)
      .executeTakeFirstOrThrow();
    const failures = Number(r.n);
    return failures > 0 && r.oldest !== null ? { failures, oldest: Number(r.oldest) } : { failures: 0 };
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('login_failure').where('key', '=', key).execute();
  }
}
