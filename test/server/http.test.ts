/** Error shapes, the OpenAPI document, rate limits, health and readiness — through real HTTP. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PERMISSION_TABLE } from '../../src/platform/auth/roles.ts';
import { forEachDialect } from '../store/dialects.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './harness.ts';

forEachDialect('HTTP errors, OpenAPI, limits, health', (ctx) => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer(ctx.db, {}, { rateLimit: { burst: 3, perMinute: 1 } });
  });
  after(() => s.close());

  describe('errors', () => {
    it('answers a body that is not JSON with a fixed message that does not quote it', async () => {
      const r = await s.call('POST', '/api/auth/login', { body: '{"username": "13800138000", oops' });
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, { error: { code: 'invalid_request', message: 'the body is not valid JSON' } });
    });

    it('lists the fields that do not match the schema', async () => {
      const r = await s.call('POST', '/api/auth/login', { body: { username: 42 } });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'invalid_request');
      assert.deepEqual(r.body.error.details.fields.map((f: { path: string }) => f.path).sort(), [
        'password',
        'username',
      ]);
    });

    it('answers unknown routes, wrong content types and oversized bodies with the same shape', async () => {
      const nf = await s.call('GET', '/api/nothing-here');
      assert.deepEqual(nf.body, { error: { code: 'not_found', message: 'no such route' } });
      const ct = await s.call('POST', '/api/users/register', { headers: { 'content-type': 'text/xml' }, body: '<x/>' });
      assert.equal(ct.status, 415);
      assert.equal(ct.body.error.code, 'invalid_request');
      const big = await s.call('POST', '/api/users/register', { body: { username: 'x'.repeat(300_000) } });
      assert.equal(big.status, 413);
    });
  });

  describe('OpenAPI', () => {
    it('describes every route, with the permission each protected one needs', async () => {
      const r = await s.call('GET', '/openapi.json');
      assert.equal(r.status, 200);
      const doc = r.body;
      assert.equal(doc.openapi, '3.1.0');
      for (const route of s.running.server.routes) {
        const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
        const op = doc.paths[path]?.[route.method.toLowerCase()];
        assert.ok(op, `${route.method} ${path} is documented`);
        if (route.access === 'public') assert.equal(op.security, undefined);
        else {
          assert.equal(op['x-permission'], route.access);
          assert.ok(Object.hasOwn(PERMISSION_TABLE, op['x-permission']));
          assert.ok(op.responses['403']);
        }
      }
      const login = doc.paths['/api/auth/login'].post;
      assert.deepEqual(login.requestBody.content['application/json'].schema.required.sort(), ['password', 'username']);
      assert.ok(login.responses['429']);
      const sms = doc.paths['/api/me/verifications/sms'].post;
      assert.ok(sms.requestBody.content['application/json'].schema.properties.mobile);
      const staff = doc.paths['/api/staff/{id}'].patch;
      assert.equal(staff.parameters[0].name, 'id');
      assert.equal(staff.parameters[0].in, 'path');
      assert.ok(doc.components.schemas.Error.properties.error);
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After once the bucket of a public route is empty', async () => {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const r = await s.call('GET', '/api/agreements');
        statuses.push(r.status);
        if (r.status === 429) {
          retryAfter = r.headers.get('retry-after');
          assert.equal(r.body.error.code, 'rate_limited');
        }
      }
      assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
      assert.ok(statuses.includes(429));
      assert.ok(Number(retryAfter) >= 1);
      // Other routes have their own bucket.
      assert.equal((await s.call('GET', '/healthz')).status, 200);
      assert.equal(typeof (await s.login('admin', ADMIN_PASSWORD)), 'string');
    });
  });

  describe('health and readiness', () => {
    it('reports liveness and readiness, and 503 when the store does not answer', async () => {
      assert.deepEqual((await s.call('GET', '/healthz')).body, { status: 'ok' });
      assert.deepEqual((await s.call('GET', '/readyz')).body, { status: 'ready' });
      const ping = s.platform.stores.ping;
      s.platform.stores.ping = async () => {
        throw new Error('database down');
      };
      try {
        const r = await s.call('GET', '/readyz');
        assert.equal(r.status, 503);
        assert.equal(r.body.error.code, 'unavailable');
        assert.ok(!JSON.stringify(r.body).includes('database down'));
      } finally {
        s.platform.stores.ping = ping;
      }
    });
  });
});
