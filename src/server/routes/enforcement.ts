/** Enforcement (Provisions Art. 10): judged requests, the ladder's actions, notices to the user, appeals. */
import { z } from 'zod';
import { LEVELS, SEVERITIES } from '../../platform/enforcement/enforcement-policy.ts';
import type { EnforcementService } from '../../platform/enforcement/enforcement-service.ts';
import type { ActionRow, AppealRow } from '../../platform/enforcement/sql-enforcement-store.ts';
import { type AnyRoute, route } from '../route.ts';
import { idParam } from './schemas.ts';

const fnName = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
const actionView = z.object({
  id: z.string(),
  accountId: z.string(),
  level: z.enum(LEVELS),
  functions: z.array(z.string()),
  until: z.string().nullable(),
  reason: z.string(),
  evidence: z.unknown(),
  rule: z.string(),
  actor: z.string(),
  automatic: z.boolean(),
  createdAt: z.string(),
  liftedAt: z.string().nullable(),
  liftReason: z.string().nullable(),
});
const viewAction = (a: ActionRow) => ({
  id: a.id,
  accountId: a.account_id,
  level: a.level,
  functions: JSON.parse(a.functions),
  until: a.until_at,
  reason: a.reason,
  evidence: JSON.parse(a.evidence),
  rule: a.rule,
  actor: a.actor,
  automatic: a.automatic === 1,
  createdAt: a.created_at,
  liftedAt: a.lifted_at,
  liftReason: a.lift_reason,
});
const appealView = z.object({
  id: z.string(),
  actionId: z.string(),
  accountId: z.string(),
  statement: z.string(),
  status: z.enum(['open', 'upheld', 'overturned']),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  decisionReason: z.string().nullable(),
});
const viewAppeal = (a: AppealRow) => ({
  id: a.id,
  actionId: a.action_id,
  accountId: a.account_id,
  statement: a.statement,
  status: a.status,
  createdAt: a.created_at,
  decidedAt: a.decided_at,
  decisionReason: a.decision_reason,
});
const standingView = z.object({
  accountId: z.string(),
  closed: z.boolean(),
  suspendedUntil: z.string().nullable(),
  restrictedFunctions: z.array(z.string()),
  points: z.number(),
  streak: z.number(),
});
const text = (max: number) => z.string().trim().min(1).max(max);

export function enforcementRoutes(e: EnforcementService): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/enforcement/requests',
      summary: "Record one of a user's requests as blocked (a strike) or clean; may take the ladder's next action",
      tags: ['enforcement'],
      access: 'enforcement.strike',
      status: 201,
      body: z.object({
        accountId: text(64),
        blocked: z.boolean(),
        severity: z.enum(SEVERITIES).default('low'),
        rule: text(200).optional(),
        reason: text(1000).optional(),
        function: fnName.optional(),
        evidence: z.unknown().optional(),
      }),
      response: z.object({
        requestId: z.string(),
        points: z.number(),
        streak: z.number(),
        action: actionView.nullable(),
      }),
      handler: async ({ principal, body }) => {
        const r = await e.recordRequest(principal.actor, body);
        return {
          requestId: r.request.id,
          points: r.points,
          streak: r.streak,
          action: r.action ? viewAction(r.action) : null,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/enforcement/actions',
      summary: 'Take an action by hand: warning, restriction (functions), suspension (until), closure',
      tags: ['enforcement'],
      access: 'enforcement.act',
      status: 201,
      body: z.object({
        accountId: text(64),
        level: z.enum(LEVELS),
        functions: z.array(fnName).max(20).optional(),
        until: z.iso.datetime().optional(),
        reason: text(1000),
        evidence: z.unknown(),
        rule: text(200),
      }),
      response: actionView,
      handler: async ({ principal, body }) =>
        viewAction(
          await e.takeAction(principal.actor, {
            ...body,
            ...(body.until ? { until: new Date(body.until).toISOString() } : {}),
          }),
        ),
    }),
    route({
      method: 'POST',
      url: '/api/enforcement/actions/:id/lift',
      summary: 'Lift an action',
      tags: ['enforcement'],
      access: 'enforcement.act',
      params: idParam,
      body: z.object({ reason: text(1000) }),
      response: actionView,
      handler: async ({ principal, params, body }) =>
        viewAction(await e.liftAction(principal.actor, params.id, body.reason)),
    }),
    route({
      method: 'GET',
      url: '/api/enforcement/accounts/:id',
      summary: "An account's standing, actions and notices",
      tags: ['enforcement'],
      access: 'enforcement.read',
      params: idParam,
      response: z.object({ standing: standingView, actions: z.array(actionView) }),
      handler: async ({ params }) => ({
        standing: await e.standing(params.id),
        actions: (await e.actionsOf(params.id)).map(viewAction),
      }),
    }),
    route({
      method: 'GET',
      url: '/api/enforcement/appeals',
      summary: 'Appeals against actions (filter by status)',
      tags: ['enforcement'],
      access: 'enforcement.read',
      query: z.object({ status: z.enum(['open', 'upheld', 'overturned']).optional() }),
      response: z.object({ appeals: z.array(appealView) }),
      handler: async ({ query }) => ({ appeals: (await e.appeals(query.status)).map(viewAppeal) }),
    }),
    route({
      method: 'POST',
      url: '/api/enforcement/appeals/:id/decision',
      summary: 'Decide an appeal: upheld, or overturned (lifts the action)',
      tags: ['enforcement'],
      access: 'enforcement.appeals',
      params: idParam,
      body: z.object({ outcome: z.enum(['upheld', 'overturned']), reason: text(1000) }),
      response: appealView,
      handler: async ({ principal, params, body }) =>
        viewAppeal(await e.decideAppeal(principal.actor, params.id, body.outcome, body.reason)),
    }),
    route({
      method: 'GET',
      url: '/api/me/enforcement',
      summary: 'My standing, the actions taken on my account and the notices about them',
      tags: ['enforcement'],
      access: 'self.enforcement',
      response: z.object({
        standing: standingView,
        actions: z.array(actionView),
        notices: z.array(
          z.object({ id: z.string(), actionId: z.string(), message: z.string(), createdAt: z.string() }),
        ),
      }),
      handler: async ({ principal }) => {
        const id = principal.account.id;
        return {
          standing: await e.standing(id),
          actions: (await e.actionsOf(id)).map(viewAction),
          notices: (await e.noticesOf(id)).map((n) => ({
            id: n.id,
            actionId: n.action_id,
            message: n.message,
            createdAt: n.created_at,
          })),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/me/enforcement/actions/:id/appeal',
      summary: 'Appeal an action on my account (one appeal per action)',
      tags: ['enforcement'],
      access: 'self.enforcement',
      status: 201,
      params: idParam,
      body: z.object({ statement: text(4000) }),
      response: appealView,
      handler: async ({ principal, params, body }) =>
        viewAppeal(await e.appeal(principal.actor, params.id, body.statement)),
    }),
  ];
}
