/** The feature library slice's factory: SQL store, holder, service, and the weekly-update check. */
import type { Store } from '../../store/index.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { FeatureLibraryService, type StalenessAlert } from './feature-library-service.ts';
import { SqlFeatureLibraryStore } from './feature-library-store.ts';
import { LibraryHolder } from './library-holder.ts';

export interface FeatureLibrarySlice {
  service: FeatureLibraryService;
  /** Runs the staleness check now and then every `everyMs`; `onAlert` gets each alert. Returns a stop function. */
  startStalenessCheck(onAlert: (a: StalenessAlert) => void, everyMs?: number): () => void;
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
    startStalenessCheck(onAlert, everyMs = 3_600_000) {
      const tick = () => {
        // Another instance may have published: pick its version up, then check the age.
        void service
          .sync()
          .then(() => service.staleness())
          .then((a) => {
            if (a.alert) onAlert(a);
          })
          .catch(() => {});
      };
      tick();
      const timer = setInterval(tick, everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
