import type { StoreMigration } from './migration.ts';

/** Feature library governance (Provisions Art. 10): immutable versions, proposals, publications, the served head. */
export const featureLibrary: StoreMigration = {
  async up(db, d) {
    const { bigint } = d.columnTypes;
    await db.schema
      .createTable('feature_library_head')
      .addColumn('library', 'text', (c) => c.primaryKey())
      .addColumn('current_hash', 'text', (c) => c.notNull())
      .addColumn('seq', bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('feature_library_proposal')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('library', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('base_hash', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('proposed_by', 'text', (c) => c.notNull())
      .addColumn('proposed_at', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('published_hash', 'text')
      .execute();
    await db.schema
      .createTable('feature_library_version')
      .addColumn('content_hash', 'text', (c) => c.primaryKey())
      .addColumn('library', 'text', (c) => c.notNull())
      .addColumn('version', bigint, (c) => c.notNull())
      .addColumn('parent', 'text')
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('proposal_id', 'text', (c) => c.notNull().references('feature_library_proposal.id'))
      .addUniqueConstraint('feature_library_version_number', ['library', 'version'])
      .execute();
    await db.schema
      .createTable('feature_library_publication')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('library', 'text', (c) => c.notNull())
      .addColumn('seq', bigint, (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull().references('feature_library_version.content_hash'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('proposal_id', 'text', (c) => c.notNull())
      .addColumn('published_by', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('feature_library_publication_seq', ['library', 'seq'])
      .execute();
  },
};
