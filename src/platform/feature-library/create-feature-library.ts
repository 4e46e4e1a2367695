/** The feature library slice's factory: SQL store, holder, service, and the weekly-update check. */
import type { Store } from '../../store/index.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { FeatureLibraryService, type StalenessAlert } from './feature-library-service.ts';
import { SqlFeatureLibraryStore } from './feature-library-store.ts';
import { LibraryHolder } from './library-holder.ts';

export interface FeatureLibrarySlice {
  service: FeatureLibraryService;
  /**
   * Runs the weekly-update check now and then every `everyMs` (`onAlert` gets each alert), and loads versions other
   * instances published every `syncEveryMs`. Returns a stop function.
   */
  startStalenessCheck(onAlert: (a: StalenessAlert) => void, everyMs?: number, syncEveryMs?: number): () => void;
}

export async function createFeatureLibrary(
  store: Store,
  audit: AuditLog,
  o: { library?: string; now?: () => Date } = {},
): Promise<FeatureLibrarySlice> {
  const library = o.library ?? 'default';
  const service = new FeatureLibraryService(
    store,
    new SqlFeatureLibraryStore(),
    audit,
    new LibraryHolder(library),
    library,
    o.now ?? (() => new Date()),
  );
  await service.sync();
  return {
    service,
    startStalenessCheck(onAlert, everyMs = 3_600_000, syncEveryMs = 30_000) {
      const check = () => {
        void service
          .staleness()
          .then((a) => {
            if (a.alert) onAlert(a);
          })
          .catch(() => {});
      };
      // Another instance on the same database may have published: load its version (compiled, then swapped).
      const sync = () => void service.sync().catch(() => {});
      check();
      const timers = [setInterval(check, everyMs), setInterval(sync, syncEveryMs)];
      for (const t of timers) t.unref();
      return () => {
        for (const t of timers) clearInterval(t);
      };
    },
  };
}
