/** An active end-user account record as the stores keep it, for tests that insert accounts directly. */
import { randomUUID } from 'node:crypto';
import type { Account } from '../../src/platform/accounts/account.ts';

export function accountRecord(username: string, at: string, id: string = randomUUID()): Account {
  return {
    id,
    username,
    displayName: username,
    kind: 'person',
    role: 'user',
    status: 'active',
    passwordHash: 'scrypt$x',
    mustChangePassword: false,
    identifiers: {},
    createdAt: at,
    createdBy: 'system:test',
    updatedAt: at,
  };
}
