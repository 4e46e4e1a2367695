/**
 * Feature library governance end to end through HTTP on both databases: four eyes (the proposer never approves their
 * own proposal), imports and rollbacks through the same path, coverage, the weekly-update alert, the audit events, and
 * a publication during a burst of reviews (every review used the old or the new version, whole).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../store/dialects.ts';
import { clock, type GovernanceServer, startGovernanceServer } from '../governance-harness.ts';

forEachDialect('feature library governance', (ctx) => {
  let h: GovernanceServer;
  before(async () => {
    h = await startGovernanceServer(ctx.db);
  });
  after(() => h.close());
  const call = (who: keyof GovernanceServer['tokens'], method: string, path: string, body?: unknown) =>
    h.s.call(method, path, { token: h.tokens[who], ...(body !== undefined ? { body } : {}) });
  let v1 = '';
  let v2 = '';

  it('alerts before anything is published, and reviews fail closed', async () => {
    const st = await call('auditor', 'GET', '/api/feature-library/staleness');
    assert.equal(st.status, 200);
    assert.equal(st.body.alert.code, 'feature_library_stale');
    const r = await call('reviewer', 'POST', '/api/feature-library/review', { text: 'anything' });
    assert.equal(r.body.decision, 'review');
    assert.equal(r.body.library, null);
  });

  it("refuses the proposer as approver, publishes on another person's approval", async () => {
    const p = await call('officer', 'POST', '/api/feature-library/proposals', {
      upsert: [{ pattern: '违禁词甲', riskCode: 'A.1.h', action: 'block' }],
      note: 'first',
    });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    assert.equal(p.body.status, 'pending');
    const own = await call('officer', 'POST', `/api/feature-library/proposals/${p.body.id}/approve`);
    assert.equal(own.status, 403);
    assert.equal(own.body.error.code, 'forbidden');
    assert.equal(own.body.error.details.rule, 'four_eyes');
    const ok = await call('officer2', 'POST', `/api/feature-library/proposals/${p.body.id}/approve`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.version, 1);
    v1 = ok.body.contentHash;
    const again = await call('admin', 'POST', `/api/feature-library/proposals/${p.body.id}/approve`);
    assert.equal(again.status, 409);
    const r = await call('reviewer', 'POST', '/api/feature-library/review', { text: '这里有违禁词甲。' });
    assert.equal(r.body.decision, 'block');
    assert.deepEqual(r.body.library, { version: 1, contentHash: v1 });
    const st = await call('auditor', 'GET', '/api/feature-library/staleness');
    assert.equal(st.body.stale, false);
    assert.equal(st.body.alert, null);
  });

  it('imports in bulk through a proposal; a stale base is refused', async () => {
    const csv = 'pattern,riskCode,action\n导入词乙,A.1.h,block\n导入词丙,A.1.f,review\n';
    const a = await call('reviewer', 'POST', '/api/feature-library/imports', { name: 'list.csv', text: csv });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const b = await call('officer', 'POST', '/api/feature-library/imports', {
      name: 'list.jsonl',
      text: '{"pattern":"另一词丁","riskCode":"A.1.h"}\n',
    });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    const ok = await call('officer', 'POST', `/api/feature-library/proposals/${a.body.proposal.id}/approve`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.version, 2);
    v2 = ok.body.contentHash;
    const stale = await call('officer2', 'POST', `/api/feature-library/proposals/${b.body.proposal.id}/approve`);
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.details.rule, 'stale_base');
    const vs = await call('auditor', 'GET', '/api/feature-library/versions');
    assert.deepEqual(
      vs.body.versions.map((v: { version: number; entries: number }) => [v.version, v.entries]),
      [
        [1, 1],
        [2, 3],
      ],
    );
    assert.equal(vs.body.current, v2);
    const cov = await call('auditor', 'GET', '/api/feature-library/coverage');
    assert.equal(cov.status, 200);
    assert.equal(cov.body.total, 3);
  });

  it('rolls back by publishing an earlier version again, with four eyes', async () => {
    const p = await call('reviewer', 'POST', '/api/feature-library/rollbacks', { targetHash: v1, note: 'bad import' });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const ok = await call('admin', 'POST', `/api/feature-library/proposals/${p.body.id}/approve`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.contentHash, v1);
    const r = await call('reviewer', 'POST', '/api/feature-library/review', { text: '导入词乙' });
    assert.equal(r.body.decision, 'pass');
    assert.equal(r.body.library.contentHash, v1);
    const pubs = await call('auditor', 'GET', '/api/feature-library/publications');
    assert.deepEqual(
      pubs.body.publications.map((x: { kind: string }) => x.kind),
      ['rollback', 'publish', 'publish'],
    );
  });

  it('a publication during a burst of reviews: each review used the old or the new version, whole', async () => {
    const p = await call('officer', 'POST', '/api/feature-library/proposals', {
      upsert: [{ pattern: '新增词戊', riskCode: 'A.1.h', action: 'block' }],
    });
    const text = '新增词戊 and 违禁词甲';
    const reviews = Array.from({ length: 60 }, () => call('reviewer', 'POST', '/api/feature-library/review', { text }));
    const publish = call('officer2', 'POST', `/api/feature-library/proposals/${p.body.id}/approve`);
    const more = Array.from({ length: 60 }, () => call('reviewer', 'POST', '/api/feature-library/review', { text }));
    const [pub, ...results] = await Promise.all([publish, ...reviews, ...more]);
    assert.equal(pub!.status, 200, JSON.stringify(pub!.body));
    const newHash = pub!.body.contentHash as string;
    for (const r of results) {
      assert.equal(r.status, 200);
      const used = r.body.library.contentHash;
      assert.ok(used === v1 || used === newHash, `a review used ${used}`);
      const patterns = r.body.hits.map((x: { pattern: string }) => x.pattern).sort();
      // Old version: only 违禁词甲 exists; new version: both. A mix would show the other set.
      assert.deepEqual(patterns, used === v1 ? ['违禁词甲'] : ['新增词戊', '违禁词甲'].sort());
    }
    const after = await call('reviewer', 'POST', '/api/feature-library/review', { text });
    assert.equal(after.body.library.contentHash, newHash);
  });

  it('alerts when no version was published for 7 days', async () => {
    clock.aheadMs = 8 * 86_400_000;
    try {
      const st = await call('officer', 'GET', '/api/feature-library/staleness');
      assert.equal(st.body.stale, true);
      assert.equal(st.body.alert.code, 'feature_library_stale');
      assert.ok(st.body.ageDays >= 7);
    } finally {
      clock.aheadMs = 0;
    }
  });

  it('the scheduled check hands the alert over, and another instance loads a new version', async () => {
    const alerts: string[] = [];
    clock.aheadMs = 8 * 86_400_000;
    try {
      const stop = h.g.library.startStalenessCheck((a) => alerts.push(a.alert!.code));
      for (let k = 0; k < 1000 && alerts.length === 0; k++) await new Promise((r) => setTimeout(r, 10));
      stop();
    } finally {
      clock.aheadMs = 0;
    }
    assert.deepEqual(alerts, ['feature_library_stale']);
    const { createAuditLog } = await import('../../../src/platform/audit/create-audit-log.ts');
    const { createFeatureLibrary } = await import('../../../src/platform/feature-library/create-feature-library.ts');
    const other = ctx.db.open();
    const second = await createFeatureLibrary(other, (await createAuditLog(other, { signingKeyFile: null })).log);
    const served = h.g.library.service.holder.current()!.contentHash;
    assert.equal(second.service.holder.current()?.contentHash, served, 'a new instance serves the current version');
    const p = await call('reviewer', 'POST', '/api/feature-library/proposals', {
      upsert: [{ pattern: '另一实例词', riskCode: 'A.1.h', action: 'block' }],
    });
    const ok = await call('admin', 'POST', `/api/feature-library/proposals/${p.body.id}/approve`);
    assert.equal(ok.status, 200);
    assert.equal(second.service.holder.current()?.contentHash, served, 'not yet synchronised');
    await second.service.sync();
    assert.equal(second.service.holder.current()?.contentHash, ok.body.contentHash);
    assert.equal(second.service.holder.review('另一实例词').decision, 'block');
  });

  it('lists its routes in the OpenAPI document', async () => {
    const doc = await h.s.call('GET', '/openapi.json');
    for (const path of [
      '/api/feature-library/proposals',
      '/api/review-queue/items/{id}/claim',
      '/api/authority-reports/export',
    ])
      assert.ok(doc.body.paths[path], path);
  });

  it('refuses roles without the permission', async () => {
    const cases: [keyof GovernanceServer['tokens'], string, string, unknown?][] = [
      ['auditor', 'POST', '/api/feature-library/proposals', { remove: ['x'] }],
      ['user', 'POST', '/api/feature-library/proposals', { remove: ['x'] }],
      ['user', 'GET', '/api/feature-library/versions'],
      ['reviewer', 'POST', '/api/feature-library/proposals/x/approve'],
      ['auditor', 'POST', '/api/feature-library/review', { text: 'a' }],
      ['user', 'POST', '/api/feature-library/review', { text: 'a' }],
    ];
    for (const [who, method, path, body] of cases) {
      const r = await call(who, method, path, body);
      assert.equal(r.status, 403, `${who} ${method} ${path}`);
      assert.equal(r.body.error.code, 'forbidden');
    }
  });

  it('answers bad input with stable codes', async () => {
    const empty = await call('officer', 'POST', '/api/feature-library/proposals', {});
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, 'invalid_request');
    const badEntry = await call('officer', 'POST', '/api/feature-library/proposals', { upsert: [{ pattern: ' ' }] });
    assert.equal(badEntry.status, 400);
    const noEntry = await call('officer', 'POST', '/api/feature-library/proposals', { remove: ['no-such-id'] });
    assert.equal(noEntry.status, 400);
    const badHash = await call('officer', 'POST', '/api/feature-library/rollbacks', { targetHash: 'abc' });
    assert.equal(badHash.status, 400);
    const unknown = await call('officer', 'POST', '/api/feature-library/rollbacks', { targetHash: 'a'.repeat(64) });
    assert.equal(unknown.status, 404);
    const nothing = await call('officer', 'POST', '/api/feature-library/imports', { name: 'x.jsonl', text: '\n' });
    assert.equal(nothing.status, 400);
  });

  it('records every step in the audit log, which verifies', async () => {
    const ev = await h.events('feature_library.');
    const types = ev.map((e) => e.type);
    assert.ok(types.includes('feature_library.proposed'));
    assert.equal(types.filter((t) => t === 'feature_library.published').length, 4);
    assert.equal(types.filter((t) => t === 'feature_library.rolled_back').length, 1);
    const pub = ev.find((e) => e.type === 'feature_library.published')!;
    assert.notEqual((pub.payload as { proposedBy: string }).proposedBy, undefined);
    await h.verifyLog();
  });
});
