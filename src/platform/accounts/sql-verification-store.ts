/** VerificationStore on SQLite and PostgreSQL: challenges (provider state already encrypted) and verification records. */
import type { Selectable } from 'kysely';
import { HeguiError } from '../../errors.ts';
import type { VerificationChallengeTable, VerificationRecordTable } from '../../store/schema/platform-tables.ts';
import { type Db, json, opt, parseJson } from '../sql-rows.ts';
import type { AssuranceLevel, Challenge, ChallengeStatus, VerificationMethod } from './verification/provider.ts';
import type {
  ChallengeExpectation,
  ChallengeFilter,
  ChallengePatch,
  VerificationRecord,
  VerificationStore,
} from './verification-store.ts';

type ChallengeRow = Selectable<VerificationChallengeTable>;

function challengeRow(c: Challenge): ChallengeRow {
  return {
    id: c.id,
    account_id: c.accountId,
    method: c.method,
    provider: c.provider,
    status: c.status,
    completed_by: c.completedBy,
    created_at: c.createdAt,
    expires_at: c.expiresAt,
    attempts: c.attempts,
    max_attempts: c.maxAttempts,
    state: json(c.state),
    display: json(c.display),
    resolved_at: c.resolvedAt ?? null,
    resolved_by: c.resolvedBy ?? null,
    failure: c.failure ?? null,
  };
}

function challengeOf(r: ChallengeRow): Challenge {
  return {
    id: r.id,
    accountId: r.account_id,
    method: r.method as VerificationMethod,
    provider: r.provider,
    status: r.status as ChallengeStatus,
    completedBy: r.completed_by as Challenge['completedBy'],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    state: parseJson(r.state),
    display: parseJson(r.display),
    ...opt('resolvedAt', r.resolved_at),
    ...opt('resolvedBy', r.resolved_by),
    ...opt('failure', r.failure),
  };
}

function recordOf(r: Selectable<VerificationRecordTable>): VerificationRecord {
  return {
    id: r.id,
    accountId: r.account_id,
    challengeId: r.challenge_id,
    method: r.method as VerificationMethod,
    provider: r.provider,
    level: r.level as AssuranceLevel,
    evidenceRef: r.evidence_ref,
    verifiedAt: r.verified_at,
    subject: parseJson(r.subject),
    ...opt('revokedAt', r.revoked_at),
  };
}

export class SqlVerificationStore implements VerificationStore {
  constructor(private readonly db: Db) {}

  async insertChallenge(c: Challenge): Promise<void> {
    await this.db.insertInto('verification_challenge').values(challengeRow(c)).execute();
  }

  async getChallenge(id: string): Promise<Challenge | undefined> {
    const r = await this.db.selectFrom('verification_challenge').selectAll().where('id', '=', id).executeTakeFirst();
    return r && challengeOf(r);
  }

  async updateChallenge(id: string, patch: ChallengePatch, expected?: ChallengeExpectation): Promise<Challenge> {
    const c = await this.getChallenge(id);
    if (!c) throw new HeguiError('not_found', 'no such verification');
    const next: Challenge = { ...c, ...patch };
    const { id: _id, ...row } = challengeRow(next);
    let q = this.db.updateTable('verification_challenge').set(row).where('id', '=', id);
    if (expected) q = q.where('status', '=', expected.status).where('attempts', '=', expected.attempts);
    const r = await q.executeTakeFirst();
    if (expected && Number(r.numUpdatedRows) === 0)
      throw new HeguiError('conflict', 'the verification was answered meanwhile; look at it again');
    return next;
  }

  async listChallenges(f: ChallengeFilter): Promise<Challenge[]> {
    let q = this.db.selectFrom('verification_challenge').selectAll();
    if (f.accountId) q = q.where('account_id', '=', f.accountId);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.completedBy) q = q.where('completed_by', '=', f.completedBy);
    const rows = await q
      .orderBy('created_at')
      .orderBy('id')
      .limit(f.limit ?? 100)
      .execute();
    return rows.map(challengeOf);
  }

  async insertRecord(r: VerificationRecord): Promise<void> {
    await this.db
      .insertInto('verification_record')
      .values({
        id: r.id,
        account_id: r.accountId,
        challenge_id: r.challengeId,
        method: r.method,
        provider: r.provider,
        level: r.level,
        evidence_ref: r.evidenceRef,
        verified_at: r.verifiedAt,
        subject: json(r.subject),
        revoked_at: r.revokedAt ?? null,
      })
      .execute();
  }

  async listRecords(accountId: string): Promise<VerificationRecord[]> {
    const rows = await this.db
      .selectFrom('verification_record')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('verified_at')
      .orderBy('id')
      .execute();
    return rows.map(recordOf);
  }
}
