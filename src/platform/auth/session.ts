/**
 * Staff and user sessions. The token is 32 random bytes (256 bits) given to the client once; the store keeps only its
 * SHA-256, so a copy of the database does not hold usable tokens (a 256-bit random value needs no slow hash).
 * Sessions end at an absolute expiry, after an idle period, on logout, and when the account's privileges change
 * (role, password, second factor): then every other session of the account is revoked and the current one rotated.
 */
import { randomBytes } from 'node:crypto';
import { sha256Base64url } from '../../digest.ts';

export interface Session {
  id: string;
  accountId: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
  /** How the session was opened: password alone or password + TOTP. */
  factors: 'password' | 'password+totp';
  revokedAt?: string;
}

export interface SessionStore {
  insert(session: Session): Promise<void>;
  getByTokenHash(tokenHash: string): Promise<Session | undefined>;
  touch(id: string, lastSeenAt: string): Promise<void>;
  revoke(id: string, at: string): Promise<void>;
  /** Revokes every live session of the account except `exceptId`; returns how many. */
  revokeAllFor(accountId: string, at: string, exceptId?: string): Promise<number>;
}

export const SESSION_TOKEN_PREFIX = 'hgs_';

export function newSessionToken(): string {
  return SESSION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return sha256Base64url(token);
}
