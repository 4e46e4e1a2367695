/**
 * Real-name verification (Provisions Art. 9): one interface for every method the article names — mobile number (SMS
 * one-time code), ID-document number (licensed KYC service or staff review), unified social credit code (registry
 * check) and the national network identity service (网络身份认证公共服务).
 *
 * Format validity is never verification: a `Verified` value carries a brand that only `VerificationProvider.verified`
 * can set (the symbol is not exported), and the RealNameService records nothing else. A format check from
 * `src/identity` has no way to become one.
 */
import type { z } from 'zod';
import type { ProtectedIdentifier } from '../../pii/protected-identifier.ts';

export const VERIFICATION_METHODS = ['sms', 'resident_id', 'uscc', 'national_identity'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/**
 * How much the result proves: `low` — control of a mobile number that the carrier registered under a real name;
 * `substantial` — a name and document number matched by a licensed service, a registry or a reviewer;
 * `high` — the national network identity credential.
 */
export const ASSURANCE_LEVELS = ['low', 'substantial', 'high'] as const;
export type AssuranceLevel = (typeof ASSURANCE_LEVELS)[number];

export function levelAtLeast(level: AssuranceLevel, min: AssuranceLevel): boolean {
  return ASSURANCE_LEVELS.indexOf(level) >= ASSURANCE_LEVELS.indexOf(min);
}

export interface VerificationSubject {
  accountId: string;
  accountKind: 'staff' | 'person' | 'organisation';
}

export type ChallengeState = Record<string, unknown>;

export interface ChallengeStart {
  /** Provider-private, persisted with the challenge. Personal data in it must already be encrypted. */
  state: ChallengeState;
  /** What the user may be shown: masked identifiers, a URL to continue at. */
  display: Record<string, string>;
  expiresInMs: number;
  maxAttempts: number;
  /** `subject`: the user completes it (code, callback); `reviewer`: staff resolve it. */
  completedBy: 'subject' | 'reviewer';
  /** The provider already has the answer (a synchronous check): complete at once without a response. */
  ready?: boolean;
}

export type ChallengeStatus = 'open' | 'pending_review' | 'verified' | 'failed' | 'expired';

export interface Challenge {
  id: string;
  accountId: string;
  method: VerificationMethod;
  provider: string;
  status: ChallengeStatus;
  completedBy: 'subject' | 'reviewer';
  createdAt: string;
  expiresAt: string;
  attempts: number;
  maxAttempts: number;
  state: ChallengeState;
  display: Record<string, string>;
  resolvedAt?: string;
  resolvedBy?: string;
  failure?: string;
}

/** Identifiers proven by a verification, to attach to the account. */
export interface ProvenIdentifiers {
  mobile?: ProtectedIdentifier;
  idNumber?: ProtectedIdentifier;
  realName?: ProtectedIdentifier;
  uscc?: string;
}

const VERIFIED: unique symbol = Symbol('hegui.verified');

export interface Verified {
  readonly [VERIFIED]: true;
  readonly status: 'verified';
  readonly method: VerificationMethod;
  readonly provider: string;
  readonly level: AssuranceLevel;
  /** Where the proof is: the provider's transaction reference, the review's id. Never a personal number. */
  readonly evidenceRef: string;
  readonly verifiedAt: string;
  readonly identifiers: ProvenIdentifiers;
}

export interface NotVerified {
  readonly status: 'failed' | 'pending';
  /** A stable reason code: code_mismatch, mismatch, rejected, not_found, pending… */
  readonly reason: string;
  /** No further attempt can succeed (a reviewer rejected it, the registry says no). */
  readonly final: boolean;
  /** Replacement provider state (e.g. a token learned while pending). */
  readonly state?: ChallengeState;
}

export type VerificationResult = Verified | NotVerified;

export function isVerified(r: VerificationResult): r is Verified {
  return (r as Partial<Verified>)[VERIFIED] === true && r.status === 'verified';
}

export abstract class VerificationProvider<Input = unknown, Response = unknown> {
  abstract readonly method: VerificationMethod;
  /** Which implementation: 'sms-webhook', 'sms-development', 'kyc-http', 'manual-review', … */
  abstract readonly name: string;
  abstract readonly level: AssuranceLevel;
  /** Body of the start request (validated by the server; also documents the API). */
  abstract readonly inputSchema: z.ZodType<Input>;
  /** Body of the completion (a code, nothing, or a reviewer's decision). */
  abstract readonly responseSchema: z.ZodType<Response>;

  abstract start(subject: VerificationSubject, input: Input): Promise<ChallengeStart>;
  abstract complete(challenge: Challenge, response: Response): Promise<VerificationResult>;

  /** The only way to make a Verified result: a provider that checked the proof itself. */
  protected verified(evidenceRef: string, identifiers: ProvenIdentifiers, at: Date): Verified {
    return {
      [VERIFIED]: true,
      status: 'verified',
      method: this.method,
      provider: this.name,
      level: this.level,
      evidenceRef,
      verifiedAt: at.toISOString(),
      identifiers,
    };
  }

  protected failed(reason: string, final = false, state?: ChallengeState): NotVerified {
    return state ? { status: 'failed', reason, final, state } : { status: 'failed', reason, final };
  }

  protected pending(reason: string, state?: ChallengeState): NotVerified {
    return state ? { status: 'pending', reason, final: false, state } : { status: 'pending', reason, final: false };
  }
}
