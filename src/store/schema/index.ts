import type { AuditTables } from './audit-tables.ts';
import type { GovernanceTables } from './governance-tables.ts';
import type { LabelTables } from './label-tables.ts';
import type { OversightTables } from './oversight-tables.ts';
import type { PlatformTables } from './platform-tables.ts';

/**
 * Every table of the platform, as one Kysely database type. A slice adds its tables' interface here and its
 * migration to ../migrations/index.ts.
 */
export interface StoreSchema extends AuditTables, PlatformTables, GovernanceTables, OversightTables, LabelTables {}
