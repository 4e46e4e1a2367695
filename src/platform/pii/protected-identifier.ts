/**
 * An identity number as stored: ciphertext, keyed lookup hash and display mask — never the number in clear
 * (Provisions Art. 9; Generative AI Measures Art. 11 minimisation). Normalisation comes from `src/identity`, so the
 * same number typed with spaces, +86 or a lower-case x hashes the same.
 */
import { HeguiError } from '../../errors.ts';
import { normalizeIdInput } from '../../identity/id-number.ts';
import { maskIdNumber, maskMobile } from '../../identity/mask.ts';
import { nationalMobileNumber } from '../../identity/mobile.ts';
import type { PiiCipher } from './pii-cipher.ts';

export type IdentifierKind = 'mobile' | 'id_number' | 'personal_name';

export interface ProtectedIdentifier {
  kind: IdentifierKind;
  /** `hg1.<keyId>.<…>` envelope (see PiiCipher). */
  ciphertext: string;
  /** HMAC-SHA256 of the normalised value; equal values give equal hashes, so it is the lookup key. */
  lookup: string;
  /** What a screen may show. */
  masked: string;
}

export function normaliseIdentifier(kind: IdentifierKind, raw: string): string {
  switch (kind) {
    case 'mobile': {
      const n = nationalMobileNumber(raw);
      if (n === undefined)
        throw new HeguiError('invalid_request', 'only mainland China (+86) mobile numbers are accepted');
      return n;
    }
    case 'id_number':
      return normalizeIdInput(raw);
    case 'personal_name':
      return raw.normalize('NFKC').trim().replace(/\s+/g, ' ');
  }
}

function maskOf(kind: IdentifierKind, value: string): string {
  switch (kind) {
    case 'mobile':
      return maskMobile(value);
    case 'id_number':
      return maskIdNumber(value);
    case 'personal_name':
      // A name shows its first character (the usual 张** display).
      return value.length <= 1 ? '*' : `${[...value][0]}${'*'.repeat([...value].length - 1)}`;
  }
}

export class IdentifierProtector {
  constructor(private readonly cipher: PiiCipher) {}

  protect(kind: IdentifierKind, raw: string): ProtectedIdentifier {
    const value = normaliseIdentifier(kind, raw);
    return {
      kind,
      ciphertext: this.cipher.encrypt(value, kind),
      lookup: this.cipher.lookupHash(value, kind),
      masked: maskOf(kind, value),
    };
  }

  /** The lookup hash for a value typed by someone searching (normalised the same way as when stored). */
  lookup(kind: IdentifierKind, raw: string): string {
    return this.cipher.lookupHash(normaliseIdentifier(kind, raw), kind);
  }

  reveal(p: ProtectedIdentifier): string {
    return this.cipher.decrypt(p.ciphertext, p.kind);
  }

  /** After a key rotation: the same value under the current key, with the lookup hash of the current lookup key. */
  reProtect(p: ProtectedIdentifier): ProtectedIdentifier {
    const value = this.reveal(p);
    return {
      ...p,
      ciphertext: this.cipher.reEncrypt(p.ciphertext, p.kind),
      lookup: this.cipher.lookupHash(value, p.kind),
    };
  }
}
