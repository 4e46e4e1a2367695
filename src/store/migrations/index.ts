import { auditLog } from './0001-audit-log.ts';
import { enforcement } from './0010-enforcement.ts';
import { complaints } from './0011-complaints.ts';
import { rumours } from './0012-rumours.ts';
import { featureLibrary } from './0020-feature-library.ts';
import { reviewQueue } from './0021-review-queue.ts';
import { authorityReports } from './0022-authority-reports.ts';
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
});
