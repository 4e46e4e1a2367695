/**
 * The one place that chooses the storage: PostgreSQL when `databaseUrl` (HEGUI_DATABASE_URL) is set, else the SQLite
 * file `<dataDir>/hegui.sqlite` (created on first start). Migrates, starts the tamper-evident log (its signing key next
 * to the SQLite file, or in the data folder), the checkpoint schedule and the retention job; closing the stores stops
 * both before the database closes.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { type AuditSlice, createAuditLog, SIGNING_KEY_FILE_NAME } from '../platform/audit/create-audit-log.ts';
import { createSqlStores } from '../platform/sql-platform-stores.ts';
import type { PlatformStores } from '../platform/stores.ts';
import { openStore, requireMigrated, type Store } from '../store/index.ts';
import type { ServerConfig } from './config.ts';

export interface PlatformStorage {
  store: Store;
  audit: AuditSlice;
  stores: PlatformStores;
}

export async function openStores(config: ServerConfig, log: Logger): Promise<PlatformStorage> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // A server's commits must not wait for SQLite's checkpoints: they run on a thread of their own.
  const store = openStore(
    config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir, checkpoint: 'background' },
  );
  try {
    const report = await requireMigrated(store.db, store.dialect);
    for (const r of report.results) log.info({ migration: r.name, status: r.status }, 'database migration');
    const audit = await createAuditLog(store, {
      signingKeyFile: join(dataDir, SIGNING_KEY_FILE_NAME),
      checkpoint: {
        everyEntries: config.audit.checkpointEveryEntries,
        everySeconds: config.audit.checkpointEverySeconds,
      },
      retention: config.audit.retention,
    });
    const stopCheckpoints = audit.log.startCheckpointSchedule((e) => log.error({ err: e }, 'checkpoint failed'));
    const retention = setInterval(() => {
      audit.retention
        .run('system:retention')
        .then((r) => r.purged > 0 && log.info({ purged: r.purged }, 'retention: payloads purged'))
        .catch((e: unknown) => log.error({ err: e }, 'retention job failed'));
    }, config.audit.retentionEveryMinutes * 60_000);
    retention.unref();
    const stores = createSqlStores(store, audit.log, {
      onClose: () => {
        stopCheckpoints();
        clearInterval(retention);
      },
    });
    log.info({ storage: store.dialect.name, location: store.location }, 'storage ready');
    return { store, audit, stores };
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
}
