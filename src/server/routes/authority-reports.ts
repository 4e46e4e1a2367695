/** Reports to the authorities over HTTP (Provisions Art. 10, 11): record, list, filter, export. */
import { z } from 'zod';
import {
  type AuthorityReportService,
  REPORT_CATEGORIES,
} from '../../platform/authority-reports/authority-report-service.ts';
import { type AnyRoute, route } from '../route.ts';

const report = z.object({
  id: z.string(),
  subject: z.string(),
  category: z.string(),
  authority: z.string(),
  channel: z.string(),
  referenceNumber: z.string().nullable(),
  reportedAt: z.string(),
  related: z.array(z.string()),
  recordedBy: z.string(),
  recordedAt: z.string(),
});
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 date or time');
const filter = z.object({
  authority: z.string().min(1).max(200).optional(),
  category: z.enum(REPORT_CATEGORIES).optional(),
  from: instant.optional(),
  to: instant.optional(),
});

export function authorityReportRoutes(r: AuthorityReportService): AnyRoute[] {
  const tags = ['authority-reports'];
  return [
    route({
      method: 'POST',
      url: '/api/authority-reports',
      summary: 'Record a report made to an authority (what, when, to whom, reference number)',
      tags,
      access: 'authority_reports.record',
      status: 201,
      body: z.object({
        subject: z.string().trim().min(1).max(2000),
        category: z.enum(REPORT_CATEGORIES),
        authority: z.string().trim().min(1).max(200),
        channel: z.string().trim().min(1).max(200),
        referenceNumber: z.string().trim().min(1).max(200).nullable().optional(),
        reportedAt: instant,
        related: z.array(z.string().min(1).max(200)).max(100).optional(),
      }),
      response: report,
      handler: ({ principal, body }) => r.record(principal.actor, body),
    }),
    route({
      method: 'GET',
      url: '/api/authority-reports',
      summary: 'Reports, oldest first, filtered by authority, category and time',
      tags,
      access: 'authority_reports.read',
      query: filter,
      response: z.object({ reports: z.array(report) }),
      handler: async ({ query }) => ({ reports: await r.list(query) }),
    }),
    route({
      method: 'GET',
      url: '/api/authority-reports/export',
      summary: 'Export the filtered reports as CSV or JSON lines',
      tags,
      access: 'authority_reports.read',
      query: filter.extend({ format: z.enum(['csv', 'jsonl']).default('jsonl') }),
      response: z.string(),
      handler: async ({ query, reply }) => {
        const { format, ...f } = query;
        reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
        reply.header('content-disposition', `attachment; filename="authority-reports.${format}"`);
        return r.export(f, format);
      },
    }),
    route({
      method: 'GET',
      url: '/api/authority-reports/:id',
      summary: 'One report',
      tags,
      access: 'authority_reports.read',
      params: z.object({ id: z.string().min(1).max(64) }),
      response: report,
      handler: ({ params }) => r.get(params.id),
    }),
  ];
}
