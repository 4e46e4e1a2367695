/**
 * The permission table over HTTP for every route of the duty slices and every role (as test/server/roles.test.ts does
 * for the core routes): a role without the route's permission gets 403 `forbidden`; a role with it never does.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type PERMISSION_TABLE, type Role, roleAllows } from '../../src/platform/auth/roles.ts';
import { dutyRoutes } from '../../src/server/routes/duties.ts';
import { forEachDialect } from '../store/dialects.ts';
import { type DutyServer, startDutyServer } from './duty-server.ts';

forEachDialect('duty routes and the permission table', (ctx) => {
  let d: DutyServer;
  const tokens = new Map<Role, string>();
  before(async () => {
    d = await startDutyServer(ctx.db);
    for (const [role, token] of Object.entries(d.tokens)) tokens.set(role as Role, token);
    tokens.set('user', (await d.user('perm-user')).token);
  });
  after(() => d?.s.close());

  it('refuses exactly the roles the table leaves out', async () => {
    const urls = new Set(
      dutyRoutes({ enforcement: {}, complaints: { policy: {} }, rumours: {} } as never).map(
        (r) => `${r.method} ${r.url}`,
      ),
    );
    const routes = d.s.running.server.routes.filter((r) => urls.has(`${r.method} ${r.url}`) && r.access !== 'public');
    assert.ok(routes.length >= 18, `${routes.length} protected duty routes`);
    let refused = 0;
    for (const r of routes) {
      for (const [role, token] of tokens) {
        const path = r.url.replace(/:[A-Za-z]+/g, 'unknown-id');
        const res = await d.s.call(r.method, path, { token, body: r.method === 'GET' ? undefined : {} });
        const perm = r.access as keyof typeof PERMISSION_TABLE;
        const label = `${role} ${r.method} ${r.url} → ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`;
        if (roleAllows(role, perm)) assert.ok(!(res.status === 403 && res.body.error.code === 'forbidden'), label);
        else {
          assert.equal(res.status, 403, label);
          assert.equal(res.body.error.details.permission, perm, label);
          refused++;
        }
      }
    }
    assert.ok(refused > 40, `${refused} refusals checked`);
  });
});
