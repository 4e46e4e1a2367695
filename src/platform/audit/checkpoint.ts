/**
 * Signed checkpoints: tree size + root hash + time, signed by the log's key. The signed text follows the C2SP
 * tlog-checkpoint layout (origin line, decimal size, base64 root hash, then an extension line with the time):
 *
 *   hegui.audit/<log id>
 *   <tree size>
 *   <root hash, base64>
 *   time <ISO 8601 UTC>
 *
 * with a final newline. Anyone holding the public key can check a checkpoint without the database.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { SignatureAlgorithm } from './signing-key.ts';

export interface SignedCheckpoint {
  logId: string;
  treeSize: number;
  /** Hex. */
  rootHash: string;
  createdAt: string;
  keyId: string;
  algorithm: SignatureAlgorithm;
  /** Base64. */
  signature: string;
}

export function checkpointBody(c: Pick<SignedCheckpoint, 'logId' | 'treeSize' | 'rootHash' | 'createdAt'>): Buffer {
  const root = Buffer.from(c.rootHash, 'hex').toString('base64');
  return Buffer.from(`hegui.audit/${c.logId}\n${c.treeSize}\n${root}\ntime ${c.createdAt}\n`, 'utf8');
}

/** Is the checkpoint's signature valid under this public key (PEM)? Never throws on bad input. */
export function verifyCheckpointSignature(c: SignedCheckpoint, publicKeyPem: string): boolean {
  try {
    if (c.algorithm !== 'ed25519') return false;
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, checkpointBody(c), key, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}
