/**
 * The duty slices (enforcement, complaints, rumours) for `hegui serve`, over the server's store and tamper-evident
 * log, with the policies of the configuration and the complaint escalation check on its schedule.
 */
import type { Logger } from 'pino';
import type { AuditLog } from '../platform/audit/audit-log.ts';
import { createDutySlices, type DutySlices } from '../platform/duty-slices.ts';
import type { EnforcementPolicy } from '../platform/enforcement/enforcement-policy.ts';
import { LogNotifier, type Notifier, WebhookNotifier } from '../platform/rumours/notifier.ts';
import type { Store } from '../store/index.ts';
import type { ServerConfig } from './config.ts';

export interface ServerDuties {
  duties: DutySlices;
  /** Stop the schedule (the store is the server's to close). */
  close(): void;
}

export function createServerDuties(config: ServerConfig, log: Logger, store: Store, audit: AuditLog): ServerDuties {
  const c = config.duties;
  const notifiers: Notifier[] = [new LogNotifier(log)];
  if (c.rumourWebhookUrl) notifiers.push(new WebhookNotifier(c.rumourWebhookUrl));
  const duties = createDutySlices({
    store,
    log: audit,
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
  return { duties, close: stop };
}
