/** Route registration of the governance duties (feature library, review queue, reports to authorities). */
import type { Governance } from '../../platform/governance.ts';
import type { AnyRoute } from '../route.ts';
import { authorityReportRoutes } from './authority-reports.ts';
import { featureLibraryRoutes } from './feature-library.ts';
import { reviewQueueRoutes } from './review-queue.ts';

export function governanceRoutes(g: Governance): AnyRoute[] {
  return [...featureLibraryRoutes(g.library), ...reviewQueueRoutes(g.queue), ...authorityReportRoutes(g.reports)];
}
