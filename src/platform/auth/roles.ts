/**
 * Who may do what (Provisions Art. 7: management systems with separated duties). Staff roles: admin, reviewer,
 * compliance officer, auditor (read-only); end users of the service have the role `user`. The table is data: every
 * route names one permission, and the server checks it on every request (src/server/route.ts). An API key's scopes are
 * permissions too; a key acts with the permissions its owner's role has AND the key lists.
 */
export const ROLES = ['admin', 'reviewer', 'compliance_officer', 'auditor', 'user'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES = ['admin', 'reviewer', 'compliance_officer', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(r: Role): r is StaffRole {
  return r !== 'user';
}

export const PERMISSION_TABLE = {
  // own account
  'self.read': { roles: ['admin', 'reviewer', 'compliance_officer', 'auditor', 'user'], about: 'read own account' },
  'self.security': {
    roles: ['admin', 'reviewer', 'compliance_officer', 'auditor', 'user'],
    about: 'change own password, enrol or remove TOTP',
  },
  'self.verify': { roles: ['user'], about: 'run real-name verification for own account (Art. 9)' },
  'self.agreements': { roles: ['user'], about: 'accept the current agreements (Art. 8)' },
  'self.gate': { roles: ['user'], about: 'check own publishing gate' },
  // staff management
  'staff.read': { roles: ['admin', 'auditor'], about: 'list staff accounts' },
  'staff.manage': { roles: ['admin'], about: 'create staff, change roles, disable, reset passwords' },
  // end users
  'users.read': { roles: ['admin', 'reviewer', 'compliance_officer', 'auditor'], about: 'list end users (masked)' },
  'users.manage': { roles: ['admin'], about: 'disable or enable end users' },
  // API keys
  'api_keys.own': { roles: ['admin', 'compliance_officer', 'user'], about: 'create, list, revoke own API keys' },
  'api_keys.any': { roles: ['admin'], about: "create, list, revoke any account's API keys" },
  'api_keys.read': { roles: ['admin', 'auditor'], about: 'list all API keys (never their secrets)' },
  // real-name verification
  'verification.review': { roles: ['admin', 'reviewer'], about: 'resolve manual identity reviews' },
  'verification.read': {
    roles: ['admin', 'reviewer', 'compliance_officer', 'auditor'],
    about: 'read verification records',
  },
  // publishing gate (also what the gateway's service key needs)
  'gate.check': {
    roles: ['admin', 'reviewer', 'compliance_officer', 'auditor'],
    about: "check any account's publishing gate (give a service's API key this scope)",
  },
  // agreements and platform rules
  'agreements.publish': { roles: ['admin', 'compliance_officer'], about: 'publish a new version of a document' },
  'agreements.read_acceptances': {
    roles: ['admin', 'compliance_officer', 'auditor'],
    about: 'read who accepted which version',
  },
  // the tamper-evident log (Provisions Art. 16, 21)
  'log.read': {
    roles: ['admin', 'compliance_officer', 'auditor'],
    about: 'read signed checkpoints and inclusion and consistency proofs of the log',
  },
  'log.export': { roles: ['admin', 'compliance_officer'], about: 'create a regulator export of the log (Art. 21)' },
} as const satisfies Record<string, { roles: readonly Role[]; about: string }>;

export type Permission = keyof typeof PERMISSION_TABLE;
export const PERMISSIONS = Object.keys(PERMISSION_TABLE) as Permission[];

export function roleAllows(role: Role, permission: Permission): boolean {
  return (PERMISSION_TABLE[permission].roles as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => roleAllows(role, p));
}

export function isPermission(s: string): s is Permission {
  return Object.hasOwn(PERMISSION_TABLE, s);
}
