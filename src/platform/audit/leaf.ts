/**
 * What one log entry is, and the exact bytes its leaf hash covers. The leaf binds the entry's index, time, type,
 * actor and subject, and the SHA-256 of its payload text: the payload can be purged per retention while the entry
 * still verifies from what is kept.
 *
 *   leaf = UTF-8 of JSON.stringify(["hegui.audit/v1", index, loggedAt, type, actor, subject, payloadSha256Hex])
 *   leaf hash = SHA-256(0x00 ‖ leaf)                                           (RFC 9162 §2.1.1)
 */
import { HeguiError } from '../../errors.ts';
import { leafHash, sha256 } from './merkle/hash.ts';

export { sha256 };

export const LEAF_FORMAT = 'hegui.audit/v1';

/** What a platform write records. `actor` and `subject` are references ("account:42"), never personal data. */
export interface AuditEvent {
  /** Dotted lower-case name: "account.created", "audit.legal_hold.placed". */
  type: string;
  /** Who acted: "account:<id>", "api_key:<id>", "system:<reason>". */
  actor: string;
  /** What it was about, if anything: "account:<id>", "complaint:<id>". */
  subject?: string | null;
  /** Facts as JSON (ids, codes, masked values); stored as text, exactly as hashed. */
  payload?: unknown;
}

export interface LeafFields {
  index: number;
  loggedAt: string;
  type: string;
  actor: string;
  subject: string | null;
  payloadSha256: Uint8Array;
}

export const MAX_PAYLOAD_BYTES = 1 << 20;
const TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

export function leafBytes(f: LeafFields): Buffer {
  const json = JSON.stringify([
    LEAF_FORMAT,
    f.index,
    f.loggedAt,
    f.type,
    f.actor,
    f.subject,
    Buffer.from(f.payloadSha256).toString('hex'),
  ]);
  return Buffer.from(json, 'utf8');
}

export function entryLeafHash(f: LeafFields): Buffer {
  return leafHash(leafBytes(f));
}

/** Check an event and give its payload text; errors name the field, never its value. */
export function prepareEvent(e: AuditEvent): { type: string; actor: string; subject: string | null; payload: string } {
  if (typeof e.type !== 'string' || e.type.length > 100 || !TYPE_PATTERN.test(e.type)) {
    throw new HeguiError('usage', 'an audit event type is dotted lower-case words (at most 100 characters)');
  }
  if (typeof e.actor !== 'string' || e.actor.length === 0 || e.actor.length > 200) {
    throw new HeguiError('usage', 'an audit event needs an actor (1 to 200 characters)', { type: e.type });
  }
  const subject = e.subject ?? null;
  if (subject !== null && (typeof subject !== 'string' || subject.length > 200)) {
    throw new HeguiError('usage', 'an audit event subject is at most 200 characters', { type: e.type });
  }
  let payload: string | undefined;
  try {
    payload = JSON.stringify(e.payload ?? null);
  } catch {
    payload = undefined;
  }
  if (payload === undefined) throw new HeguiError('usage', 'an audit event payload must be JSON', { type: e.type });
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
    throw new HeguiError('oversize', 'an audit event payload is over 1 MiB', {
      type: e.type,
      limit: MAX_PAYLOAD_BYTES,
    });
  }
  return { type: e.type, actor: e.actor, subject, payload };
}
