/**
 * The training data register (Provisions Art. 14) through HTTP on SQLite and PostgreSQL: datasets with source, licence,
 * personal information and consent basis; screenings judged against the TC260 thresholds (> 5% illegal rejects the
 * source; manual ≥ 4,000 items ≥ 96%; technical ≥ 10% sampled ≥ 98%), on and just past each boundary; configured
 * thresholds; permissions, bad input, audit events.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { judgeScreenings, TC260_THRESHOLDS } from '../../../src/platform/training-data/screening-thresholds.ts';
import { forEachDialect } from '../../store/dialects.ts';
import { assertOnlyRoles, type OversightServer, startOversightServer } from '../oversight-harness.ts';

const at = '2026-01-01T00:00:00.000Z';

describe('TC260 thresholds on their boundaries', () => {
  const judge = (s: Parameters<typeof judgeScreenings>[1], items = 100_000) =>
    judgeScreenings(items, s, TC260_THRESHOLDS);
  const status = (v: ReturnType<typeof judge>, name: string) => v.checks.find((c) => c.name === name)?.status;

  it('rejects a source above 5% illegal, accepts exactly 5%', () => {
    assert.equal(
      status(
        judge([{ method: 'keyword', sampled: 10_000, illegal: 500, qualified: 9_900, performedAt: at }]),
        'illegal_rate',
      ),
      'pass',
    );
    assert.equal(
      status(
        judge([{ method: 'keyword', sampled: 10_000, illegal: 501, qualified: 9_900, performedAt: at }]),
        'illegal_rate',
      ),
      'fail',
    );
  });

  it('needs a manual sample of 4,000 items with 96% qualified', () => {
    const m = (sampled: number, qualified: number) =>
      status(judge([{ method: 'manual', sampled, illegal: 0, qualified, performedAt: at }]), 'manual_sample');
    assert.equal(m(4000, 3840), 'pass');
    assert.equal(m(4000, 3839), 'fail');
    assert.equal(m(3999, 3999), 'fail');
  });

  it('needs a technical sample of 10% of the items with 98% qualified; the better method counts', () => {
    const t = (sampled: number, qualified: number, method: 'keyword' | 'model' = 'model') =>
      status(judge([{ method, sampled, illegal: 0, qualified, performedAt: at }]), 'technical_sample');
    assert.equal(t(10_000, 9_800), 'pass');
    assert.equal(t(10_000, 9_799), 'fail');
    assert.equal(t(9_999, 9_999), 'fail');
    const both = judge([
      { method: 'keyword', sampled: 5_000, illegal: 0, qualified: 5_000, performedAt: at },
      { method: 'model', sampled: 20_000, illegal: 0, qualified: 19_700, performedAt: at },
    ]);
    assert.equal(status(both, 'technical_sample'), 'pass');
  });

  it('uses the latest screening of a method', () => {
    const v = judge([
      { method: 'manual', sampled: 4000, illegal: 0, qualified: 3000, performedAt: '2026-01-01T00:00:00.000Z' },
      { method: 'manual', sampled: 4000, illegal: 0, qualified: 4000, performedAt: '2026-02-01T00:00:00.000Z' },
    ]);
    assert.equal(status(v, 'manual_sample'), 'pass');
    assert.equal(v.status, 'incomplete');
  });
});

forEachDialect('training data register', (ctx) => {
  let o: OversightServer;
  let officer = '';
  before(async () => {
    o = await startOversightServer(ctx.db);
    officer = o.tokens.get('compliance_officer')!;
  });
  after(() => o.close());

  const register = (body: Record<string, unknown>) =>
    o.s.call('POST', '/api/training-data/datasets', {
      token: officer,
      body: {
        source: 'https://corpus.example/open',
        licence: 'CC-BY-4.0',
        personalInformation: false,
        itemCount: 100_000,
        ...body,
      },
    });
  const screen = (id: string, body: Record<string, unknown>) =>
    o.s.call('POST', `/api/training-data/datasets/${id}/screenings`, { token: officer, body });

  it('registers a dataset and computes pass once every screening meets its threshold', async () => {
    const r = await register({
      name: 'news-2025',
      personalInformation: true,
      consentBasis: 'public data, PIPL Art. 13(6)',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.verdict.status, 'incomplete');
    const id = r.body.id as string;
    let v = await screen(id, { method: 'keyword', sampled: 100_000, illegal: 300, qualified: 99_000 });
    assert.equal(v.status, 201, JSON.stringify(v.body));
    assert.equal(v.body.verdict.status, 'incomplete');
    v = await screen(id, { method: 'manual', sampled: 4000, illegal: 10, qualified: 3900 });
    assert.equal(v.body.verdict.status, 'pass', JSON.stringify(v.body.verdict));
    const list = await o.s.call('GET', '/api/training-data/datasets', { token: o.tokens.get('auditor')! });
    assert.equal(list.body.datasets.find((d: { id: string }) => d.id === id).verdict.status, 'pass');
  });

  it('fails a source with more than 5% illegal content and says which check failed', async () => {
    const r = await register({ name: 'forum-scrape' });
    const v = await screen(r.body.id, { method: 'model', sampled: 20_000, illegal: 1_200, qualified: 18_000 });
    assert.equal(v.body.verdict.status, 'fail');
    const failed = v.body.verdict.checks
      .filter((c: { status: string }) => c.status === 'fail')
      .map((c: { name: string }) => c.name);
    assert.deepEqual(failed.sort(), ['illegal_rate', 'technical_sample']);
  });

  it('refuses bad input with clear errors', async () => {
    const pi = await register({ name: 'faces', personalInformation: true });
    assert.deepEqual(
      [pi.status, pi.body.error.code, pi.body.error.details.field],
      [400, 'invalid_request', 'consentBasis'],
    );
    const dup = await register({ name: 'news-2025' });
    assert.deepEqual([dup.status, dup.body.error.code], [409, 'conflict']);
    const ds = await register({ name: 'small', itemCount: 10 });
    const over = await screen(ds.body.id, { method: 'manual', sampled: 11, illegal: 0, qualified: 11 });
    assert.deepEqual([over.status, over.body.error.code], [400, 'invalid_request']);
    const more = await screen(ds.body.id, { method: 'manual', sampled: 5, illegal: 6, qualified: 0 });
    assert.equal(more.status, 400);
    const method = await screen(ds.body.id, { method: 'vibes', sampled: 5, illegal: 0, qualified: 5 });
    assert.equal(method.status, 400);
    const none = await screen('no-such-dataset', { method: 'manual', sampled: 5, illegal: 0, qualified: 5 });
    assert.deepEqual([none.status, none.body.error.code], [404, 'not_found']);
  });

  it('lets only the right roles write and read', async () => {
    await assertOnlyRoles(o, ['admin', 'compliance_officer'], 'POST', '/api/training-data/datasets', {});
    await assertOnlyRoles(o, ['admin', 'compliance_officer', 'auditor'], 'GET', '/api/training-data/datasets');
    await assertOnlyRoles(o, ['admin', 'compliance_officer', 'auditor'], 'GET', '/api/training-data/thresholds');
  });

  it('logs registrations and screenings, and the log verifies', async () => {
    const types = (await o.events('training_data.')).map((e) => e.type);
    assert.equal(types.filter((t) => t === 'training_data.dataset.registered').length, 3);
    assert.equal(types.filter((t) => t === 'training_data.screening.recorded').length, 3);
    await o.verifyLog();
  });
});

forEachDialect('training data thresholds configured', (ctx) => {
  let o: OversightServer;
  before(async () => {
    o = await startOversightServer(ctx.db, { options: { screeningThresholds: { manualMinItems: 1000 } } });
  });
  after(() => o.close());

  it('judges with the configured thresholds and reports them', async () => {
    const token = o.tokens.get('admin')!;
    const t = await o.s.call('GET', '/api/training-data/thresholds', { token });
    assert.deepEqual(t.body, { ...TC260_THRESHOLDS, manualMinItems: 1000 });
    const ds = await o.s.call('POST', '/api/training-data/datasets', {
      token,
      body: { name: 'cfg', source: 's', licence: 'l', personalInformation: false, itemCount: 10_000 },
    });
    const v = await o.s.call('POST', `/api/training-data/datasets/${ds.body.id}/screenings`, {
      token,
      body: { method: 'manual', sampled: 1000, illegal: 0, qualified: 1000 },
    });
    assert.equal(v.body.verdict.checks.find((c: { name: string }) => c.name === 'manual_sample').status, 'pass');
  });
});
