import { auditLog } from './0001-audit-log.ts';
import { platform } from './0002-platform.ts';
import type { StoreMigration } from './migration.ts';

/**
 * Every migration, by name. Names sort in the order they run (Kysely refuses a new name sorting before one that
 * already ran). A slice adds `NNNN_<slice>` here; a migration that shipped is never edited, only followed.
 */
export const MIGRATIONS: Readonly<Record<string, StoreMigration>> = Object.freeze({
  '0001_audit_log': auditLog,
  '0002_platform': platform,
});
