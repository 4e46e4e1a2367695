/** The audit slice's factory: the log with its key and checkpoint policy, the retention job, legal holds. */
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_DATA_DIR, type Store } from '../../store/index.ts';
import { AuditLog, type CheckpointPolicy } from './audit-log.ts';
import { LegalHolds } from './legal-holds.ts';
import { RetentionJob } from './retention-job.ts';
import { type RetentionConfig, RetentionPolicy } from './retention-policy.ts';
import { loadSigningKey } from './signing-key.ts';
import { SqlAuditStore } from './sql-audit-store.ts';

export const SIGNING_KEY_FILE_NAME = 'audit-signing-key.pem';

export interface AuditLogOptions {
  /** The checkpoint signing key (PEM); default: audit-signing-key.pem in the data folder. null: sign nothing here. */
  signingKeyFile?: string | null;
  /** Generate the key when the file does not exist (default true: a server's first start). */
  createSigningKey?: boolean;
  checkpoint?: Partial<CheckpointPolicy>;
  /** Per record type; refused when under the legal minimum of 6 months. */
  retention?: RetentionConfig;
  /** The clock (tests). */
  now?: () => Date;
}

export interface AuditSlice {
  log: AuditLog;
  retention: RetentionJob;
  holds: LegalHolds;
}

/** Next to the SQLite file, or under ./data when the store is PostgreSQL. */
export function defaultSigningKeyFile(store: Store): string {
  return store.dialect.name === 'sqlite'
    ? join(dirname(store.location), SIGNING_KEY_FILE_NAME)
    : resolve(DEFAULT_DATA_DIR, SIGNING_KEY_FILE_NAME);
}

/**
 * Start the audit slice on a migrated store: check the retention configuration (refusing one under the legal minimum),
 * load or create the signing key, and record its public key (a logged event the first time the key is seen).
 */
export async function createAuditLog(store: Store, opts: AuditLogOptions = {}): Promise<AuditSlice> {
  const policy = new RetentionPolicy(opts.retention);
  const file = opts.signingKeyFile === undefined ? defaultSigningKeyFile(store) : opts.signingKeyFile;
  const signer = file === null ? null : loadSigningKey(file, { create: opts.createSigningKey !== false });
  const now = opts.now ?? (() => new Date());
  const checkpoint: CheckpointPolicy = {
    everyEntries: Math.max(1, Math.floor(opts.checkpoint?.everyEntries ?? 1000)),
    everySeconds: Math.max(1, opts.checkpoint?.everySeconds ?? 60),
  };
  const sql = new SqlAuditStore(store.db, store.dialect);
  const log = new AuditLog(store, sql, signer, checkpoint, now);
  if (signer) {
    await store.transaction(async (trx) => {
      const key = { keyId: signer.keyId, algorithm: signer.algorithm, publicKey: signer.publicKeyPem };
      if (await sql.addPublicKey(trx, { ...key, addedAt: now().toISOString() })) {
        await log.append(trx, {
          type: 'audit.signing_key.added',
          actor: 'system:startup',
          subject: null,
          payload: key,
        });
      }
    });
  }
  return { log, retention: new RetentionJob(store, log, policy), holds: new LegalHolds(store, log) };
}
