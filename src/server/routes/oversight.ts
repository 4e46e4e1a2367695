/** The oversight duties' routes in one list (consent, training data, filings, emergency switch). */
import type { Oversight } from '../../platform/oversight.ts';
import type { AnyRoute } from '../route.ts';
import { consentRoutes } from './consent.ts';
import { emergencyRoutes } from './emergency.ts';
import { filingRoutes } from './filings.ts';
import { trainingDataRoutes } from './training-data.ts';

export function oversightRoutes(o: Oversight): AnyRoute[] {
  return [...consentRoutes(o), ...trainingDataRoutes(o), ...filingRoutes(o), ...emergencyRoutes(o)];
}
