/**
 * Staff and user passwords: scrypt (RFC 7914) from node:crypto, N = 2^15, r = 8, p = 1, a 16-byte salt per password,
 * 32-byte output. Encoded with its parameters so they can be raised later without breaking stored hashes:
 *
 *   $scrypt$v=1$ln=15,r=8,p=1$<salt base64url>$<hash base64url>
 *
 * scrypt at these parameters needs 32 MiB (128·N·r bytes); maxmem is raised accordingly.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { HeguiError } from '../../errors.ts';

export interface ScryptParams {
  /** log2 of N. */
  ln: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { ln: 15, r: 8, p: 1 };
const KEY_LEN = 32;
const SALT_LEN = 16;

function derive(password: string, salt: Buffer, prm: ScryptParams): Promise<Buffer> {
  const N = 2 ** prm.ln;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LEN, { N, r: prm.r, p: prm.p, maxmem: 256 * N * prm.r }, (e, k) =>
      e ? reject(e) : resolve(k),
    );
  });
}

export async function hashPassword(password: string, prm: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  if (prm.ln < 15 || prm.r < 8 || prm.p < 1) throw new HeguiError('usage', 'scrypt parameters below N=2^15, r=8, p=1');
  const salt = randomBytes(SALT_LEN);
  const key = await derive(password, salt, prm);
  return `$scrypt$v=1$ln=${prm.ln},r=${prm.r},p=${prm.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export function parsePasswordHash(encoded: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const m = /^\$scrypt\$v=1\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(encoded);
  if (!m) return undefined;
  return {
    params: { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) },
    salt: Buffer.from(m[4]!, 'base64url'),
    key: Buffer.from(m[5]!, 'base64url'),
  };
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parsePasswordHash(encoded);
  if (!parsed || parsed.params.ln > 20) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when a stored hash uses weaker parameters than the current default (rehash at next successful login). */
export function needsRehash(encoded: string, prm: ScryptParams = DEFAULT_SCRYPT): boolean {
  const p = parsePasswordHash(encoded)?.params;
  return !p || p.ln < prm.ln || p.r < prm.r || p.p < prm.p;
}

/** A hash to compare against when the user does not exist, so a wrong name costs the same time as a wrong password. */
let dummy: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}
