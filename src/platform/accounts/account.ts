/**
 * An account: a staff member (admin, reviewer, compliance officer, auditor) or an end user of the service — a person
 * or an organisation (Provisions Art. 9 distinguishes ID-document and USCC verification). Identity numbers are held
 * only as ProtectedIdentifier (ciphertext + lookup hash + mask); a USCC identifies an organisation and is public.
 */
import type { Role } from '../auth/roles.ts';
import type { ProtectedIdentifier } from '../pii/protected-identifier.ts';

export type AccountKind = 'staff' | 'person' | 'organisation';
export type AccountStatus = 'active' | 'disabled';

export interface TotpState {
  /** The secret, encrypted (PiiCipher purpose "totp_secret"). */
  secret: string;
  /** False while enrolment waits for the first code. */
  enabled: boolean;
  /** Last accepted time step (decimal string), for replay protection. */
  lastStep?: string;
}

export interface AccountIdentifiers {
  mobile?: ProtectedIdentifier;
  idNumber?: ProtectedIdentifier;
  realName?: ProtectedIdentifier;
  /** Unified social credit code of an organisation (public register data, GB 32100). */
  uscc?: string;
}

export interface Account {
  id: string;
  /** Login name, stored in lower case; unique. */
  username: string;
  displayName: string;
  kind: AccountKind;
  role: Role;
  status: AccountStatus;
  passwordHash: string;
  /** Set for a one-time password: every route but password change refuses until it is replaced. */
  mustChangePassword: boolean;
  totp?: TotpState;
  identifiers: AccountIdentifiers;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** What may leave the server about an account: no hash, no secret, identifiers masked. */
export interface AccountView {
  id: string;
  username: string;
  displayName: string;
  kind: AccountKind;
  role: Role;
  status: AccountStatus;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  identifiers: { mobile?: string; idNumber?: string; realName?: string; uscc?: string };
  createdAt: string;
}

export function viewAccount(a: Account): AccountView {
  const ids: AccountView['identifiers'] = {};
  if (a.identifiers.mobile) ids.mobile = a.identifiers.mobile.masked;
  if (a.identifiers.idNumber) ids.idNumber = a.identifiers.idNumber.masked;
  if (a.identifiers.realName) ids.realName = a.identifiers.realName.masked;
  if (a.identifiers.uscc) ids.uscc = a.identifiers.uscc;
  return {
    id: a.id,
    username: a.username,
    displayName: a.displayName,
    kind: a.kind,
    role: a.role,
    status: a.status,
    mustChangePassword: a.mustChangePassword,
    totpEnabled: a.totp?.enabled === true,
    identifiers: ids,
    createdAt: a.createdAt,
  };
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export function normaliseUsername(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}
