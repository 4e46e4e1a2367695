import type { StoreMigration } from './migration.ts';

/** Complaints and reports (Provisions Art. 12): received publicly, answered against a working-day deadline. */
export const complaints: StoreMigration = {
  async up(db) {
    await db.schema
      .createTable('complaint')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('receipt', 'text', (c) => c.notNull().unique())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('subject_ref', 'text')
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('escalate_at', 'text', (c) => c.notNull())
      .addColumn('escalated_at', 'text')
      .addColumn('overdue_at', 'text')
      .addColumn('answer', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('answered_by', 'text')
      .execute();
    await db.schema.createIndex('complaint_status_due').on('complaint').columns(['status', 'due_at']).execute();
    await db.schema.createIndex('complaint_received').on('complaint').column('received_at').execute();
  },
  async down(db) {
    await db.schema.dropTable('complaint').execute();
  },
};
