/** The generation log and rumour tables (migration 0012_rumours) and their queries. */
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { SqlTexts } from '../../store/sql-texts.ts';
import { executeIn } from '../../store/transaction.ts';

export const LINK_KINDS = ['content_id', 'content_hash', 'produce_id'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface RumourTables {
  generation_log: {
    id: string;
    account_id: string;
    produce_id: string;
    content_hash: string;
    content_id: string | null;
    created_at: string;
  };
  rumour_case: {
    id: string;
    title: string;
    summary: string;
    status: 'draft' | 'published';
    notice: string | null;
    created_by: string;
    created_at: string;
    published_by: string | null;
    published_at: string | null;
  };
  rumour_link: { id: string; case_id: string; kind: LinkKind; value: string };
  rumour_notification: {
    id: string;
    case_id: string;
    account_id: string;
    channel: string;
    status: 'delivered' | 'failed';
    detail: string | null;
    at: string;
  };
}
export type GenerationRow = RumourTables['generation_log'];
export type CaseRow = RumourTables['rumour_case'];
export type LinkRow = RumourTables['rumour_link'];
export type NotificationRow = RumourTables['rumour_notification'];
export type RumourDb = Kysely<RumourTables> | Transaction<RumourTables>;

const COLUMN: Record<LinkKind, 'content_id' | 'content_hash' | 'produce_id'> = {
  content_id: 'content_id',
  content_hash: 'content_hash',
  produce_id: 'produce_id',
};

/** The store interface of the slice; `SqlRumourStore` implements it on both dialects. */
export class SqlRumourStore {
  /** INSERT texts by the columns given: the gateway writes a row per answer. */
  readonly #insertGeneration = new SqlTexts(16);

  async insertGeneration(db: RumourDb, g: GenerationRow) {
    const columns = Object.keys(g) as (keyof GenerationRow)[];
    const text = this.#insertGeneration.get(
      columns.join(','),
      () => db.insertInto('generation_log').values(g).compile().sql,
    );
    await executeIn(
      db,
      CompiledQuery.raw(
        text,
        columns.map((c) => g[c]),
      ),
    );
  }
  async insertCase(db: RumourDb, c: CaseRow, links: LinkRow[]) {
    await db.insertInto('rumour_case').values(c).execute();
    if (links.length) await db.insertInto('rumour_link').values(links).execute();
  }
  getCase(db: RumourDb, id: string) {
    return db.selectFrom('rumour_case').selectAll().where('id', '=', id).executeTakeFirst();
  }
  linksOf(db: RumourDb, caseId: string) {
    return db.selectFrom('rumour_link').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
  }
  /** False when the case is no longer a draft (published by a concurrent request). */
  async publish(db: RumourDb, id: string, set: Pick<CaseRow, 'notice' | 'published_at' | 'published_by'>) {
    const r = await db
      .updateTable('rumour_case')
      .set({ ...set, status: 'published' })
      .where('id', '=', id)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  /** Published cases linking this value. */
  publishedFor(db: RumourDb, kind: LinkKind, value: string) {
    return db
      .selectFrom('rumour_case')
      .innerJoin('rumour_link', 'rumour_link.case_id', 'rumour_case.id')
      .selectAll('rumour_case')
      .where('rumour_link.kind', '=', kind)
      .where('rumour_link.value', '=', value)
      .where('rumour_case.status', '=', 'published')
      .orderBy('rumour_case.published_at', 'desc')
      .execute();
  }
  /** Generation-log rows matching any of the links (who received the false content). */
  async receivedBy(db: RumourDb, links: LinkRow[]): Promise<GenerationRow[]> {
    const out = new Map<string, GenerationRow>();
    for (const kind of Object.keys(COLUMN) as LinkKind[]) {
      const values = links.filter((l) => l.kind === kind).map((l) => l.value);
      if (!values.length) continue;
      const rows = await db.selectFrom('generation_log').selectAll().where(COLUMN[kind], 'in', values).execute();
      for (const r of rows) out.set(r.id, r);
    }
    return [...out.values()].sort((a, b) => (a.account_id + a.id < b.account_id + b.id ? -1 : 1));
  }
  async insertNotifications(db: RumourDb, rows: NotificationRow[]) {
    if (rows.length) await db.insertInto('rumour_notification').values(rows).execute();
  }
  notificationsOf(db: RumourDb, caseId: string) {
    return db
      .selectFrom('rumour_notification')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('account_id')
      .orderBy('channel')
      .execute();
  }
}
