import type { StoreMigration } from './migration.ts';

/** Biometric consent records (Provisions Art. 14): who may edit whose face or voice, for what, until when. */
export const biometricConsent: StoreMigration = {
  async up(db) {
    await db.schema
      .createTable('biometric_consent')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subject_ref', 'text', (c) => c.notNull())
      .addColumn('subject_id_number_enc', 'text')
      .addColumn('subject_id_number_hash', 'text')
      .addColumn('grantee', 'text', (c) => c.notNull())
      .addColumn('modalities', 'text', (c) => c.notNull())
      .addColumn('uses', 'text', (c) => c.notNull())
      .addColumn('evidence_sha256', 'text', (c) => c.notNull())
      .addColumn('evidence_ref', 'text', (c) => c.notNull())
      .addColumn('granted_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_reason', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('biometric_consent_subject').on('biometric_consent').column('subject_ref').execute();
    await db.schema
      .createIndex('biometric_consent_id_number')
      .on('biometric_consent')
      .column('subject_id_number_hash')
      .execute();
  },
};
