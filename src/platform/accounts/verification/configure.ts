/**
 * Which provider backs each verification method, from the configuration. Methods set to "none" are not offered.
 * The development SMS sender is the default only outside production (and refused there unless allowed explicitly).
 */
import { z } from 'zod';
import type { PiiCipher } from '../../pii/pii-cipher.ts';
import type { IdentifierProtector } from '../../pii/protected-identifier.ts';
import { ManualReviewVerification } from './manual-review.ts';
import { NationalIdentityVerification, nationalIdentitySchema } from './national-identity.ts';
import type { VerificationProvider } from './provider.ts';
import { KycResidentIdVerification, kycHttpSchema } from './resident-id-kyc.ts';
import { SmsCodeVerification } from './sms-code.ts';
import { DevelopmentSmsSender, type PlatformLogger, smsWebhookSchema, WebhookSmsSender } from './sms-sender.ts';
import { HttpOrganisationRegistry, registryHttpSchema, UsccRegistryVerification } from './uscc-registry.ts';

export const verificationConfigSchema = z
  .object({
    sms: z
      .object({
        provider: z.enum(['development', 'webhook', 'none']).default('development'),
        webhook: smsWebhookSchema.optional(),
        allowDevelopmentInProduction: z.boolean().default(false),
        ttlMinutes: z.number().int().min(1).max(30).default(5),
        maxAttempts: z.number().int().min(1).max(10).default(5),
      })
      .prefault({}),
    residentId: z
      .object({ provider: z.enum(['manual', 'kyc-http', 'none']).default('manual'), kycHttp: kycHttpSchema.optional() })
      .prefault({}),
    uscc: z
      .object({
        provider: z.enum(['manual', 'registry-http', 'none']).default('manual'),
        registryHttp: registryHttpSchema.optional(),
      })
      .prefault({}),
    nationalIdentity: z
      .object({ provider: z.enum(['http', 'none']).default('none'), http: nationalIdentitySchema.optional() })
      .prefault({}),
  })
  .prefault({})
  .superRefine((v, ctx) => {
    const need = (ok: boolean, path: string[], message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path, message });
    };
    need(
      v.sms.provider !== 'webhook' || !!v.sms.webhook,
      ['sms', 'webhook'],
      'required when sms.provider is "webhook"',
    );
    need(
      v.residentId.provider !== 'kyc-http' || !!v.residentId.kycHttp,
      ['residentId', 'kycHttp'],
      'required when residentId.provider is "kyc-http"',
    );
    need(
      v.uscc.provider !== 'registry-http' || !!v.uscc.registryHttp,
      ['uscc', 'registryHttp'],
      'required when uscc.provider is "registry-http"',
    );
    need(
      v.nationalIdentity.provider !== 'http' || !!v.nationalIdentity.http,
      ['nationalIdentity', 'http'],
      'required when nationalIdentity.provider is "http"',
    );
  });
export type VerificationConfig = z.infer<typeof verificationConfigSchema>;

export interface ProviderDeps {
  protector: IdentifierProtector;
  cipher: PiiCipher;
  logger: PlatformLogger;
  nodeEnv?: string | undefined;
  now?: () => Date;
}

export function buildProviders(cfg: VerificationConfig, d: ProviderDeps): VerificationProvider[] {
  const now = d.now ?? (() => new Date());
  const out: VerificationProvider[] = [];
  if (cfg.sms.provider !== 'none') {
    const sender =
      cfg.sms.provider === 'webhook'
        ? new WebhookSmsSender(cfg.sms.webhook!)
        : new DevelopmentSmsSender(d.logger, {
            nodeEnv: d.nodeEnv,
            allowInProduction: cfg.sms.allowDevelopmentInProduction,
          });
    const o = { ttlMs: cfg.sms.ttlMinutes * 60_000, maxAttempts: cfg.sms.maxAttempts };
    out.push(new SmsCodeVerification(sender, d.protector, d.cipher, o, now) as VerificationProvider);
  }
  if (cfg.residentId.provider === 'kyc-http') {
    out.push(new KycResidentIdVerification(cfg.residentId.kycHttp!, d.protector, now) as VerificationProvider);
  } else if (cfg.residentId.provider === 'manual') {
    out.push(new ManualReviewVerification('resident_id', d.protector, undefined, now) as VerificationProvider);
  }
  if (cfg.uscc.provider === 'registry-http') {
    const registry = new HttpOrganisationRegistry(cfg.uscc.registryHttp!);
    out.push(new UsccRegistryVerification(registry, now) as VerificationProvider);
  } else if (cfg.uscc.provider === 'manual') {
    out.push(new ManualReviewVerification('uscc', d.protector, undefined, now) as VerificationProvider);
  }
  if (cfg.nationalIdentity.provider === 'http') {
    out.push(new NationalIdentityVerification(cfg.nationalIdentity.http!, d.cipher, now) as VerificationProvider);
  }
  return out;
}
