/**
 * Filings and assessments (Provisions Art. 15, 19, 20): models and templates, capability switches gated on a valid
 * assessment, assessments with due dates, filing numbers — and, without a login, the public filing page and badge.
 */
import { z } from 'zod';
import { HeguiError } from '../../errors.ts';
import {
  assessmentView,
  CAPABILITY_FLAGS,
  capabilityView,
  filingView,
  modelView,
} from '../../platform/filings/filings-service.ts';
import { filingBadgeSvg, filingPageHtml } from '../../platform/filings/public-filing-page.ts';
import type { Oversight } from '../../platform/oversight.ts';
import { type AnyRoute, route } from '../route.ts';
import { idParam } from './schemas.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const isoTime = z.iso.datetime({ offset: true });
const flags = z.array(z.enum(CAPABILITY_FLAGS)).max(CAPABILITY_FLAGS.length);
/** 备案编号, e.g. "网信算备110108123456701230011号": letters, digits, CJK; no markup. */
const filingNumber = z
  .string()
  .trim()
  .min(4)
  .max(80)
  .regex(/^[\p{L}\p{N}\-_.()（）]+$/u, 'letters, digits and - _ . ( ) only');

const model = z.object({
  id: z.string(),
  kind: z.enum(['model', 'template']),
  name: z.string(),
  description: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
const capability = z.object({
  id: z.string(),
  modelId: z.string(),
  name: z.string(),
  flags,
  enabled: z.boolean(),
  updatedAt: z.string(),
});
const assessment = z.object({
  id: z.string(),
  modelId: z.string(),
  covers: flags,
  outcome: z.enum(['passed', 'failed']),
  assessor: z.string(),
  reportRef: z.string(),
  conductedAt: z.string(),
  dueAt: z.string(),
  createdBy: z.string(),
});
const filing = z.object({
  id: z.string(),
  modelId: z.string(),
  filingNumber: z.string(),
  infoUrl: z.string(),
  publicName: z.string(),
  filedAt: z.string(),
});

export function filingRoutes(o: Oversight): AnyRoute[] {
  const f = o.filings;
  return [
    route({
      method: 'POST',
      url: '/api/filings/models',
      summary: 'Add a model or template',
      tags: ['filings'],
      access: 'filings.manage',
      body: z.object({
        kind: z.enum(['model', 'template']),
        name: text(200),
        description: z.string().max(2000).default(''),
      }),
      response: model,
      status: 201,
      handler: ({ principal, body }) => f.addModel(principal.actor, body),
    }),
    route({
      method: 'GET',
      url: '/api/filings/models',
      summary: 'Models and templates with their capabilities, assessments and filings',
      tags: ['filings'],
      access: 'filings.read',
      response: z.object({
        models: z.array(
          model.extend({
            capabilities: z.array(capability),
            assessments: z.array(assessment),
            filings: z.array(filing),
          }),
        ),
      }),
      handler: async () => {
        const [models, caps, assessments, filings] = await Promise.all([
          f.rows.models(),
          f.rows.capabilities(),
          f.rows.assessments(),
          f.rows.filings(),
        ]);
        return {
          models: models.map((m) => ({
            ...modelView(m),
            capabilities: caps.filter((c) => c.model_id === m.id).map(capabilityView),
            assessments: assessments.filter((a) => a.model_id === m.id).map(assessmentView),
            filings: filings.filter((x) => x.model_id === m.id).map(filingView),
          })),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/filings/models/:id/capabilities',
      summary: 'Add a capability (switched off) with its flags: biometric, sensitive_scenes, public_opinion',
      tags: ['filings'],
      access: 'filings.manage',
      params: idParam,
      body: z.object({ name: text(100), flags }),
      response: capability,
      status: 201,
      handler: ({ principal, params, body }) => f.addCapability(principal.actor, params.id, body),
    }),
    route({
      method: 'POST',
      url: '/api/filings/capabilities/:id/enabled',
      summary:
        'Switch a capability on or off; on needs a passed, unexpired assessment covering its flags (409 otherwise)',
      tags: ['filings'],
      access: 'filings.manage',
      params: idParam,
      body: z.object({ enabled: z.boolean() }),
      response: capability,
      handler: ({ principal, params, body }) => f.setEnabled(principal.actor, params.id, body.enabled),
    }),
    route({
      method: 'POST',
      url: '/api/filings/assessments',
      summary: 'Record a security assessment of a model: the flags it covers, its outcome and when the next is due',
      tags: ['filings'],
      access: 'filings.manage',
      body: z.object({
        modelId: text(64),
        covers: flags.min(1),
        outcome: z.enum(['passed', 'failed']),
        assessor: text(200),
        reportRef: text(500),
        conductedAt: isoTime,
        dueAt: isoTime,
      }),
      response: assessment,
      status: 201,
      handler: ({ principal, body }) => f.addAssessment(principal.actor, body),
    }),
    route({
      method: 'GET',
      url: '/api/filings/assessments/due',
      summary: 'Assessments due within the notice period or overdue (what the reminder schedule reports)',
      tags: ['filings'],
      access: 'filings.read',
      query: z.object({ withinDays: z.coerce.number().int().min(0).max(365).default(30) }),
      response: z.object({
        items: z.array(
          z.object({
            assessmentId: z.string(),
            modelId: z.string(),
            modelName: z.string(),
            dueAt: z.string(),
            state: z.enum(['due', 'overdue']),
          }),
        ),
      }),
      handler: async ({ query }) => ({ items: await f.dueAssessments(query.withinDays) }),
    }),
    route({
      method: 'POST',
      url: '/api/filings',
      summary: 'Record an algorithm filing number and its public information link (Art. 19)',
      tags: ['filings'],
      access: 'filings.manage',
      body: z.object({
        modelId: text(64),
        filingNumber,
        infoUrl: z.url({ protocol: /^https?$/ }).max(2000),
        publicName: text(200),
        filedAt: isoTime,
      }),
      response: filing,
      status: 201,
      handler: ({ principal, body }) => f.addFiling(principal.actor, body),
    }),
    route({
      method: 'GET',
      url: '/filings',
      summary: 'Public page: the algorithm filing numbers with their public information links (HTML, no login)',
      tags: ['filings', 'public'],
      access: 'public',
      rateLimit: true,
      response: z.string(),
      handler: async ({ reply }) => {
        const rows = await f.rows.filings();
        reply.type('text/html; charset=utf-8');
        return filingPageHtml(o.providerName, rows.filter((r) => r.withdrawn_at === null).map(filingView));
      },
    }),
    route({
      method: 'GET',
      url: '/filings/:number/badge.svg',
      summary: 'Embeddable badge (SVG) showing a filing number (no login)',
      tags: ['filings', 'public'],
      access: 'public',
      rateLimit: true,
      params: z.object({ number: filingNumber }),
      response: z.string(),
      handler: async ({ params, reply }) => {
        const row = await f.rows.filingByNumber(params.number);
        if (!row || row.withdrawn_at !== null) throw new HeguiError('not_found', 'no such filing number');
        reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'public, max-age=300');
        return filingBadgeSvg(row.filing_number);
      },
    }),
  ];
}
