/**
 * The national network identity authentication public service (国家网络身份认证公共服务, "网号/网证"), named by
 * Provisions Art. 9 and governed by the 2025 Measures for the Administration of the National Network Identity
 * Authentication Public Service. The user authenticates in the national app; the platform receives an outcome and a
 * pseudonymous network identity, never the ID number.
 *
 * The service's interface is issued to each connecting operator with its credentials, so this client is generic: the
 * operator configures the endpoints, headers (credentials via {{env.NAME}}), body templates and where the answer holds
 * the token, the user's continue URL (QR code or app link) and the outcome. Flow: `start` asks for an authentication
 * request ({{reference}}, {{callbackUrl}}) → the user is shown `continueAt` → `complete` asks for the result with
 * {{token}} and {{reference}}; "undecided" answers keep the challenge open so the client can poll.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { HeguiError } from '../../../errors.ts';
import type { PiiCipher } from '../../pii/pii-cipher.ts';
import { callHttp, httpCallSchema } from './http-call.ts';
import { type Challenge, type ChallengeStart, VerificationProvider, type VerificationResult } from './provider.ts';
import { outcomeMappingSchema, readOutcome, readString } from './response-mapping.ts';

export const nationalIdentitySchema = z.object({
  start: httpCallSchema,
  tokenPath: z.string(),
  continueAtPath: z.string().optional(),
  result: httpCallSchema,
  resultOutcome: outcomeMappingSchema,
  /** Where the result holds the pseudonymous network identity (kept only as a keyed hash). */
  networkIdPath: z.string().optional(),
  callbackUrl: z.url().optional(),
  ttlMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
});
export type NationalIdentityConfig = z.infer<typeof nationalIdentitySchema>;

const input = z.object({}).default({});
const response = z.object({}).default({});

export class NationalIdentityVerification extends VerificationProvider<
  z.infer<typeof input>,
  z.infer<typeof response>
> {
  readonly method = 'national_identity' as const;
  readonly name = 'national-identity-http';
  readonly level = 'high' as const;
  readonly inputSchema = input;
  readonly responseSchema = response;

  constructor(
    private readonly cfg: NationalIdentityConfig,
    private readonly cipher: PiiCipher,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
  }

  async start(): Promise<ChallengeStart> {
    const reference = randomBytes(12).toString('hex');
    const res = await callHttp('national network identity service (start)', this.cfg.start, {
      reference,
      callbackUrl: this.cfg.callbackUrl ?? '',
    });
    const token = readString(res.json, this.cfg.tokenPath);
    if (token === undefined) {
      throw new HeguiError('verification_unavailable', 'national network identity service: the answer has no token');
    }
    const display: Record<string, string> = {};
    const continueAt = readString(res.json, this.cfg.continueAtPath);
    if (continueAt !== undefined) display['continueAt'] = continueAt;
    return {
      state: { reference, token },
      display,
      expiresInMs: this.cfg.ttlMs,
      maxAttempts: 60,
      completedBy: 'subject',
    };
  }

  async complete(c: Challenge): Promise<VerificationResult> {
    const res = await callHttp('national network identity service (result)', this.cfg.result, {
      token: String(c.state['token']),
      reference: String(c.state['reference']),
    });
    const o = readOutcome(res.json, this.cfg.resultOutcome);
    if (o.outcome === 'mismatch') return this.failed('rejected', true);
    if (o.outcome !== 'match') return this.pending('pending');
    const networkId = readString(res.json, this.cfg.networkIdPath);
    const ref = o.reference ?? String(c.state['reference']);
    const evidence = networkId === undefined ? `nid:${ref}` : `nid:${ref}:${this.cipher.lookupHash(networkId, 'nid')}`;
    return this.verified(evidence, {}, this.now());
  }
}
