/** Biometric consent (Provisions Art. 14): records, revocation, and the check the gateway calls before an edit. */
import { z } from 'zod';
import { CONSENT_REFUSALS, MODALITIES } from '../../platform/consent/consent.ts';
import type { Oversight } from '../../platform/oversight.ts';
import { type AnyRoute, route } from '../route.ts';
import { idParam, paging } from './schemas.ts';

const ref = z.string().trim().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });

const consentView = z.object({
  id: z.string(),
  subjectRef: z.string(),
  subjectIdNumber: z.string().optional().describe('masked'),
  grantee: z.string(),
  modalities: z.array(z.enum(MODALITIES)),
  uses: z.array(z.string()),
  evidenceSha256: z.string(),
  evidenceRef: z.string(),
  grantedAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedReason: z.string().nullable(),
  status: z.enum(['valid', 'expired', 'revoked']),
  createdBy: z.string(),
  createdAt: z.string(),
});

export function consentRoutes(o: Oversight): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/consents',
      summary: 'Record the consent of a person to the editing of their face or voice (Art. 14)',
      tags: ['consent'],
      access: 'consent.manage',
      body: z.object({
        subjectRef: ref.describe('how the operator refers to the person; never an ID number'),
        subjectIdNumber: z.string().trim().min(15).max(18).optional().describe('stored encrypted; answered masked'),
        grantee: ref.describe('the account id or service allowed to edit; "*" for any requester'),
        modalities: z.array(z.enum(MODALITIES)).min(1),
        uses: z.array(z.string().trim().min(1).max(64)).min(1).max(50).describe('e.g. face_swap, voice_clone; "*"'),
        evidenceSha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 in hex'),
        evidenceRef: ref.describe('where the signed consent is kept'),
        grantedAt: isoTime.optional(),
        expiresAt: isoTime.nullable().optional(),
      }),
      response: consentView,
      status: 201,
      handler: ({ principal, body }) => o.consent.record(principal.actor, body),
    }),
    route({
      method: 'GET',
      url: '/api/consents',
      summary: 'List consent records, by subject reference',
      tags: ['consent'],
      access: 'consent.read',
      query: paging.extend({ subjectRef: ref.optional() }),
      response: z.object({ consents: z.array(consentView) }),
      handler: async ({ query }) => ({ consents: await o.consent.list(query) }),
    }),
    route({
      method: 'POST',
      url: '/api/consents/search',
      summary:
        "Find consent records by the subject's ID number (sent in the body, never in a URL; matched by keyed hash)",
      tags: ['consent'],
      access: 'consent.read',
      body: z.object({ subjectIdNumber: z.string().trim().min(15).max(18) }),
      response: z.object({ consents: z.array(consentView) }),
      handler: async ({ body }) => ({
        consents: await o.consent.list({ subjectIdNumber: body.subjectIdNumber, limit: 500, offset: 0 }),
      }),
    }),
    route({
      method: 'GET',
      url: '/api/consents/:id',
      summary: 'One consent record',
      tags: ['consent'],
      access: 'consent.read',
      params: idParam,
      response: consentView,
      handler: ({ params }) => o.consent.get(params.id),
    }),
    route({
      method: 'POST',
      url: '/api/consents/:id/revoke',
      summary: 'Revoke a consent: every later edit under it is refused',
      tags: ['consent'],
      access: 'consent.manage',
      params: idParam,
      body: z.object({ reason: z.string().trim().min(1).max(500) }),
      response: consentView,
      handler: ({ principal, params, body }) => o.consent.revoke(principal.actor, params.id, body.reason),
    }),
    route({
      method: 'POST',
      url: '/api/consents/check',
      summary: 'May this requester edit this face or voice for this use? (the gateway calls it before every such edit)',
      tags: ['consent'],
      access: 'consent.check',
      body: z.object({
        requester: ref,
        subject: ref,
        modality: z.enum(MODALITIES),
        use: z.string().trim().min(1).max(64),
      }),
      response: z.object({
        allowed: z.boolean(),
        reason: z.enum(CONSENT_REFUSALS).optional().describe('why it is refused: none, expired, revoked, out_of_scope'),
        consentId: z.string().optional(),
        message: z.string(),
        checkedAt: z.string(),
      }),
      handler: ({ principal, body }) => o.consent.check(principal.actor, body),
    }),
  ];
}
