/**
 * The oversight duties wired over one SQL store and its audit log: biometric consent and the training data register
 * (Provisions Art. 14), filings and security assessments (Art. 15, 19, 20), the emergency switch (Art. 7, 21). Each
 * write runs in a store transaction and appends its audit event there. `gateChecks` go to the publishing gate
 * (`createPlatform({ extraGateChecks })`); the routes are in src/server/routes/oversight.ts.
 */
import type { Store } from '../store/index.ts';
import type { GateCheck } from './accounts/real-name-gate.ts';
import type { AuditLog } from './audit/audit-log.ts';
import { SqlConsentStore } from './consent/consent.ts';
import { ConsentService } from './consent/consent-service.ts';
import { emergencyStopCheck } from './emergency/emergency-gate-check.ts';
import { SqlEmergencyStore } from './emergency/emergency-store.ts';
import { DEFAULT_EMERGENCY_TTL_MS, EmergencySwitch } from './emergency/emergency-switch.ts';
import { AssessmentReminders, type DueNotifier } from './filings/assessment-reminders.ts';
import { FilingsService } from './filings/filings-service.ts';
import { SqlFilingsStore } from './filings/filings-store.ts';
import type { IdentifierProtector } from './pii/protected-identifier.ts';
import { type ScreeningThresholds, TC260_THRESHOLDS } from './training-data/screening-thresholds.ts';
import { TrainingDataService } from './training-data/training-data-service.ts';
import { SqlTrainingDataStore } from './training-data/training-data-store.ts';

export interface OversightOptions {
  store: Store;
  log: AuditLog;
  protector: IdentifierProtector;
  /** How old the emergency switch state an instance acts on may be (default 1000 ms). */
  emergencyTtlMs?: number;
  /** Overrides of the TC260 corpus thresholds. */
  screeningThresholds?: Partial<ScreeningThresholds>;
  /** Assessments due within this many days are listed as due (default 30). */
  assessmentNoticeDays?: number;
  /** Who hears of due and overdue assessments (default: nobody but the audit log). */
  notifyDue?: DueNotifier;
  /** The provider's name on the public filing page. */
  providerName?: string;
  now?: () => Date;
}

export interface Oversight {
  consent: ConsentService;
  trainingData: TrainingDataService;
  filings: FilingsService;
  reminders: AssessmentReminders;
  emergency: EmergencySwitch;
  gateChecks: GateCheck[];
  providerName: string;
  /** Start the assessment reminder schedule (hourly by default). */
  startSchedules(onError: (e: unknown) => void, reminderIntervalMs?: number): void;
  /** Stop the schedules (the store is the caller's to close). */
  close(): void;
}

export function createOversight(o: OversightOptions): Oversight {
  const now = o.now ?? (() => new Date());
  const { store, log } = o;
  const filings = new FilingsService(store, new SqlFilingsStore(store.db), log, now);
  const reminders = new AssessmentReminders(
    filings,
    store,
    log,
    o.notifyDue ?? (() => {}),
    o.assessmentNoticeDays ?? 30,
  );
  const emergency = new EmergencySwitch(
    store,
    new SqlEmergencyStore(store.db),
    log,
    o.emergencyTtlMs ?? DEFAULT_EMERGENCY_TTL_MS,
    now,
  );
  const stops: (() => void)[] = [];
  return {
    consent: new ConsentService(store, new SqlConsentStore(store.db), log, o.protector, now),
    trainingData: new TrainingDataService(
      store,
      new SqlTrainingDataStore(store.db),
      log,
      { ...TC260_THRESHOLDS, ...o.screeningThresholds },
      now,
    ),
    filings,
    reminders,
    emergency,
    gateChecks: [emergencyStopCheck(emergency)],
    providerName: o.providerName ?? 'Hegui',
    startSchedules(onError, reminderIntervalMs = 3_600_000) {
      stops.push(reminders.start(reminderIntervalMs, onError));
    },
    close() {
      for (const stop of stops.splice(0)) stop();
    },
  };
}
