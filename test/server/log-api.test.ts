/**
 * The tamper-evident log behind the platform, over real HTTP on both databases: every write of the accounts, auth and
 * agreements slices leaves its event in the Merkle log; a write that fails rolls back with its event; checkpoints,
 * inclusion and consistency proofs from the API check out against the independent RFC 9162 reference
 * (rfc9162-reference.ts, no code shared with src/); the regulator export over the API verifies offline.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { HeguiError } from '../../src/errors.ts';
import { verifyExport } from '../../src/platform/audit/verify/verify-export.ts';
import { mth, refVerifyConsistency, refVerifyInclusion } from '../audit/rfc9162-reference.ts';
import { forEachDialect } from '../store/dialects.ts';
import { ADMIN_PASSWORD, registerUser, STRONG, startTestServer, type TestServer } from './harness.ts';

forEachDialect('the log over HTTP', (ctx) => {
  let s: TestServer;
  let admin = '';
  let officer = '';
  let auditor = '';
  let reviewer = '';
  let user = '';
  let userId = '';

  before(async () => {
    s = await startTestServer(ctx.db, {}, { audit: { checkpointEveryEntries: 4 } });
    admin = await s.login('admin', ADMIN_PASSWORD);
    const staff = async (username: string, role: string) => {
      const r = await s.call('POST', '/api/staff', { token: admin, body: { username, role, password: STRONG } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return s.login(username, STRONG);
    };
    officer = await staff('officer', 'compliance_officer');
    auditor = await staff('auditor', 'auditor');
    reviewer = await staff('reviewer', 'reviewer');
    const u = await registerUser(s, 'log-user');
    user = u.token;
    userId = u.id;
    const current = await s.call('GET', '/api/agreements');
    const documents = current.body.documents.map((d: { kind: string; version: number }) => ({
      kind: d.kind,
      version: d.version,
    }));
    const accepted = await s.call('POST', '/api/me/agreements', { token: user, body: { documents } });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  });
  after(() => s.close());

  /** Every entry's leaf hash, in index order, read straight from the table. */
  const leaves = async () =>
    (await ctx.db.store.db.selectFrom('audit_entry').select(['idx', 'leaf_hash']).orderBy('idx').execute()).map((r) =>
      Buffer.from(r.leaf_hash),
    );
  const entriesOf = (type: string) =>
    ctx.db.store.db.selectFrom('audit_entry').selectAll().where('type', '=', type).orderBy('idx').execute();

  describe('audit events', () => {
    it('records each write of the slices with its actor and subject, in the log', async () => {
      const created = await entriesOf('account.created');
      assert.ok(created.some((e) => e.subject === `account:${userId}`));
      assert.equal(created.filter((e) => e.actor.startsWith('account:')).length, 3, 'three staff made by the admin');
      assert.ok((await entriesOf('auth.login')).length >= 4);
      assert.ok((await entriesOf('agreement.accepted')).length >= 1);
      assert.equal((await entriesOf('agreement.published')).length, 3, 'the templates published at first start');
      const types = new Set(
        (await ctx.db.store.db.selectFrom('audit_entry').select('type').execute()).map((r) => r.type),
      );
      for (const t of ['audit.signing_key.added', 'account.created', 'auth.login']) assert.ok(types.has(t), t);
    });

    it('records a sign-out in the same transaction as the session it ends', async () => {
      const token = await s.login('auditor', STRONG);
      const before = (await entriesOf('auth.logout')).length;
      assert.equal((await s.call('POST', '/api/auth/logout', { token })).status < 300, true);
      assert.equal((await entriesOf('auth.logout')).length, before + 1);
      assert.equal((await s.call('GET', '/api/auth/me', { token })).status, 401);
    });

    it('records a failed sign-in without a mobile number typed as the user name', async () => {
      const r = await s.call('POST', '/api/auth/login', {
        body: { username: '13912345678', password: 'wrong-password' },
      });
      assert.equal(r.status, 401);
      const failed = await entriesOf('auth.login_failed');
      assert.ok(failed.length >= 1);
      for (const e of failed) assert.ok(!e.payload!.includes('13912345678'), e.payload!);
    });

    it('rolls a failed write back together with its audit event', async () => {
      const before = (await leaves()).length;
      const platform = s.platform;
      await assert.rejects(
        platform.stores.transaction(async (tx) => {
          const a = (await tx.accounts.getByUsername('log-user'))!;
          await tx.accounts.update(a.id, { displayName: 'changed, then rolled back' });
          await tx.audit.append({ type: 'account.updated', actor: 'system:test', subject: `account:${a.id}` });
          throw new HeguiError('conflict', 'fails after both writes');
        }),
        /fails after both writes/,
      );
      assert.equal((await leaves()).length, before, 'no entry left behind');
      assert.notEqual((await platform.stores.accounts.get(userId))!.displayName, 'changed, then rolled back');
      // And the log still grows from where it was: the next write gets the next index.
      const r = await s.call('POST', '/api/staff', {
        token: admin,
        body: { username: 'after-rollback', role: 'auditor', password: STRONG },
      });
      assert.equal(r.status, 201);
      assert.equal((await leaves()).length, before + 1);
    });
  });

  describe('checkpoints and proofs', () => {
    it('serves a signed checkpoint whose root is the RFC 9162 MTH of the stored leaves', async () => {
      const r = await s.call('GET', '/api/log/checkpoint', { token: auditor });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const c = r.body.checkpoint;
      assert.ok(c.treeSize >= 4 && c.treeSize <= r.body.treeSize);
      assert.equal(c.rootHash, mth((await leaves()).slice(0, c.treeSize)).toString('hex'));
      // The signed text, built here from the README's description, checked with the listed public key.
      const key = r.body.publicKeys.find((k: { keyId: string }) => k.keyId === c.keyId);
      const text = `hegui.audit/${c.logId}\n${c.treeSize}\n${Buffer.from(c.rootHash, 'hex').toString('base64')}\ntime ${c.createdAt}\n`;
      assert.ok(verify(null, Buffer.from(text), createPublicKey(key.publicKey), Buffer.from(c.signature, 'base64')));
      const forged = text.replace(`\n${c.treeSize}\n`, `\n${c.treeSize + 1}\n`);
      assert.ok(!verify(null, Buffer.from(forged), createPublicKey(key.publicKey), Buffer.from(c.signature, 'base64')));
    });

    it('gives inclusion proofs that the reference verifier accepts, and rejects when tampered', async () => {
      const all = await leaves();
      const size = all.length;
      const root = mth(all);
      for (const index of [0, 1, Math.floor(size / 2), size - 1]) {
        const r = await s.call('GET', `/api/log/inclusion-proof?index=${index}&treeSize=${size}`, { token: officer });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.rootHash, root.toString('hex'));
        assert.equal(r.body.leafHash, all[index]!.toString('hex'));
        const path = r.body.path.map((h: string) => Buffer.from(h, 'hex'));
        assert.ok(refVerifyInclusion(all[index]!, index, size, path, root), `index ${index}`);
        if (index > 0) assert.ok(!refVerifyInclusion(all[index - 1]!, index, size, path, root), 'another leaf fails');
      }
      const now = await s.call('GET', '/api/log/inclusion-proof?index=0', { token: auditor });
      assert.equal(now.status, 200);
      assert.ok(now.body.treeSize >= size);
    });

    it('gives consistency proofs that the reference verifier accepts', async () => {
      const all = await leaves();
      const second = all.length;
      for (const first of [1, 3, Math.max(1, second - 1), second]) {
        const r = await s.call('GET', `/api/log/consistency-proof?first=${first}&second=${second}`, { token: auditor });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const root1 = mth(all.slice(0, first));
        const root2 = mth(all);
        assert.equal(r.body.firstRootHash, root1.toString('hex'));
        assert.equal(r.body.secondRootHash, root2.toString('hex'));
        const path = r.body.path.map((h: string) => Buffer.from(h, 'hex'));
        assert.ok(refVerifyConsistency(first, second, path, root1, root2), `${first} → ${second}`);
      }
    });

    it('answers out-of-range and malformed proof requests with 400', async () => {
      const size = (await leaves()).length;
      for (const q of [`index=${size}&treeSize=${size}`, 'index=-1', 'index=abc', `index=0&treeSize=${size + 100}`]) {
        const r = await s.call('GET', `/api/log/inclusion-proof?${q}`, { token: auditor });
        assert.equal(r.status, 400, `${q}: ${JSON.stringify(r.body)}`);
      }
      const c = await s.call('GET', `/api/log/consistency-proof?first=${size + 1}&second=${size}`, { token: auditor });
      assert.equal(c.status, 400);
    });
  });

  describe('permissions', () => {
    it('lets auditors, compliance officers and admins read; others get 403, anonymous 401', async () => {
      for (const t of [admin, officer, auditor]) {
        assert.equal((await s.call('GET', '/api/log/checkpoint', { token: t })).status, 200);
      }
      for (const t of [reviewer, user]) {
        for (const url of [
          '/api/log/checkpoint',
          '/api/log/inclusion-proof?index=0',
          '/api/log/consistency-proof?first=1',
        ]) {
          const r = await s.call('GET', url, { token: t });
          assert.equal(r.status, 403, url);
          assert.equal(r.body.error.code, 'forbidden');
        }
      }
      assert.equal((await s.call('GET', '/api/log/checkpoint')).status, 401);
    });

    it('lets only compliance officers and admins export', async () => {
      const body = { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' };
      for (const t of [auditor, reviewer, user]) {
        const r = await s.call('POST', '/api/log/exports', { token: t, body });
        assert.equal(r.status, 403);
        assert.equal(r.body.error.details.permission, 'log.export');
      }
    });
  });

  describe('regulator export over the API', () => {
    it('writes a bundle under the data folder that verifies offline, and logs the export', async () => {
      const body = { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' };
      const r = await s.call('POST', '/api/log/exports', { token: officer, body });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.ok(existsSync(r.body.directory));
      assert.equal(r.body.manifest.format, 'hegui.regulator-export/v1');
      assert.ok(r.body.manifest.entries.count >= 10);
      const report = await verifyExport(r.body.directory);
      assert.equal(report.ok, true, JSON.stringify(report.problems));
      const logged = await entriesOf('audit.export.created');
      assert.ok(logged.some((e) => e.actor.startsWith('account:')));
      const bad = await s.call('POST', '/api/log/exports', { token: officer, body: { from: 'yesterday', to: 'now' } });
      assert.equal(bad.status, 400);
    });

    it('lists the log routes in /openapi.json', async () => {
      const doc = (await s.call('GET', '/openapi.json')).body;
      for (const p of [
        '/api/log/checkpoint',
        '/api/log/inclusion-proof',
        '/api/log/consistency-proof',
        '/api/log/exports',
      ]) {
        assert.ok(doc.paths[p], p);
      }
    });

    it('is ready while the database answers', async () => {
      assert.equal((await s.call('GET', '/readyz')).status, 200);
    });
  });
});
