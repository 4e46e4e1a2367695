/**
 * Resident ID by a licensed identity-verification (KYC) service over HTTP: the name and ID number are sent to the
 * operator's service, which matches them against the authoritative source (and may run a liveness check on its own
 * page). Two shapes are supported by configuration:
 *  - synchronous: the `start` call's answer already holds the outcome (a two-element check);
 *  - asynchronous: `start` returns a token (and perhaps a URL for the user), `complete` asks `result` with {{token}}.
 * Placeholders: start — {{name}}, {{idNumber}}, {{reference}}; result — {{token}}, {{reference}}.
 * The ID number is checked for format with src/identity before any call (a bad number costs no fee); format alone
 * proves nothing and is not recorded.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { HeguiError } from '../../../errors.ts';
import { validateIdNumber } from '../../../identity/id-number.ts';
import type { IdentifierProtector, ProtectedIdentifier } from '../../pii/protected-identifier.ts';
import { callHttp, httpCallSchema } from './http-call.ts';
import { type Challenge, type ChallengeStart, VerificationProvider, type VerificationResult } from './provider.ts';
import { outcomeMappingSchema, readOutcome, readString } from './response-mapping.ts';

export const kycHttpSchema = z.object({
  start: httpCallSchema,
  /** Outcome in the start answer (synchronous services). */
  startOutcome: outcomeMappingSchema.optional(),
  tokenPath: z.string().optional(),
  /** Where the user continues (liveness page), shown to the user. */
  redirectPath: z.string().optional(),
  result: httpCallSchema.optional(),
  resultOutcome: outcomeMappingSchema.optional(),
  ttlMs: z
    .number()
    .int()
    .positive()
    .default(30 * 60_000),
});
export type KycHttpConfig = z.infer<typeof kycHttpSchema>;

export const residentIdInput = z.object({
  name: z.string().min(1).max(64).describe('name as on the ID document'),
  idNumber: z.string().min(15).max(24).describe('ID number (GB 11643 family)'),
});
const response = z.object({}).default({});

export function checkIdFormat(raw: string): void {
  const r = validateIdNumber(raw);
  if (!r.valid) throw new HeguiError('invalid_request', 'not a valid ID number', { reason: r.reason ?? '' });
}

export class KycResidentIdVerification extends VerificationProvider<
  z.infer<typeof residentIdInput>,
  z.infer<typeof response>
> {
  readonly method = 'resident_id' as const;
  readonly name = 'kyc-http';
  readonly level = 'substantial' as const;
  readonly inputSchema = residentIdInput;
  readonly responseSchema = response;

  constructor(
    private readonly cfg: KycHttpConfig,
    private readonly protector: IdentifierProtector,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
    if (!cfg.startOutcome && !(cfg.result && cfg.resultOutcome && cfg.tokenPath)) {
      throw new HeguiError(
        'config_invalid',
        'KYC provider: give startOutcome, or tokenPath with result and resultOutcome',
      );
    }
  }

  async start(_s: unknown, i: z.infer<typeof residentIdInput>): Promise<ChallengeStart> {
    checkIdFormat(i.idNumber);
    const idNumber = this.protector.protect('id_number', i.idNumber);
    const realName = this.protector.protect('personal_name', i.name);
    const reference = randomBytes(12).toString('hex');
    const res = await callHttp('KYC service (start)', this.cfg.start, {
      name: this.protector.reveal(realName),
      idNumber: this.protector.reveal(idNumber),
      reference,
    });
    const state: Record<string, unknown> = { idNumber, realName, reference };
    const display: Record<string, string> = { idNumber: idNumber.masked, name: realName.masked };
    const token = readString(res.json, this.cfg.tokenPath);
    if (token !== undefined) state['token'] = token;
    const redirect = readString(res.json, this.cfg.redirectPath);
    if (redirect !== undefined) display['continueAt'] = redirect;
    let ready = false;
    if (this.cfg.startOutcome) {
      const o = readOutcome(res.json, this.cfg.startOutcome);
      if (o.outcome !== 'undecided') {
        state['outcome'] = o.outcome;
        state['providerRef'] = o.reference ?? token ?? reference;
        ready = true;
      }
    }
    return { state, display, expiresInMs: this.cfg.ttlMs, maxAttempts: 20, completedBy: 'subject', ready };
  }

  async complete(c: Challenge): Promise<VerificationResult> {
    let outcome = c.state['outcome'] as string | undefined;
    let ref = c.state['providerRef'] as string | undefined;
    if (outcome === undefined) {
      if (!this.cfg.result || !this.cfg.resultOutcome || c.state['token'] === undefined) return this.pending('pending');
      const res = await callHttp('KYC service (result)', this.cfg.result, {
        token: String(c.state['token']),
        reference: String(c.state['reference']),
      });
      const o = readOutcome(res.json, this.cfg.resultOutcome);
      outcome = o.outcome;
      ref = o.reference ?? String(c.state['token']);
    }
    if (outcome === 'mismatch') return this.failed('mismatch', true);
    if (outcome !== 'match') return this.pending('pending');
    const idNumber = c.state['idNumber'] as ProtectedIdentifier;
    const realName = c.state['realName'] as ProtectedIdentifier;
    return this.verified(`kyc:${ref ?? String(c.state['reference'])}`, { idNumber, realName }, this.now());
  }
}
