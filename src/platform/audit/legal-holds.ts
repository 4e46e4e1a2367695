/**
 * Legal holds: while a hold is in place, the retention job deletes nothing it covers (a subject, a record type, or
 * both). Placing and releasing a hold are logged events.
 */
import { HeguiError } from '../../errors.ts';
import { newId } from '../../store/ids.ts';
import type { Store } from '../../store/index.ts';
import type { AuditLog } from './audit-log.ts';

export interface LegalHold {
  id: string;
  subject: string | null;
  type: string | null;
  reason: string;
  placedAt: string;
  placedBy: string;
  releasedAt: string | null;
  releasedBy: string | null;
}

export class LegalHolds {
  constructor(
    private readonly store: Store,
    private readonly log: AuditLog,
  ) {}

  async place(
    actor: string,
    hold: { subject?: string | null; type?: string | null; reason: string },
  ): Promise<LegalHold> {
    if (!hold.reason?.trim()) throw new HeguiError('usage', 'a legal hold needs a reason');
    const row: LegalHold = {
      id: newId(),
      subject: hold.subject ?? null,
      type: hold.type ?? null,
      reason: hold.reason,
      placedAt: new Date().toISOString(),
      placedBy: actor,
      releasedAt: null,
      releasedBy: null,
    };
    await this.store.transaction(async (trx) => {
      await trx
        .insertInto('audit_legal_hold')
        .values({
          id: row.id,
          subject: row.subject,
          type: row.type,
          reason: row.reason,
          placed_at: row.placedAt,
          placed_by: row.placedBy,
          released_at: null,
          released_by: null,
        })
        .execute();
      await this.log.append(trx, {
        type: 'audit.legal_hold.placed',
        actor,
        subject: row.subject,
        payload: { holdId: row.id, recordType: row.type, reason: row.reason },
      });
    });
    return row;
  }

  async release(actor: string, id: string): Promise<void> {
    await this.store.transaction(async (trx) => {
      const res = await trx
        .updateTable('audit_legal_hold')
        .set({ released_at: new Date().toISOString(), released_by: actor })
        .where('id', '=', id)
        .where('released_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new HeguiError('usage', 'no legal hold in place with this id');
      await this.log.append(trx, { type: 'audit.legal_hold.released', actor, subject: null, payload: { holdId: id } });
    });
  }

  async list(): Promise<LegalHold[]> {
    const rows = await this.store.db.selectFrom('audit_legal_hold').selectAll().orderBy('placed_at').execute();
    return rows.map((r) => ({
      id: r.id,
      subject: r.subject,
      type: r.type,
      reason: r.reason,
      placedAt: r.placed_at,
      placedBy: r.placed_by,
      releasedAt: r.released_at,
      releasedBy: r.released_by,
    }));
  }
}
