/**
 * RFC 9162 §2.1.1 hashing with SHA-256: a leaf is hashed with the prefix 0x00, an interior node with 0x01, so that a
 * leaf can never be passed off as a node (second-preimage protection).
 */
import { createHash } from 'node:crypto';

export const HASH_SIZE = 32;
const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);

export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256() (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();
