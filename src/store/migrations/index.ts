import { auditLog } from './0001-audit-log.ts';
import { biometricConsent } from './0701-biometric-consent.ts';
import { trainingData } from './0702-training-data.ts';
import { filings } from './0703-filings.ts';
import { emergencySwitch } from './0704-emergency-switch.ts';
import type { StoreMigration } from './migration.ts';

/**
 * Every migration, by name. Names sort in the order they run (Kysely refuses a new name sorting before one that
 * already ran). A slice adds `NNNN_<slice>` here; a migration that shipped is never edited, only followed.
 */
export const MIGRATIONS: Readonly<Record<string, StoreMigration>> = Object.freeze({
  '0001_audit_log': auditLog,
  '0701_biometric_consent': biometricConsent,
  '0702_training_data': trainingData,
  '0703_filings': filings,
  '0704_emergency_switch': emergencySwitch,
});
