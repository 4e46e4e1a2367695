import type { StoreMigration } from './migration.ts';

/** Models and templates, their capabilities, security assessments and algorithm filings (Art. 15, 19, 20). */
export const filings: StoreMigration = {
  async up(db) {
    await db.schema
      .createTable('filing_model')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('filing_capability')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('model_id', 'text', (c) => c.notNull().references('filing_model.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('flags', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('filing_capability_model_name', ['model_id', 'name'])
      .execute();
    await db.schema
      .createTable('security_assessment')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('model_id', 'text', (c) => c.notNull().references('filing_model.id'))
      .addColumn('covers', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('assessor', 'text', (c) => c.notNull())
      .addColumn('report_ref', 'text', (c) => c.notNull())
      .addColumn('conducted_at', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('security_assessment_due').on('security_assessment').column('due_at').execute();
    await db.schema
      .createTable('algorithm_filing')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('model_id', 'text', (c) => c.notNull().references('filing_model.id'))
      .addColumn('filing_number', 'text', (c) => c.notNull().unique())
      .addColumn('info_url', 'text', (c) => c.notNull())
      .addColumn('public_name', 'text', (c) => c.notNull())
      .addColumn('filed_at', 'text', (c) => c.notNull())
      .addColumn('withdrawn_at', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};
