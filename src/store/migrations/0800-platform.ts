import type { StoreMigration } from './migration.ts';

/**
 * Accounts, sessions, API keys, real-name verification, agreements and login throttling (src/platform/). Identity
 * numbers only as encrypted envelopes with keyed lookup hashes (see ../schema/platform-tables.ts).
 */
export const platform: StoreMigration = {
  async up(db, d) {
    const { bigint } = d.columnTypes;
    let t = db.schema
      .createTable('account')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('must_change_password', 'integer', (c) => c.notNull())
      .addColumn('totp', 'text');
    for (const p of ['mobile', 'id_number', 'real_name']) {
      t = t.addColumn(`${p}_pii`, 'text').addColumn(`${p}_lookup`, 'text');
    }
    await t
      .addColumn('uscc', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    for (const p of ['mobile', 'id_number', 'real_name']) {
      await db.schema.createIndex(`account_${p}_lookup`).on('account').column(`${p}_lookup`).execute();
    }
    await db.schema.createIndex('account_created_at').on('account').columns(['created_at', 'id']).execute();

    await db.schema
      .createTable('session')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('account.id'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('factors', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('session_account').on('session').column('account_id').execute();

    await db.schema
      .createTable('api_key')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('account.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('api_key_account').on('api_key').column('account_id').execute();

    await db.schema
      .createTable('verification_challenge')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('account.id'))
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('completed_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('display', 'text', (c) => c.notNull())
      .addColumn('resolved_at', 'text')
      .addColumn('resolved_by', 'text')
      .addColumn('failure', 'text')
      .execute();
    await db.schema
      .createIndex('verification_challenge_account')
      .on('verification_challenge')
      .columns(['account_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('verification_challenge_status')
      .on('verification_challenge')
      .columns(['status', 'created_at'])
      .execute();

    await db.schema
      .createTable('verification_record')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('account.id'))
      .addColumn('challenge_id', 'text', (c) => c.notNull().references('verification_challenge.id'))
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('evidence_ref', 'text', (c) => c.notNull())
      .addColumn('verified_at', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('verification_record_account').on('verification_record').column('account_id').execute();

    await db.schema
      .createTable('agreement_document')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('requires_acceptance', 'integer', (c) => c.notNull())
      .addColumn('published_at', 'text', (c) => c.notNull())
      .addColumn('published_by', 'text', (c) => c.notNull())
      .addColumn('template', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('agreement_document_pk', ['kind', 'version'])
      .execute();

    await db.schema
      .createTable('agreement_acceptance')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('account.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('accepted_at', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('agreement_acceptance_account')
      .on('agreement_acceptance')
      .column('account_id')
      .execute();
    await db.schema
      .createIndex('agreement_acceptance_kind')
      .on('agreement_acceptance')
      .columns(['kind', 'version'])
      .execute();

    await db.schema
      .createTable('login_failure')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('at', bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('login_failure_key').on('login_failure').columns(['key', 'at']).execute();
  },

  async down(db) {
    for (const t of [
      'login_failure',
      'agreement_acceptance',
      'agreement_document',
      'verification_record',
      'verification_challenge',
      'api_key',
      'session',
      'account',
    ]) {
      await db.schema.dropTable(t).execute();
    }
  },
};
