/**
 * The emergency switch (Provisions Art. 7, 21) through HTTP on SQLite and PostgreSQL: stops per scope (everything, a
 * model, a capability, a user group) in the publishing gate and the check API; two server instances on one database —
 * a stop started at A is in force at B within seconds, and ended at B is lifted at A; permissions, bad input, audit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachDialect } from '../../store/dialects.ts';
import { assertOnlyRoles, type OversightServer, startOversightServer } from '../oversight-harness.ts';

const codes = (r: { body: { refusals: { code: string }[] } }) => r.body.refusals.map((x) => x.code);

/** Polls until `ok` holds, for at most `ms` (a bound on "within seconds", not a timing measurement). */
async function eventually(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(100);
  }
}

forEachDialect('emergency switch', (ctx) => {
  let o: OversightServer;
  let officer = '';
  before(async () => {
    o = await startOversightServer(ctx.db);
    officer = o.tokens.get('compliance_officer')!;
  });
  after(() => o.close());

  const stop = (scope: Record<string, unknown>, token = officer) =>
    o.s.call('POST', '/api/emergency/stops', { token, body: { scope, reason: 'regulator request 2026-11-29' } });
  const end = (id: string) =>
    o.s.call('POST', `/api/emergency/stops/${id}/end`, { token: officer, body: { reason: 'lifted' } });
  const check = (q: string) => o.s.call('GET', `/api/emergency/check?${q}`, { token: officer });
  const gate = () => o.s.call('GET', '/api/me/gate', { token: o.tokens.get('user')! });

  it('stops all publishing in one action and resumes it', async () => {
    assert.ok(!codes(await gate()).includes('publishing_stopped'));
    const s = await stop({ kind: 'all' });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    assert.deepEqual(s.body.scope, { kind: 'all', value: null });
    const g = await gate();
    assert.equal(g.body.allowed, false);
    assert.ok(codes(g).includes('publishing_stopped'));
    assert.equal((await check('model=anything')).body.allowed, false);
    const dup = await stop({ kind: 'all' });
    assert.deepEqual([dup.status, dup.body.error.code], [409, 'conflict']);
    assert.equal((await end(s.body.id)).status, 200);
    assert.ok(!codes(await gate()).includes('publishing_stopped'));
    assert.equal((await check('')).body.allowed, true);
    assert.equal((await end(s.body.id)).status, 409, 'ended already');
  });

  it('stops one model, one capability or one user group only', async () => {
    const m = await stop({ kind: 'model', value: 'portrait-v1' });
    const c = await stop({ kind: 'capability', value: 'voice_clone' });
    assert.equal((await check('model=portrait-v1')).body.allowed, false);
    assert.equal((await check('model=other')).body.allowed, true);
    assert.equal((await check('model=other&capability=voice_clone')).body.stops[0].id, c.body.id);
    assert.ok(
      !codes(await gate()).includes('publishing_stopped'),
      'the gate has no model: model stops are for the gateway',
    );

    const g = await stop({ kind: 'group', value: 'person' });
    assert.ok(codes(await gate()).includes('publishing_stopped'), 'the user is a person');
    assert.equal((await check('group=organisation')).body.allowed, true);
    assert.equal((await check('group=organisation&group=person')).body.allowed, false);
    const list = await o.s.call('GET', '/api/emergency/stops', { token: o.tokens.get('reviewer')! });
    assert.equal(list.body.active.length, 3);
    for (const id of [m.body.id, c.body.id, g.body.id]) assert.equal((await end(id)).status, 200);
    assert.equal((await check('model=portrait-v1&capability=voice_clone&group=person')).body.allowed, true);
  });

  it('refuses bad input with clear errors', async () => {
    const noValue = await stop({ kind: 'model' });
    assert.deepEqual(
      [noValue.status, noValue.body.error.code, noValue.body.error.details.field],
      [400, 'invalid_request', 'scope.value'],
    );
    assert.equal((await stop({ kind: 'planet', value: 'x' })).status, 400);
    const noReason = await o.s.call('POST', '/api/emergency/stops', {
      token: officer,
      body: { scope: { kind: 'all' } },
    });
    assert.equal(noReason.status, 400);
    const unknown = await end('no-such-stop');
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'not_found']);
  });

  it('lets only the right roles switch and read', async () => {
    await assertOnlyRoles(o, ['admin', 'compliance_officer'], 'POST', '/api/emergency/stops', {});
    await assertOnlyRoles(o, ['admin', 'compliance_officer'], 'POST', '/api/emergency/stops/x/end', {});
    await assertOnlyRoles(o, ['admin', 'reviewer', 'compliance_officer', 'auditor'], 'GET', '/api/emergency/stops');
    await assertOnlyRoles(o, ['admin', 'reviewer', 'compliance_officer', 'auditor'], 'GET', '/api/emergency/check');
  });

  it('logs every stop and its end, and the log verifies', async () => {
    const events = await o.events('emergency.');
    assert.equal(events.filter((e) => e.type === 'emergency.stop.started').length, 4);
    assert.equal(events.filter((e) => e.type === 'emergency.stop.ended').length, 4);
    assert.ok(events.every((e) => e.actor.startsWith('account:')));
    await o.verifyLog();
  });

  describe('two server instances on one database', () => {
    let a: OversightServer;
    let b: OversightServer;
    before(async () => {
      const shared = await ctx.fresh();
      a = await startOversightServer(shared, { options: { emergencyTtlMs: 1000 } });
      b = await startOversightServer(shared, { options: { emergencyTtlMs: 1000 } });
    });
    after(async () => {
      await a?.close();
      await b?.close();
    });

    it('a stop started at instance A refuses publishing at instance B within seconds, and ending it at B frees A', async () => {
      const gateB = () => b.s.call('GET', '/api/me/gate', { token: b.tokens.get('user')! });
      const checkA = () => a.s.call('GET', '/api/emergency/check', { token: a.tokens.get('admin')! });
      assert.ok(!codes(await gateB()).includes('publishing_stopped'));
      assert.equal((await checkA()).body.allowed, true);

      const s = await a.s.call('POST', '/api/emergency/stops', {
        token: a.tokens.get('admin')!,
        body: { scope: { kind: 'all' }, reason: 'incident' },
      });
      assert.equal(s.status, 201);
      assert.equal((await checkA()).body.allowed, false, 'in force at A at once');
      await eventually('B refuses publishing', 10_000, async () => codes(await gateB()).includes('publishing_stopped'));

      const e = await b.s.call('POST', `/api/emergency/stops/${s.body.id}/end`, {
        token: b.tokens.get('admin')!,
        body: { reason: 'resolved' },
      });
      assert.equal(e.status, 200);
      assert.ok(!codes(await gateB()).includes('publishing_stopped'), 'lifted at B at once');
      await eventually('A allows publishing again', 10_000, async () => (await checkA()).body.allowed === true);
      await a.verifyLog();
    });
  });
});
