/**
 * The keys that protect personal information at rest (Provisions Art. 9 identity numbers; PIPL Art. 51 encryption).
 *
 * Sources, in order: `HEGUI_SECRET_KEY` (one 32-byte key, base64 or hex) or `HEGUI_SECRET_KEY_FILE` (JSON with several
 * keys, so keys can rotate: encrypt with `current`, decrypt with any listed key):
 *
 *   { "current": "2025-06", "lookup": "2024-01", "keys": { "2024-01": "<base64|hex>", "2025-06": "<base64|hex>" } }
 *
 * `lookup` names the key whose derived HMAC key makes the lookup hashes; it defaults to `current` and must stay fixed
 * while `current` rotates, or stored lookup hashes stop matching (re-protecting every record moves them).
 * Sub-keys are derived with HKDF-SHA256 so the encryption key and the lookup key are never the same bytes.
 */
import { createHash, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HeguiError } from '../../errors.ts';

export interface SecretKey {
  id: string;
  /** AES-256-GCM key for ciphertexts made with this key. */
  encryption: Buffer;
  /** HMAC-SHA256 key for lookup hashes (used only for the ring's lookup key). */
  lookup: Buffer;
  /** HMAC-SHA256 key for short-lived secrets such as SMS codes. */
  codes: Buffer;
}

export interface KeyRing {
  current: SecretKey;
  lookup: SecretKey;
  byId: ReadonlyMap<string, SecretKey>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** 32 bytes from base64 (standard or url-safe) or 64 hex digits; anything else is refused with the reason. */
export function parseKeyMaterial(text: string, where: string): Buffer {
  const t = text.trim();
  if (t === '') throw missing(`${where} is empty`);
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]+$/.test(t) && t.length === 64) bytes = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) bytes = Buffer.from(t, 'base64');
  if (!bytes) throw missing(`${where} is neither base64 nor hex`);
  if (bytes.length < 32) {
    throw missing(`${where} holds ${bytes.length} bytes; 32 are needed (generate one: openssl rand -base64 32)`);
  }
  if (bytes.length > 32) throw missing(`${where} holds ${bytes.length} bytes; give exactly 32`);
  return bytes;
}

export function deriveKey(id: string, master: Buffer): SecretKey {
  const sub = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `hegui ${info} v1`, 32));
  return { id, encryption: sub('pii encryption'), lookup: sub('lookup hash'), codes: sub('one-time codes') };
}

/** A stable, non-secret id for a single key given without one: 8 hex digits of a hash of the key. */
export function fingerprint(master: Buffer): string {
  return `k${createHash('sha256').update('hegui key id').update(master).digest('hex').slice(0, 8)}`;
}

export function keyRingFromKey(master: Buffer): KeyRing {
  const key = deriveKey(fingerprint(master), master);
  return { current: key, lookup: key, byId: new Map([[key.id, key]]) };
}

export interface KeyFile {
  current: string;
  lookup?: string;
  keys: Record<string, string>;
}

export function keyRingFromFile(file: KeyFile, where = 'the key file'): KeyRing {
  if (!file || typeof file !== 'object' || typeof file.keys !== 'object' || file.keys === null) {
    throw missing(`${where} must be a JSON object with "current" and "keys"`);
  }
  const byId = new Map<string, SecretKey>();
  for (const [id, material] of Object.entries(file.keys)) {
    if (!KEY_ID.test(id)) throw missing(`${where}: key id "${id}" must be 1–32 letters, digits, "_" or "-"`);
    if (typeof material !== 'string') throw missing(`${where}: key "${id}" must be a string`);
    byId.set(id, deriveKey(id, parseKeyMaterial(material, `${where}: key "${id}"`)));
  }
  const current = byId.get(file.current);
  if (!current) throw missing(`${where}: "current" must name one of the keys`);
  const lookup = byId.get(file.lookup ?? file.current);
  if (!lookup) throw missing(`${where}: "lookup" must name one of the keys`);
  return { current, lookup, byId };
}

export interface KeySource {
  HEGUI_SECRET_KEY?: string | undefined;
  HEGUI_SECRET_KEY_FILE?: string | undefined;
}

/** The key ring from the environment; a clear `secret_key_missing` error when neither source is usable. */
export function loadKeyRing(env: KeySource): KeyRing {
  const inline = env.HEGUI_SECRET_KEY;
  const path = env.HEGUI_SECRET_KEY_FILE;
  if (inline !== undefined && inline !== '' && path) {
    throw missing('set either HEGUI_SECRET_KEY or HEGUI_SECRET_KEY_FILE, not both');
  }
  if (inline !== undefined && inline !== '') return keyRingFromKey(parseKeyMaterial(inline, 'HEGUI_SECRET_KEY'));
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw missing(`HEGUI_SECRET_KEY_FILE cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw missing('HEGUI_SECRET_KEY_FILE is not valid JSON');
    }
    return keyRingFromFile(parsed as KeyFile, 'HEGUI_SECRET_KEY_FILE');
  }
  throw missing(
    'no secret key: set HEGUI_SECRET_KEY to 32 random bytes in base64 (openssl rand -base64 32) or ' +
      'HEGUI_SECRET_KEY_FILE to a key file',
  );
}

function missing(message: string): HeguiError {
  return new HeguiError('secret_key_missing', message);
}
