/**
 * Biometric consent (Provisions Art. 14) through HTTP on SQLite and PostgreSQL: recording with an encrypted ID number,
 * the check the gateway calls and each of its refusal reasons, revocation, expiry, permissions, bad input, the audit
 * events and the log verifying.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';
import { SYSTEM } from '../../../src/platform/actor.ts';
import { forEachDialect } from '../../store/dialects.ts';
import { assertOnlyRoles, type OversightServer, startOversightServer } from '../oversight-harness.ts';

const ID_NUMBER = '11010519491231002X';
const evidence = createHash('sha256').update('signed consent form').digest('hex');

forEachDialect('biometric consent', (ctx) => {
  let o: OversightServer;
  let officer = '';
  before(async () => {
    o = await startOversightServer(ctx.db);
    officer = o.tokens.get('compliance_officer')!;
  });
  after(() => o.close());

  const record = (body: Record<string, unknown>, token = officer) =>
    o.s.call('POST', '/api/consents', {
      token,
      body: { grantee: 'svc-editor', evidenceSha256: evidence, evidenceRef: 'vault://consent/1', ...body },
    });
  const check = (body: Record<string, unknown>, token = officer) =>
    o.s.call('POST', '/api/consents/check', { token, body: { requester: 'svc-editor', ...body } });

  it('records consent, keeps the ID number encrypted, and allows an in-scope edit', async () => {
    const r = await record({
      subjectRef: 'customer:1',
      subjectIdNumber: ID_NUMBER,
      modalities: ['face'],
      uses: ['face_swap'],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, 'valid');
    assert.equal(r.body.subjectIdNumber, '110105********002X');
    assert.ok(!JSON.stringify(r.body).includes(ID_NUMBER));
    const row = await o.store.db
      .selectFrom('biometric_consent')
      .selectAll()
      .where('id', '=', r.body.id)
      .executeTakeFirstOrThrow();
    assert.ok(row.subject_id_number_enc && !row.subject_id_number_enc.includes(ID_NUMBER), 'stored encrypted');
    assert.match(row.subject_id_number_hash ?? '', /^[0-9a-f-_A-Za-z]+$/);

    const ok = await check({ subject: 'customer:1', modality: 'face', use: 'face_swap' });
    assert.equal(ok.status, 200);
    assert.deepEqual([ok.body.allowed, ok.body.consentId], [true, r.body.id]);

    const found = await o.s.call('POST', '/api/consents/search', {
      token: o.tokens.get('auditor')!,
      body: { subjectIdNumber: ID_NUMBER },
    });
    assert.equal(found.status, 200);
    assert.deepEqual(
      found.body.consents.map((c: { id: string }) => c.id),
      [r.body.id],
    );
  });

  it('refuses with a reason: none, out_of_scope, expired, revoked', async () => {
    const none = await check({ subject: 'customer:nobody', modality: 'face', use: 'face_swap' });
    assert.deepEqual([none.body.allowed, none.body.reason], [false, 'none']);
    const otherRequester = await check({
      requester: 'svc-other',
      subject: 'customer:1',
      modality: 'face',
      use: 'face_swap',
    });
    assert.equal(otherRequester.body.reason, 'none');

    const scope = await check({ subject: 'customer:1', modality: 'voice', use: 'face_swap' });
    assert.deepEqual([scope.body.allowed, scope.body.reason], [false, 'out_of_scope']);
    const use = await check({ subject: 'customer:1', modality: 'face', use: 'lip_sync' });
    assert.equal(use.body.reason, 'out_of_scope');

    const past = await record({
      subjectRef: 'customer:2',
      modalities: ['voice'],
      uses: ['*'],
      grantedAt: '2020-01-01T00:00:00Z',
      expiresAt: '2021-01-01T00:00:00Z',
    });
    assert.equal(past.status, 201);
    assert.equal(past.body.status, 'expired');
    const expired = await check({ subject: 'customer:2', modality: 'voice', use: 'voice_clone' });
    assert.deepEqual([expired.body.allowed, expired.body.reason], [false, 'expired']);

    const live = await record({ subjectRef: 'customer:3', grantee: '*', modalities: ['face', 'voice'], uses: ['*'] });
    assert.equal((await check({ subject: 'customer:3', modality: 'voice', use: 'any' })).body.allowed, true);
    const revoke = await o.s.call('POST', `/api/consents/${live.body.id}/revoke`, {
      token: officer,
      body: { reason: 'withdrawn by the person' },
    });
    assert.equal(revoke.status, 200);
    assert.equal(revoke.body.status, 'revoked');
    const revoked = await check({ subject: 'customer:3', modality: 'voice', use: 'any' });
    assert.deepEqual([revoked.body.allowed, revoked.body.reason], [false, 'revoked']);
    const again = await o.s.call('POST', `/api/consents/${live.body.id}/revoke`, {
      token: officer,
      body: { reason: 'x' },
    });
    assert.deepEqual([again.status, again.body.error.code], [409, 'conflict']);

    // The edit path: without valid consent the edit is refused with consent_required and the reason.
    await assert.rejects(
      o.oversight.consent.require(SYSTEM, {
        requester: 'svc-editor',
        subject: 'customer:3',
        modality: 'voice',
        use: 'any',
      }),
      (e: { code: string; details: { reason: string } }) =>
        e.code === 'consent_required' && e.details.reason === 'revoked',
    );
  });

  it('refuses bad input with invalid_request', async () => {
    const cases: Record<string, unknown>[] = [
      { subjectRef: 'c', modalities: ['body'], uses: ['x'] },
      { subjectRef: 'c', modalities: [], uses: ['x'] },
      { subjectRef: 'c', modalities: ['face'], uses: ['x'], evidenceSha256: 'abc' },
      { subjectRef: 'c', modalities: ['face'], uses: ['x'], subjectIdNumber: '110105194912310021' },
      { subjectRef: 'c', modalities: ['face'], uses: ['x'], expiresAt: 'tomorrow' },
      {
        subjectRef: 'c',
        modalities: ['face'],
        uses: ['x'],
        grantedAt: '2024-01-02T00:00:00Z',
        expiresAt: '2024-01-01T00:00:00Z',
      },
    ];
    for (const c of cases) {
      const r = await record(c);
      assert.equal(r.status, 400, JSON.stringify(c));
      assert.equal(r.body.error.code, 'invalid_request');
      assert.ok(!JSON.stringify(r.body).includes('110105194912310021'), 'the ID number is not echoed');
    }
    const bad = await check({ subject: 'c', modality: 'smell', use: 'x' });
    assert.equal(bad.status, 400);
    const missing = await o.s.call('GET', '/api/consents/does-not-exist', { token: officer });
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'not_found']);
  });

  it('lets only the right roles record, read and check', async () => {
    const body = {
      subjectRef: 'p',
      grantee: 'g',
      modalities: ['face'],
      uses: ['x'],
      evidenceSha256: evidence,
      evidenceRef: 'r',
    };
    await assertOnlyRoles(o, ['admin', 'compliance_officer'], 'POST', '/api/consents', body);
    await assertOnlyRoles(o, ['admin', 'compliance_officer', 'auditor'], 'GET', '/api/consents');
    await assertOnlyRoles(o, ['admin', 'compliance_officer'], 'POST', '/api/consents/check', {
      requester: 'g',
      subject: 'p',
      modality: 'face',
      use: 'x',
    });
  });

  it('lists the oversight routes in /openapi.json with their permissions', async () => {
    const doc = await o.s.call('GET', '/openapi.json');
    assert.equal(doc.status, 200);
    const paths = doc.body.paths as Record<string, Record<string, { 'x-permission'?: string }>>;
    assert.equal(paths['/api/consents/check']?.['post']?.['x-permission'], 'consent.check');
    for (const p of ['/api/training-data/datasets', '/api/filings/assessments', '/api/emergency/stops', '/filings']) {
      assert.ok(paths[p], p);
    }
  });

  it('logs every record, revocation and check, and the log verifies', async () => {
    const events = await o.events('consent.');
    const types = new Set(events.map((e) => e.type));
    for (const t of ['consent.recorded', 'consent.revoked', 'consent.check.allowed', 'consent.check.refused']) {
      assert.ok(types.has(t), t);
    }
    assert.ok(!JSON.stringify(events).includes(ID_NUMBER), 'no ID number in the audit log');
    const refused = events
      .filter((e) => e.type === 'consent.check.refused')
      .map((e) => (e.payload as { reason: string }).reason);
    for (const reason of ['none', 'out_of_scope', 'expired', 'revoked']) assert.ok(refused.includes(reason), reason);
    await o.verifyLog();
  });
});
