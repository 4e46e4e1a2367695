import type { StoreMigration } from './migration.ts';

/** Reports to the authorities (Provisions Art. 10, 11): what, when, to whom, reference number. */
export const authorityReports: StoreMigration = {
  async up(db) {
    await db.schema
      .createTable('authority_report')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('authority', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('reference_number', 'text')
      .addColumn('reported_at', 'text', (c) => c.notNull())
      .addColumn('related', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('authority_report_reported_at').on('authority_report').column('reported_at').execute();
  },
};
