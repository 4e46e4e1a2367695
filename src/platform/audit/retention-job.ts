/**
 * The retention job: payloads past their type's retention are deleted, the entries stay. The leaf hash covers the
 * payload's SHA-256, which is kept, so the log still verifies and `hegui log verify` reports such an entry as "payload
 * purged per retention". Entries under a legal hold are skipped. Each purge is itself a logged event.
 */
import { sql } from 'kysely';
import type { Store } from '../../store/index.ts';
import type { AuditLog } from './audit-log.ts';
import { legalCutoff, type RetentionPolicy } from './retention-policy.ts';

export interface PurgeReport {
  purged: number;
  byType: Record<string, number>;
}

const BATCH = 5000;

export class RetentionJob {
  constructor(
    private readonly store: Store,
    private readonly log: AuditLog,
    private readonly policy: RetentionPolicy,
  ) {}

  /** Purge what is due at `at` (default now), in batches, each its own transaction with its own log event. */
  async run(actor: string, at: Date = new Date()): Promise<PurgeReport> {
    const report: PurgeReport = { purged: 0, byType: {} };
    const candidates = await this.store.db
      .selectFrom('audit_entry')
      .select('type')
      .distinct()
      .where('payload', 'is not', null)
      .where('logged_at', '<', legalCutoff(at))
      .execute();
    const purgedAt = at.toISOString();
    for (const { type } of candidates) {
      const before = this.policy.cutoff(type, at);
      if (before === null) continue;
      for (;;) {
        const n = await this.store.transaction(async (trx) => {
          const due = trx
            .selectFrom('audit_entry as e')
            .select('e.idx')
            .where('e.type', '=', type)
            .where('e.logged_at', '<', before)
            .where('e.payload', 'is not', null)
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('audit_legal_hold as h')
                    .select(sql.lit(1).as('one'))
                    .where('h.released_at', 'is', null)
                    .where((eb) => eb.or([eb('h.subject', 'is', null), eb('h.subject', '=', eb.ref('e.subject'))]))
                    .where((eb) => eb.or([eb('h.type', 'is', null), eb('h.type', '=', eb.ref('e.type'))])),
                ),
              ),
            )
            .orderBy('e.idx')
            .limit(BATCH);
          const res = await trx
            .updateTable('audit_entry')
            .set({ payload: null, purged_at: purgedAt })
            .where('idx', 'in', due)
            .executeTakeFirst();
          const count = Number(res.numUpdatedRows);
          if (count > 0) {
            await this.log.append(trx, {
              type: 'audit.retention.purged',
              actor,
              subject: null,
              payload: { recordType: type, loggedBefore: before, count },
            });
          }
          return count;
        });
        report.purged += n;
        if (n > 0) report.byType[type] = (report.byType[type] ?? 0) + n;
        if (n < BATCH) break;
      }
    }
    return report;
  }
}
