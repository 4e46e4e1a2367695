/**
 * The governance duties of Provisions Art. 10 and 11 over one SQL store and its audit log: the feature library, the
 * human review queue and reports to the authorities.
 */
import type { Store } from '../store/index.ts';
import type { AuditLog } from './audit/audit-log.ts';
import { AuthorityReportService } from './authority-reports/authority-report-service.ts';
import { SqlAuthorityReportStore } from './authority-reports/authority-report-store.ts';
import { createFeatureLibrary, type FeatureLibrarySlice } from './feature-library/create-feature-library.ts';
import type { StalenessAlert } from './feature-library/feature-library-service.ts';
import {
  DEFAULT_QUEUE_OPTIONS,
  type ReviewQueueOptions,
  ReviewQueueService,
} from './review-queue/review-queue-service.ts';
import { SqlReviewQueueStore } from './review-queue/review-queue-store.ts';

export interface Governance {
  store: Store;
  audit: AuditLog;
  library: FeatureLibrarySlice;
  queue: ReviewQueueService;
  reports: AuthorityReportService;
  close(): Promise<void>;
}

export interface GovernanceOptions {
  queue?: Partial<ReviewQueueOptions>;
  now?: () => Date;
  /** Where the weekly-update alert goes; no schedule when absent. */
  onStaleLibrary?: (a: StalenessAlert) => void;
}

export async function createGovernance(store: Store, audit: AuditLog, o: GovernanceOptions = {}): Promise<Governance> {
  const now = o.now ?? (() => new Date());
  const library = await createFeatureLibrary(store, audit, { now });
  const stop = o.onStaleLibrary ? library.startStalenessCheck(o.onStaleLibrary) : () => {};
  return {
    store,
    audit,
    library,
    queue: new ReviewQueueService(
      store,
      new SqlReviewQueueStore(),
      audit,
      { ...DEFAULT_QUEUE_OPTIONS, ...o.queue },
      now,
    ),
    reports: new AuthorityReportService(store, new SqlAuthorityReportStore(), audit, now),
    /** Stops the schedule; the store is the caller's to close. */
    close: async () => {
      stop();
    },
  };
}
