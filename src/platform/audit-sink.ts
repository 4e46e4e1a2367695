/**
 * Where platform writes record what happened: the tamper-evident Merkle log (src/platform/audit/). A slice's stores
 * hand it the event in the log's own shape (`type`, `actor`, `subject`, `payload`), and inside `stores.transaction`
 * the event is appended in the same database transaction as the write. Payloads carry ids, masked values and codes
 * only — never an ID number, a phone number, a password or a token.
 */
import { type Actor, actorRef } from './actor.ts';
import type { AuditEvent } from './audit/leaf.ts';

export type { AuditEvent };

export interface AuditSink {
  append(event: AuditEvent): Promise<void>;
}

/** The event for `type` done by `actor` to `target` (subject "account:<id>"), with PII-free facts. */
export function auditEvent(
  actor: Actor,
  type: string,
  target?: { type: string; id: string },
  payload?: Record<string, string | number | boolean | null>,
): AuditEvent {
  return {
    type,
    actor: actorRef(actor),
    subject: target ? `${target.type}:${target.id}` : null,
    payload: payload ?? {},
  };
}
