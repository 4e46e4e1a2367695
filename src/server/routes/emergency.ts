/** The emergency switch (Provisions Art. 7, 21): stop and resume publishing per scope; the check services call. */
import { z } from 'zod';
import { STOP_SCOPES } from '../../platform/emergency/emergency-switch.ts';
import type { Oversight } from '../../platform/oversight.ts';
import { type AnyRoute, route } from '../route.ts';
import { idParam, paging } from './schemas.ts';

const stop = z.object({
  id: z.string(),
  scope: z.object({ kind: z.enum(STOP_SCOPES), value: z.string().nullable() }),
  reason: z.string(),
  startedAt: z.string(),
  startedBy: z.string(),
  endedAt: z.string().nullable(),
  endedBy: z.string().nullable(),
  endReason: z.string().nullable(),
});
const reason = z.string().trim().min(1).max(1000);

export function emergencyRoutes(o: Oversight): AnyRoute[] {
  const sw = o.emergency;
  return [
    route({
      method: 'POST',
      url: '/api/emergency/stops',
      summary: 'Stop publishing for a scope (all, a model, a capability, a user group) on every instance',
      tags: ['emergency'],
      access: 'emergency.switch',
      body: z.object({
        scope: z.object({ kind: z.enum(STOP_SCOPES), value: z.string().trim().min(1).max(200).optional() }),
        reason,
      }),
      response: stop,
      status: 201,
      handler: ({ principal, body }) => sw.start(principal.actor, body.scope, body.reason),
    }),
    route({
      method: 'POST',
      url: '/api/emergency/stops/:id/end',
      summary: 'End a stop: publishing resumes for its scope',
      tags: ['emergency'],
      access: 'emergency.switch',
      params: idParam,
      body: z.object({ reason }),
      response: stop,
      handler: ({ principal, params, body }) => sw.end(principal.actor, params.id, body.reason),
    }),
    route({
      method: 'GET',
      url: '/api/emergency/stops',
      summary: 'Active stops and the history',
      tags: ['emergency'],
      access: 'emergency.read',
      query: paging,
      response: z.object({ active: z.array(stop), history: z.array(stop), ttlMs: z.number() }),
      handler: async ({ query }) => ({
        active: await sw.active(),
        history: await sw.history(query.limit, query.offset),
        ttlMs: sw.ttlMs,
      }),
    }),
    route({
      method: 'GET',
      url: '/api/emergency/check',
      summary: 'May this be published, as far as the switch goes? (model, capability, user group; for the gateway)',
      tags: ['emergency', 'gate'],
      access: 'gate.check',
      query: z.object({
        model: z.string().max(200).optional(),
        capability: z.string().max(200).optional(),
        group: z.union([z.string().max(200), z.array(z.string().max(200)).max(20)]).optional(),
      }),
      response: z.object({ allowed: z.boolean(), stops: z.array(stop) }),
      handler: async ({ query }) => {
        const groups = query.group === undefined ? [] : Array.isArray(query.group) ? query.group : [query.group];
        const stops = await sw.stopsFor({ model: query.model, capability: query.capability, groups });
        return { allowed: stops.length === 0, stops };
      },
    }),
  ];
}
