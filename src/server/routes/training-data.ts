/** The training data register (Provisions Art. 14; TC260 corpus thresholds). */
import { z } from 'zod';
import type { Oversight } from '../../platform/oversight.ts';
import { SCREENING_METHODS } from '../../platform/training-data/screening-thresholds.ts';
import { type AnyRoute, route } from '../route.ts';
import { idParam, paging } from './schemas.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const datasetView = z.object({
  id: z.string(),
  name: z.string(),
  source: z.string(),
  licence: z.string(),
  personalInformation: z.boolean(),
  consentBasis: z.string().nullable(),
  itemCount: z.number(),
  screenings: z.array(
    z.object({
      id: z.string(),
      method: z.enum(SCREENING_METHODS),
      sampled: z.number(),
      illegal: z.number(),
      qualified: z.number(),
      performedAt: z.string(),
      createdBy: z.string(),
    }),
  ),
  verdict: z.object({
    status: z.enum(['pass', 'fail', 'incomplete']),
    checks: z.array(
      z.object({
        name: z.enum(['illegal_rate', 'manual_sample', 'technical_sample']),
        status: z.enum(['pass', 'fail', 'missing']),
        value: z.number().nullable(),
        detail: z.string(),
      }),
    ),
  }),
  createdBy: z.string(),
  createdAt: z.string(),
});

export function trainingDataRoutes(o: Oversight): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/training-data/datasets',
      summary: 'Register a training dataset: source, licence, personal information and its consent basis',
      tags: ['training-data'],
      access: 'training_data.manage',
      body: z.object({
        name: text(200),
        source: text(1000),
        licence: text(200),
        personalInformation: z.boolean(),
        consentBasis: text(1000).optional(),
        itemCount: count.min(1),
      }),
      response: datasetView,
      status: 201,
      handler: ({ principal, body }) => o.trainingData.register(principal.actor, body),
    }),
    route({
      method: 'GET',
      url: '/api/training-data/datasets',
      summary: 'The register, each dataset with its verdict against the thresholds',
      tags: ['training-data'],
      access: 'training_data.read',
      query: paging,
      response: z.object({ datasets: z.array(datasetView) }),
      handler: async ({ query }) => ({ datasets: await o.trainingData.list(query.limit, query.offset) }),
    }),
    route({
      method: 'GET',
      url: '/api/training-data/datasets/:id',
      summary: 'One dataset with its screenings and verdict',
      tags: ['training-data'],
      access: 'training_data.read',
      params: idParam,
      response: datasetView,
      handler: ({ params }) => o.trainingData.get(params.id),
    }),
    route({
      method: 'POST',
      url: '/api/training-data/datasets/:id/screenings',
      summary: 'Record a keyword, model or manual screening of a dataset; answers the recomputed verdict',
      tags: ['training-data'],
      access: 'training_data.manage',
      params: idParam,
      body: z.object({
        method: z.enum(SCREENING_METHODS),
        sampled: count.min(1),
        illegal: count,
        qualified: count,
        performedAt: z.iso.datetime({ offset: true }).optional(),
      }),
      response: datasetView,
      status: 201,
      handler: ({ principal, params, body }) => o.trainingData.addScreening(principal.actor, params.id, body),
    }),
    route({
      method: 'GET',
      url: '/api/training-data/thresholds',
      summary: 'The thresholds the verdicts use (TC260 defaults unless configured)',
      tags: ['training-data'],
      access: 'training_data.read',
      response: z.object({
        maxIllegalRate: z.number(),
        manualMinItems: z.number(),
        manualMinQualifiedRate: z.number(),
        technicalMinSampleRate: z.number(),
        technicalMinQualifiedRate: z.number(),
      }),
      handler: async () => o.trainingData.thresholds,
    }),
  ];
}
