/**
 * Senders for the SMS one-time code. Possession of a mainland number is the carrier-registered real name of
 * Provisions Art. 9 ("基于移动电话号码…进行真实身份信息认证"); the code proves possession.
 *
 *  - `WebhookSmsSender`: a generic HTTP call to the operator's SMS gateway (URL, headers, body template with
 *    {{mobile}}, {{code}}, {{minutes}}, {{reference}}, timeout, retries).
 *  - `DevelopmentSmsSender`: sends nothing and writes the code to the server log, clearly marked. Refused when
 *    NODE_ENV=production unless `allowInProduction` is set explicitly. The log line shows the number masked.
 */
import { z } from 'zod';
import { HeguiError } from '../../../errors.ts';
import { maskMobile } from '../../../identity/mask.ts';
import { callHttp, httpCallSchema, pickPath } from './http-call.ts';

export interface SmsMessage {
  /** National 11-digit number. */
  mobile: string;
  code: string;
  /** Minutes the code stays valid. */
  minutes: number;
  /** Unique per message, for the gateway's idempotency and the operator's records. */
  reference: string;
}

export interface SmsSender {
  readonly name: string;
  send(message: SmsMessage): Promise<void>;
}

/** Minimal logger shape (pino's), so platform code does not depend on the server. */
export interface PlatformLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export class DevelopmentSmsSender implements SmsSender {
  readonly name = 'sms-development';

  constructor(
    private readonly log: PlatformLogger,
    o: { nodeEnv?: string | undefined; allowInProduction?: boolean } = {},
  ) {
    if (o.nodeEnv === 'production' && !o.allowInProduction) {
      throw new HeguiError(
        'config_invalid',
        'the development SMS sender prints codes to the log and is refused with NODE_ENV=production; configure ' +
          'sms.provider "webhook", or set sms.allowDevelopmentInProduction to true if you really mean it',
      );
    }
  }

  async send(m: SmsMessage): Promise<void> {
    this.log.warn(
      { smsDevelopment: true, to: maskMobile(m.mobile), devCode: m.code, reference: m.reference },
      `DEVELOPMENT SMS SENDER — no SMS was sent. One-time code ${m.code} for ${maskMobile(m.mobile)}`,
    );
  }
}

export const smsWebhookSchema = httpCallSchema.extend({
  /** Optional: a field of the JSON answer that must equal `successValue` (many gateways answer 200 with an error). */
  successPath: z.string().optional(),
  successValue: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
export type SmsWebhookConfig = z.infer<typeof smsWebhookSchema>;

export class WebhookSmsSender implements SmsSender {
  readonly name = 'sms-webhook';

  constructor(private readonly cfg: SmsWebhookConfig) {}

  async send(m: SmsMessage): Promise<void> {
    const values = { mobile: m.mobile, code: m.code, minutes: String(m.minutes), reference: m.reference };
    const res = await callHttp('SMS gateway', this.cfg, values);
    if (this.cfg.successPath !== undefined) {
      const got = pickPath(res.json, this.cfg.successPath);
      if (got !== this.cfg.successValue) {
        throw new HeguiError('verification_unavailable', 'SMS gateway: the answer does not report success');
      }
    }
  }
}
