import { randomBytes } from 'node:crypto';

/**
 * A new row id: a UUID version 7 (RFC 9562 §5.7), text, 36 characters. The first 48 bits are the time in
 * milliseconds, so ids of new rows sort after older ones and land at the end of the primary-key B-tree on both
 * databases; the other 74 bits are random.
 */
export function newId(now: number = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
