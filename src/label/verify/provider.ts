import { parseProviderCode } from '../aigc/provider-code.ts';
import type { AigcRecord } from '../aigc/record.ts';
import type { VerifyFinding } from './findings.ts';

/**
 * A value meant as a TC260-PG-20252A provider code: digits and upper-case letters only, long enough to hold a
 * unified social credit code. Anything else is a name (App. E: "name or code"), e.g. "MiniMax", "CorpusStudio".
 */
export const looksLikeProviderCode = (v: string): boolean => /^[0-9A-Z]{18,}$/.test(v);

/**
 * ContentProducer and ContentPropagator: a value that looks like a provider code must be a valid one (an error
 * otherwise: a mistyped code names nobody); a name is a warning, since App. E j rules out Chinese names and a
 * platform cannot tell who a name stands for. An empty producer or ProduceID is an error; an empty propagator is
 * normal for a file no platform has handled yet (real vendor files leave it empty).
 */
export function providerFindings(label: AigcRecord): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  for (const f of ['ContentProducer', 'ProduceID'] as const) {
    if (label[f] === '') out.push({ code: 'missing_field', severity: 'error', field: f, message: `${f} is empty` });
  }
  for (const [field, notCode] of [
    ['ContentProducer', 'producer_not_code'],
    ['ContentPropagator', 'propagator_not_code'],
  ] as const) {
    const v = label[field];
    if (v === '') continue;
    if (looksLikeProviderCode(v)) {
      const check = parseProviderCode(v);
      if (!check.valid) {
        out.push({
          code: 'provider_code_invalid',
          severity: 'error',
          field,
          message: `${field} looks like a provider code but is not a valid one: ${check.problems.map((p) => p.message).join('; ')}`,
        });
      }
    } else {
      out.push({
        code: notCode,
        severity: 'warning',
        field,
        message: `${field} is a name, not a TC260-PG-20252A provider code: the provider cannot be identified from it`,
      });
    }
  }
  return out;
}
