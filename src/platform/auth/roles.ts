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
  // feature library governance (Art. 10): four eyes — propose, then another person approves
  'feature_library.read': {
    roles: ['admin', 'reviewer', 'compliance_officer', 'auditor'],
    about: 'read library versions, proposals, coverage and the weekly-update alert',
  },
  'feature_library.propose': {
    roles: ['admin', 'reviewer', 'compliance_officer'],
    about: 'propose a library change, bulk import or rollback',
  },
  'feature_library.approve': {
    roles: ['admin', 'compliance_officer'],
    about: "approve (publish) or reject someone else's proposal",
  },
  'feature_library.review': {
    roles: ['admin', 'reviewer', 'compliance_officer'],
    about: 'review text with the served library (give a service API key this scope)',
  },
  // human review queue (Art. 10)
  'review_queue.enqueue': {
    roles: ['admin', 'reviewer', 'compliance_officer'],
    about: 'put an engine result, user report or appeal on the queue',
  },
  'review_queue.read': {
    roles: ['admin', 'reviewer', 'compliance_officer', 'auditor'],
    about: 'read queues and items',
  },
  'review_queue.decide': { roles: ['admin', 'reviewer'], about: 'claim and decide queue items' },
  // reports to authorities (Art. 10, 11)
  'authority_reports.record': { roles: ['admin', 'compliance_officer'], about: 'record a report to an authority' },
  'authority_reports.read': {
    roles: ['admin', 'compliance_officer', 'auditor'],
    about: 'list and export reports to authorities',
  },
  // enforcement (Art. 10)
  'self.enforcement': { roles: ['user'], about: 'read own enforcement actions and notices; appeal an action' },
  'enforcement.strike': {
    roles: ['admin', 'reviewer'],
    about: "record a user's blocked or clean request (give the gateway's API key this scope)",
  },
  'enforcement.act': {
    roles: ['admin', 'reviewer', 'compliance_officer'],
    about: 'take or lift an enforcement action',
  },
  'enforcement.read': {
    roles: ['admin', 'reviewer', 'compliance_officer', 'auditor'],
    about: 'read strikes, actions and appeals',
  },
  'enforcement.appeals': { roles: ['admin', 'compliance_officer'], about: 'decide appeals against actions' },
  // complaints (Art. 12)
  'complaints.read': {
    roles: ['admin', 'reviewer', 'compliance_officer', 'auditor'],
    about: 'read complaints and their statistics',
  },
  'complaints.handle': {
    roles: ['admin', 'reviewer', 'compliance_officer'],
    about: 'answer complaints, run escalation',
  },
  // rumour refutation (Art. 11) and the generation log
  'generation_log.write': { roles: ['admin'], about: "record generations (give the gateway's API key this scope)" },
  'rumours.manage': { roles: ['admin', 'compliance_officer'], about: 'open rumour cases, publish refutations, notify' },
  'rumours.read': { roles: ['admin', 'compliance_officer', 'auditor'], about: 'read and export rumour cases' },
  // biometric consent (Art. 14), training data (Art. 14), filings and assessments (Art. 15, 19, 20), emergency (Art. 21)
  'consent.manage': { roles: ['admin', 'compliance_officer'], about: 'record and revoke biometric consent' },
  'consent.read': { roles: ['admin', 'compliance_officer', 'auditor'], about: 'read biometric consent records' },
  'consent.check': {
    roles: ['admin', 'compliance_officer'],
    about: 'check consent before a face or voice edit (give the gateway key this scope)',
  },
  'training_data.manage': { roles: ['admin', 'compliance_officer'], about: 'register datasets and screenings' },
  'training_data.read': { roles: ['admin', 'compliance_officer', 'auditor'], about: 'read the training data register' },
  'filings.manage': {
    roles: ['admin', 'compliance_officer'],
    about: 'models, templates, capabilities, assessments, filing numbers',
  },
  'filings.read': { roles: ['admin', 'compliance_officer', 'auditor'], about: 'read filings and assessments' },
  'emergency.switch': { roles: ['admin', 'compliance_officer'], about: 'stop or resume publishing (emergency switch)' },
  'emergency.read': {
    roles: ['admin', 'reviewer', 'compliance_officer', 'auditor'],
    about: 'read the emergency switch state and history',
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
