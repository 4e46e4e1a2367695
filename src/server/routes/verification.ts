/**
 * Real-name verification (Provisions Art. 9): the configured methods, one start route per method (its body is that
 * provider's input schema), completion by the user, manual review by reviewers, and the records.
 */
import { z } from 'zod';
import { reviewDecision } from '../../platform/accounts/verification/manual-review.ts';
import { ASSURANCE_LEVELS, VERIFICATION_METHODS } from '../../platform/accounts/verification/provider.ts';
import type { Platform } from '../../platform/platform.ts';
import { type AnyRoute, route } from '../route.ts';
import { idParam } from './schemas.ts';

const challengeView = z.object({
  id: z.string(),
  method: z.enum(VERIFICATION_METHODS),
  provider: z.string(),
  status: z.enum(['open', 'pending_review', 'verified', 'failed', 'expired']),
  completedBy: z.enum(['subject', 'reviewer']),
  expiresAt: z.string(),
  attemptsLeft: z.number().int(),
  display: z.record(z.string(), z.string()).describe('masked identifiers, a URL to continue at'),
  failure: z.string().optional(),
});

const recordView = z.object({
  id: z.string(),
  method: z.enum(VERIFICATION_METHODS),
  provider: z.string(),
  level: z.enum(ASSURANCE_LEVELS),
  evidenceRef: z.string(),
  verifiedAt: z.string(),
  subject: z.record(z.string(), z.string()).describe('masked'),
});

export function verificationRoutes(p: Platform): AnyRoute[] {
  const starts = p.realName.methods().map((provider) =>
    route({
      method: 'POST',
      url: `/api/me/verifications/${provider.method}`,
      summary: `Start real-name verification by ${provider.method} (${provider.name})`,
      tags: ['verification'],
      access: 'self.verify',
      rateLimit: true,
      status: 201,
      body: provider.inputSchema as z.ZodType<unknown>,
      response: challengeView,
      handler: ({ principal, body }) => p.realName.start(principal.actor, principal.account.id, provider.method, body),
    }),
  );
  return [
    route({
      method: 'GET',
      url: '/api/verification/methods',
      summary: 'The real-name verification methods this server offers',
      tags: ['verification'],
      access: 'public',
      rateLimit: true,
      response: z.object({
        methods: z.array(
          z.object({
            method: z.enum(VERIFICATION_METHODS),
            provider: z.string(),
            level: z.enum(ASSURANCE_LEVELS),
            start: z.string().describe('path to POST the input to'),
          }),
        ),
      }),
      handler: async () => ({
        methods: p.realName.methods().map((m) => ({
          method: m.method,
          provider: m.name,
          level: m.level,
          start: `/api/me/verifications/${m.method}`,
        })),
      }),
    }),
    ...starts,
    route({
      method: 'POST',
      url: '/api/me/verifications/:id/complete',
      summary: 'Complete a verification: the SMS code, or nothing to ask a service for its result',
      tags: ['verification'],
      access: 'self.verify',
      rateLimit: true,
      params: idParam,
      body: z.record(z.string(), z.unknown()).default({}),
      response: challengeView,
      handler: ({ principal, params, body }) =>
        p.realName.complete(principal.actor, principal.account.id, params.id, body),
    }),
    route({
      method: 'GET',
      url: '/api/me/verifications',
      summary: 'Own verification challenges and records',
      tags: ['verification'],
      access: 'self.verify',
      response: z.object({ challenges: z.array(challengeView), records: z.array(recordView) }),
      handler: async ({ principal }) => ({
        challenges: await p.realName.challenges(principal.account.id),
        records: await p.realName.records(principal.account.id),
      }),
    }),
    route({
      method: 'GET',
      url: '/api/verification/reviews',
      summary: 'Manual verifications waiting for a reviewer',
      tags: ['verification'],
      access: 'verification.review',
      response: z.object({ reviews: z.array(challengeView.extend({ accountId: z.string() })) }),
      handler: async () => ({ reviews: await p.realName.pendingReviews() }),
    }),
    route({
      method: 'POST',
      url: '/api/verification/reviews/:id',
      summary: 'Approve or reject a manual verification',
      tags: ['verification'],
      access: 'verification.review',
      params: idParam,
      body: reviewDecision,
      response: challengeView,
      handler: ({ principal, params, body }) => p.realName.resolveReview(principal.actor, params.id, body),
    }),
    route({
      method: 'GET',
      url: '/api/users/:id/verifications',
      summary: "An account's verification records",
      tags: ['verification'],
      access: 'verification.read',
      params: idParam,
      response: z.object({ records: z.array(recordView) }),
      handler: async ({ params }) => ({ records: await p.realName.records(params.id) }),
    }),
  ];
}
