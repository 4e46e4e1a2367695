/**
 * The duty slices for `hegui serve`: the SQL store (SQLite under the data folder, or PostgreSQL at HEGUI_DATABASE_URL),
 * migrated, with its audit log; the complaint escalation check on its schedule. (The in-memory platform stores are
 * replaced by SQL stores separately; these slices already keep their data in the database.)
 */
import type { Logger } from 'pino';
import { createAuditLog } from '../platform/audit/create-audit-log.ts';
import { createDutySlices, type DutySlices } from '../platform/duty-slices.ts';
import type { EnforcementPolicy } from '../platform/enforcement/enforcement-policy.ts';
import { LogNotifier, type Notifier, WebhookNotifier } from '../platform/rumours/notifier.ts';
import { openStore, requireMigrated } from '../store/index.ts';
import type { ServerConfig } from './config.ts';

export interface OpenDuties {
  duties: DutySlices;
  close(): Promise<void>;
}

export async function openDuties(config: ServerConfig, log: Logger): Promise<OpenDuties> {
  const store = openStore(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    await requireMigrated(store.db, store.dialect);
    const audit = await createAuditLog(store);
    const c = config.duties;
    const notifiers: Notifier[] = [new LogNotifier(log)];
    if (c.rumourWebhookUrl) notifiers.push(new WebhookNotifier(c.rumourWebhookUrl));
    const duties = createDutySlices({
      store,
      log: audit.log,
      logger: log,
      notifiers,
      enforcementPolicy: c.enforcement as Partial<EnforcementPolicy>,
      complaintPolicy: {
        calendar: {
          ...(c.complaints.holidays ? { holidays: c.complaints.holidays } : {}),
          ...(c.complaints.workdays ? { workdays: c.complaints.workdays } : {}),
          ...(c.complaints.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: c.complaints.utcOffsetMinutes } : {}),
        },
        ...(c.complaints.deadlines ? { deadlines: c.complaints.deadlines } : {}),
        ...(c.complaints.escalateWorkingDaysBefore !== undefined
          ? { escalateWorkingDaysBefore: c.complaints.escalateWorkingDaysBefore }
          : {}),
        ...(c.complaints.contact ? { contact: c.complaints.contact } : {}),
        submitLimit: config.rateLimit,
      },
    });
    const stop = duties.complaints.startEscalationSchedule(15 * 60_000, (e) =>
      log.error({ err: e }, 'complaint escalation check failed'),
    );
    log.info({ store: store.dialect.name }, 'duties (enforcement, complaints, rumours) use the SQL store');
    return {
      duties,
      close: async () => {
        stop();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
