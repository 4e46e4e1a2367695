/** The complaint table (migration 0011_complaints) and its queries. */
import type { Kysely, Transaction } from 'kysely';
import type { Category } from './complaint-policy.ts';

export interface ComplaintTables {
  complaint: {
    id: string;
    receipt: string;
    token_hash: string;
    category: Category;
    subject_ref: string | null;
    description: string;
    status: 'open' | 'answered';
    received_at: string;
    due_at: string;
    escalate_at: string;
    escalated_at: string | null;
    overdue_at: string | null;
    answer: string | null;
    answered_at: string | null;
    answered_by: string | null;
  };
}
export type ComplaintRow = ComplaintTables['complaint'];
export type ComplaintDb = Kysely<ComplaintTables> | Transaction<ComplaintTables>;

/** The store interface of the slice; `SqlComplaintStore` implements it on both dialects. */
export interface ComplaintStore {
  insert(db: ComplaintDb, c: ComplaintRow): Promise<void>;
  get(db: ComplaintDb, id: string): Promise<ComplaintRow | undefined>;
  byReceipt(db: ComplaintDb, receipt: string): Promise<ComplaintRow | undefined>;
  list(db: ComplaintDb, f: { status?: ComplaintRow['status']; limit: number; offset: number }): Promise<ComplaintRow[]>;
  update(db: ComplaintDb, id: string, set: Partial<ComplaintRow>): Promise<void>;
  /** False when the complaint is no longer open (answered by a concurrent request). */
  answerIfOpen(db: ComplaintDb, id: string, set: Partial<ComplaintRow>): Promise<boolean>;
  /** Open complaints to escalate (escalate_at passed, not yet escalated) or mark overdue (due_at passed, not marked). */
  needingAttention(db: ComplaintDb, now: string): Promise<ComplaintRow[]>;
  receivedBetween(db: ComplaintDb, from: string, to: string): Promise<ComplaintRow[]>;
}

export class SqlComplaintStore implements ComplaintStore {
  async insert(db: ComplaintDb, c: ComplaintRow) {
    await db.insertInto('complaint').values(c).execute();
  }
  get(db: ComplaintDb, id: string) {
    return db.selectFrom('complaint').selectAll().where('id', '=', id).executeTakeFirst();
  }
  byReceipt(db: ComplaintDb, receipt: string) {
    return db.selectFrom('complaint').selectAll().where('receipt', '=', receipt).executeTakeFirst();
  }
  list(db: ComplaintDb, f: { status?: ComplaintRow['status']; limit: number; offset: number }) {
    let q = db.selectFrom('complaint').selectAll();
    if (f.status) q = q.where('status', '=', f.status);
    return q.orderBy('due_at', 'asc').orderBy('id', 'asc').limit(f.limit).offset(f.offset).execute();
  }
  async update(db: ComplaintDb, id: string, set: Partial<ComplaintRow>) {
    await db.updateTable('complaint').set(set).where('id', '=', id).execute();
  }
  async answerIfOpen(db: ComplaintDb, id: string, set: Partial<ComplaintRow>) {
    const r = await db
      .updateTable('complaint')
      .set(set)
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  needingAttention(db: ComplaintDb, now: string) {
    return db
      .selectFrom('complaint')
      .selectAll()
      .where('status', '=', 'open')
      .where((eb) =>
        eb.or([
          eb.and([eb('escalated_at', 'is', null), eb('escalate_at', '<=', now)]),
          eb.and([eb('overdue_at', 'is', null), eb('due_at', '<', now)]),
        ]),
      )
      .orderBy('due_at')
      .execute();
  }
  receivedBetween(db: ComplaintDb, from: string, to: string) {
    return db
      .selectFrom('complaint')
      .selectAll()
      .where('received_at', '>=', from)
      .where('received_at', '<', to)
      .execute();
  }
}
