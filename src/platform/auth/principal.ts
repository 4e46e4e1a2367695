/** The party behind a request once authenticated: an account through a session, or through one of its API keys. */
import type { Account } from '../accounts/account.ts';
import type { Actor } from '../actor.ts';
import type { ApiKey } from './api-key.ts';
import { type Permission, permissionsOf } from './roles.ts';
import type { Session } from './session.ts';

export interface Principal {
  actor: Actor;
  account: Account;
  permissions: ReadonlySet<Permission>;
  session?: Session;
  apiKey?: ApiKey;
}

export function sessionPrincipal(account: Account, session: Session): Principal {
  return {
    actor: { kind: 'account', accountId: account.id, role: account.role, sessionId: session.id },
    account,
    permissions: new Set(permissionsOf(account.role)),
    session,
  };
}

/** A key acts with the permissions its owner's role has now AND the key's scopes. */
export function apiKeyPrincipal(account: Account, key: ApiKey): Principal {
  const role = new Set(permissionsOf(account.role));
  return {
    actor: { kind: 'api_key', accountId: account.id, role: account.role, keyId: key.id },
    account,
    permissions: new Set(key.scopes.filter((s) => role.has(s))),
    apiKey: key,
  };
}
