/**
 * Staff review of submitted evidence, for a resident ID or an organisation's USCC: the user submits the number, the
 * name and references to evidence (uploaded document images, a business licence) kept elsewhere; the challenge waits
 * in `pending_review` until a reviewer approves or rejects it. The reviewer's id and note are the evidence.
 * The number is checked for format first (src/identity); format alone is never recorded as verified.
 */
import { z } from 'zod';
import { HeguiError } from '../../../errors.ts';
import { validateUscc } from '../../../identity/uscc.ts';
import type { IdentifierProtector, ProtectedIdentifier } from '../../pii/protected-identifier.ts';
import {
  type Challenge,
  type ChallengeStart,
  type VerificationMethod,
  VerificationProvider,
  type VerificationResult,
} from './provider.ts';
import { checkIdFormat } from './resident-id-kyc.ts';

const evidence = z
  .array(
    z.object({
      kind: z.string().min(1).max(40).describe('e.g. id_card_front, id_card_back, business_licence'),
      ref: z.string().min(1).max(200).describe('where the operator stored the file (an upload id, not the file)'),
    }),
  )
  .min(1)
  .max(10);

const personInput = z.object({ name: z.string().min(1).max(64), idNumber: z.string().min(15).max(24), evidence });
const orgInput = z.object({
  uscc: z.string().length(18).describe('unified social credit code'),
  organisationName: z.string().min(1).max(200),
  evidence,
});
type ManualInput = z.infer<typeof personInput> | z.infer<typeof orgInput>;

export const reviewDecision = z.object({
  decision: z.enum(['approve', 'reject']),
  note: z.string().max(1000).default(''),
});
export type ReviewDecision = z.infer<typeof reviewDecision> & { reviewerId: string };

export interface ManualReviewOptions {
  ttlMs: number;
}

export class ManualReviewVerification extends VerificationProvider<ManualInput, ReviewDecision> {
  readonly name = 'manual-review';
  readonly level = 'substantial' as const;
  readonly inputSchema: z.ZodType<ManualInput>;
  readonly responseSchema = reviewDecision as unknown as z.ZodType<ReviewDecision>;

  constructor(
    readonly method: Extract<VerificationMethod, 'resident_id' | 'uscc'>,
    private readonly protector: IdentifierProtector,
    private readonly o: ManualReviewOptions = { ttlMs: 30 * 24 * 3600_000 },
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
    this.inputSchema = method === 'uscc' ? orgInput : personInput;
  }

  async start(_s: unknown, i: ManualInput): Promise<ChallengeStart> {
    const state: Record<string, unknown> = { evidence: i.evidence };
    const display: Record<string, string> = { evidence: i.evidence.map((e) => e.kind).join(', ') };
    if ('idNumber' in i) {
      checkIdFormat(i.idNumber);
      const idNumber = this.protector.protect('id_number', i.idNumber);
      const realName = this.protector.protect('personal_name', i.name);
      Object.assign(state, { idNumber, realName });
      Object.assign(display, { idNumber: idNumber.masked, name: realName.masked });
    } else {
      const uscc = i.uscc.normalize('NFKC').trim().toUpperCase();
      const r = validateUscc(uscc);
      if (!r.valid)
        throw new HeguiError('invalid_request', 'not a valid unified social credit code', { reason: r.reason ?? '' });
      Object.assign(state, { uscc, organisationName: i.organisationName });
      Object.assign(display, { uscc, organisationName: i.organisationName });
    }
    return { state, display, expiresInMs: this.o.ttlMs, maxAttempts: 1, completedBy: 'reviewer' };
  }

  async complete(c: Challenge, d: ReviewDecision): Promise<VerificationResult> {
    if (d.decision === 'reject') return this.failed('rejected', true);
    const ids =
      this.method === 'uscc'
        ? { uscc: String(c.state['uscc']) }
        : {
            idNumber: c.state['idNumber'] as ProtectedIdentifier,
            realName: c.state['realName'] as ProtectedIdentifier,
          };
    return this.verified(`review:${c.id}:${d.reviewerId}`, ids, this.now());
  }
}
