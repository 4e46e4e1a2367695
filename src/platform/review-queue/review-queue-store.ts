/**
 * Where queue items live: SQL on SQLite and PostgreSQL (Kysely). The claim and every state change are conditional
 * UPDATEs whose affected-row count says whether this caller's view still held: the one serialisation point, the same
 * on both dialects (PostgreSQL re-checks the WHERE after a concurrent writer's row lock; SQLite writes one at a time).
 */
import type { Kysely } from 'kysely';
import type { StoreSchema, StoreTransaction } from '../../store/index.ts';
import type { ReviewQueueItemTable } from '../../store/schema/governance-tables.ts';

export type QueueItem = ReviewQueueItemTable;

export type ItemChange = Partial<
  Pick<
    QueueItem,
    | 'status'
    | 'claimed_by'
    | 'claim_expires_at'
    | 'first_decision'
    | 'first_reason'
    | 'first_policy_ref'
    | 'first_decided_by'
    | 'first_decided_at'
    | 'decision'
    | 'reason'
    | 'policy_ref'
    | 'decided_by'
    | 'decided_at'
  >
>;

export interface ReviewQueueStore {
  insert(trx: StoreTransaction, item: QueueItem): Promise<void>;
  get(db: Kysely<StoreSchema>, id: string): Promise<QueueItem | null>;
  list(db: Kysely<StoreSchema>, f: { queue?: string; status?: string }): Promise<QueueItem[]>;
  /**
   * Claim for `who` until `until` when the item is undecided and free (never claimed, or the claim expired before
   * `at`, or already `who`'s), and `who` did not make its first-level decision. True when this call took it.
   */
  claim(trx: StoreTransaction, id: string, who: string, at: string, until: string): Promise<boolean>;
  /** Apply `change` when the item is still in `status` and `who` holds a claim live at `at`. */
  changeHeld(
    trx: StoreTransaction,
    id: string,
    status: string,
    who: string,
    at: string,
    change: ItemChange,
  ): Promise<boolean>;
  /** Per queue: undecided items and the oldest one's arrival. */
  waiting(db: Kysely<StoreSchema>, queue: string): Promise<{ count: number; oldest: string | null }>;
}

const norm = (r: QueueItem): QueueItem => ({ ...r, severity: Number(r.severity) });

export class SqlReviewQueueStore implements ReviewQueueStore {
  async insert(trx: StoreTransaction, item: QueueItem) {
    await trx.insertInto('review_queue_item').values(item).execute();
  }

  async get(db: Kysely<StoreSchema>, id: string) {
    const r = await db.selectFrom('review_queue_item').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? norm(r) : null;
  }

  async list(db: Kysely<StoreSchema>, f: { queue?: string; status?: string }) {
    let q = db.selectFrom('review_queue_item').selectAll();
    if (f.queue) q = q.where('queue', '=', f.queue);
    if (f.status) q = q.where('status', '=', f.status);
    return (await q.orderBy('created_at').orderBy('id').limit(200).execute()).map(norm);
  }

  async claim(trx: StoreTransaction, id: string, who: string, at: string, until: string) {
    const r = await trx
      .updateTable('review_queue_item')
      .set({ claimed_by: who, claim_expires_at: until })
      .where('id', '=', id)
      .where('status', 'in', ['open', 'second_review'])
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claim_expires_at', '<', at), eb('claimed_by', '=', who)]))
      .where((eb) => eb.or([eb('first_decided_by', 'is', null), eb('first_decided_by', '<>', who)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async changeHeld(trx: StoreTransaction, id: string, status: string, who: string, at: string, change: ItemChange) {
    const r = await trx
      .updateTable('review_queue_item')
      .set(change)
      .where('id', '=', id)
      .where('status', '=', status)
      .where('claimed_by', '=', who)
      .where('claim_expires_at', '>=', at)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async waiting(db: Kysely<StoreSchema>, queue: string) {
    const r = await db
      .selectFrom('review_queue_item')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
      .where('queue', '=', queue)
      .where('status', '<>', 'decided')
      .executeTakeFirst();
    return { count: Number(r?.n ?? 0), oldest: (r?.oldest as string | null | undefined) ?? null };
  }
}
