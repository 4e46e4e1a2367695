/**
 * Accounts: end-user registration, staff management by admins, and the first admin at first start. Changing a role or
 * disabling an account ends its sessions (privilege change). The last active admin cannot be demoted or disabled, and
 * nobody changes their own role or status, so the platform cannot be locked out by mistake.
 */
import { randomUUID } from 'node:crypto';
import { HeguiError } from '../../errors.ts';
import { type Actor, actorAccountId, actorRef } from '../actor.ts';
import { auditEvent } from '../audit-sink.ts';
import { newOneTimePassword } from '../auth/one-time-password.ts';
import { hashPassword } from '../auth/password.ts';
import { checkPassword, PASSWORD_RULES } from '../auth/password-policy.ts';
import { isStaffRole, type Role, type StaffRole } from '../auth/roles.ts';
import type { PlatformStores } from '../stores.ts';
import { type Account, type AccountKind, type AccountStatus, normaliseUsername, USERNAME_PATTERN } from './account.ts';

export interface NewAccount {
  username: string;
  displayName?: string | undefined;
  password?: string | undefined;
}

export class AccountService {
  constructor(
    private readonly stores: PlatformStores,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(id: string): Promise<Account | undefined> {
    return this.stores.accounts.get(id);
  }

  async require(id: string): Promise<Account> {
    const a = await this.stores.accounts.get(id);
    if (!a) throw new HeguiError('not_found', 'no such account');
    return a;
  }

  list(kinds: AccountKind[], limit = 100, offset = 0): Promise<Account[]> {
    return this.stores.accounts.list({ kinds, limit, offset });
  }

  /** Self-registration of an end user (a person or an organisation); real-name verification follows. */
  register(actor: Actor, i: NewAccount & { kind: 'person' | 'organisation'; password: string }): Promise<Account> {
    return this.create(actor, i, 'user', i.kind).then((r) => r.account);
  }

  /** A staff account; without a password a one-time password is generated and must be changed at first login. */
  createStaff(
    actor: Actor,
    i: NewAccount & { role: StaffRole },
  ): Promise<{ account: Account; oneTimePassword?: string }> {
    return this.create(actor, i, i.role, 'staff');
  }

  /** First start: an admin when none exists (password from configuration, else a one-time password to print). */
  async ensureAdmin(
    actor: Actor,
    username: string,
    password?: string,
  ): Promise<{ account: Account; oneTimePassword?: string } | undefined> {
    const staff = await this.stores.accounts.list({ kinds: ['staff'], limit: 10_000 });
    if (staff.some((a) => a.role === 'admin')) return undefined;
    return this.create(actor, { username, displayName: 'Administrator', password }, 'admin', 'staff');
  }

  async update(
    actor: Actor,
    id: string,
    patch: { displayName?: string | undefined; role?: Role | undefined; status?: AccountStatus | undefined },
  ): Promise<Account> {
    const now = this.now();
    return this.stores.transaction(async (tx) => {
      const a = await tx.accounts.get(id);
      if (!a) throw new HeguiError('not_found', 'no such account');
      const roleChange = patch.role !== undefined && patch.role !== a.role;
      const statusChange = patch.status !== undefined && patch.status !== a.status;
      if ((roleChange || statusChange) && actorAccountId(actor) === id) {
        throw new HeguiError('forbidden', 'you cannot change your own role or status');
      }
      if (roleChange && (a.kind === 'staff') !== isStaffRole(patch.role!)) {
        throw new HeguiError('invalid_request', 'staff accounts take staff roles; end users keep the role "user"');
      }
      if (a.role === 'admin' && a.status === 'active' && (roleChange || patch.status === 'disabled')) {
        const admins = (await tx.accounts.list({ kinds: ['staff'], limit: 10_000 })).filter(
          (x) => x.role === 'admin' && x.status === 'active',
        );
        if (admins.length <= 1) throw new HeguiError('conflict', 'the last active admin cannot be demoted or disabled');
      }
      const updated = await tx.accounts.update(id, {
        ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
        ...(roleChange ? { role: patch.role! } : {}),
        ...(statusChange ? { status: patch.status! } : {}),
        updatedAt: now.toISOString(),
      });
      if (roleChange || statusChange) await tx.sessions.revokeAllFor(id, now.toISOString());
      await tx.audit.append(
        auditEvent(
          actor,
          'account.updated',
          { type: 'account', id },
          {
            ...(roleChange ? { role: `${a.role}->${patch.role}` } : {}),
            ...(statusChange ? { status: patch.status! } : {}),
            ...(patch.displayName !== undefined ? { displayName: true } : {}),
          },
        ),
      );
      return updated;
    });
  }

  /** An admin resets a password: a one-time password, every session ended. */
  async resetPassword(actor: Actor, id: string): Promise<{ oneTimePassword: string }> {
    const oneTimePassword = newOneTimePassword();
    const passwordHash = await hashPassword(oneTimePassword);
    const now = this.now();
    await this.stores.transaction(async (tx) => {
      await tx.accounts.update(id, { passwordHash, mustChangePassword: true, updatedAt: now.toISOString() });
      await tx.sessions.revokeAllFor(id, now.toISOString());
      await tx.audit.append(auditEvent(actor, 'account.password_reset', { type: 'account', id }));
    });
    return { oneTimePassword };
  }

  private async create(
    actor: Actor,
    i: NewAccount,
    role: Role,
    kind: AccountKind,
  ): Promise<{ account: Account; oneTimePassword?: string }> {
    const username = normaliseUsername(i.username);
    if (!USERNAME_PATTERN.test(username)) {
      throw new HeguiError('invalid_request', 'user names are 3–64 characters: a–z, 0–9, ".", "_", "-"');
    }
    let oneTimePassword: string | undefined;
    let password = i.password;
    if (password === undefined) password = oneTimePassword = newOneTimePassword();
    const problems = checkPassword(password, username);
    if (problems.length) {
      throw new HeguiError('password_weak', `password rules: ${PASSWORD_RULES}`, { problems: problems.join(',') });
    }
    const now = this.now().toISOString();
    const account: Account = {
      id: randomUUID(),
      username,
      displayName: i.displayName ?? username,
      kind,
      role,
      status: 'active',
      passwordHash: await hashPassword(password),
      mustChangePassword: oneTimePassword !== undefined,
      identifiers: {},
      createdAt: now,
      createdBy: actorRef(actor),
      updatedAt: now,
    };
    await this.stores.transaction(async (tx) => {
      await tx.accounts.insert(account);
      await tx.audit.append(auditEvent(actor, 'account.created', { type: 'account', id: account.id }, { role, kind }));
    });
    return oneTimePassword ? { account, oneTimePassword } : { account };
  }
}
