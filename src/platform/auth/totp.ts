/**
 * Time-based one-time passwords, RFC 6238 over HOTP (RFC 4226): HMAC-SHA-1, 6 digits, 30-second steps, accepted one
 * step either side for clock drift. A code is accepted only for a step later than the last one accepted for the same
 * account (replay protection, RFC 6238 §5.2). Secrets are 20 random bytes (RFC 4226 §4 R6: at least 128 bits,
 * 160 recommended), shown once in Base32 for enrolment.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW = 1;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const v = BASE32.indexOf(ch);
    if (v < 0) throw new Error('not Base32');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 §5.3: dynamic truncation of HMAC(K, counter) to `digits` decimal digits. */
export function hotp(key: Uint8Array, counter: bigint, digits = TOTP_DIGITS, algorithm = 'sha1'): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(bin).padStart(digits, '0');
}

export function totpStep(unixSeconds: number): bigint {
  return BigInt(Math.floor(unixSeconds / TOTP_STEP_SECONDS));
}

export function totp(key: Uint8Array, unixSeconds: number, digits = TOTP_DIGITS, algorithm = 'sha1'): string {
  return hotp(key, totpStep(unixSeconds), digits, algorithm);
}

export function newTotpSecret(): Buffer {
  return randomBytes(20);
}

/**
 * The step a code matches within ±window of now, later than `lastStep`; undefined when none does. The caller stores
 * the returned step as the new `lastStep`.
 */
export function verifyTotp(key: Uint8Array, code: string, unixSeconds: number, lastStep?: bigint): bigint | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const now = totpStep(unixSeconds);
  const given = Buffer.from(code);
  let match: bigint | undefined;
  // Every candidate is computed and compared, so the time taken does not tell which step matched.
  for (let d = -TOTP_WINDOW; d <= TOTP_WINDOW; d++) {
    const step = now + BigInt(d);
    if (step < 0n) continue;
    const ok = timingSafeEqual(Buffer.from(hotp(key, step)), given);
    if (ok && (lastStep === undefined || step > lastStep) && match === undefined) match = step;
  }
  return match;
}

/** Key URI for authenticator apps (Google Authenticator key-uri format): otpauth://totp/Issuer:account?… */
export function otpauthUri(secret: Uint8Array, account: string, issuer: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const q = new URLSearchParams({
    secret: base32Encode(secret),
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${q.toString()}`;
}
