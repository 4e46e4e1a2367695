import type { StoreMigration } from './migration.ts';

/** The human review queue (Provisions Art. 10): engine "review" decisions, user reports, appeals. */
export const reviewQueue: StoreMigration = {
  async up(db, d) {
    const { bigint } = d.columnTypes;
    await db.schema
      .createTable('review_queue_item')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('severity', bigint, (c) => c.notNull())
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('library_hash', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('deadline_at', 'text', (c) => c.notNull())
      .addColumn('claimed_by', 'text')
      .addColumn('claim_expires_at', 'text')
      .addColumn('first_decision', 'text')
      .addColumn('first_reason', 'text')
      .addColumn('first_policy_ref', 'text')
      .addColumn('first_decided_by', 'text')
      .addColumn('first_decided_at', 'text')
      .addColumn('decision', 'text')
      .addColumn('reason', 'text')
      .addColumn('policy_ref', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .execute();
    await db.schema
      .createIndex('review_queue_item_open')
      .on('review_queue_item')
      .columns(['queue', 'status', 'created_at'])
      .execute();
  },
};
