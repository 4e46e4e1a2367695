/**
 * API keys for services (the gateway's callers, a provider's back end). A key is `hgk_<id>_<secret>`: the id (12
 * characters) finds the row, the secret (32 random bytes) is checked against its stored SHA-256 — shown once at
 * creation, never stored or shown again. Scopes are permissions from the role table; the key's owner must hold each.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Base64url } from '../../digest.ts';
import type { Permission } from './roles.ts';

export interface ApiKey {
  id: string;
  accountId: string;
  name: string;
  /** The public part of the key, `hgk_<id>`, shown in lists so a key can be recognised. */
  prefix: string;
  secretHash: string;
  scopes: Permission[];
  createdAt: string;
  createdBy: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export interface ApiKeyStore {
  insert(key: ApiKey): Promise<void>;
  get(id: string): Promise<ApiKey | undefined>;
  list(filter?: { accountId?: string }): Promise<ApiKey[]>;
  markUsed(id: string, at: string): Promise<void>;
  revoke(id: string, at: string): Promise<void>;
}

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export function newApiKeyMaterial(): { id: string; secret: string; prefix: string; token: string } {
  const raw = randomBytes(12);
  const id = [...raw].map((b) => ID_ALPHABET[b & 31]).join('');
  const secret = randomBytes(32).toString('base64url');
  const prefix = `hgk_${id}`;
  return { id, secret, prefix, token: `${prefix}_${secret}` };
}

export function parseApiKey(token: string): { id: string; secret: string } | undefined {
  const m = /^hgk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

export function hashApiSecret(secret: string): string {
  return sha256Base64url(secret);
}

export function apiSecretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiSecret(secret));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}
