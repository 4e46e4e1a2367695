/**
 * Where the key for personal information comes from at start: HEGUI_SECRET_KEY or HEGUI_SECRET_KEY_FILE; without
 * either, outside production, a key file `secret-key.json` in the data directory (created on first start, mode 0600)
 * so a development server works out of the box. In production a missing key is an error: losing a generated key
 * would lose every encrypted identity number.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeguiError } from '../errors.ts';
import { fingerprint, type KeyRing, loadKeyRing } from '../platform/pii/key-ring.ts';
import type { ServerConfig } from './config.ts';

export function setUpKeyRing(config: ServerConfig, notice: (line: string) => void): KeyRing {
  if (config.secretKey || config.secretKeyFile) {
    return loadKeyRing({ HEGUI_SECRET_KEY: config.secretKey, HEGUI_SECRET_KEY_FILE: config.secretKeyFile });
  }
  if (config.nodeEnv === 'production') {
    throw new HeguiError(
      'secret_key_missing',
      'NODE_ENV=production needs HEGUI_SECRET_KEY (32 random bytes, base64: openssl rand -base64 32) or ' +
        'HEGUI_SECRET_KEY_FILE; keep a copy: without it encrypted identity numbers cannot be read',
    );
  }
  const file = join(config.dataDir, 'secret-key.json');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    const key = randomBytes(32);
    const id = fingerprint(key);
    writeFileSync(file, `${JSON.stringify({ current: id, keys: { [id]: key.toString('base64') } }, null, 2)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    notice(
      `No HEGUI_SECRET_KEY given: created a development key file at ${file} (keep it; set HEGUI_SECRET_KEY_FILE in production).`,
    );
  }
  return loadKeyRing({ HEGUI_SECRET_KEY_FILE: file });
}
