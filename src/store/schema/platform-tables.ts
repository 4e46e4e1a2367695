/**
 * Tables of the platform's accounts, authentication, real-name verification and agreements (src/platform/). Personal
 * identifiers are never stored in clear: a `*_pii` column holds the ProtectedIdentifier as JSON (the AES-256-GCM
 * envelope, the keyed lookup hash and the mask) and a `*_lookup` column repeats the keyed hash for indexed lookups.
 */

export interface AccountTable {
  id: string;
  /** Lower case, unique. */
  username: string;
  display_name: string;
  kind: string;
  role: string;
  status: string;
  password_hash: string;
  must_change_password: number;
  /** TotpState as JSON (its secret encrypted), or null. */
  totp: string | null;
  mobile_pii: string | null;
  mobile_lookup: string | null;
  id_number_pii: string | null;
  id_number_lookup: string | null;
  real_name_pii: string | null;
  real_name_lookup: string | null;
  /** Unified social credit code: public register data (GB 32100), in clear. */
  uscc: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
}

export interface SessionTable {
  id: string;
  account_id: string;
  /** SHA-256 of the token (base64url): the token itself is never stored. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  factors: string;
  revoked_at: string | null;
}

export interface ApiKeyTable {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  /** JSON array of permissions. */
  scopes: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface VerificationChallengeTable {
  id: string;
  account_id: string;
  method: string;
  provider: string;
  status: string;
  completed_by: string;
  created_at: string;
  expires_at: string;
  attempts: number;
  max_attempts: number;
  /** Provider state as JSON; personal data in it is already encrypted by the provider. */
  state: string;
  /** Masked values only, as JSON. */
  display: string;
  resolved_at: string | null;
  resolved_by: string | null;
  failure: string | null;
}

export interface VerificationRecordTable {
  id: string;
  account_id: string;
  challenge_id: string;
  method: string;
  provider: string;
  level: string;
  evidence_ref: string;
  verified_at: string;
  /** Masked identifiers proven, as JSON. */
  subject: string;
  revoked_at: string | null;
}

export interface AgreementDocumentTable {
  kind: string;
  version: number;
  /** Per locale, JSON. */
  title: string;
  body: string;
  summary: string;
  requires_acceptance: number;
  published_at: string;
  published_by: string;
  template: number;
}

export interface AgreementAcceptanceTable {
  id: string;
  account_id: string;
  kind: string;
  version: number;
  accepted_at: string;
  channel: string;
}

/** One row per failed login, per key ("user:<name>", "ip:<address>"); old rows are deleted as new ones come. */
export interface LoginFailureTable {
  id: string;
  key: string;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface PlatformTables {
  account: AccountTable;
  session: SessionTable;
  api_key: ApiKeyTable;
  verification_challenge: VerificationChallengeTable;
  verification_record: VerificationRecordTable;
  agreement_document: AgreementDocumentTable;
  agreement_acceptance: AgreementAcceptanceTable;
  login_failure: LoginFailureTable;
}
