/**
 * Reports to authorities end to end through HTTP on both databases: record, list and filter, export as CSV and JSON
 * lines, permission denials, bad input, and the log.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { parseCsv } from '../../../src/review/library/csv.ts';
import { forEachDialect } from '../../store/dialects.ts';
import { type GovernanceServer, startGovernanceServer } from '../governance-harness.ts';

forEachDialect('reports to authorities', (ctx) => {
  let h: GovernanceServer;
  before(async () => {
    h = await startGovernanceServer(ctx.db);
  });
  after(() => h.close());
  const call = (who: keyof GovernanceServer['tokens'], method: string, path: string, body?: unknown) =>
    h.s.call(method, path, { token: h.tokens[who], ...(body !== undefined ? { body } : {}) });
  const ids: string[] = [];

  it('records reports: what, when, to whom, reference number', async () => {
    const inputs = [
      {
        subject: 'Generated video impersonating a public figure, removed',
        category: 'illegal_content',
        authority: '网信办 (CAC) Beijing',
        channel: '12377 portal',
        referenceNumber: 'BJ-2026-0001',
        reportedAt: '2026-11-02T09:00:00.000Z',
        related: ['queue_item:abc', 'content:c1'],
      },
      {
        subject: 'False claim about a flood, "refuted", notice published',
        category: 'rumour',
        authority: '公安网安 Shanghai',
        channel: 'email',
        reportedAt: '2026-11-10T12:30:00Z',
      },
      {
        subject: 'Batch of 3 illegal prompts',
        category: 'illegal_content',
        authority: '网信办 (CAC) Beijing',
        channel: '12377 portal',
        referenceNumber: 'BJ-2026-0002',
        reportedAt: '2026-11-20T08:00:00Z',
      },
    ];
    for (const body of inputs) {
      const r = await call('officer', 'POST', '/api/authority-reports', body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.authority, body.authority);
      assert.equal(r.body.reportedAt, new Date(body.reportedAt).toISOString());
      ids.push(r.body.id);
    }
    const one = await call('auditor', 'GET', `/api/authority-reports/${ids[0]}`);
    assert.equal(one.body.referenceNumber, 'BJ-2026-0001');
    assert.deepEqual(one.body.related, ['queue_item:abc', 'content:c1']);
  });

  it('lists with filters', async () => {
    const all = await call('auditor', 'GET', '/api/authority-reports');
    assert.equal(all.body.reports.length, 3);
    const cac = await call(
      'auditor',
      'GET',
      `/api/authority-reports?authority=${encodeURIComponent('网信办 (CAC) Beijing')}`,
    );
    assert.deepEqual(
      cac.body.reports.map((r: { referenceNumber: string }) => r.referenceNumber),
      ['BJ-2026-0001', 'BJ-2026-0002'],
    );
    const rumour = await call('officer', 'GET', '/api/authority-reports?category=rumour');
    assert.equal(rumour.body.reports.length, 1);
    const range = await call('officer', 'GET', '/api/authority-reports?from=2026-11-05&to=2026-11-15');
    assert.deepEqual(
      range.body.reports.map((r: { id: string }) => r.id),
      [ids[1]],
    );
  });

  it('exports CSV and JSON lines', async () => {
    const csv = await call('auditor', 'GET', '/api/authority-reports/export?format=csv&category=illegal_content');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    const rows = parseCsv(csv.body as string).filter((r) => r.length > 1);
    assert.equal(rows[0]![0], 'id');
    assert.equal(rows.length, 3);
    assert.equal(rows[1]![5], 'BJ-2026-0001');
    const jsonl = await h.s.call('GET', '/api/authority-reports/export?format=jsonl', { token: h.tokens.officer });
    const lines = String(jsonl.body)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.equal(lines[1].subject, 'False claim about a flood, "refuted", notice published');
  });

  it('refuses roles without the permission and bad input', async () => {
    const body = { subject: 's', category: 'other', authority: 'a', channel: 'c', reportedAt: '2026-11-01T00:00:00Z' };
    for (const who of ['reviewer', 'auditor', 'user'] as const) {
      const r = await call(who, 'POST', '/api/authority-reports', body);
      assert.equal(r.status, 403, who);
      assert.equal(r.body.error.code, 'forbidden');
    }
    for (const who of ['reviewer', 'user'] as const) {
      assert.equal((await call(who, 'GET', '/api/authority-reports')).status, 403, who);
      assert.equal((await call(who, 'GET', '/api/authority-reports/export')).status, 403, who);
    }
    const bad = [
      { ...body, category: 'gossip' },
      { ...body, authority: '' },
      { ...body, reportedAt: 'yesterday' },
      { ...body, reportedAt: '2999-01-01T00:00:00Z' },
    ];
    for (const b of bad) {
      const r = await call('officer', 'POST', '/api/authority-reports', b);
      assert.equal(r.status, 400, JSON.stringify(b));
      assert.equal(r.body.error.code, 'invalid_request');
    }
    assert.equal((await call('officer', 'GET', '/api/authority-reports?from=soon')).status, 400);
    assert.equal((await call('officer', 'GET', '/api/authority-reports/nope')).status, 404);
  });

  it('records each report in the log, which verifies', async () => {
    const ev = await h.events('authority_report.');
    assert.equal(ev.length, 3);
    assert.deepEqual(
      ev.map((e) => e.subject),
      ids.map((id) => `authority_report:${id}`),
    );
    await h.verifyLog();
  });
});
