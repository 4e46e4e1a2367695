/**
 * Mobile number by SMS one-time code: 6 random digits, valid 5 minutes, 5 attempts. The code is kept only as an HMAC
 * under the server key (a 6-digit code is trivial to brute-force from a plain hash) with a per-challenge salt, and
 * compared in constant time. The number is validated with src/identity first (format only — that proves nothing)
 * and stored encrypted; on success it becomes the account's verified mobile number.
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { HeguiError } from '../../../errors.ts';
import { validateMobile } from '../../../identity/mobile.ts';
import type { PiiCipher } from '../../pii/pii-cipher.ts';
import type { IdentifierProtector, ProtectedIdentifier } from '../../pii/protected-identifier.ts';
import { type Challenge, type ChallengeStart, VerificationProvider, type VerificationResult } from './provider.ts';
import type { SmsSender } from './sms-sender.ts';

export interface SmsCodeOptions {
  ttlMs: number;
  maxAttempts: number;
}

export const DEFAULT_SMS_CODE: SmsCodeOptions = { ttlMs: 5 * 60_000, maxAttempts: 5 };

const input = z.object({ mobile: z.string().min(11).max(20).describe('mainland mobile number, +86 optional') });
const response = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') });

export class SmsCodeVerification extends VerificationProvider<z.infer<typeof input>, z.infer<typeof response>> {
  readonly method = 'sms' as const;
  readonly level = 'low' as const;
  readonly inputSchema = input;
  readonly responseSchema = response;
  readonly name: string;

  constructor(
    private readonly sender: SmsSender,
    private readonly protector: IdentifierProtector,
    private readonly cipher: PiiCipher,
    private readonly o: SmsCodeOptions = DEFAULT_SMS_CODE,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
    this.name = sender.name;
  }

  async start(_subject: unknown, i: z.infer<typeof input>): Promise<ChallengeStart> {
    const check = validateMobile(i.mobile);
    if (!check.valid) {
      throw new HeguiError('invalid_request', 'not a valid mainland mobile number', { reason: check.reason ?? '' });
    }
    const mobile = this.protector.protect('mobile', i.mobile);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const salt = randomBytes(16).toString('base64url');
    const reference = randomBytes(12).toString('hex');
    await this.sender.send({
      mobile: this.protector.reveal(mobile),
      code,
      minutes: Math.round(this.o.ttlMs / 60_000),
      reference,
    });
    return {
      state: { mobile, salt, codeHash: this.hash(salt, code), reference },
      display: { mobile: mobile.masked },
      expiresInMs: this.o.ttlMs,
      maxAttempts: this.o.maxAttempts,
      completedBy: 'subject',
    };
  }

  async complete(c: Challenge, r: z.infer<typeof response>): Promise<VerificationResult> {
    const salt = String(c.state['salt']);
    const expected = Buffer.from(String(c.state['codeHash']));
    const given = Buffer.from(this.hash(salt, r.code));
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return this.failed('code_mismatch');
    const mobile = c.state['mobile'] as ProtectedIdentifier;
    return this.verified(`sms:${String(c.state['reference'])}`, { mobile }, this.now());
  }

  private hash(salt: string, code: string): string {
    return this.cipher.codeHash(`${salt}:${code}`, 'sms_code');
  }
}
