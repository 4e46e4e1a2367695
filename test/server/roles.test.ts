/**
 * The permission table, checked over real HTTP for every registered route and every role: a role without the route's
 * permission gets 403 `forbidden`; a role with it never does. API keys act with their scopes ∩ their owner's role.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PERMISSION_TABLE, type Role, roleAllows } from '../../src/platform/auth/roles.ts';
import { forEachDialect } from '../store/dialects.ts';
import { ADMIN_PASSWORD, registerUser, STRONG, startTestServer, type TestServer } from './harness.ts';

forEachDialect('roles over HTTP', (ctx) => {
  let s: TestServer;
  const tokens = new Map<Role, string>();
  let userId = '';

  before(async () => {
    s = await startTestServer(ctx.db);
    const admin = await s.login('admin', ADMIN_PASSWORD);
    tokens.set('admin', admin);
    for (const role of ['reviewer', 'compliance_officer', 'auditor'] as const) {
      const username = `staff-${role.replace('_', '-')}`;
      const r = await s.call('POST', '/api/staff', { token: admin, body: { username, role, password: STRONG } });
      assert.equal(r.status, 201);
      tokens.set(role, await s.login(username, STRONG));
    }
    const u = await registerUser(s, 'plain-user');
    tokens.set('user', u.token);
    userId = u.id;
  });
  after(() => s.close());

  const concrete = (url: string) =>
    url.replace(/:([A-Za-z]+)/g, (_, name: string) => (name === 'kind' ? 'user_agreement' : 'unknown-id'));

  describe('permission table over HTTP', () => {
    it('gives 403 forbidden for every route a role lacks, and never for one it has', async () => {
      const routes = s.running.server.routes.filter((r) => r.access !== 'public');
      assert.ok(routes.length >= 25, `only ${routes.length} protected routes`);
      let refused = 0;
      for (const r of routes) {
        if (r.url === '/api/auth/logout') continue; // would end the session used by the next checks
        for (const [role, token] of tokens) {
          const res = await s.call(r.method, concrete(r.url), { token, body: r.method === 'GET' ? undefined : {} });
          const perm = r.access as keyof typeof PERMISSION_TABLE;
          const label = `${role} ${r.method} ${r.url} → ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`;
          if (roleAllows(role, perm)) {
            assert.ok(!(res.status === 403 && res.body.error.code === 'forbidden'), label);
          } else {
            assert.equal(res.status, 403, label);
            assert.equal(res.body.error.code, 'forbidden', label);
            assert.equal(res.body.error.details.permission, perm, label);
            refused++;
          }
        }
      }
      assert.ok(refused > 50, `${refused} refusals checked`);
    });

    it('keeps the last admin, and an admin cannot change their own role', async () => {
      const me = await s.call('GET', '/api/auth/me', { token: tokens.get('admin')! });
      const r = await s.call('PATCH', `/api/staff/${me.body.account.id}`, {
        token: tokens.get('admin')!,
        body: { role: 'auditor' },
      });
      assert.equal(r.status, 403);
    });

    it('does not let staff routes touch end users or the other way round', async () => {
      const r = await s.call('PATCH', `/api/staff/${userId}`, { token: tokens.get('admin')!, body: { role: 'admin' } });
      assert.equal(r.status, 404);
    });
  });

  describe('API keys', () => {
    it('shows the key once, authenticates with it, limits it to its scopes, and revokes it', async () => {
      const auditor = tokens.get('auditor')!;
      const admin = tokens.get('admin')!;
      const tooWide = await s.call('POST', '/api/api-keys', {
        token: admin,
        body: { name: 'x', scopes: ['staff.manage'], accountId: userId },
      });
      assert.equal(tooWide.status, 400);
      assert.equal(tooWide.body.error.details.scopes, 'staff.manage');

      const created = await s.call('POST', '/api/api-keys', {
        token: admin,
        body: { name: 'gateway', scopes: ['gate.check', 'users.read'] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const key = created.body.token as string;
      assert.match(key, /^hgk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      assert.ok(key.startsWith(created.body.key.prefix));

      const list = await s.call('GET', '/api/api-keys', { token: admin });
      const listed = list.body.keys.find((k: { id: string }) => k.id === created.body.key.id);
      assert.equal(listed.secretHash, undefined);
      assert.ok(!JSON.stringify(list.body).includes(key.slice(-43)));
      assert.equal(listed.lastUsedAt, undefined);

      const gate = await s.call('GET', `/api/gate/${userId}`, { headers: { 'x-api-key': key } });
      assert.equal(gate.status, 200);
      assert.equal(gate.body.allowed, false);
      const viaBearer = await s.call('GET', '/api/users', { token: key });
      assert.equal(viaBearer.status, 200);
      const outOfScope = await s.call('GET', '/api/staff', { token: key });
      assert.equal(outOfScope.status, 403);
      assert.equal(outOfScope.body.error.code, 'forbidden');
      const sessionOnly = await s.call('POST', '/api/auth/password', { token: key, body: {} });
      assert.equal(sessionOnly.status, 403);
      const me = await s.call('GET', '/api/auth/me', { token: key });
      assert.equal(me.status, 403, 'self.read is not among the scopes');

      const all = await s.call('GET', '/api/admin/api-keys', { token: auditor });
      const seen = all.body.keys.find((k: { id: string }) => k.id === created.body.key.id);
      assert.ok(seen.lastUsedAt);

      assert.equal((await s.call('DELETE', `/api/api-keys/${created.body.key.id}`, { token: auditor })).status, 403);
      assert.equal((await s.call('DELETE', `/api/api-keys/${created.body.key.id}`, { token: admin })).status, 200);
      const after = await s.call('GET', `/api/gate/${userId}`, { token: key });
      assert.equal(after.status, 401);
    });

    it('keeps users to their own keys', async () => {
      const user = tokens.get('user')!;
      const own = await s.call('POST', '/api/api-keys', { token: user, body: { name: 'mine', scopes: ['self.gate'] } });
      assert.equal(own.status, 201);
      const gate = await s.call('GET', '/api/me/gate', { token: own.body.token });
      assert.equal(gate.status, 200);
      const other = await s.call('GET', '/api/api-keys?accountId=someone-else', { token: user });
      assert.equal(other.status, 403);
      const adminKeys = await s.call('GET', '/api/api-keys', { token: tokens.get('admin')! });
      const foreign = adminKeys.body.keys[0]?.id ?? 'none';
      assert.equal((await s.call('DELETE', `/api/api-keys/${foreign}`, { token: user })).status, 404);
    });
  });
});
