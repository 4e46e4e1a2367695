import type { StoreMigration } from './migration.ts';

/** The training data register (Provisions Art. 14; TC260 corpus thresholds): datasets and their screenings. */
export const trainingData: StoreMigration = {
  async up(db, d) {
    const { bigint } = d.columnTypes;
    await db.schema
      .createTable('training_dataset')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('licence', 'text', (c) => c.notNull())
      .addColumn('personal_information', 'integer', (c) => c.notNull())
      .addColumn('consent_basis', 'text')
      .addColumn('item_count', bigint, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('training_screening')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dataset_id', 'text', (c) => c.notNull().references('training_dataset.id'))
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('sampled', bigint, (c) => c.notNull())
      .addColumn('illegal', bigint, (c) => c.notNull())
      .addColumn('qualified', bigint, (c) => c.notNull())
      .addColumn('performed_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('training_screening_dataset').on('training_screening').column('dataset_id').execute();
  },
};
