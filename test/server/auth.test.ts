/** Sign-in, one-time passwords, throttling, sessions and TOTP through real HTTP. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { base32Decode, totp } from '../../src/platform/auth/totp.ts';
import { forEachDialect } from '../store/dialects.ts';
import { ADMIN_PASSWORD, STRONG, startTestServer, type TestServer } from './harness.ts';

forEachDialect('staff authentication over HTTP', (ctx) => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer(ctx.db);
  });
  after(() => s.close());

  describe('login and sessions', () => {
    it('signs the admin in and tells who it is', async () => {
      const token = await s.login('admin', ADMIN_PASSWORD);
      assert.match(token, /^hgs_[A-Za-z0-9_-]{43}$/);
      const me = await s.call('GET', '/api/auth/me', { token });
      assert.equal(me.status, 200);
      assert.equal(me.body.account.role, 'admin');
      assert.equal(me.body.via, 'session');
      assert.ok(me.body.permissions.includes('staff.manage'));
      assert.equal(me.body.account.passwordHash, undefined);
    });

    it('refuses a wrong password and an unknown user with the same error', async () => {
      const a = await s.call('POST', '/api/auth/login', { body: { username: 'admin', password: 'nope-nope-nope' } });
      const b = await s.call('POST', '/api/auth/login', { body: { username: 'nobody', password: 'nope-nope-nope' } });
      assert.equal(a.status, 401);
      assert.deepEqual(a.body, b.body);
      assert.equal(a.body.error.code, 'credentials_invalid');
      assert.equal(a.headers.get('www-authenticate'), 'Bearer');
    });

    it('throttles repeated failures for a user name with 429 and Retry-After', async () => {
      const admin = await s.login('admin', ADMIN_PASSWORD);
      await s.call('POST', '/api/staff', {
        token: admin,
        body: { username: 'target', role: 'auditor', password: STRONG },
      });
      for (let i = 0; i < 5; i++) {
        const r = await s.call('POST', '/api/auth/login', { body: { username: 'target', password: `wrong-${i}` } });
        assert.equal(r.status, 401);
      }
      const r = await s.call('POST', '/api/auth/login', { body: { username: 'target', password: STRONG } });
      assert.equal(r.status, 429);
      assert.equal(r.body.error.code, 'rate_limited');
      assert.ok(Number(r.headers.get('retry-after')) > 0);
    });

    it('ends a session at logout', async () => {
      const token = await s.login('admin', ADMIN_PASSWORD);
      assert.equal((await s.call('POST', '/api/auth/logout', { token })).status, 200);
      const me = await s.call('GET', '/api/auth/me', { token });
      assert.equal(me.status, 401);
      assert.equal(me.body.error.code, 'unauthenticated');
    });

    it('answers 401 without credentials and with a made-up token', async () => {
      assert.equal((await s.call('GET', '/api/auth/me')).body.error.code, 'unauthenticated');
      const r = await s.call('GET', '/api/auth/me', { token: `hgs_${'A'.repeat(43)}` });
      assert.equal(r.status, 401);
    });
  });

  describe('one-time passwords', () => {
    it('forces a new staff member to change the one-time password before anything else', async () => {
      const admin = await s.login('admin', ADMIN_PASSWORD);
      const created = await s.call('POST', '/api/staff', {
        token: admin,
        body: { username: 'newbie', role: 'reviewer' },
      });
      assert.equal(created.status, 201);
      const otp = created.body.oneTimePassword as string;
      assert.equal(typeof otp, 'string');
      const token = await s.login('newbie', otp);
      const blocked = await s.call('GET', '/api/verification/reviews', { token });
      assert.equal(blocked.status, 403);
      assert.equal(blocked.body.error.code, 'password_change_required');
      assert.equal((await s.call('GET', '/api/auth/me', { token })).body.account.mustChangePassword, true);
      const weak = await s.call('POST', '/api/auth/password', {
        token,
        body: { currentPassword: otp, newPassword: 'short' },
      });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.error.code, 'password_weak');
      assert.match(weak.body.error.details.problems, /too_short/);
      const changed = await s.call('POST', '/api/auth/password', {
        token,
        body: { currentPassword: otp, newPassword: STRONG },
      });
      assert.equal(changed.status, 200);
      const fresh = changed.body.token as string;
      assert.notEqual(fresh, token);
      // The session token from before the change no longer works; the rotated one does.
      assert.equal((await s.call('GET', '/api/auth/me', { token })).status, 401);
      assert.equal((await s.call('GET', '/api/verification/reviews', { token: fresh })).status, 200);
      assert.equal(
        (await s.call('POST', '/api/auth/login', { body: { username: 'newbie', password: otp } })).status,
        401,
      );
    });

    it('ends all sessions of an account whose role changes', async () => {
      const admin = await s.login('admin', ADMIN_PASSWORD);
      const c = await s.call('POST', '/api/staff', {
        token: admin,
        body: { username: 'mover', role: 'auditor', password: STRONG },
      });
      const token = await s.login('mover', STRONG);
      const patched = await s.call('PATCH', `/api/staff/${c.body.account.id}`, {
        token: admin,
        body: { role: 'reviewer' },
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.role, 'reviewer');
      assert.equal((await s.call('GET', '/api/auth/me', { token })).status, 401);
      const again = await s.login('mover', STRONG);
      assert.equal((await s.call('GET', '/api/auth/me', { token: again })).body.account.role, 'reviewer');
    });
  });

  describe('TOTP second factor', () => {
    it('enrols, requires the code at login, refuses a replayed code, and can be removed', async () => {
      const admin = await s.login('admin', ADMIN_PASSWORD);
      await s.call('POST', '/api/staff', {
        token: admin,
        body: { username: 'twofa', role: 'auditor', password: STRONG },
      });
      let token = await s.login('twofa', STRONG);
      const enrol = await s.call('POST', '/api/auth/totp/enrol', { token });
      assert.equal(enrol.status, 200);
      assert.match(
        enrol.body.otpauthUri,
        /^otpauth:\/\/totp\/Hegui:twofa\?secret=[A-Z2-7]+&issuer=Hegui&algorithm=SHA1&digits=6&period=30$/,
      );
      const key = base32Decode(enrol.body.secret);
      assert.equal(key.length, 20);
      // Codes are computed at the moment of each call: previous step to confirm (inside the ±1 window), the current step
      // to log in, the next step to remove — each later than the last one accepted.
      const at = (offset: number) => totp(key, Date.now() / 1000 + offset);
      const bad = await s.call('POST', '/api/auth/totp/confirm', { token, body: { code: at(300) } });
      assert.equal(bad.body.error.code, 'totp_invalid');
      // A code of the previous step is accepted only while the server is in the step after it: not within 5 s of the
      // next boundary, when a request on a busy machine could reach the server one step later.
      const intoStep = (Date.now() / 1000) % 30;
      if (intoStep > 25) await new Promise((r) => setTimeout(r, (30 - intoStep) * 1000 + 50));
      const confirm = await s.call('POST', '/api/auth/totp/confirm', { token, body: { code: at(-30) } });
      assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
      token = confirm.body.token;
      const me = await s.call('GET', '/api/auth/me', { token });
      assert.equal(me.body.account.totpEnabled, true);
      assert.equal(me.body.factors, 'password+totp');

      const noCode = await s.call('POST', '/api/auth/login', { body: { username: 'twofa', password: STRONG } });
      assert.equal(noCode.status, 401);
      assert.equal(noCode.body.error.code, 'totp_required');
      const code = at(0);
      const withCode = await s.login('twofa', STRONG, code);
      const replay = await s.call('POST', '/api/auth/login', {
        body: { username: 'twofa', password: STRONG, totp: code },
      });
      assert.equal(replay.status, 401);
      assert.equal(replay.body.error.code, 'totp_invalid');

      const removed = await s.call('POST', '/api/auth/totp/disable', {
        token: withCode,
        body: { password: STRONG, code: at(30) },
      });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.equal(typeof (await s.login('twofa', STRONG)), 'string');
    });
  });
});
