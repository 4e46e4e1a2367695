/**
 * AES-256-GCM for personal information at rest. Envelope: `hg1.<keyId>.<base64url(nonce ‖ ciphertext ‖ tag)>`, with a
 * random 96-bit nonce per value (NIST SP 800-38D §8.2.2) and the key id in clear so keys can rotate. The purpose
 * ("mobile", "id_number", …) and the key id are authenticated data: a ciphertext moved to another field does not
 * decrypt.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { HeguiError } from '../../errors.ts';
import type { KeyRing, SecretKey } from './key-ring.ts';

const VERSION = 'hg1';
const NONCE = 12;
const TAG = 16;

export class PiiCipher {
  constructor(private readonly ring: KeyRing) {}

  get currentKeyId(): string {
    return this.ring.current.id;
  }

  encrypt(plaintext: string, purpose: string): string {
    const key = this.ring.current;
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', key.encryption, nonce);
    cipher.setAAD(aad(key.id, purpose));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const packed = Buffer.concat([nonce, body, cipher.getAuthTag()]);
    return `${VERSION}.${key.id}.${packed.toString('base64url')}`;
  }

  decrypt(envelope: string, purpose: string): string {
    const { key, packed } = this.open(envelope);
    if (packed.length < NONCE + TAG) throw new HeguiError('malformed', 'ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', key.encryption, packed.subarray(0, NONCE));
    decipher.setAAD(aad(key.id, purpose));
    decipher.setAuthTag(packed.subarray(packed.length - TAG));
    try {
      return Buffer.concat([decipher.update(packed.subarray(NONCE, packed.length - TAG)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new HeguiError('malformed', 'ciphertext does not authenticate (wrong key, purpose or damaged value)');
    }
  }

  /** The key id an envelope was made with, without decrypting it. */
  keyIdOf(envelope: string): string {
    return envelope.split('.')[1] ?? '';
  }

  /** Key rotation: a value under an older key comes back under the current one; a current one is returned as is. */
  reEncrypt(envelope: string, purpose: string): string {
    if (this.keyIdOf(envelope) === this.ring.current.id) return envelope;
    return this.encrypt(this.decrypt(envelope, purpose), purpose);
  }

  /** Keyed hash for lookups: HMAC-SHA256 under the ring's lookup key, domain-separated by purpose. */
  lookupHash(normalised: string, purpose: string): string {
    return hmac(this.ring.lookup.lookup, purpose, normalised);
  }

  /** Keyed hash for short-lived secrets (one-time codes): brute-forcing a 6-digit code needs the server key. */
  codeHash(value: string, purpose: string): string {
    return hmac(this.ring.current.codes, purpose, value);
  }

  private open(envelope: string): { key: SecretKey; packed: Buffer } {
    const parts = envelope.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) throw new HeguiError('malformed', 'not a hegui ciphertext');
    const key = this.ring.byId.get(parts[1]!);
    if (!key) {
      throw new HeguiError(
        'secret_key_missing',
        `ciphertext made with key "${parts[1]}", which is not in the key ring`,
      );
    }
    return { key, packed: Buffer.from(parts[2]!, 'base64url') };
  }
}

function aad(keyId: string, purpose: string): Buffer {
  return Buffer.from(`${VERSION}\0${keyId}\0${purpose}`, 'utf8');
}

function hmac(key: Buffer, purpose: string, value: string): string {
  return createHmac('sha256', key).update(purpose).update('\0').update(value, 'utf8').digest('base64url');
}
