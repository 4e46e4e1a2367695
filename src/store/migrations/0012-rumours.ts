import type { StoreMigration } from './migration.ts';

/**
 * The generation log (who received which generated content: Provisions Art. 16) and rumour refutation cases
 * (Art. 11): the false content they link, the published notice, the notifications sent.
 */
export const rumours: StoreMigration = {
  async up(db) {
    await db.schema
      .createTable('generation_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('produce_id', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('content_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    for (const col of ['produce_id', 'content_hash', 'content_id'] as const) {
      await db.schema.createIndex(`generation_log_${col}`).on('generation_log').column(col).execute();
    }
    await db.schema
      .createTable('rumour_case')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('notice', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('published_by', 'text')
      .addColumn('published_at', 'text')
      .execute();
    await db.schema
      .createTable('rumour_link')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('rumour_case.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rumour_link_value').on('rumour_link').columns(['kind', 'value']).execute();
    await db.schema
      .createTable('rumour_notification')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('rumour_case.id'))
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rumour_notification_case').on('rumour_notification').column('case_id').execute();
  },
  async down(db) {
    for (const t of ['rumour_notification', 'rumour_link', 'rumour_case', 'generation_log']) {
      await db.schema.dropTable(t).execute();
    }
  },
};
