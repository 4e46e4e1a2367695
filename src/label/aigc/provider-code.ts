import { HeguiError } from '../../errors.ts';
import { validateUscc } from '../../identity/uscc.ts';

/**
 * The 27-character content producer / propagator code of TC260-PG-20252A:
 *
 *   00 | 1 | 1 | <18-character USCC> | <service type> | <4-character model/app code>
 *   format code, subject type (1 = organisation), binding (1 = bound to the USCC), USCC,
 *   service type (1 = generation, 2 = propagation), model or app code.
 */
export interface ProviderCode {
  formatCode: string;
  subjectType: string;
  binding: string;
  uscc: string;
  serviceType: string;
  modelCode: string;
}

export type ProviderCodeProblem =
  | 'length'
  | 'character'
  | 'format_code'
  | 'subject_type'
  | 'binding'
  | 'uscc_length'
  | 'uscc_character'
  | 'uscc_checksum'
  | 'uscc_organisation_code_checksum'
  | 'service_type';

export interface ProviderCodeCheck {
  valid: boolean;
  code?: ProviderCode;
  problems: { problem: ProviderCodeProblem; message: string }[];
}

export const SERVICE_TYPE = { generation: '1', propagation: '2' } as const;

export function parseProviderCode(text: string): ProviderCodeCheck {
  const problems: ProviderCodeCheck['problems'] = [];
  if (text.length !== 27) {
    return {
      valid: false,
      problems: [{ problem: 'length', message: `provider code has ${text.length} characters, not 27` }],
    };
  }
  if (!/^[0-9A-Z]{27}$/.test(text)) {
    return {
      valid: false,
      problems: [{ problem: 'character', message: 'provider code allows only digits and upper-case letters' }],
    };
  }
  const code: ProviderCode = {
    formatCode: text.slice(0, 2),
    subjectType: text[2]!,
    binding: text[3]!,
    uscc: text.slice(4, 22),
    serviceType: text[22]!,
    modelCode: text.slice(23, 27),
  };
  if (code.formatCode !== '00') problems.push({ problem: 'format_code', message: 'format code must be "00"' });
  // Only organisations (1) are confirmed by the guide; the code for natural persons is not.
  if (code.subjectType !== '1')
    problems.push({ problem: 'subject_type', message: 'subject type must be "1" (organisation)' });
  if (code.binding !== '1') problems.push({ problem: 'binding', message: 'binding must be "1" (bound to the USCC)' });
  const uscc = validateUscc(code.uscc);
  if (!uscc.valid) {
    const reason = uscc.reason ?? 'checksum';
    const text: Record<string, string> = {
      length: 'the embedded unified social credit code has the wrong length',
      character: 'the embedded unified social credit code uses a character outside GB 32100 (no I, O, S, V, Z)',
      checksum: 'the embedded unified social credit code fails its GB 32100 check character',
      organisation_code_checksum:
        'the organisation code inside the unified social credit code fails its GB 11714 check',
    };
    problems.push({ problem: `uscc_${reason}` as ProviderCodeProblem, message: text[reason]! });
  }
  if (code.serviceType !== '1' && code.serviceType !== '2' && code.serviceType !== '0') {
    problems.push({ problem: 'service_type', message: 'service type must be "1" (generation) or "2" (propagation)' });
  }
  return { valid: problems.length === 0, code, problems };
}

export function formatProviderCode(parts: { uscc: string; serviceType?: '1' | '2'; modelCode?: string }): string {
  const modelCode = parts.modelCode ?? '0000';
  if (!/^[0-9A-Z]{4}$/.test(modelCode)) {
    throw new HeguiError('usage', 'model/app code must be 4 digits or upper-case letters');
  }
  const text = `0011${parts.uscc}${parts.serviceType ?? '1'}${modelCode}`;
  const check = parseProviderCode(text);
  if (!check.valid) throw new HeguiError('usage', check.problems.map((p) => p.message).join('; '));
  return text;
}
