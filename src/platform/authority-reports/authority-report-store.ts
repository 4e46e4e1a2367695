/** Where reports to authorities live: SQL on SQLite and PostgreSQL (Kysely). */
import type { Kysely } from 'kysely';
import type { StoreSchema, StoreTransaction } from '../../store/index.ts';
import type { AuthorityReportTable } from '../../store/schema/governance-tables.ts';

export type AuthorityReportRow = AuthorityReportTable;

export interface ReportQuery {
  authority?: string;
  category?: string;
  /** ISO 8601, inclusive. */
  from?: string;
  /** ISO 8601, exclusive. */
  to?: string;
}

export interface AuthorityReportStore {
  insert(trx: StoreTransaction, row: AuthorityReportRow): Promise<void>;
  get(db: Kysely<StoreSchema>, id: string): Promise<AuthorityReportRow | null>;
  /** Oldest report first. */
  list(db: Kysely<StoreSchema>, q: ReportQuery, limit: number): Promise<AuthorityReportRow[]>;
}

export class SqlAuthorityReportStore implements AuthorityReportStore {
  async insert(trx: StoreTransaction, row: AuthorityReportRow) {
    await trx.insertInto('authority_report').values(row).execute();
  }

  async get(db: Kysely<StoreSchema>, id: string) {
    return (await db.selectFrom('authority_report').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async list(db: Kysely<StoreSchema>, f: ReportQuery, limit: number) {
    let q = db.selectFrom('authority_report').selectAll();
    if (f.authority) q = q.where('authority', '=', f.authority);
    if (f.category) q = q.where('category', '=', f.category);
    if (f.from) q = q.where('reported_at', '>=', f.from);
    if (f.to) q = q.where('reported_at', '<', f.to);
    return q.orderBy('reported_at').orderBy('id').limit(limit).execute();
  }
}
