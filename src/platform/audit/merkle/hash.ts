/**
 * RFC 9162 §2.1.1 hashing with SHA-256: a leaf is hashed with the prefix 0x00, an interior node with 0x01, so that a
 * leaf can never be passed off as a node (second-preimage protection).
 */
import * as crypto from 'node:crypto';

export const HASH_SIZE = 32;
const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);

/** SHA-256 in one call: crypto.hash (Node ≥ 20.12) is several times faster than a Hash object for short inputs. */
export const sha256: (data: string | Uint8Array) => Buffer =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'buffer') as Buffer
    : (data) => crypto.createHash('sha256').update(data).digest();

export function leafHash(leaf: Uint8Array): Buffer {
  return sha256(Buffer.concat([LEAF_PREFIX, leaf]));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(Buffer.concat([NODE_PREFIX, left, right]));
}

/** MTH({}) = SHA-256() (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = sha256(Buffer.alloc(0));
