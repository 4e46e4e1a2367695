/**
 * Enforcement (Art. 10) end to end over HTTP on both databases: the TC260 ladder driven by scripted strikes reaches
 * each level exactly when the policy says (3 in a row; 5 in a day with clean requests between; window expiry;
 * closure after the third suspension), the publishing gate enforces it, the user reads notices and appeals, roles are
 * refused what they may not do, bad input gets stable codes, and every action is in a log that verifies.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../store/dialects.ts';
import { type DutyServer, startDutyServer } from '../duty-server.ts';

forEachDialect('enforcement over HTTP', (ctx) => {
  let d: DutyServer;
  before(async () => {
    d = await startDutyServer(ctx.db);
  });
  after(() => d?.s.close());

  /** Record one request; returns the level of the action it caused, or null. */
  const req = async (accountId: string, blocked: boolean, extra: Record<string, unknown> = {}) => {
    const r = await d.s.call('POST', '/api/enforcement/requests', {
      token: d.tokens.reviewer,
      body: { accountId, blocked, rule: 'content.illegal', ...extra },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.action?.level ?? null;
  };
  const gateCodes = async (id: string, fn = 'publish') => {
    const r = await d.s.call('GET', `/api/gate/${id}?function=${fn}`, { token: d.tokens.admin });
    assert.equal(r.status, 200);
    return r.body.refusals.map((x: { code: string }) => x.code) as string[];
  };

  it('3 blocked requests in a row: warning, restriction, suspension — and the gate refuses', async () => {
    const u = await d.user('streak-user');
    assert.deepEqual(await gateCodes(u.id), ['real_name_required', 'agreement_required']);
    assert.equal(await req(u.id, true), 'warning');
    assert.equal(await req(u.id, true), 'restriction');
    assert.ok((await gateCodes(u.id)).includes('function_restricted'));
    assert.equal(await req(u.id, true), 'suspension');
    assert.ok((await gateCodes(u.id)).includes('account_suspended'));
    assert.ok((await gateCodes(u.id, 'face-edit')).includes('account_suspended'));

    const me = await d.s.call('GET', '/api/me/enforcement', { token: u.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.notices.length, 3);
    assert.match(me.body.notices[0].message, /suspended/);
    assert.equal(me.body.standing.streak, 3);
    const suspension = me.body.actions.find((a: { level: string }) => a.level === 'suspension');
    assert.equal(suspension.rule, 'content.illegal');
    assert.match(suspension.reason, /3 blocked requests in a row/);
    assert.equal(suspension.evidence.requestIds.length, 3);
    assert.match(suspension.actor, /^account:/);

    // Appeal: once; not someone else's action; a compliance officer overturns, the suspension is lifted.
    const other = await d.user('other-user');
    const foreign = await d.s.call('POST', `/api/me/enforcement/actions/${suspension.id}/appeal`, {
      token: other.token,
      body: { statement: 'not mine' },
    });
    assert.equal(foreign.status, 404);
    const ap = await d.s.call('POST', `/api/me/enforcement/actions/${suspension.id}/appeal`, {
      token: u.token,
      body: { statement: '我认为判断有误' },
    });
    assert.equal(ap.status, 201, JSON.stringify(ap.body));
    assert.equal(ap.body.status, 'open');
    const again = await d.s.call('POST', `/api/me/enforcement/actions/${suspension.id}/appeal`, {
      token: u.token,
      body: { statement: 'again' },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'conflict');
    const open = await d.s.call('GET', '/api/enforcement/appeals?status=open', { token: d.tokens.auditor });
    assert.ok(open.body.appeals.some((a: { id: string }) => a.id === ap.body.id));
    const byReviewer = await d.s.call('POST', `/api/enforcement/appeals/${ap.body.id}/decision`, {
      token: d.tokens.reviewer,
      body: { outcome: 'overturned', reason: 'x' },
    });
    assert.equal(byReviewer.status, 403);
    const decided = await d.s.call('POST', `/api/enforcement/appeals/${ap.body.id}/decision`, {
      token: d.tokens.compliance_officer,
      body: { outcome: 'overturned', reason: 'the content was satire' },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.status, 'overturned');
    assert.ok(!(await gateCodes(u.id)).includes('account_suspended'));
    const after = await d.s.call('GET', '/api/me/enforcement', { token: u.token });
    assert.match(after.body.notices[0].message, /lifted/);
  });

  it('5 in a day with clean requests between: suspension at the fifth blocked request, not before', async () => {
    const u = await d.user('daily-user');
    const expected = ['warning', 'restriction', null, null, 'suspension'];
    for (const [i, level] of expected.entries()) {
      assert.equal(await req(u.id, true), level, `blocked request ${i + 1}`);
      if (i < 4) assert.equal(await req(u.id, false), null, 'a clean request takes no action');
    }
    const st = await d.s.call('GET', `/api/enforcement/accounts/${u.id}`, { token: d.tokens.auditor });
    assert.equal(st.body.standing.points, 5);
    assert.equal(st.body.standing.streak, 1);
    assert.match(st.body.actions[0].reason, /5 point/);
  });

  it('window expiry: strikes older than 24 h stop counting; the ladder starts again', async () => {
    const u = await d.user('window-user');
    const at = (h: number) => {
      d.clock.at = start + h * 3_600_000;
    };
    const start = d.clock.at;
    const script: [number, string | null][] = [
      [0, 'warning'],
      [1, 'restriction'],
      [2, null],
      [3, null],
      [24.5, null], // the strike at 0 h has left the window: 4 points (1, 2, 3, 24.5 h); restriction still in force
      [25.5, 'restriction'], // 4 points (2, 3, 24.5, 25.5 h); the earlier restriction left the window
      [26, null], // the strike at 2 h is exactly 24 h old: out of the window (it is (now − 24 h, now])
      [26.5, 'suspension'], // 5 points: 3, 24.5, 25.5, 26, 26.5 h
    ];
    for (const [h, level] of script) {
      at(h);
      assert.equal(await req(u.id, true), level, `strike at ${h} h`);
      assert.equal(await req(u.id, false), null);
    }
    d.clock.at = start;
  });

  it('three blocked requests at once still take each step exactly once', async () => {
    const u = await d.user('burst-user');
    const levels = await Promise.all([req(u.id, true), req(u.id, true), req(u.id, true)]);
    assert.deepEqual(levels.sort(), ['restriction', 'suspension', 'warning']);
  });

  it('a high-severity strike weighs 5; closure after the third suspension in 90 days', async () => {
    const u = await d.user('severe-user');
    assert.equal(await req(u.id, true, { severity: 'high' }), 'suspension');
    const start = d.clock.at;
    d.clock.advanceHours(25);
    assert.deepEqual(
      [await req(u.id, true), await req(u.id, true), await req(u.id, true)],
      ['warning', 'restriction', 'suspension'],
    );
    d.clock.advanceHours(25);
    assert.deepEqual(
      [await req(u.id, true), await req(u.id, true), await req(u.id, true)],
      ['warning', 'restriction', 'closure'],
    );
    assert.ok((await gateCodes(u.id)).includes('account_closed'));
    d.clock.at = start;
  });

  it('a manual restriction of face-edit refuses that function and not publishing', async () => {
    const u = await d.user('face-user');
    const r = await d.s.call('POST', '/api/enforcement/actions', {
      token: d.tokens.compliance_officer,
      body: {
        accountId: u.id,
        level: 'restriction',
        functions: ['face-edit'],
        until: new Date(d.clock.at + 86_400_000).toISOString(),
        reason: 'face swaps without consent',
        evidence: { contentIds: ['c-1'] },
        rule: 'art14.consent',
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.ok((await gateCodes(u.id, 'face-edit')).includes('function_restricted'));
    assert.ok(!(await gateCodes(u.id, 'publish')).includes('function_restricted'));
    const mine = await d.s.call('GET', '/api/me/gate?function=face-edit', { token: u.token });
    assert.ok(mine.body.refusals.some((x: { code: string }) => x.code === 'function_restricted'));
    const lift = await d.s.call('POST', `/api/enforcement/actions/${r.body.id}/lift`, {
      token: d.tokens.reviewer,
      body: { reason: 'consent shown' },
    });
    assert.equal(lift.status, 200);
    assert.ok(!(await gateCodes(u.id, 'face-edit')).includes('function_restricted'));
    const twice = await d.s.call('POST', `/api/enforcement/actions/${r.body.id}/lift`, {
      token: d.tokens.reviewer,
      body: { reason: 'again' },
    });
    assert.equal(twice.status, 409);
  });

  it('refuses roles that may not, and bad input with stable codes', async () => {
    const u = await d.user('nosy-user');
    const body = { accountId: u.id, blocked: true };
    for (const [token, status] of [
      [u.token, 403],
      [d.tokens.auditor, 403],
      [d.tokens.compliance_officer, 403],
      [undefined, 401],
    ] as const) {
      const r = await d.s.call('POST', '/api/enforcement/requests', { ...(token ? { token } : {}), body });
      assert.equal(r.status, status);
    }
    const act = { accountId: u.id, level: 'warning', reason: 'r', evidence: null, rule: 'x' };
    assert.equal(
      (await d.s.call('POST', '/api/enforcement/actions', { token: d.tokens.auditor, body: act })).status,
      403,
    );
    assert.equal((await d.s.call('POST', '/api/enforcement/actions', { token: u.token, body: act })).status, 403);
    assert.equal((await d.s.call('GET', `/api/enforcement/accounts/${u.id}`, { token: u.token })).status, 403);
    assert.equal((await d.s.call('GET', '/api/me/enforcement', { token: d.tokens.admin })).status, 403);

    const bad = async (path: string, b: unknown, code: string) => {
      const r = await d.s.call('POST', path, { token: d.tokens.admin, body: b });
      assert.equal(r.status, code === 'not_found' ? 404 : 400, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code);
    };
    await bad('/api/enforcement/requests', { ...body, severity: 'extreme' }, 'invalid_request');
    await bad('/api/enforcement/requests', { ...body, function: 'Face Edit' }, 'invalid_request');
    await bad('/api/enforcement/actions', { ...act, level: 'restriction' }, 'invalid_request');
    await bad('/api/enforcement/actions', { ...act, level: 'suspension' }, 'invalid_request');
    await bad('/api/enforcement/actions', { ...act, level: 'ban' }, 'invalid_request');
    await bad('/api/enforcement/actions/nope/lift', { reason: 'x' }, 'not_found');
  });

  it('records every step in the audit log, which verifies', async () => {
    const types = await d.eventTypes();
    for (const t of [
      'enforcement.request.blocked',
      'enforcement.request.clean',
      'enforcement.action.warning',
      'enforcement.action.restriction',
      'enforcement.action.suspension',
      'enforcement.action.closure',
      'enforcement.action.lifted',
      'enforcement.appeal.filed',
      'enforcement.appeal.overturned',
    ]) {
      assert.ok(types.includes(t), t);
    }
    await d.verifyLog();
    const openapi = await d.s.call('GET', '/openapi.json');
    assert.ok(openapi.body.paths['/api/enforcement/requests']);
  });
});
