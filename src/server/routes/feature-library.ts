/** Feature library governance over HTTP (Provisions Art. 10): propose → approve by another person → publish. */
import { z } from 'zod';
import type { FeatureLibrarySlice } from '../../platform/feature-library/create-feature-library.ts';
import { type AnyRoute, route } from '../route.ts';

const proposal = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  baseHash: z.string().nullable(),
  note: z.string(),
  proposedBy: z.string(),
  proposedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  publishedHash: z.string().nullable(),
  entries: z.number().optional(),
  targetHash: z.string().optional(),
});
const id = z.object({ id: z.string().min(1).max(64) });
const hash = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/) });
const versionInfo = z.object({
  version: z.number(),
  contentHash: z.string(),
  parent: z.string().nullable(),
  createdAt: z.string(),
  note: z.string(),
  entries: z.number(),
});
const summary = (v: {
  version: number;
  contentHash: string;
  parent: string | null;
  createdAt: string;
  note: string;
  entries: unknown[];
}) => ({
  version: v.version,
  contentHash: v.contentHash,
  parent: v.parent,
  createdAt: v.createdAt,
  note: v.note,
  entries: v.entries.length,
});

export function featureLibraryRoutes(fl: FeatureLibrarySlice): AnyRoute[] {
  const s = fl.service;
  const tags = ['feature-library'];
  return [
    route({
      method: 'POST',
      url: '/api/feature-library/proposals',
      summary: 'Propose a change (entries to add or replace, ids to remove, allowed phrases)',
      tags,
      access: 'feature_library.propose',
      status: 201,
      body: z.object({
        upsert: z.array(z.record(z.string(), z.unknown())).max(10_000).optional(),
        remove: z.array(z.string().min(1)).max(10_000).optional(),
        allow: z.array(z.string().min(1)).max(10_000).optional(),
        note: z.string().max(2000).optional(),
      }),
      response: proposal,
      handler: ({ principal, body }) => s.proposeChange(principal.actor, body),
    }),
    route({
      method: 'POST',
      url: '/api/feature-library/imports',
      summary: 'Propose a bulk import (CSV, JSON lines or a word list, through the review engine importers)',
      tags,
      access: 'feature_library.propose',
      status: 201,
      body: z.object({
        name: z.string().min(1).max(200),
        text: z.string().min(1),
        format: z.enum(['auto', 'csv', 'jsonl', 'words']).optional(),
        note: z.string().max(2000).optional(),
      }),
      response: z.object({
        proposal,
        problems: z.array(z.object({ file: z.string(), line: z.number(), message: z.string() })),
      }),
      handler: ({ principal, body }) => s.proposeImport(principal.actor, body),
    }),
    route({
      method: 'POST',
      url: '/api/feature-library/rollbacks',
      summary: 'Propose serving an earlier version again',
      tags,
      access: 'feature_library.propose',
      status: 201,
      body: z.object({ targetHash: z.string().regex(/^[0-9a-f]{64}$/), note: z.string().max(2000).optional() }),
      response: proposal,
      handler: ({ principal, body }) => s.proposeRollback(principal.actor, body.targetHash, body.note),
    }),
    route({
      method: 'GET',
      url: '/api/feature-library/proposals',
      summary: 'Proposals, newest first',
      tags,
      access: 'feature_library.read',
      query: z.object({ status: z.enum(['pending', 'published', 'rejected']).optional() }),
      response: z.object({ proposals: z.array(proposal) }),
      handler: async ({ query }) => ({ proposals: await s.proposals(query.status) }),
    }),
    route({
      method: 'GET',
      url: '/api/feature-library/proposals/:id',
      summary: 'One proposal',
      tags,
      access: 'feature_library.read',
      params: id,
      response: proposal,
      handler: ({ params }) => s.proposal(params.id),
    }),
    route({
      method: 'POST',
      url: '/api/feature-library/proposals/:id/approve',
      summary: "Approve someone else's proposal: publishes the new version and swaps the served library",
      tags,
      access: 'feature_library.approve',
      params: id,
      response: z.object({ proposal, version: z.number(), contentHash: z.string() }),
      handler: ({ principal, params }) => s.approve(principal.actor, params.id),
    }),
    route({
      method: 'POST',
      url: '/api/feature-library/proposals/:id/reject',
      summary: "Reject someone else's proposal",
      tags,
      access: 'feature_library.approve',
      params: id,
      body: z.object({ reason: z.string().min(1).max(2000) }),
      response: proposal,
      handler: ({ principal, params, body }) => s.reject(principal.actor, params.id, body.reason),
    }),
    route({
      method: 'GET',
      url: '/api/feature-library/versions',
      summary: 'Every published version (immutable, by content hash)',
      tags,
      access: 'feature_library.read',
      response: z.object({ versions: z.array(versionInfo), current: z.string().nullable() }),
      handler: async () => ({
        versions: (await s.versions()).map(summary),
        current: (await s.current())?.contentHash ?? null,
      }),
    }),
    route({
      method: 'GET',
      url: '/api/feature-library/versions/:hash',
      summary: 'One version in full (entries, allowed phrases, settings)',
      tags,
      access: 'feature_library.read',
      params: hash,
      response: z.record(z.string(), z.unknown()),
      handler: async ({ params }) => ({ ...(await s.version(params.hash)) }),
    }),
    route({
      method: 'GET',
      url: '/api/feature-library/publications',
      summary: 'What was served when: publications and rollbacks, newest first',
      tags,
      access: 'feature_library.read',
      response: z.object({
        publications: z.array(
          z.object({
            seq: z.number(),
            content_hash: z.string(),
            kind: z.string(),
            proposal_id: z.string(),
            published_by: z.string(),
            published_at: z.string(),
          }),
        ),
      }),
      handler: async () => ({
        publications: (await s.publications()).map((p) => ({ ...p, seq: Number(p.seq) })),
      }),
    }),
    route({
      method: 'GET',
      url: '/api/feature-library/coverage',
      summary: 'Coverage of the served version against the TC260-003 minimums',
      tags,
      access: 'feature_library.read',
      response: z.record(z.string(), z.unknown()),
      handler: async () => ({ ...(await s.coverage()) }),
    }),
    route({
      method: 'GET',
      url: '/api/feature-library/staleness',
      summary: 'The weekly-update check: an alert when no version was published for 7 days',
      tags,
      access: 'feature_library.read',
      response: z.object({
        stale: z.boolean(),
        lastPublishedAt: z.string().nullable(),
        ageDays: z.number().nullable(),
        maxAgeDays: z.number(),
        alert: z.object({ code: z.literal('feature_library_stale'), message: z.string() }).nullable(),
      }),
      handler: () => s.staleness(),
    }),
    route({
      method: 'POST',
      url: '/api/feature-library/review',
      summary: 'Review text with the served library; the result names the version it used',
      tags,
      access: 'feature_library.review',
      body: z.object({ text: z.string().max(1_000_000) }),
      response: z.object({
        decision: z.enum(['pass', 'review', 'block']),
        hits: z.array(z.record(z.string(), z.unknown())),
        complete: z.boolean(),
        omitted: z.object({ hits: z.number(), suppressed: z.number() }).optional(),
        library: z.object({ version: z.number(), contentHash: z.string() }).nullable(),
      }),
      handler: async ({ body }) => {
        const r = s.holder.review(body.text);
        return { ...r, hits: r.hits.map((h) => ({ ...h })) };
      },
    }),
  ];
}
