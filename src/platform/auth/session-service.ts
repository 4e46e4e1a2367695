/**
 * Issues, checks, rotates and revokes sessions (see session.ts). Absolute lifetime and idle timeout come from the
 * configuration (GB/T 22239-2019 8.1.4.1 b: end sessions after inactivity).
 */
import { randomUUID } from 'node:crypto';
import type { Account } from '../accounts/account.ts';
import type { PlatformStores } from '../stores.ts';
import { type Principal, sessionPrincipal } from './principal.ts';
import { hashToken, newSessionToken, type Session } from './session.ts';

export interface SessionOptions {
  ttlMs: number;
  idleMs: number;
}

export const DEFAULT_SESSIONS: SessionOptions = { ttlMs: 12 * 3600_000, idleMs: 2 * 3600_000 };

/** lastSeenAt is written at most this often, so every request does not write. */
const TOUCH_EVERY_MS = 60_000;

export class SessionService {
  constructor(
    private readonly stores: PlatformStores,
    private readonly o: SessionOptions = DEFAULT_SESSIONS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async issue(
    tx: PlatformStores,
    account: Account,
    factors: Session['factors'],
  ): Promise<{ token: string; session: Session }> {
    const now = this.now();
    const token = newSessionToken();
    const session: Session = {
      id: randomUUID(),
      accountId: account.id,
      tokenHash: hashToken(token),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.o.ttlMs).toISOString(),
      lastSeenAt: now.toISOString(),
      factors,
    };
    await tx.sessions.insert(session);
    return { token, session };
  }

  /** The principal for a session token, or undefined when it is unknown, revoked, expired or idle too long. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const s = await this.stores.sessions.getByTokenHash(hashToken(token));
    if (!s || s.revokedAt) return undefined;
    const now = this.now().getTime();
    if (now >= Date.parse(s.expiresAt) || now >= Date.parse(s.lastSeenAt) + this.o.idleMs) return undefined;
    const account = await this.stores.accounts.get(s.accountId);
    if (account?.status !== 'active') return undefined;
    if (now - Date.parse(s.lastSeenAt) > TOUCH_EVERY_MS) {
      await this.stores.sessions.touch(s.id, new Date(now).toISOString());
    }
    return sessionPrincipal(account, s);
  }

  /**
   * After a privilege change (password, second factor, role): every other session of the account ends and the current
   * one is replaced by a new token, so a token captured before the change is worthless.
   */
  async rotate(
    tx: PlatformStores,
    account: Account,
    current: Session | undefined,
    factors?: Session['factors'],
  ): Promise<{ token: string; session: Session } | undefined> {
    const at = this.now().toISOString();
    await tx.sessions.revokeAllFor(account.id, at);
    if (!current) return undefined;
    return this.issue(tx, account, factors ?? current.factors);
  }

  async revoke(tx: PlatformStores, session: Session): Promise<void> {
    await tx.sessions.revoke(session.id, this.now().toISOString());
  }
}
