/**
 * Optional TOTP second factor for an account: enrol (a secret shown once, kept encrypted), confirm with a first code
 * (then it is required at every login), remove with password and code. Enabling and removing rotate the sessions.
 */
import { HeguiError } from '../../errors.ts';
import { auditEvent } from '../audit-sink.ts';
import type { PiiCipher } from '../pii/pii-cipher.ts';
import type { PlatformStores } from '../stores.ts';
import { verifyPassword } from './password.ts';
import type { Principal } from './principal.ts';
import type { SessionService } from './session-service.ts';
import { base32Encode, newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';

export class TotpService {
  constructor(
    private readonly stores: PlatformStores,
    private readonly sessions: SessionService,
    private readonly cipher: PiiCipher,
    private readonly issuer: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async enrol(p: Principal): Promise<{ secret: string; otpauthUri: string }> {
    if (p.account.totp?.enabled)
      throw new HeguiError('conflict', 'a second factor is already enabled; remove it first');
    const secret = newTotpSecret();
    const now = this.now();
    await this.stores.transaction(async (tx) => {
      await tx.accounts.update(p.account.id, {
        totp: { secret: this.cipher.encrypt(secret.toString('base64'), 'totp_secret'), enabled: false },
        updatedAt: now.toISOString(),
      });
      await tx.audit.append(auditEvent(p.actor, 'auth.totp_enrolment_started', { type: 'account', id: p.account.id }));
    });
    return { secret: base32Encode(secret), otpauthUri: otpauthUri(secret, p.account.username, this.issuer) };
  }

  async confirm(p: Principal, code: string): Promise<{ token?: string }> {
    const t = p.account.totp;
    if (!t || t.enabled) throw new HeguiError('conflict', 'no enrolment is waiting for confirmation');
    const step = this.check(t.secret, code, undefined);
    const now = this.now();
    return this.stores.transaction(async (tx) => {
      const account = await tx.accounts.update(p.account.id, {
        totp: { ...t, enabled: true, lastStep: step.toString() },
        updatedAt: now.toISOString(),
      });
      const rotated = await this.sessions.rotate(tx, account, p.session, 'password+totp');
      await tx.audit.append(auditEvent(p.actor, 'auth.totp_enabled', { type: 'account', id: account.id }));
      return rotated ? { token: rotated.token } : {};
    });
  }

  async disable(p: Principal, password: string, code: string): Promise<{ token?: string }> {
    const t = p.account.totp;
    if (!t?.enabled) throw new HeguiError('conflict', 'no second factor is enabled');
    if (!(await verifyPassword(password, p.account.passwordHash))) {
      throw new HeguiError('credentials_invalid', 'the password is wrong');
    }
    this.check(t.secret, code, t.lastStep === undefined ? undefined : BigInt(t.lastStep));
    const now = this.now();
    return this.stores.transaction(async (tx) => {
      const account = await tx.accounts.update(p.account.id, { totp: undefined, updatedAt: now.toISOString() });
      const rotated = await this.sessions.rotate(tx, account, p.session, 'password');
      await tx.audit.append(auditEvent(p.actor, 'auth.totp_disabled', { type: 'account', id: account.id }));
      return rotated ? { token: rotated.token } : {};
    });
  }

  private check(encrypted: string, code: string, lastStep: bigint | undefined): bigint {
    const secret = Buffer.from(this.cipher.decrypt(encrypted, 'totp_secret'), 'base64');
    const step = verifyTotp(secret, code, this.now().getTime() / 1000, lastStep);
    if (step === undefined) throw new HeguiError('totp_invalid', 'the authenticator code is wrong or was already used');
    return step;
  }
}
