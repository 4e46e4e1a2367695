/**
 * Records, revokes and checks biometric consent (Provisions Art. 14). `check` is what the gateway calls before a face
 * or voice edit; `require` throws `consent_required` with the reason, so an edit without valid consent cannot proceed.
 * Every write — and every check, which is the record that an edit was allowed or refused — appends an audit event in
 * the same transaction. The subject's ID number, when given, is stored encrypted with a keyed hash for lookups; events
 * and answers carry only its masked form.
 */

import { HeguiError } from '../../errors.ts';
import { validateIdNumber } from '../../identity/id-number.ts';
import { newId, type Store } from '../../store/index.ts';
import { type Actor, actorRef } from '../actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { IdentifierProtector } from '../pii/protected-identifier.ts';
import type { ConsentRefusal, ConsentRow, ConsentStore, Modality } from './consent.ts';

export interface ConsentInput {
  subjectRef: string;
  subjectIdNumber?: string | undefined;
  grantee: string;
  modalities: Modality[];
  uses: string[];
  evidenceSha256: string;
  evidenceRef: string;
  grantedAt?: string | undefined;
  expiresAt?: string | null | undefined;
}

export interface ConsentView {
  id: string;
  subjectRef: string;
  subjectIdNumber?: string;
  grantee: string;
  modalities: Modality[];
  uses: string[];
  evidenceSha256: string;
  evidenceRef: string;
  grantedAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
  status: 'valid' | 'expired' | 'revoked';
  createdBy: string;
  createdAt: string;
}

export interface ConsentQuery {
  requester: string;
  subject: string;
  modality: Modality;
  use: string;
}

export interface ConsentDecision {
  allowed: boolean;
  reason?: ConsentRefusal;
  consentId?: string;
  message: string;
  checkedAt: string;
}

const MESSAGES: Record<ConsentRefusal, string> = {
  none: 'no consent of this person is on record for this requester',
  expired: 'the consent covering this edit has expired',
  revoked: 'the consent covering this edit was revoked',
  out_of_scope: 'the consent on record does not cover this modality or use',
};

export class ConsentService {
  constructor(
    private readonly store: Store,
    private readonly rows: ConsentStore,
    private readonly log: AuditLog,
    private readonly protector: IdentifierProtector,
    private readonly now: () => Date,
  ) {}

  async record(actor: Actor, input: ConsentInput): Promise<ConsentView> {
    const now = this.now().toISOString();
    const grantedAt = input.grantedAt ? new Date(input.grantedAt).toISOString() : now;
    const expiresAt = input.expiresAt ? new Date(input.expiresAt).toISOString() : null;
    if (expiresAt !== null && expiresAt <= grantedAt) {
      throw new HeguiError('invalid_request', 'expiresAt must be after grantedAt', { field: 'expiresAt' });
    }
    let idNumber: ReturnType<IdentifierProtector['protect']> | undefined;
    if (input.subjectIdNumber !== undefined) {
      if (!validateIdNumber(input.subjectIdNumber).valid) {
        throw new HeguiError('invalid_request', 'subjectIdNumber is not a valid resident ID number', {
          field: 'subjectIdNumber',
        });
      }
      idNumber = this.protector.protect('id_number', input.subjectIdNumber);
    }
    const row: ConsentRow = {
      id: newId(),
      subject_ref: input.subjectRef,
      subject_id_number_enc: idNumber ? JSON.stringify({ c: idNumber.ciphertext, m: idNumber.masked }) : null,
      subject_id_number_hash: idNumber?.lookup ?? null,
      grantee: input.grantee,
      modalities: JSON.stringify([...new Set(input.modalities)].sort()),
      uses: JSON.stringify([...new Set(input.uses)].sort()),
      evidence_sha256: input.evidenceSha256.toLowerCase(),
      evidence_ref: input.evidenceRef,
      granted_at: grantedAt,
      expires_at: expiresAt,
      revoked_at: null,
      revoked_reason: null,
      created_by: actorRef(actor),
      created_at: now,
    };
    await this.store.transaction(async (trx) => {
      await this.rows.insert(trx, row);
      await this.log.append(trx, {
        type: 'consent.recorded',
        actor: actorRef(actor),
        subject: `consent:${row.id}`,
        payload: {
          subjectRef: row.subject_ref,
          subjectIdNumber: idNumber?.masked ?? null,
          grantee: row.grantee,
          modalities: JSON.parse(row.modalities),
          uses: JSON.parse(row.uses),
          evidenceSha256: row.evidence_sha256,
          grantedAt,
          expiresAt,
        },
      });
    });
    return this.view(row);
  }

  async revoke(actor: Actor, id: string, reason: string): Promise<ConsentView> {
    const at = this.now().toISOString();
    return this.store.transaction(async (trx) => {
      const row = await this.rows.get(id, trx);
      if (!row) throw new HeguiError('not_found', 'no such consent record');
      if (!(await this.rows.revoke(trx, id, at, reason))) {
        throw new HeguiError('conflict', 'the consent is already revoked');
      }
      await this.log.append(trx, {
        type: 'consent.revoked',
        actor: actorRef(actor),
        subject: `consent:${id}`,
        payload: { subjectRef: row.subject_ref, reason },
      });
      return this.view({ ...row, revoked_at: at, revoked_reason: reason });
    });
  }

  async get(id: string): Promise<ConsentView> {
    const row = await this.rows.get(id);
    if (!row) throw new HeguiError('not_found', 'no such consent record');
    return this.view(row);
  }

  async list(o: { subjectRef?: string; subjectIdNumber?: string; limit: number; offset: number }) {
    const idNumberHash = o.subjectIdNumber ? this.protector.lookup('id_number', o.subjectIdNumber) : undefined;
    const rows = await this.rows.list({
      ...(o.subjectRef ? { subjectRef: o.subjectRef } : {}),
      ...(idNumberHash ? { idNumberHash } : {}),
      limit: o.limit,
      offset: o.offset,
    });
    return rows.map((r) => this.view(r));
  }

  /**
   * May `requester` edit `subject`'s face or voice for `use` now? A valid, in-scope record allows it. Otherwise the
   * most specific reason: an in-scope record that was revoked, then one that expired, then a live record that does not
   * cover the modality or use, else none.
   */
  async check(actor: Actor, q: ConsentQuery): Promise<ConsentDecision> {
    const now = this.now().toISOString();
    const rows = await this.rows.forSubject(q.subject, q.requester);
    const inScope = rows.filter((r) => covers(r, q));
    const valid = inScope.find((r) => r.revoked_at === null && (r.expires_at === null || r.expires_at > now));
    let decision: ConsentDecision;
    if (valid) {
      decision = { allowed: true, consentId: valid.id, message: 'valid consent on record', checkedAt: now };
    } else {
      const reason: ConsentRefusal = inScope.some((r) => r.revoked_at !== null)
        ? 'revoked'
        : inScope.length > 0
          ? 'expired'
          : rows.length > 0
            ? 'out_of_scope'
            : 'none';
      decision = { allowed: false, reason, message: MESSAGES[reason], checkedAt: now };
    }
    await this.store.transaction((trx) =>
      this.log.append(trx, {
        type: decision.allowed ? 'consent.check.allowed' : 'consent.check.refused',
        actor: actorRef(actor),
        subject: decision.consentId ? `consent:${decision.consentId}` : null,
        payload: { ...q, reason: decision.reason ?? null },
      }),
    );
    return decision;
  }

  /** For the edit path: returns the consent id, or throws `consent_required` with the reason code. */
  async require(actor: Actor, q: ConsentQuery): Promise<string> {
    const d = await this.check(actor, q);
    if (!d.allowed) throw new HeguiError('consent_required', d.message, { reason: d.reason ?? 'none' });
    return d.consentId!;
  }

  private view(r: ConsentRow): ConsentView {
    const now = this.now().toISOString();
    const masked = r.subject_id_number_enc ? (JSON.parse(r.subject_id_number_enc) as { m: string }).m : undefined;
    return {
      id: r.id,
      subjectRef: r.subject_ref,
      ...(masked ? { subjectIdNumber: masked } : {}),
      grantee: r.grantee,
      modalities: JSON.parse(r.modalities),
      uses: JSON.parse(r.uses),
      evidenceSha256: r.evidence_sha256,
      evidenceRef: r.evidence_ref,
      grantedAt: r.granted_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
      revokedReason: r.revoked_reason,
      status: r.revoked_at ? 'revoked' : r.expires_at !== null && r.expires_at <= now ? 'expired' : 'valid',
      createdBy: r.created_by,
      createdAt: r.created_at,
    };
  }
}

function covers(r: ConsentRow, q: ConsentQuery): boolean {
  const modalities = JSON.parse(r.modalities) as string[];
  const uses = JSON.parse(r.uses) as string[];
  return modalities.includes(q.modality) && (uses.includes('*') || uses.includes(q.use));
}
