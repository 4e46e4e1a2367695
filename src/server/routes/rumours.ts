/** Rumour refutation (Provisions Art. 11) and the generation log it reads: cases, notices, public lookup, export. */
import { z } from 'zod';
import { HeguiError } from '../../errors.ts';
import type { RumourService } from '../../platform/rumours/rumour-service.ts';
import { type CaseRow, LINK_KINDS } from '../../platform/rumours/sql-rumour-store.ts';
import { type AnyRoute, route } from '../route.ts';
import { idParam } from './schemas.ts';

const hex64 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 hex digest');
const ref = z.string().trim().min(1).max(200);
const link = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('content_hash'), value: hex64 }),
  z.object({ kind: z.literal('content_id'), value: ref }),
  z.object({ kind: z.literal('produce_id'), value: ref }),
]);
const caseView = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  status: z.enum(['draft', 'published']),
  notice: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
});
const viewCase = (c: CaseRow) => ({
  id: c.id,
  title: c.title,
  summary: c.summary,
  status: c.status,
  notice: c.notice,
  createdBy: c.created_by,
  createdAt: c.created_at,
  publishedAt: c.published_at,
});
const recordView = z.object({
  case: caseView,
  links: z.array(z.object({ kind: z.enum(LINK_KINDS), value: z.string() })),
  notifications: z.array(
    z.object({ accountId: z.string(), channel: z.string(), status: z.enum(['delivered', 'failed']), at: z.string() }),
  ),
});
// biome-ignore lint/suspicious/noExplicitAny: the record's rows are mapped field by field
const viewRecord = (r: any) => ({
  case: viewCase(r.case),
  links: r.links.map((l: { kind: string; value: string }) => ({ kind: l.kind, value: l.value })),
  notifications: r.notifications.map((n: { account_id: string; channel: string; status: string; at: string }) => ({
    accountId: n.account_id,
    channel: n.channel,
    status: n.status,
    at: n.at,
  })),
});

export function rumourRoutes(r: RumourService): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/generation-log',
      summary: 'Record a generation delivered to a user (account, ProduceID, content hash)',
      tags: ['rumours'],
      access: 'generation_log.write',
      status: 201,
      body: z.object({ accountId: ref, produceId: ref, contentHash: hex64, contentId: ref.optional() }),
      response: z.object({ id: z.string(), createdAt: z.string() }),
      handler: async ({ principal, body }) => {
        const g = await r.recordGeneration(principal.actor, body);
        return { id: g.id, createdAt: g.created_at };
      },
    }),
    route({
      method: 'POST',
      url: '/api/rumours',
      summary: 'Open a rumour case linking the false content (content IDs, hashes, ProduceIDs)',
      tags: ['rumours'],
      access: 'rumours.manage',
      status: 201,
      body: z.object({
        title: z.string().trim().min(1).max(200),
        summary: z.string().trim().min(1).max(5000),
        links: z.array(link).min(1).max(1000),
      }),
      response: recordView,
      handler: async ({ principal, body }) => viewRecord(await r.openCase(principal.actor, body)),
    }),
    route({
      method: 'POST',
      url: '/api/rumours/:id/publish',
      summary: 'Publish the refutation notice and notify the users who received the content',
      tags: ['rumours'],
      access: 'rumours.manage',
      params: idParam,
      body: z.object({ notice: z.string().trim().min(1).max(10_000) }),
      response: recordView,
      handler: async ({ principal, params, body }) =>
        viewRecord(await r.publish(principal.actor, params.id, body.notice)),
    }),
    route({
      method: 'POST',
      url: '/api/rumours/:id/notify',
      summary: 'Retry notifications that failed (and reach users recorded since)',
      tags: ['rumours'],
      access: 'rumours.manage',
      params: idParam,
      response: z.object({ delivered: z.number(), failed: z.number() }),
      handler: async ({ principal, params }) => r.notify(principal.actor, params.id),
    }),
    route({
      method: 'GET',
      url: '/api/rumours/:id',
      summary: 'A rumour case with its links and notifications',
      tags: ['rumours'],
      access: 'rumours.read',
      params: idParam,
      response: recordView,
      handler: async ({ params }) => viewRecord(await r.get(params.id)),
    }),
    route({
      method: 'GET',
      url: '/api/rumours/:id/export',
      summary: 'The full record of a case: links, notice, recipients from the generation log, notifications',
      tags: ['rumours'],
      access: 'rumours.read',
      params: idParam,
      response: recordView.extend({
        exportedAt: z.string(),
        recipients: z.array(
          z.object({ accountId: z.string(), produceId: z.string(), contentHash: z.string(), receivedAt: z.string() }),
        ),
      }),
      handler: async ({ params }) => {
        const e = await r.export(params.id);
        return {
          ...viewRecord(e),
          exportedAt: e.exportedAt,
          recipients: e.recipients.map((g) => ({
            accountId: g.account_id,
            produceId: g.produce_id,
            contentHash: g.content_hash,
            receivedAt: g.created_at,
          })),
        };
      },
    }),
    route({
      method: 'GET',
      url: '/api/public/rumours/lookup',
      summary: 'Refutation notices for a content ID, content hash or ProduceID (give exactly one)',
      tags: ['rumours'],
      access: 'public',
      rateLimit: true,
      query: z.object({ contentId: ref.optional(), hash: hex64.optional(), produceId: ref.optional() }),
      response: z.object({
        notices: z.array(
          z.object({ caseId: z.string(), title: z.string(), notice: z.string(), publishedAt: z.string() }),
        ),
      }),
      handler: async ({ query }) => {
        const given = [
          ['content_id', query.contentId],
          ['content_hash', query.hash],
          ['produce_id', query.produceId],
        ].filter(([, v]) => v !== undefined) as [(typeof LINK_KINDS)[number], string][];
        if (given.length !== 1) {
          throw new HeguiError('invalid_request', 'give exactly one of contentId, hash, produceId');
        }
        const [kind, value] = given[0]!;
        return {
          notices: (await r.lookup(kind, value)).map((c) => ({
            caseId: c.id,
            title: c.title,
            notice: c.notice!,
            publishedAt: c.published_at!,
          })),
        };
      },
    }),
  ];
}
