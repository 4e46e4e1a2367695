/**
 * One entry point for the identity numbers of Provisions Art. 9: a resident-ID-family number (GB 11643), a unified
 * social credit code (GB 32100) or a mobile number, detected from its shape when the type is not given.
 */
import { type IdNumberResult, normalizeIdInput, validateIdNumber } from './id-number.ts';
import { maskGeneric, maskIdNumber, maskMobile } from './mask.ts';
import { type MobileResult, validateMobile } from './mobile.ts';
import { type UsccResult, validateUscc } from './uscc.ts';

export type IdentityType = 'resident' | 'uscc' | 'mobile';

export type IdentityCheck =
  | { type: 'resident'; masked: string; result: IdNumberResult }
  | { type: 'uscc'; masked: string; result: UsccResult }
  | { type: 'mobile'; masked: string; result: MobileResult };

/**
 * Best guess of the type: phone-like input (+86, separators, 11 digits from 1) is a mobile number; 18 characters are a
 * resident-ID-family number unless only the USCC reading is valid or letters other than a final X appear; 15
 * characters are a legacy ID.
 */
export function detectIdentityType(raw: string): IdentityType {
  const s = raw.normalize('NFKC').trim();
  if (/^(\+|00)/.test(s) || /^1\d{10}$/.test(s.replace(/[\s\-.()]/g, ''))) return 'mobile';
  const id = normalizeIdInput(s);
  if (id.length === 18) {
    if (validateIdNumber(id).valid) return 'resident';
    if (validateUscc(s.toUpperCase()).valid || /[A-Z]/.test(id.slice(0, 17))) return 'uscc';
  }
  return 'resident';
}

export function checkIdentity(raw: string, type: IdentityType | 'auto' = 'auto', today?: Date): IdentityCheck {
  const t = type === 'auto' ? detectIdentityType(raw) : type;
  switch (t) {
    case 'resident':
      return { type: t, masked: maskIdNumber(raw), result: validateIdNumber(raw, today ? { today } : {}) };
    case 'mobile':
      return { type: t, masked: maskMobile(raw), result: validateMobile(raw) };
    case 'uscc': {
      // A valid organisation code is public and shown in full; anything else may be a personal number typed in the
      // wrong place, so it is masked. Upper-casing is the only normalisation GB 32100 allows.
      const code = raw.normalize('NFKC').trim().toUpperCase();
      const result = validateUscc(code);
      return { type: t, masked: result.valid ? code : maskGeneric(code), result };
    }
  }
}
