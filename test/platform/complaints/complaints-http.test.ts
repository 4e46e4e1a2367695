/**
 * Complaints (Art. 12) end to end over HTTP on both databases: a public submission with a receipt and a token, the
 * status page, the published process, the working-day deadline across a configured holiday, escalation before the
 * deadline and overdue after it by the scheduled check, the answer on the status page, statistics, permission
 * denials, bad input, the rate limit, and the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../store/dialects.ts';
import { type DutyServer, startDutyServer } from '../duty-server.ts';

const calendar = {
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-27', '2026-10-10'],
};

forEachDialect('complaints over HTTP', (ctx) => {
  let d: DutyServer;
  before(async () => {
    d = await startDutyServer(ctx.db, { complaintPolicy: { calendar, submitLimit: { burst: 12, perMinute: 1 } } });
  });
  after(() => d?.s.close());

  const submit = (body: unknown) => d.s.call('POST', '/api/public/complaints', { body });
  const status = (receipt: string, token: string) =>
    d.s.call('GET', `/api/public/complaints/${receipt}`, { headers: { 'x-complaint-token': token } });
  const run = () => d.s.call('POST', '/api/complaints/escalation/run', { token: d.tokens.reviewer });
  let lateId = '';

  it('publishes the process and its deadlines without a login', async () => {
    const r = await d.s.call('GET', '/api/public/complaints/process');
    assert.equal(r.status, 200);
    const label = r.body.deadlines.find((x: { category: string }) => x.category === 'missing_ai_label');
    assert.match(label.name, /内容未添加AI标识/);
    assert.equal(label.deadline, '15 working days (工作日)');
    assert.match(r.body.counting, /调休/);
  });

  it('takes a complaint before a holiday, escalates it before the deadline and marks it overdue after', async () => {
    d.clock.at = Date.parse('2026-09-30T10:00:00.000Z');
    const r = await submit({
      category: 'missing_ai_label',
      description: '这段视频没有AI标识',
      subjectRef: 'content:v-42',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.match(r.body.receipt, /^TS-20260930-[0-9A-Z]{8}$/);
    assert.equal(r.body.dueAt, '2026-10-27T15:59:59.999Z');
    assert.equal(r.body.status, 'open');
    const { receipt, token } = r.body;

    const page = await status(receipt, token);
    assert.equal(page.status, 200);
    assert.equal(page.body.answer, null);
    assert.equal((await status(receipt, `${token}x`)).status, 404);
    assert.equal((await status(receipt, '')).status, 404);

    const list = await d.s.call('GET', '/api/complaints?status=open', { token: d.tokens.auditor });
    const item = list.body.complaints.find((c: { receipt: string }) => c.receipt === receipt);
    lateId = item.id;
    assert.equal(item.escalateAt, '2026-10-21T16:00:00.000Z');

    d.clock.at = Date.parse('2026-10-21T15:59:59.999Z');
    assert.deepEqual((await run()).body, { escalated: [], overdue: [] });
    d.clock.at = Date.parse('2026-10-21T16:00:00.000Z');
    assert.deepEqual((await run()).body, { escalated: [lateId], overdue: [] });
    assert.deepEqual((await run()).body, { escalated: [], overdue: [] }, 'escalates once');
    d.clock.at = Date.parse('2026-10-27T15:59:59.999Z');
    assert.deepEqual((await run()).body.overdue, []);
    d.clock.at = Date.parse('2026-10-27T16:00:00.000Z');
    assert.deepEqual((await run()).body.overdue, [lateId]);

    const stats = await d.s.call(
      'GET',
      '/api/complaints/stats?from=2026-09-01T00:00:00.000Z&to=2026-11-01T00:00:00.000Z',
      { token: d.tokens.auditor },
    );
    assert.equal(stats.status, 200);
    assert.deepEqual([stats.body.received, stats.body.open, stats.body.overdue], [1, 1, 1]);

    const a = await d.s.call('POST', `/api/complaints/${lateId}/answer`, {
      token: d.tokens.compliance_officer,
      body: { answer: '已为该视频补加AI标识，并对发布者予以警示。' },
    });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const answered = await status(receipt, token);
    assert.equal(answered.body.status, 'answered');
    assert.match(answered.body.answer, /补加AI标识/);
    const again = await d.s.call('POST', `/api/complaints/${lateId}/answer`, {
      token: d.tokens.compliance_officer,
      body: { answer: 'again' },
    });
    assert.equal(again.status, 409);
  });

  it('counts an answer in time and one late in the statistics', async () => {
    d.clock.at = Date.parse('2026-10-12T02:00:00.000Z');
    const r = await submit({ category: 'infringement', description: 'uses my face without consent' });
    assert.equal(r.status, 201);
    const list = await d.s.call('GET', '/api/complaints?status=open', { token: d.tokens.reviewer });
    const id = list.body.complaints.find((c: { receipt: string }) => c.receipt === r.body.receipt).id;
    d.clock.advanceHours(24);
    const a = await d.s.call('POST', `/api/complaints/${id}/answer`, {
      token: d.tokens.reviewer,
      body: { answer: 'removed' },
    });
    assert.equal(a.status, 200);
    d.clock.at = Date.parse('2026-11-01T00:00:00.000Z');
    const stats = await d.s.call(
      'GET',
      '/api/complaints/stats?from=2026-09-01T00:00:00.000Z&to=2026-11-01T00:00:00.000Z',
      { token: d.tokens.admin },
    );
    assert.equal(stats.body.received, 2);
    assert.equal(stats.body.answeredInTime, 1);
    assert.equal(stats.body.answeredLate, 1);
    assert.equal(stats.body.overdue, 0);
    assert.deepEqual(stats.body.byCategory, { missing_ai_label: 1, infringement: 1 });
  });

  it('refuses roles that may not and bad input', async () => {
    const u = await d.user('complaint-user');
    assert.equal((await d.s.call('GET', '/api/complaints', { token: u.token })).status, 403);
    assert.equal((await d.s.call('GET', '/api/complaints')).status, 401);
    const ans = await d.s.call('POST', `/api/complaints/${lateId}/answer`, {
      token: d.tokens.auditor,
      body: { answer: 'x' },
    });
    assert.equal(ans.status, 403);
    assert.equal((await d.s.call('POST', '/api/complaints/escalation/run', { token: d.tokens.auditor })).status, 403);
    for (const body of [
      { category: 'spam', description: 'a valid description' },
      { category: 'other', description: 'hi' },
      { description: 'no category given' },
    ]) {
      const r = await submit(body);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'invalid_request');
    }
    const bad = await status('not-a-receipt', 'x');
    assert.equal(bad.status, 400);
    const stats = await d.s.call('GET', '/api/complaints/stats?from=yesterday&to=now', { token: d.tokens.admin });
    assert.equal(stats.status, 400);
    const unknown = await d.s.call('POST', '/api/complaints/nope/answer', {
      token: d.tokens.admin,
      body: { answer: 'x' },
    });
    assert.equal(unknown.status, 404);
  });

  it('records the log events and the log verifies', async () => {
    const types = await d.eventTypes();
    for (const t of ['complaint.received', 'complaint.escalated', 'complaint.overdue', 'complaint.answered']) {
      assert.ok(types.includes(t), t);
    }
    await d.verifyLog();
  });

  it('rate-limits the public form per address', async () => {
    let limited: { status: number; body: { error: { code: string } } } | undefined;
    for (let i = 0; i < 20 && !limited; i++) {
      const r = await submit({ category: 'other', description: `complaint number ${i}` });
      if (r.status === 429) limited = r;
      else assert.equal(r.status, 201);
    }
    assert.ok(limited, 'the form was rate-limited');
    assert.equal(limited.body.error.code, 'rate_limited');
  });
});
