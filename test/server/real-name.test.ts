/**
 * End users through real HTTP: registration, the publishing gate, SMS verification with the development sender (the
 * code read back from the server log), manual review of an ID number, USCC for an organisation, agreements.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forEachDialect } from '../store/dialects.ts';
import { ADMIN_PASSWORD, lastSmsCode, registerUser, STRONG, startTestServer, type TestServer } from './harness.ts';

forEachDialect('real-name verification over HTTP', (ctx) => {
  let s: TestServer;
  let admin: string;
  before(async () => {
    s = await startTestServer(ctx.db);
    admin = await s.login('admin', ADMIN_PASSWORD);
  });
  after(() => s.close());

  async function acceptAll(token: string) {
    const docs = (await s.call('GET', '/api/agreements')).body.documents as { kind: string; version: number }[];
    const r = await s.call('POST', '/api/me/agreements', {
      token,
      body: { documents: docs.map((d) => ({ kind: d.kind, version: d.version })), channel: 'web' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }

  describe('publishing gate and SMS verification', () => {
    it('refuses an unverified user, then lets a verified user who accepted the agreements through', async () => {
      const u = await registerUser(s, 'alice');
      let gate = await s.call('GET', '/api/me/gate', { token: u.token });
      assert.equal(gate.status, 200);
      assert.equal(gate.body.allowed, false);
      assert.deepEqual(gate.body.refusals.map((r: { code: string }) => r.code).sort(), [
        'agreement_required',
        'real_name_required',
      ]);

      const methods = await s.call('GET', '/api/verification/methods');
      assert.deepEqual(methods.body.methods.map((m: { method: string }) => m.method).sort(), [
        'resident_id',
        'sms',
        'uscc',
      ]);

      const start = await s.call('POST', '/api/me/verifications/sms', {
        token: u.token,
        body: { mobile: '+86 138 0013 8000' },
      });
      assert.equal(start.status, 201, JSON.stringify(start.body));
      assert.equal(start.body.status, 'open');
      assert.equal(start.body.display.mobile, '138****8000');
      const code = await lastSmsCode(s);
      assert.match(code, /^\d{6}$/);
      const wrong = code === '000000' ? '000001' : '000000';
      const bad = await s.call('POST', `/api/me/verifications/${start.body.id}/complete`, {
        token: u.token,
        body: { code: wrong },
      });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error.code, 'verification_failed');
      assert.equal(bad.body.error.details.attemptsLeft, 4);
      const ok = await s.call('POST', `/api/me/verifications/${start.body.id}/complete`, {
        token: u.token,
        body: { code },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.status, 'verified');
      const again = await s.call('POST', `/api/me/verifications/${start.body.id}/complete`, {
        token: u.token,
        body: { code },
      });
      assert.equal(again.body.error.code, 'conflict');

      const me = await s.call('GET', '/api/auth/me', { token: u.token });
      assert.equal(me.body.account.identifiers.mobile, '138****8000');
      const mine = await s.call('GET', '/api/me/verifications', { token: u.token });
      assert.equal(mine.body.records.length, 1);
      assert.equal(mine.body.records[0].level, 'low');
      assert.match(mine.body.records[0].evidenceRef, /^sms:[0-9a-f]{24}$/);

      gate = await s.call('GET', '/api/me/gate', { token: u.token });
      assert.deepEqual(
        gate.body.refusals.map((r: { code: string }) => r.code),
        ['agreement_required'],
      );
      await acceptAll(u.token);
      gate = await s.call('GET', '/api/me/gate', { token: u.token });
      assert.equal(gate.body.allowed, true);

      // Staff see it through the gate route, and the stored account holds only ciphertext and a keyed hash.
      const staffView = await s.call('GET', `/api/gate/${u.id}`, { token: admin });
      assert.equal(staffView.body.allowed, true);
      const stored = await s.platform.stores.accounts.get(u.id);
      assert.match(stored!.identifiers.mobile!.ciphertext, /^hg1\.k[0-9a-f]{8}\./);
      assert.ok(!JSON.stringify(stored).includes('13800138000'));
      const found = await s.platform.stores.accounts.findByIdentifier(
        'mobile',
        s.running.platform.protector.lookup('mobile', '13800138000'),
      );
      assert.deepEqual(
        found.map((a) => a.id),
        [u.id],
      );
    });

    it('closes a challenge after the last wrong code', async () => {
      const u = await registerUser(s, 'bob');
      const start = await s.call('POST', '/api/me/verifications/sms', {
        token: u.token,
        body: { mobile: '13912345678' },
      });
      const code = await lastSmsCode(s);
      const wrong = code === '111111' ? '222222' : '111111';
      for (let i = 0; i < 5; i++) {
        await s.call('POST', `/api/me/verifications/${start.body.id}/complete`, {
          token: u.token,
          body: { code: wrong },
        });
      }
      const late = await s.call('POST', `/api/me/verifications/${start.body.id}/complete`, {
        token: u.token,
        body: { code },
      });
      assert.equal(late.status, 410);
      assert.equal(late.body.error.code, 'verification_expired');
    });

    it('takes one answer per state of a challenge: a second answer decided on the same state is refused', async () => {
      const u = await registerUser(s, 'dora');
      const start = await s.call('POST', '/api/me/verifications/sms', {
        token: u.token,
        body: { mobile: '13712345678' },
      });
      // Two answers that both read the challenge before either wrote it: the store takes the first, refuses the second.
      const store = s.platform.stores.verifications;
      const seen = (await store.getChallenge(start.body.id))!;
      assert.equal(seen.attempts, 0);
      await store.updateChallenge(seen.id, { attempts: 1, failure: 'code_mismatch' }, seen);
      await assert.rejects(
        store.updateChallenge(seen.id, { attempts: 1, failure: 'code_mismatch' }, seen),
        (e: Error & { code?: string }) => e.code === 'conflict',
      );
      assert.equal((await store.getChallenge(seen.id))!.attempts, 1);
    });

    it('refuses an invalid number with the reason and no echo', async () => {
      const u = await registerUser(s, 'carol');
      const r = await s.call('POST', '/api/me/verifications/sms', { token: u.token, body: { mobile: '12345678901' } });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.details.reason, 'prefix');
      assert.ok(!JSON.stringify(r.body).includes('12345678901'));
    });
  });

  describe('manual review of an ID number', () => {
    it('waits for a reviewer, who approves; the user cannot complete it; the reviewer cannot review their own', async () => {
      const u = await registerUser(s, 'dave');
      const start = await s.call('POST', '/api/me/verifications/resident_id', {
        token: u.token,
        body: { name: '张三', idNumber: '11010519491231002x', evidence: [{ kind: 'id_card_front', ref: 'upload-1' }] },
      });
      assert.equal(start.status, 201, JSON.stringify(start.body));
      assert.equal(start.body.status, 'pending_review');
      assert.equal(start.body.display.idNumber, '110105********002X');
      assert.equal(start.body.display.name, '张*');
      const self = await s.call('POST', `/api/me/verifications/${start.body.id}/complete`, {
        token: u.token,
        body: {},
      });
      assert.equal(self.status, 403);

      await s.call('POST', '/api/staff', {
        token: admin,
        body: { username: 'rev1', role: 'reviewer', password: STRONG },
      });
      const rev = await s.login('rev1', STRONG);
      const queue = await s.call('GET', '/api/verification/reviews', { token: rev });
      const item = queue.body.reviews.find((r: { id: string }) => r.id === start.body.id);
      assert.equal(item.accountId, u.id);
      assert.equal(item.display.idNumber, '110105********002X');
      const done = await s.call('POST', `/api/verification/reviews/${start.body.id}`, {
        token: rev,
        body: { decision: 'approve', note: 'photo matches' },
      });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.status, 'verified');
      const records = await s.call('GET', `/api/users/${u.id}/verifications`, { token: rev });
      assert.equal(records.body.records[0].level, 'substantial');
      assert.equal(records.body.records[0].subject.idNumber, '110105********002X');
      const user = await s.call('GET', `/api/users/${u.id}`, { token: rev });
      assert.equal(user.body.identifiers.idNumber, '110105********002X');
      assert.equal(user.body.identifiers.realName, '张*');
    });

    it('records a rejection and refuses a format-invalid number before any review', async () => {
      const u = await registerUser(s, 'erin');
      const invalid = await s.call('POST', '/api/me/verifications/resident_id', {
        token: u.token,
        body: { name: '李四', idNumber: '110105194912310021', evidence: [{ kind: 'id_card_front', ref: 'x' }] },
      });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error.details.reason, 'checksum');
      const start = await s.call('POST', '/api/me/verifications/resident_id', {
        token: u.token,
        body: { name: '李四', idNumber: '44030519900101123X', evidence: [{ kind: 'id_card_front', ref: 'x' }] },
      });
      assert.equal(start.status, 201, JSON.stringify(start.body));
      const r = await s.call('POST', `/api/verification/reviews/${start.body.id}`, {
        token: admin,
        body: { decision: 'reject', note: 'blurred' },
      });
      assert.equal(r.body.status, 'failed');
      const gate = await s.call('GET', `/api/gate/${u.id}`, { token: admin });
      assert.ok(gate.body.refusals.some((x: { code: string }) => x.code === 'real_name_required'));
    });
  });

  describe('organisations by USCC', () => {
    it('takes a USCC only from an organisation account, by manual review', async () => {
      const person = await registerUser(s, 'frank');
      const refused = await s.call('POST', '/api/me/verifications/uscc', {
        token: person.token,
        body: { uscc: '91440300708461136T', organisationName: 'X', evidence: [{ kind: 'business_licence', ref: 'u' }] },
      });
      assert.equal(refused.status, 400);
      const org = await registerUser(s, 'acme', 'organisation');
      const start = await s.call('POST', '/api/me/verifications/uscc', {
        token: org.token,
        body: {
          uscc: '91440300708461136T',
          organisationName: '示例科技有限公司',
          evidence: [{ kind: 'business_licence', ref: 'upload-9' }],
        },
      });
      assert.equal(start.status, 201, JSON.stringify(start.body));
      const done = await s.call('POST', `/api/verification/reviews/${start.body.id}`, {
        token: admin,
        body: { decision: 'approve' },
      });
      assert.equal(done.body.status, 'verified');
      assert.equal(
        (await s.call('GET', '/api/auth/me', { token: org.token })).body.account.identifiers.uscc,
        '91440300708461136T',
      );
    });
  });

  describe('agreements', () => {
    it('publishes a new version (compliance officer), which the gate then requires again', async () => {
      const u = await registerUser(s, 'grace');
      const start = await s.call('POST', '/api/me/verifications/sms', {
        token: u.token,
        body: { mobile: '15000000001' },
      });
      await s.call('POST', `/api/me/verifications/${start.body.id}/complete`, {
        token: u.token,
        body: { code: await lastSmsCode(s) },
      });
      await acceptAll(u.token);
      assert.equal((await s.call('GET', '/api/me/gate', { token: u.token })).body.allowed, true);

      await s.call('POST', '/api/staff', {
        token: admin,
        body: { username: 'co1', role: 'compliance_officer', password: STRONG },
      });
      const co = await s.login('co1', STRONG);
      const pub = await s.call('POST', '/api/agreements', {
        token: co,
        body: {
          kind: 'user_agreement',
          title: { zh: '用户服务协议', en: 'User Agreement' },
          body: { zh: '……标识方法与样式……', en: '…labelling methods and styles…' },
          summary: 'Adds the labelling section',
        },
      });
      assert.equal(pub.status, 201, JSON.stringify(pub.body));
      assert.equal(pub.body.version, 2);
      assert.equal(pub.body.template, false);

      const gate = await s.call('GET', '/api/me/gate', { token: u.token });
      assert.deepEqual(
        gate.body.refusals.map((r: { code: string }) => r.code),
        ['agreement_required'],
      );
      const old = await s.call('POST', '/api/me/agreements', {
        token: u.token,
        body: { documents: [{ kind: 'user_agreement', version: 1 }], channel: 'app' },
      });
      assert.equal(old.status, 409);
      assert.equal(old.body.error.details.current, 2);
      const missing = await s.call('GET', '/api/me/agreements', { token: u.token });
      assert.deepEqual(missing.body.missing, [{ kind: 'user_agreement', version: 2 }]);
      await s.call('POST', '/api/me/agreements', {
        token: u.token,
        body: { documents: [{ kind: 'user_agreement', version: 2 }], channel: 'app' },
      });
      assert.equal((await s.call('GET', '/api/me/gate', { token: u.token })).body.allowed, true);

      const acc = await s.call('GET', '/api/agreements/acceptances?kind=user_agreement&version=2', { token: co });
      assert.deepEqual(
        acc.body.acceptances.map((a: { accountId: string; channel: string }) => [a.accountId, a.channel]),
        [[u.id, 'app']],
      );
      const versions = await s.call('GET', '/api/agreements/user_agreement/versions');
      assert.deepEqual(
        versions.body.documents.map((d: { version: number }) => d.version),
        [1, 2],
      );
      assert.equal(versions.body.documents[0].template, true);
      assert.match(versions.body.documents[0].body.zh, /标识方法与样式/);
      assert.match(versions.body.documents[0].body.en, /Labelling methods and styles/);
    });
  });

  describe('the log', () => {
    it('scrubs identity numbers that reach it by way of a request line', async () => {
      // A URL carrying a mobile number and an ID number is logged by the request logger: the scrubber must catch it.
      await s.call('GET', '/api/agreements?mobile=13800138000&id=11010519491231002X');
      const log = await s.readLog();
      assert.ok(log.includes('[redacted-mobile]'));
      assert.ok(log.includes('[redacted-id]'));
    });
  });
});
