/** Complaints and reports (Provisions Art. 12): the public form, status page and process; staff handling; statistics. */
import { z } from 'zod';
import { CATEGORY_KEYS, processDocument } from '../../platform/complaints/complaint-policy.ts';
import type { ComplaintService } from '../../platform/complaints/complaint-service.ts';
import type { ComplaintRow } from '../../platform/complaints/sql-complaint-store.ts';
import { type AnyRoute, route } from '../route.ts';
import { idParam, paging } from './schemas.ts';

const publicView = z.object({
  receipt: z.string(),
  category: z.enum(CATEGORY_KEYS),
  status: z.enum(['open', 'answered']),
  receivedAt: z.string(),
  dueAt: z.string(),
  answer: z.string().nullable(),
  answeredAt: z.string().nullable(),
});
const staffView = publicView.extend({
  id: z.string(),
  subjectRef: z.string().nullable(),
  description: z.string(),
  escalateAt: z.string(),
  escalatedAt: z.string().nullable(),
  overdueAt: z.string().nullable(),
  answeredBy: z.string().nullable(),
});
const viewPublic = (c: ComplaintRow) => ({
  receipt: c.receipt,
  category: c.category,
  status: c.status,
  receivedAt: c.received_at,
  dueAt: c.due_at,
  answer: c.answer,
  answeredAt: c.answered_at,
});
const viewStaff = (c: ComplaintRow) => ({
  ...viewPublic(c),
  id: c.id,
  subjectRef: c.subject_ref,
  description: c.description,
  escalateAt: c.escalate_at,
  escalatedAt: c.escalated_at,
  overdueAt: c.overdue_at,
  answeredBy: c.answered_by,
});
const receipt = z.string().regex(/^TS-\d{8}-[0-9A-Z]{8}$/);

export function complaintRoutes(c: ComplaintService): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/public/complaints/process',
      summary: 'The published complaint process, categories and deadlines (Art. 12)',
      tags: ['complaints'],
      access: 'public',
      rateLimit: true,
      response: z.object({
        title: z.string(),
        steps: z.array(z.string()),
        deadlines: z.array(z.object({ category: z.string(), name: z.string(), deadline: z.string() })),
        counting: z.string(),
        contact: z.string(),
      }),
      handler: async () => processDocument(c.policy),
    }),
    route({
      method: 'POST',
      url: '/api/public/complaints',
      summary: 'Submit a complaint or report without an account; returns a receipt number and a secret token',
      tags: ['complaints'],
      access: 'public',
      status: 201,
      rateLimit: c.policy.submitLimit ?? true,
      body: z.object({
        category: z.enum(CATEGORY_KEYS),
        description: z.string().trim().min(5).max(5000),
        subjectRef: z.string().trim().min(1).max(500).optional(),
      }),
      response: publicView.extend({
        token: z.string().describe('shown once: send it as the x-complaint-token header to read the status'),
      }),
      handler: async ({ body }) => {
        const r = await c.submit(body);
        return { ...viewPublic(r.complaint), token: r.token };
      },
    }),
    route({
      method: 'GET',
      url: '/api/public/complaints/:receipt',
      summary: "The complainant's status page: status, due time and the answer (header x-complaint-token)",
      tags: ['complaints'],
      access: 'public',
      rateLimit: true,
      params: z.object({ receipt }),
      response: publicView,
      handler: async ({ params, req }) => {
        const token = req.headers['x-complaint-token'];
        return viewPublic(await c.status(params.receipt, typeof token === 'string' ? token : ''));
      },
    }),
    route({
      method: 'GET',
      url: '/api/complaints',
      summary: 'Complaints, soonest due first',
      tags: ['complaints'],
      access: 'complaints.read',
      query: paging.extend({ status: z.enum(['open', 'answered']).optional() }),
      response: z.object({ complaints: z.array(staffView) }),
      handler: async ({ query }) => ({ complaints: (await c.list(query)).map(viewStaff) }),
    }),
    route({
      method: 'GET',
      url: '/api/complaints/stats',
      summary: 'Received, answered in time, answered late, open, overdue (received in [from, to))',
      tags: ['complaints'],
      access: 'complaints.read',
      query: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
      response: z.object({
        from: z.string(),
        to: z.string(),
        received: z.number(),
        answered: z.number(),
        answeredInTime: z.number(),
        answeredLate: z.number(),
        open: z.number(),
        overdue: z.number(),
        byCategory: z.record(z.string(), z.number()),
      }),
      handler: async ({ query }) => c.stats(new Date(query.from).toISOString(), new Date(query.to).toISOString()),
    }),
    route({
      method: 'GET',
      url: '/api/complaints/:id',
      summary: 'One complaint',
      tags: ['complaints'],
      access: 'complaints.read',
      params: idParam,
      response: staffView,
      handler: async ({ params }) => viewStaff(await c.get(params.id)),
    }),
    route({
      method: 'POST',
      url: '/api/complaints/:id/answer',
      summary: 'Answer the complainant (shown on their status page)',
      tags: ['complaints'],
      access: 'complaints.handle',
      params: idParam,
      body: z.object({ answer: z.string().trim().min(1).max(5000) }),
      response: staffView,
      handler: async ({ principal, params, body }) =>
        viewStaff(await c.answer(principal.actor, params.id, body.answer)),
    }),
    route({
      method: 'POST',
      url: '/api/complaints/escalation/run',
      summary: 'Run the escalation check now (it also runs on a schedule)',
      tags: ['complaints'],
      access: 'complaints.handle',
      response: z.object({ escalated: z.array(z.string()), overdue: z.array(z.string()) }),
      handler: async ({ principal }) => c.runEscalation(principal.actor),
    }),
  ];
}
