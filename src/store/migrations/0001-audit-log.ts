import { randomUUID } from 'node:crypto';
import type { StoreMigration } from './migration.ts';

/** The tamper-evident log: entries, the head row, the interior-node cache, checkpoints, keys, legal holds. */
export const auditLog: StoreMigration = {
  async up(db, d) {
    const { bigint, binary } = d.columnTypes;
    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('log_id', 'text', (c) => c.notNull())
      .addColumn('tree_size', bigint, (c) => c.notNull())
      .addColumn('frontier', binary, (c) => c.notNull())
      .addColumn('last_logged_at', 'text')
      .execute();
    await db
      .insertInto('audit_head')
      .values({ id: 1, log_id: randomUUID(), tree_size: 0, frontier: Buffer.alloc(0), last_logged_at: null })
      .execute();

    // On SQLite an INTEGER PRIMARY KEY is the rowid itself: entries are stored in index order with no second B-tree.
    await db.schema
      .createTable('audit_entry')
      .addColumn('idx', bigint, (c) => c.primaryKey())
      .addColumn('logged_at', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('payload', 'text')
      .addColumn('payload_sha256', binary, (c) => c.notNull())
      .addColumn('leaf_hash', binary, (c) => c.notNull())
      .addColumn('purged_at', 'text')
      .execute();
    await db.schema.createIndex('audit_entry_logged_at').on('audit_entry').column('logged_at').execute();

    await db.schema
      .createTable('audit_node')
      .addColumn('pos', bigint, (c) => c.primaryKey())
      .addColumn('hash', binary, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_signing_key')
      .addColumn('key_id', 'text', (c) => c.primaryKey())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('added_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_checkpoint')
      .addColumn('tree_size', bigint, (c) => c.primaryKey())
      .addColumn('root_hash', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull().references('audit_signing_key.key_id'))
      .addColumn('signature', binary, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_legal_hold')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subject', 'text')
      .addColumn('type', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('placed_at', 'text', (c) => c.notNull())
      .addColumn('placed_by', 'text', (c) => c.notNull())
      .addColumn('released_at', 'text')
      .addColumn('released_by', 'text')
      .execute();
  },

  async down(db) {
    for (const t of ['audit_legal_hold', 'audit_checkpoint', 'audit_signing_key', 'audit_node', 'audit_entry']) {
      await db.schema.dropTable(t).execute();
    }
    await db.schema.dropTable('audit_head').execute();
  },
};
