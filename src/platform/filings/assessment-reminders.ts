/**
 * The scheduled check of security assessments (Provisions Art. 15, 20: assessments are kept current). Each run lists
 * assessments due within the notice period or overdue, hands them to the notifier (the server log by default; mail or a
 * webhook can replace it) and records the reminder in the audit log, so that a reminder having been given is provable.
 */
import type { Store } from '../../store/index.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { DueItem, FilingsService } from './filings-service.ts';

export type DueNotifier = (items: DueItem[]) => void | Promise<void>;

export class AssessmentReminders {
  constructor(
    private readonly filings: FilingsService,
    private readonly store: Store,
    private readonly log: AuditLog,
    private readonly notify: DueNotifier,
    private readonly noticeDays: number,
  ) {}

  async run(): Promise<DueItem[]> {
    const items = await this.filings.dueAssessments(this.noticeDays);
    if (items.length > 0) {
      await this.notify(items);
      await this.store.transaction((trx) =>
        this.log.append(trx, {
          type: 'filings.assessment.reminder',
          actor: 'system:assessment-reminders',
          subject: null,
          payload: { items: items.map((i) => ({ assessmentId: i.assessmentId, dueAt: i.dueAt, state: i.state })) },
        }),
      );
    }
    return items;
  }

  /** Runs every `intervalMs` (the timer does not keep the process alive); returns the function that stops it. */
  start(intervalMs: number, onError: (e: unknown) => void): () => void {
    const timer = setInterval(() => void this.run().catch(onError), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
