import type { StoreMigration } from './migration.ts';

/**
 * Labelling Measures Art. 9 records copied into the tamper-evident log: which record is in which entry, so a record
 * is copied once however often its file is read (see ../schema/label-tables.ts).
 */
export const unlabelledDeliveries: StoreMigration = {
  async up(db, d) {
    await db.schema
      .createTable('unlabelled_delivery')
      .addColumn('record_id', 'text', (c) => c.primaryKey())
      .addColumn('audit_idx', d.columnTypes.bigint, (c) => c.notNull())
      .addColumn('ingested_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('unlabelled_delivery').execute();
  },
};
