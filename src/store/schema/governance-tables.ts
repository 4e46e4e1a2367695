/**
 * Tables of the governance duties of Provisions Art. 10 and 11: the feature library's versions, proposals and
 * publications, the human review queue, and reports to the authorities. Conventions: src/store/README.md.
 */

export interface FeatureLibraryHeadTable {
  library: string;
  /** Content hash of the version being served; '' before the first publication. */
  current_hash: string;
  /** Bumped by every publication: the serialisation point of publishing. */
  seq: number;
}

export interface FeatureLibraryVersionTable {
  content_hash: string;
  library: string;
  version: number;
  parent: string | null;
  /** The FeatureLibraryVersion as JSON (src/review/library/model.ts), exactly as hashed. */
  content: string;
  created_at: string;
  proposal_id: string;
}

export interface FeatureLibraryProposalTable {
  id: string;
  library: string;
  /** change | import | rollback */
  kind: string;
  /** The version current when proposed ('' for none): approving is refused once another was published. */
  base_hash: string;
  /** For change/import: the proposed VersionContent as JSON; for rollback: the target content hash. */
  content: string;
  note: string;
  /** pending | published | rejected */
  status: string;
  proposed_by: string;
  proposed_at: string;
  decided_by: string | null;
  decided_at: string | null;
  published_hash: string | null;
}

export interface FeatureLibraryPublicationTable {
  id: string;
  library: string;
  seq: number;
  content_hash: string;
  /** publish | rollback */
  kind: string;
  proposal_id: string;
  published_by: string;
  published_at: string;
}

export interface ReviewQueueItemTable {
  id: string;
  /** engine | report | appeal */
  queue: string;
  subject: string;
  severity: number;
  /** JSON: the review result, the report or the appeal. */
  evidence: string;
  library_hash: string | null;
  /** open | second_review | decided */
  status: string;
  created_at: string;
  deadline_at: string;
  claimed_by: string | null;
  claim_expires_at: string | null;
  first_decision: string | null;
  first_reason: string | null;
  first_policy_ref: string | null;
  first_decided_by: string | null;
  first_decided_at: string | null;
  decision: string | null;
  reason: string | null;
  policy_ref: string | null;
  decided_by: string | null;
  decided_at: string | null;
}

export interface AuthorityReportTable {
  id: string;
  /** What was reported (a summary, never personal data in clear). */
  subject: string;
  category: string;
  authority: string;
  channel: string;
  reference_number: string | null;
  reported_at: string;
  /** JSON array of references ("queue_item:…", "content:…"). */
  related: string;
  recorded_by: string;
  recorded_at: string;
}

export interface GovernanceTables {
  feature_library_head: FeatureLibraryHeadTable;
  feature_library_version: FeatureLibraryVersionTable;
  feature_library_proposal: FeatureLibraryProposalTable;
  feature_library_publication: FeatureLibraryPublicationTable;
  review_queue_item: ReviewQueueItemTable;
  authority_report: AuthorityReportTable;
}
