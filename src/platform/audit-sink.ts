/**
 * Where platform writes record what happened. The tamper-evident Merkle log (src/platform/audit/) implements this
 * interface; until it is wired in, `InMemoryAuditSink` keeps events for tests and development. Event details carry
 * ids, masked values and codes only — never an ID number, a phone number, a password or a token.
 */
import { type Actor, actorRef } from './actor.ts';

export interface AuditEvent {
  at: string;
  actor: string;
  action: string;
  target?: { type: string; id: string };
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditSink {
  append(event: AuditEvent): Promise<void>;
}

export function auditEvent(
  at: Date,
  actor: Actor,
  action: string,
  target?: { type: string; id: string },
  details?: AuditEvent['details'],
): AuditEvent {
  return {
    at: at.toISOString(),
    actor: actorRef(actor),
    action,
    ...(target ? { target } : {}),
    ...(details ? { details } : {}),
  };
}

/** Test and development implementation: events in an array, lost at exit. Not the product's audit log. */
export class InMemoryAuditSink implements AuditSink {
  readonly events: AuditEvent[] = [];

  async append(event: AuditEvent): Promise<void> {
    this.events.push(structuredClone(event));
  }
}
