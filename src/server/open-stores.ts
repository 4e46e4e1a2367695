/**
 * The one place that chooses the storage. For now the in-memory stores (nothing survives a restart); the SQLite
 * default under `dataDir` and PostgreSQL for `databaseUrl` replace them here when src/store/ is wired in.
 */
import type { Logger } from 'pino';
import { createInMemoryStores, type PlatformStores } from '../platform/stores.ts';
import type { ServerConfig } from './config.ts';

export async function openStores(config: ServerConfig, log: Logger): Promise<PlatformStores> {
  if (config.databaseUrl) log.warn('HEGUI_DATABASE_URL is set but this build keeps its data in memory; it is not used');
  log.warn({ storage: 'memory' }, 'storage: in memory — accounts, sessions and records are lost when the server stops');
  return createInMemoryStores();
}
