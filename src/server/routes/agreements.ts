/** Rules, convention and user agreement (Provisions Art. 8; Labelling Measures Art. 8): read, publish, accept. */
import { z } from 'zod';
import { ACCEPTANCE_CHANNELS, DOCUMENT_KINDS } from '../../platform/agreements/agreement.ts';
import { TEMPLATE_PLACEHOLDERS, TEMPLATES } from '../../platform/agreements/templates/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { type AnyRoute, route } from '../route.ts';

const localized = z.object({ zh: z.string(), en: z.string() });
const documentView = z.object({
  kind: z.enum(DOCUMENT_KINDS),
  version: z.number().int(),
  title: localized,
  body: localized,
  summary: z.string(),
  requiresAcceptance: z.boolean(),
  publishedAt: z.string(),
  template: z.boolean().describe('true while the text is the shipped template with unfilled placeholders'),
});
const acceptanceView = z.object({
  accountId: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  version: z.number().int(),
  acceptedAt: z.string(),
  channel: z.enum(ACCEPTANCE_CHANNELS),
});
const kindParam = z.object({ kind: z.enum(DOCUMENT_KINDS) });

export function agreementRoutes(p: Platform): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/agreements',
      summary: 'The current platform rules, user convention and user agreement (public)',
      tags: ['agreements'],
      access: 'public',
      rateLimit: true,
      response: z.object({ documents: z.array(documentView) }),
      handler: async () => ({ documents: await p.agreements.current() }),
    }),
    route({
      method: 'GET',
      url: '/api/agreements/:kind/versions',
      summary: 'Every published version of one document (public)',
      tags: ['agreements'],
      access: 'public',
      rateLimit: true,
      params: kindParam,
      response: z.object({ documents: z.array(documentView) }),
      handler: async ({ params }) => ({ documents: await p.agreements.versions(params.kind) }),
    }),
    route({
      method: 'GET',
      url: '/api/agreements/templates',
      summary: 'The shipped templates and their placeholders',
      tags: ['agreements'],
      access: 'agreements.publish',
      response: z.object({
        placeholders: z.array(z.string()),
        templates: z.record(
          z.string(),
          z.object({
            zh: z.object({ title: z.string(), body: z.string() }),
            en: z.object({ title: z.string(), body: z.string() }),
          }),
        ),
      }),
      handler: async () => ({ placeholders: [...TEMPLATE_PLACEHOLDERS], templates: TEMPLATES }),
    }),
    route({
      method: 'POST',
      url: '/api/agreements',
      summary: 'Publish a new version of a document (users must accept it again if it requires acceptance)',
      tags: ['agreements'],
      access: 'agreements.publish',
      status: 201,
      body: z.object({
        kind: z.enum(DOCUMENT_KINDS),
        title: z.object({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) }),
        body: z.object({ zh: z.string().min(1).max(200_000), en: z.string().min(1).max(200_000) }),
        summary: z.string().min(1).max(2000),
        requiresAcceptance: z.boolean().default(true),
      }),
      response: documentView,
      handler: ({ principal, body }) => p.agreements.publish(principal.actor, body),
    }),
    route({
      method: 'GET',
      url: '/api/me/agreements',
      summary: 'Own acceptances, and what still needs accepting',
      tags: ['agreements'],
      access: 'self.agreements',
      response: z.object({
        acceptances: z.array(acceptanceView),
        missing: z.array(z.object({ kind: z.enum(DOCUMENT_KINDS), version: z.number().int().nullable() })),
      }),
      handler: async ({ principal }) => ({
        acceptances: await p.agreements.acceptancesOf(principal.account.id),
        missing: await p.agreements.missingAcceptances(principal.account.id),
      }),
    }),
    route({
      method: 'POST',
      url: '/api/me/agreements',
      summary: 'Accept the current versions (each named by kind and version)',
      tags: ['agreements'],
      access: 'self.agreements',
      status: 201,
      body: z.object({
        documents: z.array(z.object({ kind: z.enum(DOCUMENT_KINDS), version: z.number().int().min(1) })).min(1),
        channel: z.enum(ACCEPTANCE_CHANNELS).default('web'),
      }),
      response: z.object({ acceptances: z.array(acceptanceView) }),
      handler: async ({ principal, body }) => ({
        acceptances: await p.agreements.accept(principal.actor, principal.account.id, body.documents, body.channel),
      }),
    }),
    route({
      method: 'GET',
      url: '/api/agreements/acceptances',
      summary: 'Who accepted which version, and when',
      tags: ['agreements'],
      access: 'agreements.read_acceptances',
      query: z.object({
        kind: z.enum(DOCUMENT_KINDS).optional(),
        version: z.coerce.number().int().min(1).optional(),
        limit: z.coerce.number().int().min(1).max(5000).default(500),
      }),
      response: z.object({ acceptances: z.array(acceptanceView) }),
      handler: async ({ query }) => ({ acceptances: await p.agreements.listAcceptances(query) }),
    }),
  ];
}
