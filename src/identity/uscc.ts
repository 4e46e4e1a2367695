/**
 * GB 32100-2015 unified social credit code (统一社会信用代码) and its GB 11714 organisation-code part.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'; // no I, O, S, V, Z
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export type UsccInvalidReason = 'length' | 'character' | 'checksum' | 'organisation_code_checksum';

export interface UsccResult {
  valid: boolean;
  reason?: UsccInvalidReason;
  /** Position 1: registration authority (9 = market regulation / industry and commerce, …). */
  authority?: string;
  /** Position 2: institution type within the authority. */
  institutionType?: string;
  /** Positions 3–8: administrative division code (GB/T 2260). */
  region?: string;
  /** Positions 9–17: organisation code (GB 11714). */
  organisationCode?: string;
}

/** GB 32100 §4: check character = (31 − Σ(value × weight) mod 31) mod 31, looked up in the alphabet. */
export function usccCheckCharacter(first17: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) return undefined;
    sum += v * USCC_WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** GB 11714-1997: C9 = 11 − Σ(value × weight) mod 11; 10 → X, 11 → 0. Letters count A=10 … Z=35. */
export function organisationCodeCheck(first8: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = first8.charCodeAt(i);
    let v: number;
    if (ch >= 48 && ch <= 57) v = ch - 48;
    else if (ch >= 65 && ch <= 90) v = ch - 55;
    else return undefined;
    sum += v * ORG_WEIGHTS[i]!;
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function validateUscc(code: string): UsccResult {
  if (code.length !== 18) return { valid: false, reason: 'length' };
  for (const ch of code) if (!USCC_ALPHABET.includes(ch)) return { valid: false, reason: 'character' };
  if (usccCheckCharacter(code.slice(0, 17)) !== code[17]) return { valid: false, reason: 'checksum' };
  const org = code.slice(8, 17);
  if (organisationCodeCheck(org.slice(0, 8)) !== org[8]) return { valid: false, reason: 'organisation_code_checksum' };
  return {
    valid: true,
    authority: code[0]!,
    institutionType: code[1]!,
    region: code.slice(2, 8),
    organisationCode: org,
  };
}
