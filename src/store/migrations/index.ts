import { auditLog } from './0001-audit-log.ts';
import { enforcement } from './0010-enforcement.ts';
import { complaints } from './0011-complaints.ts';
import { rumours } from './0012-rumours.ts';
import { featureLibrary } from './0020-feature-library.ts';
import { reviewQueue } from './0021-review-queue.ts';
import { authorityReports } from './0022-authority-reports.ts';
import { biometricConsent } from './0701-biometric-consent.ts';
import { trainingData } from './0702-training-data.ts';
import { filings } from './0703-filings.ts';
import { emergencySwitch } from './0704-emergency-switch.ts';
import { platform } from './0800-platform.ts';
import { unlabelledDeliveries } from './0801-unlabelled-deliveries.ts';
import type { StoreMigration } from './migration.ts';

/**
 * Every migration, by name. Names sort in the order they run (Kysely refuses a new name sorting before one that
 * already ran). A slice adds `NNNN_<slice>` here; a migration that shipped is never edited, only followed.
 */
export const MIGRATIONS: Readonly<Record<string, StoreMigration>> = Object.freeze({
  '0001_audit_log': auditLog,
  '0010_enforcement': enforcement,
  '0011_complaints': complaints,
  '0012_rumours': rumours,
  '0020_feature_library': featureLibrary,
  '0021_review_queue': reviewQueue,
  '0022_authority_reports': authorityReports,
  '0701_biometric_consent': biometricConsent,
  '0702_training_data': trainingData,
  '0703_filings': filings,
  '0704_emergency_switch': emergencySwitch,
  '0800_platform': platform,
  '0801_unlabelled_deliveries': unlabelledDeliveries,
});
