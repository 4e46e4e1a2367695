/**
 * The review queue end to end through HTTP on both databases: engine results, reports and appeals enqueued; a claim is
 * exclusive (two reviewers at once: exactly one wins, 20 times) and expires; decisions need a live claim, a reason and
 * a policy reference; high severity goes to a second, different reviewer; queue ages against deadlines; the log.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../store/dialects.ts';
import { clock, type GovernanceServer, startGovernanceServer } from '../governance-harness.ts';

const engineResult = (severity: number) => ({
  decision: 'review',
  complete: true,
  hits: [{ kind: 'text', entryId: 'e1', pattern: 'x', riskCode: 'A.1.h', action: 'review', severity }],
  library: { version: 1, contentHash: 'a'.repeat(64) },
});

forEachDialect('review queue', (ctx) => {
  let h: GovernanceServer;
  before(async () => {
    h = await startGovernanceServer(ctx.db);
  });
  after(() => h.close());
  const call = (who: keyof GovernanceServer['tokens'], method: string, path: string, body?: unknown) =>
    h.s.call(method, path, { token: h.tokens[who], ...(body !== undefined ? { body } : {}) });
  const enqueue = async (severity = 2, queue = 'engine') => {
    const r = await call('officer', 'POST', '/api/review-queue/items', {
      queue,
      subject: 'content:c1',
      ...(queue === 'engine' ? { result: engineResult(severity) } : { severity, details: { note: 'user report' } }),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };

  it('enqueues engine results with their evidence, reports and appeals', async () => {
    const a = await enqueue(2);
    assert.equal(a.severity, 2);
    assert.equal(a.libraryHash, 'a'.repeat(64));
    assert.equal(a.evidence.decision, 'review');
    const b = await enqueue(3, 'report');
    assert.equal(b.queue, 'report');
    const c = await enqueue(1, 'appeal');
    assert.ok(Date.parse(c.deadlineAt) - Date.parse(c.createdAt) === 72 * 3_600_000);
  });

  it('lets exactly one of two reviewers claiming at once win (20 times)', async () => {
    for (let k = 0; k < 20; k++) {
      const item = await enqueue(2);
      const url = `/api/review-queue/items/${item.id}/claim`;
      const [x, y] = await Promise.all([call('reviewer', 'POST', url), call('reviewer2', 'POST', url)]);
      const statuses = [x.status, y.status].sort();
      assert.deepEqual(statuses, [200, 409], `round ${k}: ${x.status} ${y.status}`);
      const winner = x.status === 200 ? x : y;
      const loser = x.status === 200 ? y : x;
      assert.equal(loser.body.error.code, 'conflict');
      const now = await call('auditor', 'GET', `/api/review-queue/items/${item.id}`);
      assert.equal(now.body.claimedBy, winner.body.claimedBy);
    }
  });

  it('decides only with a live claim, a reason and a policy reference; a claim expires', async () => {
    const item = await enqueue(2);
    const d = { decision: 'remove', reason: 'prohibited term in context', policyRef: 'rules §3.2' };
    const noClaim = await call('reviewer', 'POST', `/api/review-queue/items/${item.id}/decision`, d);
    assert.equal(noClaim.status, 409);
    assert.equal((await call('reviewer', 'POST', `/api/review-queue/items/${item.id}/claim`)).status, 200);
    const held = await call('reviewer2', 'POST', `/api/review-queue/items/${item.id}/claim`);
    assert.equal(held.status, 409);
    clock.aheadMs = 16 * 60_000;
    try {
      const late = await call('reviewer', 'POST', `/api/review-queue/items/${item.id}/decision`, d);
      assert.equal(late.status, 409, 'an expired claim decides nothing');
      assert.equal((await call('reviewer2', 'POST', `/api/review-queue/items/${item.id}/claim`)).status, 200);
      const noReason = await call('reviewer2', 'POST', `/api/review-queue/items/${item.id}/decision`, {
        decision: 'remove',
        reason: ' ',
        policyRef: 'x',
      });
      assert.equal(noReason.status, 400);
      assert.equal(noReason.body.error.code, 'invalid_request');
      const ok = await call('reviewer2', 'POST', `/api/review-queue/items/${item.id}/decision`, d);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.status, 'decided');
      assert.equal(ok.body.decision.policyRef, 'rules §3.2');
      const twice = await call('reviewer', 'POST', `/api/review-queue/items/${item.id}/claim`);
      assert.equal(twice.status, 409);
    } finally {
      clock.aheadMs = 0;
    }
  });

  it('sends a high-severity decision to a second, different reviewer', async () => {
    const item = await enqueue(5);
    const url = `/api/review-queue/items/${item.id}`;
    const d = { decision: 'remove', reason: 'serious', policyRef: 'rules §1' };
    assert.equal((await call('reviewer', 'POST', `${url}/claim`)).status, 200);
    const first = await call('reviewer', 'POST', `${url}/decision`, d);
    assert.equal(first.body.status, 'second_review');
    assert.equal(first.body.decision, null);
    const self = await call('reviewer', 'POST', `${url}/claim`);
    assert.equal(self.status, 403);
    assert.equal(self.body.error.details.rule, 'second_review');
    assert.equal((await call('reviewer2', 'POST', `${url}/claim`)).status, 200);
    const second = await call('reviewer2', 'POST', `${url}/decision`, { ...d, decision: 'restrict' });
    assert.equal(second.body.status, 'decided');
    assert.equal(second.body.firstDecision.decision, 'remove');
    assert.equal(second.body.decision.decision, 'restrict');
    assert.notEqual(second.body.firstDecision.by, second.body.decision.by);
  });

  it("shows each queue's oldest item age against its deadline", async () => {
    clock.aheadMs = 30 * 3_600_000;
    try {
      const r = await call('auditor', 'GET', '/api/review-queue/queues');
      assert.equal(r.status, 200);
      const engine = r.body.queues.find((q: { queue: string }) => q.queue === 'engine');
      assert.ok(engine.waiting >= 1);
      assert.equal(engine.deadlineHours, 24);
      assert.ok(engine.oldestAgeHours >= 30);
      assert.equal(engine.overdue, true);
      const appeal = r.body.queues.find((q: { queue: string }) => q.queue === 'appeal');
      assert.equal(appeal.overdue, false);
    } finally {
      clock.aheadMs = 0;
    }
  });

  it('refuses roles without the permission and bad input', async () => {
    const item = await enqueue(2);
    for (const who of ['auditor', 'officer', 'user'] as const) {
      const r = await call(who, 'POST', `/api/review-queue/items/${item.id}/claim`);
      assert.equal(r.status, 403, who);
    }
    const u = await call('user', 'GET', '/api/review-queue/queues');
    assert.equal(u.status, 403);
    const a = await call('auditor', 'POST', '/api/review-queue/items', { queue: 'report', subject: 's', severity: 2 });
    assert.equal(a.status, 403);
    const pass = await call('officer', 'POST', '/api/review-queue/items', {
      queue: 'engine',
      subject: 's',
      result: { ...engineResult(2), decision: 'pass' },
    });
    assert.equal(pass.status, 400);
    const noSev = await call('officer', 'POST', '/api/review-queue/items', { queue: 'report', subject: 's' });
    assert.equal(noSev.status, 400);
    const badQueue = await call('officer', 'POST', '/api/review-queue/items', { queue: 'x', subject: 's' });
    assert.equal(badQueue.body.error.code, 'invalid_request');
    const missing = await call('reviewer', 'POST', '/api/review-queue/items/nope/claim');
    assert.equal(missing.status, 404);
  });

  it('records enqueues, claims and decisions in the log, which verifies', async () => {
    const ev = await h.events('review_queue.');
    const types = new Set(ev.map((e) => e.type));
    for (const t of [
      'review_queue.enqueued',
      'review_queue.claimed',
      'review_queue.first_decision',
      'review_queue.decided',
    ])
      assert.ok(types.has(t), t);
    const decided = ev.filter((e) => e.type === 'review_queue.decided').map((e) => e.payload as { policyRef: string });
    assert.ok(decided.every((p) => p.policyRef.length > 0));
    await h.verifyLog();
  });
});
