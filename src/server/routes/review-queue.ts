/** The human review queue over HTTP (Provisions Art. 10): enqueue, claim with an expiring lock, decide, queue ages. */
import { z } from 'zod';
import {
  DECISIONS,
  QUEUES,
  type QueueItem,
  type ReviewQueueService,
} from '../../platform/review-queue/review-queue-service.ts';
import { MAX_LISTED_HITS } from '../../review/review.ts';
import { type AnyRoute, route } from '../route.ts';

const item = z.object({
  id: z.string(),
  queue: z.string(),
  subject: z.string(),
  severity: z.number(),
  evidence: z.unknown(),
  libraryHash: z.string().nullable(),
  status: z.string(),
  createdAt: z.string(),
  deadlineAt: z.string(),
  claimedBy: z.string().nullable(),
  claimExpiresAt: z.string().nullable(),
  firstDecision: z
    .object({ decision: z.string(), reason: z.string(), policyRef: z.string(), by: z.string(), at: z.string() })
    .nullable(),
  decision: z
    .object({ decision: z.string(), reason: z.string(), policyRef: z.string(), by: z.string(), at: z.string() })
    .nullable(),
});

function out(i: QueueItem): z.infer<typeof item> {
  return {
    id: i.id,
    queue: i.queue,
    subject: i.subject,
    severity: i.severity,
    evidence: JSON.parse(i.evidence),
    libraryHash: i.library_hash,
    status: i.status,
    createdAt: i.created_at,
    deadlineAt: i.deadline_at,
    claimedBy: i.claimed_by,
    claimExpiresAt: i.claim_expires_at,
    firstDecision: i.first_decided_by
      ? {
          decision: i.first_decision ?? '',
          reason: i.first_reason ?? '',
          policyRef: i.first_policy_ref ?? '',
          by: i.first_decided_by,
          at: i.first_decided_at ?? '',
        }
      : null,
    decision: i.decided_by
      ? {
          decision: i.decision ?? '',
          reason: i.reason ?? '',
          policyRef: i.policy_ref ?? '',
          by: i.decided_by,
          at: i.decided_at ?? '',
        }
      : null,
  };
}

const hit = z.object({ severity: z.number().int().min(1).max(5) }).passthrough();
const id = z.object({ id: z.string().min(1).max(64) });

export function reviewQueueRoutes(q: ReviewQueueService): AnyRoute[] {
  const tags = ['review-queue'];
  return [
    route({
      method: 'POST',
      url: '/api/review-queue/items',
      summary: 'Put an engine "review" result, a user report or an appeal on its queue',
      tags,
      access: 'review_queue.enqueue',
      status: 201,
      body: z.object({
        queue: z.enum(QUEUES),
        subject: z.string().min(1).max(200),
        severity: z.number().int().min(1).max(5).optional(),
        result: z
          .object({
            decision: z.enum(['pass', 'review', 'block']),
            hits: z.array(hit).max(MAX_LISTED_HITS),
            suppressed: z.array(z.unknown()).optional(),
            complete: z.boolean(),
            omitted: z.object({ hits: z.number().int().min(0), suppressed: z.number().int().min(0) }).optional(),
            library: z.object({ version: z.number(), contentHash: z.string() }).nullable().optional(),
          })
          .optional(),
        details: z.record(z.string(), z.unknown()).optional(),
      }),
      response: item,
      handler: async ({ principal, body }) =>
        out(
          await q.enqueue(principal.actor, {
            ...body,
            // biome-ignore lint/suspicious/noExplicitAny: the engine's result, checked above for what the queue reads
            result: body.result ? ({ suppressed: [], ...body.result } as any) : undefined,
          }),
        ),
    }),
    route({
      method: 'GET',
      url: '/api/review-queue/queues',
      summary: "Each queue: items waiting, and its oldest item's age against its deadline",
      tags,
      access: 'review_queue.read',
      response: z.object({
        queues: z.array(
          z.object({
            queue: z.string(),
            waiting: z.number(),
            oldestAt: z.string().nullable(),
            oldestAgeHours: z.number().nullable(),
            deadlineHours: z.number(),
            overdue: z.boolean(),
          }),
        ),
      }),
      handler: async () => ({ queues: await q.stats() }),
    }),
    route({
      method: 'GET',
      url: '/api/review-queue/items',
      summary: 'Items, oldest first',
      tags,
      access: 'review_queue.read',
      query: z.object({
        queue: z.enum(QUEUES).optional(),
        status: z.enum(['open', 'second_review', 'decided']).optional(),
      }),
      response: z.object({ items: z.array(item) }),
      handler: async ({ query }) => ({ items: (await q.list(query.queue, query.status)).map(out) }),
    }),
    route({
      method: 'GET',
      url: '/api/review-queue/items/:id',
      summary: 'One item with its evidence',
      tags,
      access: 'review_queue.read',
      params: id,
      response: item,
      handler: async ({ params }) => out(await q.item(params.id)),
    }),
    route({
      method: 'POST',
      url: '/api/review-queue/items/:id/claim',
      summary: 'Claim the item (an exclusive lock that expires); 409 when another reviewer holds it',
      tags,
      access: 'review_queue.decide',
      params: id,
      response: item,
      handler: async ({ principal, params }) => out(await q.claim(principal.actor, params.id)),
    }),
    route({
      method: 'POST',
      url: '/api/review-queue/items/:id/release',
      summary: 'Give a claimed item back',
      tags,
      access: 'review_queue.decide',
      params: id,
      response: item,
      handler: async ({ principal, params }) => out(await q.release(principal.actor, params.id)),
    }),
    route({
      method: 'POST',
      url: '/api/review-queue/items/:id/decision',
      summary: 'Decide a claimed item with a reason and a policy reference (high severity goes to a second reviewer)',
      tags,
      access: 'review_queue.decide',
      params: id,
      body: z.object({
        decision: z.enum(DECISIONS),
        reason: z.string().trim().min(1).max(2000),
        policyRef: z.string().trim().min(1).max(200),
      }),
      response: item,
      handler: async ({ principal, params, body }) => out(await q.decide(principal.actor, params.id, body)),
    }),
  ];
}
