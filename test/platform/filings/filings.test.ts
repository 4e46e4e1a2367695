/**
 * Filings and assessments (Provisions Art. 15, 19, 20) through HTTP on SQLite and PostgreSQL: a flagged capability
 * cannot be switched on without a passed, unexpired assessment covering its flags; the due/overdue list and the
 * reminder run; filing numbers on the public page (HTML, no login) and as a badge (SVG); permissions, bad input,
 * audit events.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../store/dialects.ts';
import { assertOnlyRoles, type OversightServer, startOversightServer } from '../oversight-harness.ts';

const DAY = 86_400_000;
const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString();
const FILING = '网信算备110108123456701230011号';

forEachDialect('filings and assessments', (ctx) => {
  let o: OversightServer;
  let officer = '';
  let modelId = '';
  let faceSwap = '';
  before(async () => {
    o = await startOversightServer(ctx.db);
    officer = o.tokens.get('compliance_officer')!;
  });
  after(() => o.close());

  const post = (path: string, body: unknown) => o.s.call('POST', path, { token: officer, body });
  const enable = (id: string, enabled = true) => post(`/api/filings/capabilities/${id}/enabled`, { enabled });
  const assess = (body: Record<string, unknown>) =>
    post('/api/filings/assessments', {
      modelId,
      outcome: 'passed',
      assessor: 'Example Assessment Lab',
      reportRef: 'vault://assessments/1.pdf',
      conductedAt: inDays(-30),
      dueAt: inDays(335),
      ...body,
    });

  it('refuses to switch on a flagged capability until a valid assessment covers every flag', async () => {
    const m = await post('/api/filings/models', { kind: 'model', name: 'portrait-v1', description: 'face generation' });
    assert.equal(m.status, 201, JSON.stringify(m.body));
    modelId = m.body.id;
    const cap = await post(`/api/filings/models/${modelId}/capabilities`, {
      name: 'face_swap',
      flags: ['biometric', 'public_opinion'],
    });
    assert.equal(cap.status, 201);
    assert.equal(cap.body.enabled, false);
    faceSwap = cap.body.id;

    let r = await enable(faceSwap);
    assert.deepEqual([r.status, r.body.error.code], [409, 'assessment_required']);
    assert.equal(r.body.error.details.missing, 'biometric,public_opinion');

    assert.equal((await assess({ covers: ['biometric', 'public_opinion'], outcome: 'failed' })).status, 201);
    assert.equal(
      (await assess({ covers: ['biometric', 'public_opinion'], conductedAt: inDays(-800), dueAt: inDays(-70) })).status,
      201,
    );
    r = await enable(faceSwap);
    assert.equal(r.body.error.code, 'assessment_required', 'a failed or expired assessment does not count');

    assert.equal((await assess({ covers: ['biometric'] })).status, 201);
    r = await enable(faceSwap);
    assert.deepEqual([r.status, r.body.error.details.missing], [409, 'public_opinion']);

    assert.equal((await assess({ covers: ['public_opinion'], dueAt: inDays(10) })).status, 201);
    r = await enable(faceSwap);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.enabled, true);
    assert.equal((await enable(faceSwap, false)).body.enabled, false);

    const plain = await post(`/api/filings/models/${modelId}/capabilities`, { name: 'upscale', flags: [] });
    assert.equal((await enable(plain.body.id)).status, 200, 'no flag, no assessment needed');
  });

  it('lists due and overdue assessments, and the reminder run records them', async () => {
    const other = await post('/api/filings/models', { kind: 'template', name: 'news-anchor', description: '' });
    const old = await post('/api/filings/assessments', {
      modelId: other.body.id,
      covers: ['sensitive_scenes'],
      outcome: 'passed',
      assessor: 'lab',
      reportRef: 'r',
      conductedAt: inDays(-400),
      dueAt: inDays(-35),
    });
    assert.equal(old.status, 201);
    const due = await o.s.call('GET', '/api/filings/assessments/due?withinDays=30', {
      token: o.tokens.get('auditor')!,
    });
    assert.equal(due.status, 200);
    const states = Object.fromEntries(
      due.body.items.map((i: { modelName: string; state: string }) => [i.modelName, i.state]),
    );
    assert.deepEqual(states, { 'portrait-v1': 'due', 'news-anchor': 'overdue' });
    const none = await o.s.call('GET', '/api/filings/assessments/due?withinDays=0', { token: officer });
    assert.deepEqual(
      none.body.items.map((i: { state: string }) => i.state),
      ['overdue'],
    );

    const items = await o.oversight.reminders.run();
    assert.equal(items.length, 2);
    const reminders = await o.events('filings.assessment.reminder');
    assert.equal(reminders.length, 1);
  });

  it('serves filing numbers on a public page and as a badge, without a login', async () => {
    const f = await post('/api/filings', {
      modelId,
      filingNumber: FILING,
      infoUrl: 'https://beian.example.cn/info/123',
      publicName: 'Portrait <synthesis> service',
      filedAt: '2026-03-01T00:00:00Z',
    });
    assert.equal(f.status, 201, JSON.stringify(f.body));
    const page = await o.s.call('GET', '/filings');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok(page.body.includes(FILING));
    assert.ok(page.body.includes('href="https://beian.example.cn/info/123"'));
    assert.ok(page.body.includes('Portrait &lt;synthesis&gt; service'), 'names are escaped');
    assert.ok(!page.body.includes('<synthesis>'));

    const badge = await o.s.call('GET', `/filings/${encodeURIComponent(FILING)}/badge.svg`);
    assert.equal(badge.status, 200);
    assert.match(badge.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    assert.match(badge.body, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(badge.body.includes(FILING));
    const unknown = await o.s.call('GET', '/filings/%E7%BD%91%E4%BF%A1%E7%AE%97%E5%A4%87000/badge.svg');
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'not_found']);
    const dup = await post('/api/filings', {
      modelId,
      filingNumber: FILING,
      infoUrl: 'https://x.cn',
      publicName: 'x',
      filedAt: '2026-03-01T00:00:00Z',
    });
    assert.deepEqual([dup.status, dup.body.error.code], [409, 'conflict']);
  });

  it('refuses bad input with clear errors', async () => {
    const js = await post('/api/filings', {
      modelId,
      filingNumber: 'ABC-123',
      infoUrl: 'javascript:alert(1)',
      publicName: 'x',
      filedAt: '2026-03-01T00:00:00Z',
    });
    assert.deepEqual([js.status, js.body.error.code], [400, 'invalid_request']);
    const markup = await post('/api/filings', {
      modelId,
      filingNumber: '<b>1</b>',
      infoUrl: 'https://x.cn',
      publicName: 'x',
      filedAt: '2026-03-01T00:00:00Z',
    });
    assert.equal(markup.status, 400);
    const flag = await post(`/api/filings/models/${modelId}/capabilities`, { name: 'x', flags: ['telepathy'] });
    assert.equal(flag.status, 400);
    const order = await assess({ covers: ['biometric'], conductedAt: inDays(1), dueAt: inDays(0) });
    assert.deepEqual([order.status, order.body.error.details.field], [400, 'dueAt']);
    const noModel = await assess({ modelId: 'nope', covers: ['biometric'] });
    assert.deepEqual([noModel.status, noModel.body.error.code], [404, 'not_found']);
    const noCap = await enable('nope');
    assert.equal(noCap.status, 404);
    const dupModel = await post('/api/filings/models', { kind: 'model', name: 'portrait-v1' });
    assert.equal(dupModel.status, 409);
  });

  it('lets only the right roles manage and read', async () => {
    await assertOnlyRoles(o, ['admin', 'compliance_officer'], 'POST', '/api/filings/models', {});
    await assertOnlyRoles(
      o,
      ['admin', 'compliance_officer'],
      'POST',
      `/api/filings/capabilities/${faceSwap}/enabled`,
      {},
    );
    await assertOnlyRoles(o, ['admin', 'compliance_officer'], 'POST', '/api/filings/assessments', {});
    await assertOnlyRoles(o, ['admin', 'compliance_officer', 'auditor'], 'GET', '/api/filings/models');
    await assertOnlyRoles(o, ['admin', 'compliance_officer', 'auditor'], 'GET', '/api/filings/assessments/due');
    const cap = await o.s.call('GET', '/api/filings/models', { token: officer });
    const portrait = cap.body.models.find((m: { name: string }) => m.name === 'portrait-v1');
    assert.equal(portrait.capabilities.find((c: { name: string }) => c.name === 'face_swap').enabled, false);
    assert.equal(portrait.filings[0].filingNumber, FILING);
  });

  it('logs models, capabilities, switches, assessments and filings, and the log verifies', async () => {
    const types = (await o.events('filings.')).map((e) => e.type);
    for (const t of [
      'filings.model.added',
      'filings.capability.added',
      'filings.capability.enabled',
      'filings.capability.disabled',
      'filings.assessment.recorded',
      'filings.filing.recorded',
    ]) {
      assert.ok(types.includes(t), t);
    }
    // Refused switches leave no event: the transaction rolled back.
    assert.equal(types.filter((t) => t === 'filings.capability.enabled').length, 2);
    await o.verifyLog();
  });
});
