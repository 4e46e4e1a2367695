/**
 * Real-name verification of accounts (Provisions Art. 9): starts and completes challenges with the configured
 * provider for each method, and records a verification only from a provider's `Verified` result — with the account's
 * proven identifiers (encrypted), a verification record and an audit event, in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { HeguiError } from '../../errors.ts';
import { type Actor, actorAccountId, actorRef } from '../actor.ts';
import { auditEvent } from '../audit-sink.ts';
import type { PlatformStores } from '../stores.ts';
import type { AccountKind } from './account.ts';
import {
  type Challenge,
  isVerified,
  type NotVerified,
  type VerificationMethod,
  type VerificationProvider,
  type Verified,
} from './verification/provider.ts';
import type { VerificationRecord } from './verification-store.ts';

export interface ChallengeView {
  id: string;
  method: VerificationMethod;
  provider: string;
  status: Challenge['status'];
  completedBy: Challenge['completedBy'];
  expiresAt: string;
  attemptsLeft: number;
  display: Record<string, string>;
  failure?: string;
}

/** Which account kinds may use a method: ID documents are a person's, a USCC an organisation's. */
const METHOD_KINDS: Record<VerificationMethod, AccountKind[]> = {
  sms: ['person', 'organisation', 'staff'],
  resident_id: ['person', 'staff'],
  national_identity: ['person', 'staff'],
  uscc: ['organisation'],
};

export class RealNameService {
  private readonly providers: Map<VerificationMethod, VerificationProvider>;

  constructor(
    private readonly stores: PlatformStores,
    providers: VerificationProvider[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.providers = new Map(providers.map((p) => [p.method, p]));
  }

  methods(): VerificationProvider[] {
    return [...this.providers.values()];
  }

  provider(method: VerificationMethod): VerificationProvider {
    const p = this.providers.get(method);
    if (!p) throw new HeguiError('verification_unavailable', `verification by ${method} is not configured`);
    return p;
  }

  async start(actor: Actor, accountId: string, method: VerificationMethod, rawInput: unknown): Promise<ChallengeView> {
    const provider = this.provider(method);
    const account = await this.stores.accounts.get(accountId);
    if (!account) throw new HeguiError('not_found', 'no such account');
    if (!METHOD_KINDS[method].includes(account.kind)) {
      throw new HeguiError(
        'invalid_request',
        `verification by ${method} is not available for a ${account.kind} account`,
      );
    }
    const input = provider.inputSchema.parse(rawInput);
    const s = await provider.start({ accountId, accountKind: account.kind }, input);
    const now = this.now();
    const challenge: Challenge = {
      id: randomUUID(),
      accountId,
      method,
      provider: provider.name,
      status: s.completedBy === 'reviewer' ? 'pending_review' : 'open',
      completedBy: s.completedBy,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + s.expiresInMs).toISOString(),
      attempts: 0,
      maxAttempts: s.maxAttempts,
      state: s.state,
      display: s.display,
    };
    await this.stores.transaction(async (tx) => {
      await tx.verifications.insertChallenge(challenge);
      await tx.audit.append(
        auditEvent(
          actor,
          'verification.started',
          { type: 'account', id: accountId },
          {
            method,
            provider: provider.name,
            challenge: challenge.id,
          },
        ),
      );
    });
    if (s.ready) return this.complete(actor, accountId, challenge.id, {});
    return view(challenge);
  }

  /** The user's answer (a code; nothing for a polled service). Refused for challenges that a reviewer resolves. */
  async complete(actor: Actor, accountId: string, challengeId: string, rawResponse: unknown): Promise<ChallengeView> {
    const c = await this.openChallenge(challengeId, accountId);
    if (c.completedBy !== 'subject') {
      throw new HeguiError('forbidden', 'this verification is decided by a reviewer', { challenge: c.id });
    }
    const provider = this.provider(c.method);
    const result = await provider.complete(c, provider.responseSchema.parse(rawResponse));
    return this.settle(actor, c, result);
  }

  /** A reviewer approves or rejects a manual verification. Reviewers cannot decide their own. */
  async resolveReview(actor: Actor, challengeId: string, decision: { decision: 'approve' | 'reject'; note: string }) {
    const reviewerId = actorAccountId(actor);
    if (!reviewerId) throw new HeguiError('forbidden', 'a reviewer account must decide');
    const c = await this.stores.verifications.getChallenge(challengeId);
    if (c?.completedBy !== 'reviewer') throw new HeguiError('not_found', 'no such review');
    if (c.accountId === reviewerId)
      throw new HeguiError('forbidden', 'a reviewer cannot decide their own verification');
    const open = await this.openChallenge(challengeId, c.accountId);
    const result = await this.provider(c.method).complete(open, { ...decision, reviewerId });
    return this.settle(actor, open, result, decision.note);
  }

  async pendingReviews(limit = 100): Promise<ChallengeView[]> {
    const list = await this.stores.verifications.listChallenges({ status: 'pending_review', limit });
    return list.map((c) => ({ ...view(c), accountId: c.accountId }));
  }

  async challenges(accountId: string): Promise<ChallengeView[]> {
    return (await this.stores.verifications.listChallenges({ accountId })).map(view);
  }

  async records(accountId: string): Promise<VerificationRecord[]> {
    return (await this.stores.verifications.listRecords(accountId)).filter((r) => !r.revokedAt);
  }

  private async openChallenge(id: string, accountId: string): Promise<Challenge> {
    const c = await this.stores.verifications.getChallenge(id);
    if (!c || c.accountId !== accountId) throw new HeguiError('not_found', 'no such verification');
    if (c.status === 'verified') throw new HeguiError('conflict', 'this verification has already succeeded');
    if (c.status === 'failed' || c.status === 'expired') {
      throw new HeguiError('verification_expired', 'this verification is closed; start a new one', {
        status: c.status,
      });
    }
    if (this.now().getTime() > Date.parse(c.expiresAt)) {
      await this.stores.transaction(async (tx) => {
        await tx.verifications.updateChallenge(c.id, { status: 'expired', resolvedAt: this.now().toISOString() });
        await tx.audit.append(
          auditEvent(
            { kind: 'system', reason: 'expiry' },
            'verification.expired',
            { type: 'account', id: c.accountId },
            {
              method: c.method,
            },
          ),
        );
      });
      throw new HeguiError('verification_expired', 'this verification has expired; start a new one');
    }
    return c;
  }

  private async settle(actor: Actor, c: Challenge, r: Verified | NotVerified, note?: string): Promise<ChallengeView> {
    const now = this.now();
    const target = { type: 'account', id: c.accountId };
    if (isVerified(r)) {
      if (r.method !== c.method) throw new HeguiError('internal', 'provider answered for another method');
      return this.stores.transaction(async (tx) => {
        const record: VerificationRecord = {
          id: randomUUID(),
          accountId: c.accountId,
          challengeId: c.id,
          method: r.method,
          provider: r.provider,
          level: r.level,
          evidenceRef: r.evidenceRef,
          verifiedAt: r.verifiedAt,
          subject: maskedSubject(r),
        };
        await tx.verifications.insertRecord(record);
        const account = await tx.accounts.get(c.accountId);
        if (!account) throw new HeguiError('not_found', 'no such account');
        await tx.accounts.update(c.accountId, {
          identifiers: { ...account.identifiers, ...r.identifiers },
          updatedAt: now.toISOString(),
        });
        const done = await tx.verifications.updateChallenge(
          c.id,
          { status: 'verified', resolvedAt: now.toISOString(), resolvedBy: actorRef(actor) },
          c,
        );
        await tx.audit.append(
          auditEvent(actor, 'verification.verified', target, {
            method: r.method,
            provider: r.provider,
            level: r.level,
            evidence: r.evidenceRef,
            ...(note ? { note } : {}),
          }),
        );
        return view(done);
      });
    }
    if (r.status === 'pending') {
      const next = r.state ? await this.stores.verifications.updateChallenge(c.id, { state: r.state }) : c;
      return view(next);
    }
    const attempts = c.attempts + 1;
    const closed = r.final || attempts >= c.maxAttempts;
    const done = await this.stores.transaction(async (tx) => {
      const updated = await tx.verifications.updateChallenge(
        c.id,
        {
          attempts,
          failure: r.reason,
          ...(closed ? { status: r.final ? 'failed' : 'expired', resolvedAt: now.toISOString() } : {}),
          ...(closed && c.completedBy === 'reviewer' ? { resolvedBy: actorRef(actor) } : {}),
        },
        c,
      );
      await tx.audit.append(
        auditEvent(actor, 'verification.failed', target, {
          method: c.method,
          reason: r.reason,
          closed,
          ...(note ? { note } : {}),
        }),
      );
      return updated;
    });
    if (c.completedBy === 'reviewer') return view(done);
    throw new HeguiError('verification_failed', failureMessage(r.reason), {
      reason: r.reason,
      attemptsLeft: closed ? 0 : c.maxAttempts - attempts,
    });
  }
}

function failureMessage(reason: string): string {
  switch (reason) {
    case 'code_mismatch':
      return 'the code is not right';
    case 'mismatch':
      return 'the details do not match the authoritative record';
    default:
      return 'the verification did not succeed';
  }
}

function maskedSubject(r: Verified): Record<string, string> {
  const s: Record<string, string> = {};
  if (r.identifiers.mobile) s['mobile'] = r.identifiers.mobile.masked;
  if (r.identifiers.idNumber) s['idNumber'] = r.identifiers.idNumber.masked;
  if (r.identifiers.realName) s['realName'] = r.identifiers.realName.masked;
  if (r.identifiers.uscc) s['uscc'] = r.identifiers.uscc;
  return s;
}

export function view(c: Challenge): ChallengeView {
  return {
    id: c.id,
    method: c.method,
    provider: c.provider,
    status: c.status,
    completedBy: c.completedBy,
    expiresAt: c.expiresAt,
    attemptsLeft: Math.max(0, c.maxAttempts - c.attempts),
    display: c.display,
    ...(c.failure ? { failure: c.failure } : {}),
  };
}
