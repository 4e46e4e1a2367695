import type { StoreMigration } from './migration.ts';

/** The emergency switch (Art. 7, 21): stops of publishing per scope; every instance reads the active ones. */
export const emergencySwitch: StoreMigration = {
  async up(db) {
    await db.schema
      .createTable('emergency_stop')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('scope_kind', 'text', (c) => c.notNull())
      .addColumn('scope_value', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('started_by', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('ended_by', 'text')
      .addColumn('end_reason', 'text')
      .execute();
    await db.schema.createIndex('emergency_stop_active').on('emergency_stop').column('ended_at').execute();
  },
};
