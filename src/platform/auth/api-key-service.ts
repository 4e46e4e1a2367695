/** Creates, lists, revokes and checks API keys (see api-key.ts). Every change is audited with the acting party. */
import { HeguiError } from '../../errors.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../actor.ts';
import { auditEvent } from '../audit-sink.ts';
import type { ShortLivedCache } from '../short-lived-cache.ts';
import type { PlatformStores } from '../stores.ts';
import { type ApiKey, apiSecretMatches, hashApiSecret, newApiKeyMaterial, parseApiKey } from './api-key.ts';
import { apiKeyPrincipal, type Principal } from './principal.ts';
import { type Permission, roleAllows } from './roles.ts';

export interface ApiKeyView {
  id: string;
  accountId: string;
  name: string;
  prefix: string;
  scopes: Permission[];
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export function viewApiKey(k: ApiKey): ApiKeyView {
  const { secretHash: _secret, createdBy: _by, ...rest } = k;
  return rest;
}

const MARK_USED_EVERY_MS = 60_000;

export class ApiKeyService {
  constructor(
    private readonly stores: PlatformStores,
    private readonly now: () => Date = () => new Date(),
    /** Principals by the hash of the whole key, at most its TTL old (src/platform/admission-cache.ts). */
    private readonly held?: ShortLivedCache<Principal>,
  ) {}

  /** The whole key is returned here once; only its hash is kept. */
  async create(
    actor: Actor,
    i: { accountId: string; name: string; scopes: Permission[]; expiresAt?: string | undefined },
  ): Promise<{ key: ApiKeyView; token: string }> {
    const owner = await this.stores.accounts.get(i.accountId);
    if (!owner) throw new HeguiError('not_found', 'no such account');
    const notAllowed = i.scopes.filter((s) => !roleAllows(owner.role, s));
    if (notAllowed.length) {
      throw new HeguiError('invalid_request', "a key's scopes must be permissions its owner's role has", {
        scopes: notAllowed.join(','),
      });
    }
    const now = this.now();
    if (i.expiresAt !== undefined && Date.parse(i.expiresAt) <= now.getTime()) {
      throw new HeguiError('invalid_request', 'the expiry must be in the future');
    }
    const m = newApiKeyMaterial();
    const key: ApiKey = {
      id: m.id,
      accountId: owner.id,
      name: i.name,
      prefix: m.prefix,
      secretHash: hashApiSecret(m.secret),
      scopes: [...new Set(i.scopes)],
      createdAt: now.toISOString(),
      createdBy: actorRef(actor),
      ...(i.expiresAt ? { expiresAt: new Date(i.expiresAt).toISOString() } : {}),
    };
    await this.stores.transaction(async (tx) => {
      await tx.apiKeys.insert(key);
      await tx.audit.append(
        auditEvent(
          actor,
          'api_key.created',
          { type: 'api_key', id: key.id },
          {
            account: owner.id,
            scopes: key.scopes.join(','),
          },
        ),
      );
    });
    return { key: viewApiKey(key), token: m.token };
  }

  async list(filter: { accountId?: string } = {}): Promise<ApiKeyView[]> {
    return (await this.stores.apiKeys.list(filter)).map(viewApiKey);
  }

  async get(id: string): Promise<ApiKeyView | undefined> {
    const k = await this.stores.apiKeys.get(id);
    return k && viewApiKey(k);
  }

  async revoke(actor: Actor, id: string): Promise<void> {
    const now = this.now();
    await this.stores.transaction(async (tx) => {
      const k = await tx.apiKeys.get(id);
      if (!k) throw new HeguiError('not_found', 'no such API key');
      if (k.revokedAt) return;
      await tx.apiKeys.revoke(id, now.toISOString());
      await tx.audit.append(auditEvent(actor, 'api_key.revoked', { type: 'api_key', id }));
    });
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    if (!this.held) return this.#authenticate(token);
    // By the hash of the whole key, secret included: only the exact key finds the entry, and the entry reveals
    // neither the id nor the secret.
    const ref = hashApiSecret(token);
    const p = await this.held.get(ref, () => this.#authenticate(token));
    const expiresAt = p?.apiKey?.expiresAt;
    if (expiresAt && this.now().getTime() >= Date.parse(expiresAt)) {
      this.held.delete(ref);
      return undefined;
    }
    return p;
  }

  async #authenticate(token: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(token);
    if (!parsed) return undefined;
    const k = await this.stores.apiKeys.get(parsed.id);
    if (!k || k.revokedAt || !apiSecretMatches(parsed.secret, k.secretHash)) return undefined;
    const now = this.now();
    if (k.expiresAt && now.getTime() >= Date.parse(k.expiresAt)) return undefined;
    const owner = await this.stores.accounts.get(k.accountId);
    if (owner?.status !== 'active') return undefined;
    if (!k.lastUsedAt || now.getTime() - Date.parse(k.lastUsedAt) > MARK_USED_EVERY_MS) {
      await this.stores.apiKeys.markUsed(k.id, now.toISOString());
    }
    return apiKeyPrincipal(owner, k);
  }
}
