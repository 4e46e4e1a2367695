/**
 * Serialised form of a PdqIndex: the hashes only (bucket tables are rebuilt on load, which is cheaper than storing
 * 64 bytes more per hash), with a SHA-256 of the payload so a damaged file is refused rather than matched against.
 *
 *   0  8 bytes  magic "HGPDQIX1"
 *   8  u32 LE   hash count n
 *  12  u32 LE   reserved (0)
 *  16  32 bytes SHA-256 of the payload
 *  48  n × 8 u32 LE words, hash i at 48 + 32i, word 0 first
 */
import { createHash } from 'node:crypto';
import { HeguiError, malformed, truncated } from '../../errors.ts';
import { HASH256_WORDS } from './hash256.ts';
import { PdqIndex } from './mih.ts';

const MAGIC = 'HGPDQIX1';
const HEADER = 48;

export function serializePdqIndex(index: PdqIndex): Uint8Array {
  const n = index.size;
  const out = new Uint8Array(HEADER + n * HASH256_WORDS * 4);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(MAGIC, 'ascii'), 0);
  view.setUint32(8, n, true);
  for (let k = 0; k < index.hashes.length; k++) view.setUint32(HEADER + 4 * k, index.hashes[k]!, true);
  out.set(createHash('sha256').update(out.subarray(HEADER)).digest(), 16);
  return out;
}

export function deserializePdqIndex(bytes: Uint8Array): PdqIndex {
  if (bytes.length < HEADER) throw truncated('PDQ index header', 0, HEADER);
  if (Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== MAGIC) throw malformed('not a PDQ index file', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(8, true);
  const need = HEADER + n * HASH256_WORDS * 4;
  if (bytes.length < need) throw truncated('PDQ index payload', HEADER, need);
  if (bytes.length > need) throw malformed('PDQ index has trailing bytes', need);
  const digest = createHash('sha256').update(bytes.subarray(HEADER)).digest();
  if (!digest.equals(bytes.subarray(16, 48))) {
    throw new HeguiError('malformed', 'PDQ index payload does not match its checksum', { offset: 16 });
  }
  const hashes = new Uint32Array(n * HASH256_WORDS);
  for (let k = 0; k < hashes.length; k++) hashes[k] = view.getUint32(HEADER + 4 * k, true);
  return PdqIndex.build(hashes);
}
