/**
 * Reports to the authorities (Provisions Art. 10: illegal content reported to the competent departments; Art. 11:
 * rumours). One record per report — what, when, to whom, by which channel, the reference number they gave — listed,
 * filtered and exported (CSV or JSON lines). Every record appends its audit event in the same transaction.
 */
import { HeguiError } from '../../errors.ts';
import { csvField } from '../../review/library/csv.ts';
import type { Store } from '../../store/index.ts';
import { newId } from '../../store/index.ts';
import { type Actor, actorRef } from '../actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AuthorityReportRow, AuthorityReportStore } from './authority-report-store.ts';

export const REPORT_CATEGORIES = [
  'illegal_content',
  'harmful_content',
  'rumour',
  'security_incident',
  'other',
] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export interface AuthorityReport {
  id: string;
  subject: string;
  category: ReportCategory;
  authority: string;
  channel: string;
  referenceNumber: string | null;
  reportedAt: string;
  related: string[];
  recordedBy: string;
  recordedAt: string;
}

export interface ReportInput {
  subject: string;
  category: ReportCategory;
  authority: string;
  channel: string;
  referenceNumber?: string | null;
  reportedAt: string;
  related?: string[];
}

export interface ReportFilter {
  authority?: string;
  category?: ReportCategory;
  from?: string;
  to?: string;
}

const COLUMNS = [
  'id',
  'reportedAt',
  'category',
  'authority',
  'channel',
  'referenceNumber',
  'subject',
  'related',
  'recordedBy',
  'recordedAt',
] as const;

export class AuthorityReportService {
  constructor(
    private readonly store: Store,
    private readonly sql: AuthorityReportStore,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
  ) {}

  async record(actor: Actor, input: ReportInput): Promise<AuthorityReport> {
    const reportedAt = new Date(input.reportedAt);
    if (Number.isNaN(reportedAt.getTime())) throw new HeguiError('invalid_request', 'reportedAt is not a date');
    if (reportedAt.getTime() > this.now().getTime() + 60_000) {
      throw new HeguiError('invalid_request', 'reportedAt is in the future');
    }
    const r: AuthorityReport = {
      id: newId(),
      subject: input.subject,
      category: input.category,
      authority: input.authority,
      channel: input.channel,
      referenceNumber: input.referenceNumber ?? null,
      reportedAt: reportedAt.toISOString(),
      related: input.related ?? [],
      recordedBy: actorRef(actor),
      recordedAt: this.now().toISOString(),
    };
    await this.store.transaction(async (trx) => {
      await this.sql.insert(trx, {
        id: r.id,
        subject: r.subject,
        category: r.category,
        authority: r.authority,
        channel: r.channel,
        reference_number: r.referenceNumber,
        reported_at: r.reportedAt,
        related: JSON.stringify(r.related),
        recorded_by: r.recordedBy,
        recorded_at: r.recordedAt,
      });
      await this.audit.append(trx, {
        type: 'authority_report.recorded',
        actor: actorRef(actor),
        subject: `authority_report:${r.id}`,
        payload: {
          category: r.category,
          authority: r.authority,
          referenceNumber: r.referenceNumber,
          reportedAt: r.reportedAt,
        },
      });
    });
    return r;
  }

  async get(id: string): Promise<AuthorityReport> {
    const row = await this.sql.get(this.store.db, id);
    if (!row) throw new HeguiError('not_found', 'no such report');
    return toReport(row);
  }

  async list(f: ReportFilter = {}): Promise<AuthorityReport[]> {
    const iso = (t: string | undefined) => (t ? new Date(t).toISOString() : undefined);
    const q = {
      ...(f.authority ? { authority: f.authority } : {}),
      ...(f.category ? { category: f.category } : {}),
      ...(f.from ? { from: iso(f.from) } : {}),
      ...(f.to ? { to: iso(f.to) } : {}),
    };
    return (await this.sql.list(this.store.db, q, 10_000)).map(toReport);
  }

  async export(f: ReportFilter, format: 'csv' | 'jsonl'): Promise<string> {
    const rows = await this.list(f);
    if (format === 'jsonl') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    const lines = [COLUMNS.join(',')];
    for (const r of rows) {
      lines.push(
        COLUMNS.map((c) => {
          const v = r[c];
          return csvField(Array.isArray(v) ? v.join(' ') : (v ?? ''));
        }).join(','),
      );
    }
    return `${lines.join('\n')}\n`;
  }
}

function toReport(row: AuthorityReportRow): AuthorityReport {
  return {
    id: row.id,
    subject: row.subject,
    category: row.category as ReportCategory,
    authority: row.authority,
    channel: row.channel,
    referenceNumber: row.reference_number,
    reportedAt: row.reported_at,
    related: JSON.parse(row.related) as string[],
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  };
}
