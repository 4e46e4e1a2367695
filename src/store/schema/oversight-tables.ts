/**
 * Tables of the oversight duties: biometric consent and the training data register (Provisions Art. 14), filings and
 * security assessments (Art. 15, 19, 20), the emergency switch (Art. 7, 21). Conventions as in ../README.md: text ids,
 * ISO 8601 timestamps, JSON as text, booleans as 0/1.
 */

export interface BiometricConsentTable {
  id: string;
  /** The person whose face or voice it is, as the operator refers to them ("customer:123"); never an ID number. */
  subject_ref: string;
  /** The ID number, if given: encrypted (PII envelope) and a keyed hash for lookups. */
  subject_id_number_enc: string | null;
  subject_id_number_hash: string | null;
  /** Who may edit the likeness: an account id or a service name; '*' for any requester of this platform. */
  grantee: string;
  /** JSON array of 'face' | 'voice'. */
  modalities: string;
  /** JSON array of uses ("face_swap", "voice_clone", …); '*' covers every use. */
  uses: string;
  evidence_sha256: string;
  evidence_ref: string;
  granted_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
  created_by: string;
  created_at: string;
}

export interface TrainingDatasetTable {
  id: string;
  name: string;
  source: string;
  licence: string;
  personal_information: number;
  consent_basis: string | null;
  item_count: number;
  created_by: string;
  created_at: string;
}

export interface TrainingScreeningTable {
  id: string;
  dataset_id: string;
  /** 'keyword' | 'model' (technical) or 'manual'. */
  method: string;
  sampled: number;
  illegal: number;
  qualified: number;
  performed_at: string;
  created_by: string;
  created_at: string;
}

export interface FilingModelTable {
  id: string;
  /** 'model' | 'template'. */
  kind: string;
  name: string;
  description: string;
  created_by: string;
  created_at: string;
}

export interface FilingCapabilityTable {
  id: string;
  model_id: string;
  name: string;
  /** JSON array of 'biometric' | 'sensitive_scenes' | 'public_opinion'. */
  flags: string;
  enabled: number;
  updated_at: string;
}

export interface SecurityAssessmentTable {
  id: string;
  model_id: string;
  /** JSON array of the flags the assessment covers. */
  covers: string;
  /** 'passed' | 'failed'. */
  outcome: string;
  assessor: string;
  report_ref: string;
  conducted_at: string;
  /** The next assessment is due by then; the assessment is valid until then. */
  due_at: string;
  created_by: string;
  created_at: string;
}

export interface AlgorithmFilingTable {
  id: string;
  model_id: string;
  filing_number: string;
  info_url: string;
  public_name: string;
  filed_at: string;
  withdrawn_at: string | null;
  created_by: string;
  created_at: string;
}

export interface EmergencyStopTable {
  id: string;
  /** 'all' | 'model' | 'capability' | 'group'. */
  scope_kind: string;
  /** '' for 'all'. */
  scope_value: string;
  reason: string;
  started_at: string;
  started_by: string;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
}

export interface OversightTables {
  biometric_consent: BiometricConsentTable;
  training_dataset: TrainingDatasetTable;
  training_screening: TrainingScreeningTable;
  filing_model: FilingModelTable;
  filing_capability: FilingCapabilityTable;
  security_assessment: SecurityAssessmentTable;
  algorithm_filing: AlgorithmFilingTable;
  emergency_stop: EmergencyStopTable;
}
