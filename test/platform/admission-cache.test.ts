/**
 * The admission cache on SQLite and PostgreSQL: held API-key principals and gate answers are dropped at once by a write
 * committed on this instance, a write made by another instance (its own log and connection) is seen once the TTL has
 * passed, a key past its expiry is refused even while held, and a check that owns its staleness runs every time.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { accountActive, type GateCheck, RealNameGate } from '../../src/platform/accounts/real-name-gate.ts';
import { AdmissionCache } from '../../src/platform/admission-cache.ts';
import { createAuditLog } from '../../src/platform/audit/create-audit-log.ts';
import { auditEvent } from '../../src/platform/audit-sink.ts';
import { ApiKeyService } from '../../src/platform/auth/api-key-service.ts';
import { createSqlStores } from '../../src/platform/sql-platform-stores.ts';
import type { PlatformStores } from '../../src/platform/stores.ts';
import { forEachDialect } from '../store/dialects.ts';
import { accountRecord } from './account-fixture.ts';

const ADMIN = { kind: 'system', reason: 'test' } as const;

forEachDialect('admission cache', (ctx) => {
  const clock = { at: Date.parse('2026-03-01T08:00:00Z') };
  const now = () => new Date(clock.at);
  let here: PlatformStores;
  /** Another server instance on the same database: its own connection and its own log object. */
  let there: PlatformStores;
  let cache: AdmissionCache;
  let keys: ApiKeyService;
  let keysThere: ApiKeyService;

  before(async () => {
    const { log } = await createAuditLog(ctx.db.store, { signingKeyFile: null, now });
    here = createSqlStores(ctx.db.store, log);
    const otherStore = ctx.db.open();
    const { log: otherLog } = await createAuditLog(otherStore, { signingKeyFile: null, now });
    there = createSqlStores(otherStore, otherLog);
    cache = new AdmissionCache({ now: () => clock.at });
    cache.followWrites(log);
    keys = new ApiKeyService(here, now, cache.principals);
    keysThere = new ApiKeyService(there, now);
  });

  const newUser = async (name: string) => {
    const a = accountRecord(name, now().toISOString());
    await here.transaction(async (tx) => {
      await tx.accounts.insert(a);
      await tx.audit.append(auditEvent(ADMIN, 'account.created', { type: 'account', id: a.id }));
    });
    const { key, token } = await keys.create(ADMIN, { accountId: a.id, name: 'gateway', scopes: ['self.read'] });
    assert.ok(await keys.authenticate(token), 'admitted, and now held');
    return { account: a, keyId: key.id, token };
  };

  describe('API-key principals', () => {
    it('a key revoked on this instance is refused at once', async () => {
      const u = await newUser('revoked-here');
      await keys.revoke(ADMIN, u.keyId);
      assert.equal(await keys.authenticate(u.token), undefined);
    });

    it('a key revoked on another instance is refused once the TTL has passed', async () => {
      const u = await newUser('revoked-there');
      await keysThere.revoke(ADMIN, u.keyId);
      assert.ok(await keys.authenticate(u.token), 'still held here: at most the TTL old');
      clock.at += cache.principals.ttlMs;
      assert.equal(await keys.authenticate(u.token), undefined);
    });

    it('an account disabled on this instance is refused at once', async () => {
      const u = await newUser('disabled-here');
      await here.transaction(async (tx) => {
        await tx.accounts.update(u.account.id, { status: 'disabled' });
        await tx.audit.append(auditEvent(ADMIN, 'account.updated', { type: 'account', id: u.account.id }));
      });
      assert.equal(await keys.authenticate(u.token), undefined);
    });

    it('a key past its expiry is refused even while its principal is held', async () => {
      const a = accountRecord('expiring', now().toISOString());
      await here.accounts.insert(a);
      const { token } = await keys.create(ADMIN, {
        accountId: a.id,
        name: 'short',
        scopes: ['self.read'],
        expiresAt: new Date(clock.at + 100).toISOString(),
      });
      assert.ok(await keys.authenticate(token));
      clock.at += 100;
      assert.equal(await keys.authenticate(token), undefined);
    });

    it('only the exact key finds a held principal', async () => {
      const u = await newUser('exact');
      const other = `${u.token.slice(0, -1)}${u.token.endsWith('A') ? 'B' : 'A'}`;
      assert.equal(await keys.authenticate(other), undefined);
    });
  });

  describe('gate answers', () => {
    let runs = 0;
    const live: GateCheck = {
      name: 'live',
      ownsStaleness: true,
      async check() {
        runs++;
        return undefined;
      },
    };
    const gate = () => new RealNameGate(here.accounts, [accountActive, live], now, cache.gate);

    it('are held per account and function, and dropped at once by a write on this instance', async () => {
      const g = gate();
      const u = await newUser('gate-here');
      assert.equal((await g.check(u.account.id)).allowed, true);
      await there.accounts.update(u.account.id, { status: 'disabled' });
      assert.equal((await g.check(u.account.id)).allowed, true, 'held: written elsewhere, within the TTL');
      assert.equal((await g.check(u.account.id, 'face-edit')).allowed, false, 'another function is its own answer');
      await here.transaction(async (tx) => {
        await tx.accounts.update(u.account.id, { status: 'active' });
        await tx.audit.append(auditEvent(ADMIN, 'account.updated', { type: 'account', id: u.account.id }));
      });
      await there.accounts.update(u.account.id, { status: 'disabled' });
      // The write here dropped the held answers, so this reads the database, including the write made elsewhere.
      assert.deepEqual(
        (await g.check(u.account.id)).refusals.map((r) => r.code),
        ['account_disabled'],
      );
    });

    it('expire after the TTL', async () => {
      const g = gate();
      const u = await newUser('gate-there');
      assert.equal((await g.check(u.account.id)).allowed, true);
      await there.accounts.update(u.account.id, { status: 'disabled' });
      clock.at += cache.gate.ttlMs;
      assert.equal((await g.check(u.account.id)).allowed, false);
    });

    it('never hold the answer of a check that owns its staleness', async () => {
      const g = gate();
      const u = await newUser('gate-live');
      const before = runs;
      for (let i = 0; i < 3; i++) await g.check(u.account.id);
      assert.equal(runs - before, 3);
    });

    it("are kept through the gateway's own generation records", async () => {
      const g = gate();
      const u = await newUser('gate-records');
      assert.equal((await g.check(u.account.id)).allowed, true);
      await there.accounts.update(u.account.id, { status: 'disabled' });
      await here.transaction((tx) =>
        tx.audit.append(auditEvent(ADMIN, 'gateway.generated', { type: 'produce', id: randomUUID() })),
      );
      assert.equal((await g.check(u.account.id)).allowed, true);
    });
  });
});
