/**
 * The platform's SQL stores on SQLite and PostgreSQL: the same behaviour on both (conflicts, clearing fields, order,
 * lookups by keyed hash), identity numbers only as envelopes in the table, and `transaction` as a real transaction
 * that rolls back the writes and their log entries together.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { Account } from '../../src/platform/accounts/account.ts';
import { createAuditLog } from '../../src/platform/audit/create-audit-log.ts';
import { keyRingFromKey } from '../../src/platform/pii/key-ring.ts';
import { PiiCipher } from '../../src/platform/pii/pii-cipher.ts';
import { IdentifierProtector } from '../../src/platform/pii/protected-identifier.ts';
import { createSqlStores } from '../../src/platform/sql-platform-stores.ts';
import type { PlatformStores } from '../../src/platform/stores.ts';
import { forEachDialect } from '../store/dialects.ts';
import { accountRecord } from './account-fixture.ts';

const protector = new IdentifierProtector(new PiiCipher(keyRingFromKey(randomBytes(32))));
const ID = '11010519491231002X';
const MOBILE = '13800138000';

forEachDialect('platform SQL stores', (ctx) => {
  let stores: PlatformStores;
  before(async () => {
    const { log } = await createAuditLog(ctx.db.store, { signingKeyFile: null });
    stores = createSqlStores(ctx.db.store, log);
  });
  const entries = async () =>
    Number(
      (
        await ctx.db.store.db
          .selectFrom('audit_entry')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  describe('accounts', () => {
    it('round-trips an account, refuses a taken user name, clears a field set to undefined', async () => {
      const a: Account = {
        ...accountRecord('alice', '2026-01-01T00:00:00.000Z', 'a1'),
        totp: { secret: 'hg1.k.s', enabled: true, lastStep: '12' },
        identifiers: {
          idNumber: protector.protect('id_number', ID),
          mobile: protector.protect('mobile', MOBILE),
          uscc: '91350100M000100Y43',
        },
      };
      await stores.accounts.insert(a);
      assert.deepEqual(await stores.accounts.get('a1'), a);
      assert.deepEqual(await stores.accounts.getByUsername('alice'), a);
      await assert.rejects(stores.accounts.insert(accountRecord('alice', a.createdAt, 'a2')), { code: 'conflict' });
      const next = await stores.accounts.update('a1', { totp: undefined, displayName: 'Alice' });
      assert.equal(next.totp, undefined);
      assert.deepEqual(await stores.accounts.get('a1'), next);
      await assert.rejects(stores.accounts.update('nope', { displayName: 'x' }), { code: 'not_found' });
      assert.equal(await stores.accounts.get('nope'), undefined);
    });

    it('keeps identity numbers only as envelopes and finds them by keyed hash', async () => {
      const row = await ctx.db.store.db
        .selectFrom('account')
        .selectAll()
        .where('id', '=', 'a1')
        .executeTakeFirstOrThrow();
      const text = JSON.stringify(row);
      assert.ok(!text.includes(ID) && !text.includes(MOBILE) && !text.includes('138001'), 'no number in clear');
      assert.match(row.id_number_pii!, /"ciphertext":"hg1\./);
      assert.equal(row.id_number_lookup, protector.lookup('id_number', ID));
      const found = await stores.accounts.findByIdentifier(
        'id_number',
        protector.lookup('id_number', ID.toLowerCase()),
      );
      assert.deepEqual(
        found.map((x) => x.id),
        ['a1'],
      );
      assert.deepEqual(await stores.accounts.findByIdentifier('mobile', protector.lookup('mobile', '13900000000')), []);
    });

    it('lists in creation order with kinds, limit and offset', async () => {
      await stores.accounts.insert(accountRecord('bob', '2026-01-02T00:00:00.000Z', 'b1'));
      await stores.accounts.insert({
        ...accountRecord('carol', '2026-01-03T00:00:00.000Z', 'c1'),
        kind: 'staff',
        role: 'auditor',
      });
      assert.deepEqual(
        (await stores.accounts.list()).map((x) => x.id),
        ['a1', 'b1', 'c1'],
      );
      assert.deepEqual(
        (await stores.accounts.list({ kinds: ['staff'] })).map((x) => x.id),
        ['c1'],
      );
      assert.deepEqual(
        (await stores.accounts.list({ limit: 1, offset: 1 })).map((x) => x.id),
        ['b1'],
      );
    });
  });

  describe('sessions, API keys, login failures', () => {
    it('revokes all sessions of an account but one', async () => {
      const s = (id: string) => ({
        id,
        accountId: 'a1',
        tokenHash: `h-${id}`,
        createdAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-02T00:00:00.000Z',
        lastSeenAt: '2026-01-01T00:00:00.000Z',
        factors: 'password' as const,
      });
      for (const id of ['s1', 's2', 's3']) await stores.sessions.insert(s(id));
      assert.equal(await stores.sessions.revokeAllFor('a1', '2026-01-01T01:00:00.000Z', 's2'), 2);
      assert.equal((await stores.sessions.getByTokenHash('h-s2'))!.revokedAt, undefined);
      assert.equal((await stores.sessions.getByTokenHash('h-s1'))!.revokedAt, '2026-01-01T01:00:00.000Z');
      await stores.sessions.touch('s2', '2026-01-01T02:00:00.000Z');
      assert.equal((await stores.sessions.getByTokenHash('h-s2'))!.lastSeenAt, '2026-01-01T02:00:00.000Z');
    });

    it('keeps API keys with their scopes and revocation', async () => {
      const k = {
        id: 'abcdefghijkm',
        accountId: 'a1',
        name: 'gateway',
        prefix: 'hgk_abcdefghijkm',
        secretHash: 'x',
        scopes: ['gate.check' as const],
        createdAt: '2026-01-01T00:00:00.000Z',
        createdBy: 'account:a1',
      };
      await stores.apiKeys.insert(k);
      assert.deepEqual(await stores.apiKeys.get(k.id), k);
      await stores.apiKeys.revoke(k.id, '2026-01-05T00:00:00.000Z');
      await stores.apiKeys.revoke(k.id, '2026-01-06T00:00:00.000Z');
      assert.equal(
        (await stores.apiKeys.get(k.id))!.revokedAt,
        '2026-01-05T00:00:00.000Z',
        'the first revocation stays',
      );
      assert.equal((await stores.apiKeys.list({ accountId: 'b1' })).length, 0);
    });

    it('counts failures in the window, with the oldest, and clears them', async () => {
      assert.equal(await stores.loginAttempts.fail('user:x', 1000, 0), 1);
      assert.equal(await stores.loginAttempts.fail('user:x', 2000, 0), 2);
      assert.equal(await stores.loginAttempts.fail('user:x', 9000, 1500), 2, 'the one before the window is gone');
      assert.deepEqual(await stores.loginAttempts.count('user:x', 1500), { failures: 2, oldest: 2000 });
      await stores.loginAttempts.clear('user:x');
      assert.deepEqual(await stores.loginAttempts.count('user:x', 0), { failures: 0 });
    });
  });

  describe('agreements', () => {
    it('keeps versions per kind and refuses a version twice', async () => {
      const doc = (version: number) => ({
        kind: 'user_agreement' as const,
        version,
        title: { zh: '协议', en: 'Agreement' },
        body: { zh: '正文', en: 'Body' },
        summary: `v${version}`,
        requiresAcceptance: true,
        publishedAt: `2026-01-0${version}T00:00:00.000Z`,
        publishedBy: 'account:c1',
        template: version === 1,
      });
      await stores.agreements.insertVersion(doc(1));
      await stores.agreements.insertVersion(doc(2));
      await assert.rejects(stores.agreements.insertVersion(doc(2)), { code: 'conflict' });
      assert.deepEqual(await stores.agreements.latest('user_agreement'), doc(2));
      assert.deepEqual(
        (await stores.agreements.listVersions('user_agreement')).map((d) => d.version),
        [1, 2],
      );
      assert.equal(await stores.agreements.latest('platform_rules'), undefined);
      const acc = {
        accountId: 'b1',
        kind: 'user_agreement' as const,
        version: 2,
        acceptedAt: '2026-01-03T00:00:00.000Z',
        channel: 'web' as const,
      };
      await stores.agreements.insertAcceptance(acc);
      assert.deepEqual(await stores.agreements.acceptancesOf('b1'), [acc]);
      assert.deepEqual(await stores.agreements.listAcceptances({ version: 1 }), []);
    });
  });

  describe('transactions', () => {
    it('commits writes and their log entries together, and rolls both back on failure', async () => {
      const n = await entries();
      await stores.transaction(async (tx) => {
        await tx.accounts.insert(accountRecord('committed', '2026-02-01T00:00:00.000Z', 't1'));
        await tx.audit.append({ type: 'account.created', actor: 'system:test', subject: 'account:t1' });
        // A nested call joins the transaction.
        await tx.transaction((inner) => inner.audit.append({ type: 'test.nested', actor: 'system:test' }));
      });
      assert.equal(await entries(), n + 2);
      await assert.rejects(
        stores.transaction(async (tx) => {
          await tx.accounts.insert(accountRecord('rolled-back', '2026-02-01T00:00:00.000Z', 't2'));
          await tx.audit.append({ type: 'account.created', actor: 'system:test', subject: 'account:t2' });
          await tx.accounts.insert(accountRecord('committed', '2026-02-01T00:00:00.000Z', 't3')); // taken: fails
        }),
        { code: 'conflict' },
      );
      assert.equal(await stores.accounts.get('t2'), undefined);
      assert.equal(await entries(), n + 2);
      await stores.audit.append({ type: 'test.alone', actor: 'system:test' });
      assert.equal(await entries(), n + 3, 'outside a transaction an event is a write of its own');
    });
  });
});
