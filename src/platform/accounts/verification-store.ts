/**
 * Storage of verification challenges (open, pending review, finished) and of verification records (the proof that an
 * account is real-name verified, Provisions Art. 9). SqlVerificationStore (sql-verification-store.ts) implements it
 * on SQLite and PostgreSQL.
 */
import type { AssuranceLevel, Challenge, ChallengeStatus, VerificationMethod } from './verification/provider.ts';

export interface VerificationRecord {
  id: string;
  accountId: string;
  challengeId: string;
  method: VerificationMethod;
  provider: string;
  level: AssuranceLevel;
  evidenceRef: string;
  verifiedAt: string;
  /** Masked identifiers proven (e.g. { mobile: '138****8000' }). */
  subject: Record<string, string>;
  revokedAt?: string;
}

export type ChallengePatch = Partial<
  Pick<Challenge, 'status' | 'attempts' | 'state' | 'resolvedAt' | 'resolvedBy' | 'failure'>
>;

export type ChallengeExpectation = Pick<Challenge, 'status' | 'attempts'>;

export interface ChallengeFilter {
  accountId?: string;
  status?: ChallengeStatus;
  completedBy?: 'subject' | 'reviewer';
  limit?: number;
}

export interface VerificationStore {
  insertChallenge(c: Challenge): Promise<void>;
  getChallenge(id: string): Promise<Challenge | undefined>;
  /**
   * With `expected`, the update happens only while the challenge is still in that state (else `conflict`): two answers
   * to one challenge at once cannot both count as its first attempt.
   */
  updateChallenge(id: string, patch: ChallengePatch, expected?: ChallengeExpectation): Promise<Challenge>;
  listChallenges(filter: ChallengeFilter): Promise<Challenge[]>;
  insertRecord(r: VerificationRecord): Promise<void>;
  listRecords(accountId: string): Promise<VerificationRecord[]>;
}
