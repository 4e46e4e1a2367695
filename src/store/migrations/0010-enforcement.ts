import type { StoreMigration } from './migration.ts';

/** Enforcement (Provisions Art. 10): requests judged per user, actions on the ladder, notices, appeals. */
export const enforcement: StoreMigration = {
  async up(db) {
    await db.schema
      .createTable('enforcement_request')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('blocked', 'integer', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('rule', 'text')
      .addColumn('reason', 'text')
      .addColumn('function', 'text')
      .addColumn('evidence', 'text')
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('enforcement_request_account_at')
      .on('enforcement_request')
      .columns(['account_id', 'at'])
      .execute();
    await db.schema
      .createTable('enforcement_action')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('functions', 'text', (c) => c.notNull())
      .addColumn('until_at', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('rule', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('automatic', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('lifted_at', 'text')
      .addColumn('lifted_by', 'text')
      .addColumn('lift_reason', 'text')
      .execute();
    await db.schema
      .createIndex('enforcement_action_account')
      .on('enforcement_action')
      .columns(['account_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('enforcement_notice')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('action_id', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('enforcement_notice_account').on('enforcement_notice').column('account_id').execute();
    await db.schema
      .createTable('enforcement_appeal')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('action_id', 'text', (c) => c.notNull().unique())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('statement', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decision_reason', 'text')
      .execute();
  },
  async down(db) {
    for (const t of ['enforcement_appeal', 'enforcement_notice', 'enforcement_action', 'enforcement_request']) {
      await db.schema.dropTable(t).execute();
    }
  },
};
