/**
 * The platform duties of issue 7 that run on the SQL store and the audit log directly (enforcement Art. 10,
 * complaints Art. 12, rumour refutation Art. 11), wired in one place. `hegui serve` passes them to `createPlatform`
 * (the enforcement gate check) and to the server (their routes).
 */
import type { Store } from '../store/index.ts';
import type { GateCheck } from './accounts/real-name-gate.ts';
import type { AuditLog } from './audit/audit-log.ts';
import { complaintPolicyWith } from './complaints/complaint-policy.ts';
import { ComplaintService } from './complaints/complaint-service.ts';
import { SqlComplaintStore } from './complaints/sql-complaint-store.ts';
import { enforcementCheck } from './enforcement/enforcement-gate-check.ts';
import { type EnforcementPolicy, policyWith } from './enforcement/enforcement-policy.ts';
import { EnforcementService } from './enforcement/enforcement-service.ts';
import { SqlEnforcementStore } from './enforcement/sql-enforcement-store.ts';
import { LogNotifier, type NoticeLogger, type Notifier } from './rumours/notifier.ts';
import { RumourService } from './rumours/rumour-service.ts';
import { SqlRumourStore } from './rumours/sql-rumour-store.ts';

export interface DutySliceOptions {
  store: Store;
  log: AuditLog;
  enforcementPolicy?: Partial<EnforcementPolicy>;
  complaintPolicy?: Parameters<typeof complaintPolicyWith>[0];
  /** How rumour refutations reach users (default: a line in `logger`). */
  notifiers?: Notifier[];
  logger?: NoticeLogger;
  now?: () => Date;
}

export interface DutySlices {
  enforcement: EnforcementService;
  complaints: ComplaintService;
  rumours: RumourService;
  /** Checks for the publishing gate (RealNameGate). */
  gateChecks: GateCheck[];
}

export function createDutySlices(o: DutySliceOptions): DutySlices {
  const now = o.now ?? (() => new Date());
  const enforcement = new EnforcementService(
    o.store,
    new SqlEnforcementStore(),
    o.log,
    policyWith(o.enforcementPolicy),
    now,
  );
  const complaints = new ComplaintService(
    o.store,
    new SqlComplaintStore(),
    o.log,
    complaintPolicyWith(o.complaintPolicy),
    now,
  );
  const notifiers = o.notifiers ?? [new LogNotifier(o.logger ?? { info: () => {} })];
  const rumours = new RumourService(o.store, new SqlRumourStore(), o.log, notifiers, now);
  return { enforcement, complaints, rumours, gateChecks: [enforcementCheck(enforcement)] };
}
