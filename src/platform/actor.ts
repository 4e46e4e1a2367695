/**
 * Who does a thing. Every write in the platform takes the acting party and records it in the audit event (style:
 * "every write takes the acting user").
 */
import type { Role } from './auth/roles.ts';

export type Actor =
  | { kind: 'account'; accountId: string; role: Role; sessionId?: string }
  | { kind: 'api_key'; accountId: string; role: Role; keyId: string }
  | { kind: 'system'; reason: string }
  | { kind: 'anonymous'; ip?: string };

export const SYSTEM: Actor = { kind: 'system', reason: 'startup' };

export function actorAccountId(a: Actor): string | undefined {
  return a.kind === 'account' || a.kind === 'api_key' ? a.accountId : undefined;
}

/** A short, PII-free label for audit events: "account:<id>", "api_key:<id>", "system:<reason>", "anonymous". */
export function actorRef(a: Actor): string {
  switch (a.kind) {
    case 'account':
      return `account:${a.accountId}`;
    case 'api_key':
      return `api_key:${a.keyId}`;
    case 'system':
      return `system:${a.reason}`;
    case 'anonymous':
      return 'anonymous';
  }
}
