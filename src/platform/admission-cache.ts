/**
 * What every generation request asks of the platform — whose API key is this, may this account use this function
 * (Provisions Art. 8, 9, 10) — held on each server instance for at most `ttlMs` (default 1 s, the staleness the
 * emergency switch already allows, Art. 7, 21), so a request does not read the database for answers that rarely change.
 *
 * Staleness:
 * - On this instance there is none from the platform's own writes: every one of them (key revoked, account disabled or
 *   its role changed, verification completed or revoked, agreement accepted, enforcement action taken or lifted,
 *   emergency stop started or ended) appends an audit event in its transaction, and the commit of such a transaction
 *   drops every held answer before its caller is told it is done.
 * - A write made on another instance (or directly in the database) is seen here within `ttlMs`.
 * - The emergency switch's answer is never held here: it keeps its own (≤ 1 s) copy, and the two do not add up.
 */
import type { HeldGateAnswers } from './accounts/real-name-gate.ts';
import type { AuditLog } from './audit/audit-log.ts';
import type { Principal } from './auth/principal.ts';
import { ShortLivedCache } from './short-lived-cache.ts';

export const DEFAULT_ADMISSION_TTL_MS = 1000;

/**
 * The gateway's own per-request records (src/gateway/pipeline.ts): they record a generation and change no answer held
 * here, and dropping everything on each of them would make the cache useless.
 */
const RECORDS_ONLY: ReadonlySet<string> = new Set(['gateway.generated', 'gateway.output_blocked']);

export class AdmissionCache {
  readonly principals: ShortLivedCache<Principal>;
  readonly gate: ShortLivedCache<HeldGateAnswers>;

  constructor(o: { ttlMs?: number; now?: () => number } = {}) {
    const ttlMs = Math.min(DEFAULT_ADMISSION_TTL_MS, o.ttlMs ?? DEFAULT_ADMISSION_TTL_MS);
    const c = { ttlMs, ...(o.now ? { now: o.now } : {}) };
    this.principals = new ShortLivedCache(c);
    this.gate = new ShortLivedCache(c);
  }

  clear(): void {
    this.principals.clear();
    this.gate.clear();
  }

  /** Drop everything whenever a write that may change an answer commits; returns the unsubscribe. */
  followWrites(log: AuditLog): () => void {
    return log.onCommit((types) => {
      for (const t of types) {
        if (!RECORDS_ONLY.has(t)) return this.clear();
      }
    });
  }
}
