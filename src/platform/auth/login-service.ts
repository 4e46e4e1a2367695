/**
 * Password login with an optional TOTP second factor, throttled; logout; password change (which rotates sessions).
 * A wrong user name and a wrong password give the same error after the same work (a dummy hash is checked).
 */
import { HeguiError } from '../../errors.ts';
import { type Account, normaliseUsername } from '../accounts/account.ts';
import type { Actor } from '../actor.ts';
import { auditEvent } from '../audit-sink.ts';
import type { PiiCipher } from '../pii/pii-cipher.ts';
import { scrubText } from '../pii/redact.ts';
import type { PlatformStores } from '../stores.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password.ts';
import { checkPassword, PASSWORD_RULES } from './password-policy.ts';
import type { Principal } from './principal.ts';
import type { Session } from './session.ts';
import type { SessionService } from './session-service.ts';
import { verifyTotp } from './totp.ts';

export interface LoginInput {
  username: string;
  password: string;
  totp?: string | undefined;
  ip: string;
}

export interface LoginResult {
  token: string;
  session: Session;
  account: Account;
}

export class LoginService {
  constructor(
    private readonly stores: PlatformStores,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
    private readonly cipher: PiiCipher,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async login(i: LoginInput): Promise<LoginResult> {
    const username = normaliseUsername(i.username);
    const now = this.now();
    const wait = await this.throttle.blockedFor(username, i.ip, now.getTime());
    if (wait > 0) {
      throw new HeguiError('rate_limited', 'too many failed logins; try again later', {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    const account = await this.stores.accounts.getByUsername(username);
    const ok = await verifyPassword(i.password, account?.passwordHash ?? (await dummyPasswordHash()));
    const anonymous: Actor = { kind: 'anonymous', ip: i.ip };
    if (!account || !ok) {
      await this.throttle.failed(username, i.ip, now.getTime());
      // A user name typed at the login form may be someone's mobile number: the log keeps it scrubbed.
      await this.stores.audit.append(
        auditEvent(anonymous, 'auth.login_failed', undefined, { username: scrubText(username) }),
      );
      throw new HeguiError('credentials_invalid', 'user name or password is wrong');
    }
    if (account.status !== 'active') throw new HeguiError('account_disabled', 'the account is disabled');
    let factors: Session['factors'] = 'password';
    let lastStep: string | undefined;
    if (account.totp?.enabled) {
      if (!i.totp) throw new HeguiError('totp_required', 'this account needs the code from its authenticator app');
      const secret = Buffer.from(this.cipher.decrypt(account.totp.secret, 'totp_secret'), 'base64');
      const prev = account.totp.lastStep === undefined ? undefined : BigInt(account.totp.lastStep);
      const step = verifyTotp(secret, i.totp, now.getTime() / 1000, prev);
      if (step === undefined) {
        await this.throttle.failed(username, i.ip, now.getTime());
        throw new HeguiError('totp_invalid', 'the authenticator code is wrong or was already used');
      }
      factors = 'password+totp';
      lastStep = step.toString();
    }
    await this.throttle.succeeded(username);
    const rehash = needsRehash(account.passwordHash) ? await hashPassword(i.password) : undefined;
    return this.stores.transaction(async (tx) => {
      if (lastStep !== undefined || rehash !== undefined) {
        await tx.accounts.update(account.id, {
          ...(lastStep !== undefined && account.totp ? { totp: { ...account.totp, lastStep } } : {}),
          ...(rehash ? { passwordHash: rehash } : {}),
        });
      }
      const { token, session } = await this.sessions.issue(tx, account, factors);
      const actor: Actor = { kind: 'account', accountId: account.id, role: account.role, sessionId: session.id };
      await tx.audit.append(auditEvent(actor, 'auth.login', { type: 'account', id: account.id }, { factors }));
      return { token, session, account };
    });
  }

  async logout(p: Principal): Promise<void> {
    if (!p.session) throw new HeguiError('invalid_request', 'an API key has no session to end; revoke the key instead');
    const session = p.session;
    await this.stores.transaction(async (tx) => {
      await this.sessions.revoke(tx, session);
      await tx.audit.append(auditEvent(p.actor, 'auth.logout', { type: 'account', id: p.account.id }));
    });
  }

  /** Replaces the password; ends every other session and returns a new token for this one. */
  async changePassword(p: Principal, current: string, next: string): Promise<{ token?: string }> {
    if (!(await verifyPassword(current, p.account.passwordHash))) {
      throw new HeguiError('credentials_invalid', 'the current password is wrong');
    }
    const problems = checkPassword(next, p.account.username);
    if (problems.length)
      throw new HeguiError('password_weak', `password rules: ${PASSWORD_RULES}`, { problems: problems.join(',') });
    if (next === current)
      throw new HeguiError('password_weak', 'the new password must differ from the current one', {
        problems: 'unchanged',
      });
    const passwordHash = await hashPassword(next);
    const now = this.now();
    return this.stores.transaction(async (tx) => {
      const account = await tx.accounts.update(p.account.id, {
        passwordHash,
        mustChangePassword: false,
        updatedAt: now.toISOString(),
      });
      const rotated = await this.sessions.rotate(tx, account, p.session);
      await tx.audit.append(auditEvent(p.actor, 'auth.password_changed', { type: 'account', id: account.id }));
      return rotated ? { token: rotated.token } : {};
    });
  }
}
