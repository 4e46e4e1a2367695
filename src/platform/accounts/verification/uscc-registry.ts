/**
 * Organisations by unified social credit code (Provisions Art. 9): the code is checked for format with src/identity
 * (GB 32100, with its GB 11714 part), then a registry provider confirms the code and the organisation's name — an
 * `OrganisationRegistry` is pluggable; `HttpOrganisationRegistry` calls a configurable service (a licensed enterprise
 * data service or the operator's own). Format alone is never verification.
 * Placeholders: {{uscc}}, {{organisationName}}, {{reference}}.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { HeguiError } from '../../../errors.ts';
import { validateUscc } from '../../../identity/uscc.ts';
import { callHttp, httpCallSchema } from './http-call.ts';
import { type Challenge, type ChallengeStart, VerificationProvider, type VerificationResult } from './provider.ts';
import { outcomeMappingSchema, readOutcome } from './response-mapping.ts';

export interface RegistryAnswer {
  outcome: 'match' | 'mismatch' | 'undecided';
  reference?: string;
}

export interface OrganisationRegistry {
  readonly name: string;
  check(uscc: string, organisationName: string, reference: string): Promise<RegistryAnswer>;
}

export const registryHttpSchema = z.object({ request: httpCallSchema, outcome: outcomeMappingSchema });
export type RegistryHttpConfig = z.infer<typeof registryHttpSchema>;

export class HttpOrganisationRegistry implements OrganisationRegistry {
  readonly name = 'registry-http';

  constructor(private readonly cfg: RegistryHttpConfig) {}

  async check(uscc: string, organisationName: string, reference: string): Promise<RegistryAnswer> {
    const res = await callHttp('organisation registry', this.cfg.request, { uscc, organisationName, reference });
    return readOutcome(res.json, this.cfg.outcome);
  }
}

const input = z.object({ uscc: z.string().length(18), organisationName: z.string().min(1).max(200) });
const response = z.object({}).default({});

export class UsccRegistryVerification extends VerificationProvider<z.infer<typeof input>, z.infer<typeof response>> {
  readonly method = 'uscc' as const;
  readonly level = 'substantial' as const;
  readonly inputSchema = input;
  readonly responseSchema = response;
  readonly name: string;

  constructor(
    private readonly registry: OrganisationRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
    this.name = registry.name;
  }

  async start(_s: unknown, i: z.infer<typeof input>): Promise<ChallengeStart> {
    const uscc = i.uscc.normalize('NFKC').trim().toUpperCase();
    const r = validateUscc(uscc);
    if (!r.valid)
      throw new HeguiError('invalid_request', 'not a valid unified social credit code', { reason: r.reason ?? '' });
    const reference = randomBytes(12).toString('hex');
    const a = await this.registry.check(uscc, i.organisationName, reference);
    return {
      state: { uscc, organisationName: i.organisationName, outcome: a.outcome, providerRef: a.reference ?? reference },
      display: { uscc, organisationName: i.organisationName },
      expiresInMs: 10 * 60_000,
      maxAttempts: 3,
      completedBy: 'subject',
      ready: true,
    };
  }

  async complete(c: Challenge): Promise<VerificationResult> {
    const outcome = c.state['outcome'];
    if (outcome === 'mismatch') return this.failed('mismatch', true);
    if (outcome !== 'match') return this.failed('not_confirmed', true);
    return this.verified(`registry:${String(c.state['providerRef'])}`, { uscc: String(c.state['uscc']) }, this.now());
  }
}
