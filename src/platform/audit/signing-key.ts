/**
 * The key that signs checkpoints. Ed25519 from node:crypto, kept as a PKCS #8 PEM file readable by its owner only;
 * generated on first start when the file is absent. Its public key goes into the database (and every export), and its
 * id is the first 8 bytes of SHA-256 over the SubjectPublicKeyInfo, in hex.
 *
 * SM2 is not offered yet: Node's OpenSSL signs an SM2-curve key with ECDSA, which is not the SM2 signature of
 * GB/T 32918.2, so it needs the SM2 implementation of the label signatures (src/label/security) once that is shared.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sha256Hex } from '../../digest.ts';
import { HeguiError } from '../../errors.ts';

export type SignatureAlgorithm = 'ed25519';

export interface CheckpointSigner {
  readonly keyId: string;
  readonly algorithm: SignatureAlgorithm;
  readonly publicKeyPem: string;
  sign(message: Uint8Array): Buffer;
}

export function keyIdOf(publicKey: KeyObject): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return sha256Hex(spki).slice(0, 16);
}

export function signerFromPrivateKey(privateKey: KeyObject): CheckpointSigner {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new HeguiError('usage', `the log signing key must be an Ed25519 key (found ${privateKey.asymmetricKeyType})`);
  }
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    algorithm: 'ed25519',
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (message) => sign(null, message, privateKey),
  };
}

/**
 * Load the signing key from `file`; when it does not exist and `create` is set, generate one and write it (exclusive
 * create: of two processes starting at once, one writes and both use its key).
 */
export function loadSigningKey(file: string, opts: { create: boolean }): CheckpointSigner | null {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new HeguiError('io', `cannot read the log signing key ${file}: ${(e as NodeJS.ErrnoException).code}`, {
        file,
      });
    }
    if (!opts.create) return null;
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (w) {
      if ((w as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new HeguiError('io', `cannot write the log signing key ${file}: ${(w as NodeJS.ErrnoException).code}`, {
          file,
        });
      }
    }
    pem = readFileSync(file, 'utf8');
  }
  try {
    return signerFromPrivateKey(createPrivateKey(pem));
  } catch (e) {
    if (e instanceof HeguiError) throw e;
    throw new HeguiError('malformed', `the log signing key ${file} is not a PEM private key`, { file });
  }
}
