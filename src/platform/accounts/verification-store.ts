/**
 * Storage of verification challenges (open, pending review, finished) and of verification records (the proof that an
 * account is real-name verified, Provisions Art. 9). `src/store/` provides the SQL implementation;
 * `InMemoryVerificationStore` is the test and development implementation.
 */
import { HeguiError } from '../../errors.ts';
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

export interface ChallengeFilter {
  accountId?: string;
  status?: ChallengeStatus;
  completedBy?: 'subject' | 'reviewer';
  limit?: number;
}

export interface VerificationStore {
  insertChallenge(c: Challenge): Promise<void>;
  getChallenge(id: string): Promise<Challenge | undefined>;
  updateChallenge(id: string, patch: ChallengePatch): Promise<Challenge>;
  listChallenges(filter: ChallengeFilter): Promise<Challenge[]>;
  insertRecord(r: VerificationRecord): Promise<void>;
  listRecords(accountId: string): Promise<VerificationRecord[]>;
}

/** Test and development implementation of VerificationStore: Maps, lost at exit. Not the product's storage. */
export class InMemoryVerificationStore implements VerificationStore {
  private readonly challenges = new Map<string, Challenge>();
  private readonly records: VerificationRecord[] = [];

  async insertChallenge(c: Challenge): Promise<void> {
    this.challenges.set(c.id, structuredClone(c));
  }

  async getChallenge(id: string): Promise<Challenge | undefined> {
    const c = this.challenges.get(id);
    return c && structuredClone(c);
  }

  async updateChallenge(id: string, patch: ChallengePatch): Promise<Challenge> {
    const c = this.challenges.get(id);
    if (!c) throw new HeguiError('not_found', 'no such verification');
    const next = { ...c, ...structuredClone(patch) };
    this.challenges.set(id, next);
    return structuredClone(next);
  }

  async listChallenges(f: ChallengeFilter): Promise<Challenge[]> {
    return [...this.challenges.values()]
      .filter((c) => (!f.accountId || c.accountId === f.accountId) && (!f.status || c.status === f.status))
      .filter((c) => !f.completedBy || c.completedBy === f.completedBy)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .slice(0, f.limit ?? 100)
      .map((c) => structuredClone(c));
  }

  async insertRecord(r: VerificationRecord): Promise<void> {
    this.records.push(structuredClone(r));
  }

  async listRecords(accountId: string): Promise<VerificationRecord[]> {
    return this.records.filter((r) => r.accountId === accountId).map((r) => structuredClone(r));
  }
}
