/** The routes of the duty slices (src/platform/duty-slices.ts). */
import type { DutySlices } from '../../platform/duty-slices.ts';
import type { AnyRoute } from '../route.ts';
import { complaintRoutes } from './complaints.ts';
import { enforcementRoutes } from './enforcement.ts';
import { rumourRoutes } from './rumours.ts';

export function dutyRoutes(d: DutySlices): AnyRoute[] {
  return [...enforcementRoutes(d.enforcement), ...complaintRoutes(d.complaints), ...rumourRoutes(d.rumours)];
}
