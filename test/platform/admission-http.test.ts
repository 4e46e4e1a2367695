/**
 * Through HTTP with an API key (the gateway's way in), on SQLite and PostgreSQL: each write that changes an admission
 * answer is in force on the instance that made it with the very next request, although the key's principal and the
 * gate's answer are held for up to a second — key revoked, account disabled, verification completed, new agreement
 * published and accepted, enforcement action taken and lifted, emergency stop started and ended.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { lastSmsCode, type Reply } from '../server/harness.ts';
import { forEachDialect } from '../store/dialects.ts';
import { type DutyServer, startDutyServer } from './duty-server.ts';

const codes = (r: Reply) => (r.body.refusals as { code: string }[]).map((x) => x.code);

forEachDialect('admission answers held per instance', (ctx) => {
  let d: DutyServer;
  before(async () => {
    d = await startDutyServer(ctx.db);
  });
  after(() => d.s.close());

  const acceptAll = async (token: string) => {
    const docs = (await d.s.call('GET', '/api/agreements')).body.documents as { kind: string; version: number }[];
    const r = await d.s.call('POST', '/api/me/agreements', {
      token,
      body: { documents: docs.map((x) => ({ kind: x.kind, version: x.version })), channel: 'web' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  };
  const verify = async (token: string, mobile: string) => {
    const start = await d.s.call('POST', '/api/me/verifications/sms', { token, body: { mobile } });
    assert.equal(start.status, 201, JSON.stringify(start.body));
    const ok = await d.s.call('POST', `/api/me/verifications/${start.body.id}/complete`, {
      token,
      body: { code: await lastSmsCode(d.s) },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  };
  const newKey = async (token: string) => {
    const k = await d.s.call('POST', '/api/api-keys', {
      token,
      body: { name: 'gateway', scopes: ['self.read', 'self.gate'] },
    });
    assert.equal(k.status, 201, JSON.stringify(k.body));
    return { id: k.body.key.id as string, token: k.body.token as string };
  };
  /** Asked twice, so the second answer comes from what the instance holds. */
  const gate = async (key: string) => {
    await d.s.call('GET', '/api/me/gate', { token: key });
    return d.s.call('GET', '/api/me/gate', { token: key });
  };
  let userToken = '';
  let userId = '';
  let key = { id: '', token: '' };

  before(async () => {
    const u = await d.user('held-answers');
    userToken = u.token;
    userId = u.id;
    await acceptAll(u.token);
    key = await newKey(u.token);
  });

  it('a completed verification admits at once', async () => {
    assert.deepEqual(codes(await gate(key.token)), ['real_name_required']);
    await verify(userToken, '+86 139 1234 5678');
    assert.equal((await d.s.call('GET', '/api/me/gate', { token: key.token })).body.allowed, true);
  });

  it('a new agreement version refuses at once, and accepting it admits at once', async () => {
    assert.equal((await gate(key.token)).body.allowed, true);
    const pub = await d.s.call('POST', '/api/agreements', {
      token: d.tokens.compliance_officer,
      body: {
        kind: 'user_agreement',
        title: { zh: '用户服务协议', en: 'User Agreement' },
        body: { zh: '……标识方法与样式……', en: '…labelling methods and styles…' },
        summary: 'Adds the labelling section',
      },
    });
    assert.equal(pub.status, 201, JSON.stringify(pub.body));
    assert.deepEqual(codes(await d.s.call('GET', '/api/me/gate', { token: key.token })), ['agreement_required']);
    await acceptAll(userToken);
    assert.equal((await d.s.call('GET', '/api/me/gate', { token: key.token })).body.allowed, true);
  });

  it('an enforcement action refuses at once, and lifting it admits at once', async () => {
    assert.equal((await gate(key.token)).body.allowed, true);
    const r = await d.s.call('POST', '/api/enforcement/actions', {
      token: d.tokens.compliance_officer,
      body: {
        accountId: userId,
        level: 'restriction',
        functions: ['publish'],
        until: new Date(d.clock.at + 86_400_000).toISOString(),
        reason: 'repeated violations',
        evidence: { contentIds: ['c-1'] },
        rule: 'art10',
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(codes(await d.s.call('GET', '/api/me/gate', { token: key.token })), ['function_restricted']);
    const lift = await d.s.call('POST', `/api/enforcement/actions/${r.body.id}/lift`, {
      token: d.tokens.compliance_officer,
      body: { reason: 'appeal granted' },
    });
    assert.equal(lift.status, 200, JSON.stringify(lift.body));
    assert.equal((await d.s.call('GET', '/api/me/gate', { token: key.token })).body.allowed, true);
  });

  it('an emergency stop refuses at once, and ending it admits at once', async () => {
    assert.equal((await gate(key.token)).body.allowed, true);
    const s = await d.s.call('POST', '/api/emergency/stops', {
      token: d.tokens.compliance_officer,
      body: { scope: { kind: 'all' }, reason: 'regulator request' },
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    assert.deepEqual(codes(await d.s.call('GET', '/api/me/gate', { token: key.token })), ['publishing_stopped']);
    const end = await d.s.call('POST', `/api/emergency/stops/${s.body.id}/end`, {
      token: d.tokens.compliance_officer,
      body: { reason: 'lifted' },
    });
    assert.equal(end.status, 200, JSON.stringify(end.body));
    assert.equal((await d.s.call('GET', '/api/me/gate', { token: key.token })).body.allowed, true);
  });

  it('a revoked key is refused at once', async () => {
    const other = await newKey(userToken);
    assert.equal((await gate(other.token)).status, 200);
    const del = await d.s.call('DELETE', `/api/api-keys/${other.id}`, { token: userToken });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal((await d.s.call('GET', '/api/me/gate', { token: other.token })).status, 401);
  });

  it('a disabled account is refused at once, and admitted at once when enabled again', async () => {
    assert.equal((await gate(key.token)).status, 200);
    const off = await d.s.call('PATCH', `/api/users/${userId}`, {
      token: d.tokens.admin,
      body: { status: 'disabled' },
    });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal((await d.s.call('GET', '/api/me/gate', { token: key.token })).status, 401);
    const on = await d.s.call('PATCH', `/api/users/${userId}`, { token: d.tokens.admin, body: { status: 'active' } });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.equal((await d.s.call('GET', '/api/me/gate', { token: key.token })).status, 200);
  });
});
