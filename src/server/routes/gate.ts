/** The publishing gate (Provisions Art. 8, 9): may this account publish now, and if not, why. */
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { type AnyRoute, route } from '../route.ts';

const decision = z.object({
  allowed: z.boolean(),
  accountId: z.string(),
  refusals: z.array(
    z.object({ code: z.string().describe('stable code, e.g. real_name_required'), message: z.string() }),
  ),
  checkedAt: z.string(),
});

/** Which function is asked for (Art. 10 restrictions are per function); `publish` when absent. */
const fnQuery = z.object({
  function: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/)
    .default('publish'),
});

export function gateRoutes(p: Platform): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/me/gate',
      summary: 'May I publish? (real-name verification, accepted agreements, account status)',
      tags: ['gate'],
      access: 'self.gate',
      query: fnQuery,
      response: decision,
      handler: ({ principal, query }) => p.gate.check(principal.account.id, query.function),
    }),
    route({
      method: 'GET',
      url: '/api/gate/:accountId',
      summary: 'May this account publish? (for services: an API key with the scope gate.check)',
      tags: ['gate'],
      access: 'gate.check',
      params: z.object({ accountId: z.string().min(1).max(64) }),
      query: fnQuery,
      response: decision,
      handler: ({ params, query }) => p.gate.check(params.accountId, query.function),
    }),
  ];
}
