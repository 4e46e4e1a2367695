/**
 * Where the feature library's governance lives: proposals, immutable versions (keyed by content hash), the
 * publication history and the head row naming the version being served. SQL on SQLite and PostgreSQL (Kysely).
 */
import type { Kysely } from 'kysely';
import type { FeatureLibraryVersion } from '../../review/library/model.ts';
import type { StoreSchema, StoreTransaction } from '../../store/index.ts';
import type {
  FeatureLibraryProposalTable,
  FeatureLibraryPublicationTable,
} from '../../store/schema/governance-tables.ts';

export type ProposalRow = FeatureLibraryProposalTable;
export type PublicationRow = FeatureLibraryPublicationTable;

export interface FeatureLibraryStore {
  head(db: Kysely<StoreSchema>, library: string): Promise<{ currentHash: string; seq: number } | null>;
  /** Point the head at `hash` only if it still names `expected`: false when another publication came first. */
  moveHead(trx: StoreTransaction, library: string, expected: string, hash: string): Promise<number | null>;
  version(db: Kysely<StoreSchema>, hash: string): Promise<FeatureLibraryVersion | null>;
  versions(db: Kysely<StoreSchema>, library: string): Promise<FeatureLibraryVersion[]>;
  maxVersion(trx: StoreTransaction, library: string): Promise<number>;
  insertVersion(trx: StoreTransaction, library: string, v: FeatureLibraryVersion, proposalId: string): Promise<void>;
  insertProposal(trx: StoreTransaction, row: ProposalRow): Promise<void>;
  proposal(db: Kysely<StoreSchema>, id: string): Promise<ProposalRow | null>;
  proposals(db: Kysely<StoreSchema>, library: string, status?: string): Promise<ProposalRow[]>;
  /** Close a pending proposal; false when it was no longer pending (decided by someone else meanwhile). */
  closeProposal(
    trx: StoreTransaction,
    id: string,
    status: 'published' | 'rejected',
    by: string,
    at: string,
    publishedHash: string | null,
  ): Promise<boolean>;
  insertPublication(trx: StoreTransaction, row: PublicationRow): Promise<void>;
  publications(db: Kysely<StoreSchema>, library: string): Promise<PublicationRow[]>;
  lastPublished(db: Kysely<StoreSchema>, library: string, kind?: string): Promise<PublicationRow | null>;
}

export class SqlFeatureLibraryStore implements FeatureLibraryStore {
  async head(db: Kysely<StoreSchema>, library: string) {
    const r = await db
      .selectFrom('feature_library_head')
      .select(['current_hash', 'seq'])
      .where('library', '=', library)
      .executeTakeFirst();
    return r ? { currentHash: r.current_hash, seq: Number(r.seq) } : null;
  }

  async moveHead(trx: StoreTransaction, library: string, expected: string, hash: string): Promise<number | null> {
    // Insert the head row once (both dialects: ON CONFLICT DO NOTHING), then a conditional update is the one point
    // where two publications meet: exactly one sees its expected hash.
    await trx
      .insertInto('feature_library_head')
      .values({ library, current_hash: '', seq: 0 })
      .onConflict((oc) => oc.column('library').doNothing())
      .execute();
    const r = await trx
      .updateTable('feature_library_head')
      .set((eb) => ({ current_hash: hash, seq: eb('seq', '+', 1) }))
      .where('library', '=', library)
      .where('current_hash', '=', expected)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return null;
    const h = await trx
      .selectFrom('feature_library_head')
      .select('seq')
      .where('library', '=', library)
      .executeTakeFirstOrThrow();
    return Number(h.seq);
  }

  async version(db: Kysely<StoreSchema>, hash: string) {
    const r = await db
      .selectFrom('feature_library_version')
      .select('content')
      .where('content_hash', '=', hash)
      .executeTakeFirst();
    return r ? (JSON.parse(r.content) as FeatureLibraryVersion) : null;
  }

  async versions(db: Kysely<StoreSchema>, library: string) {
    const rows = await db
      .selectFrom('feature_library_version')
      .select('content')
      .where('library', '=', library)
      .orderBy('version')
      .execute();
    return rows.map((r) => JSON.parse(r.content) as FeatureLibraryVersion);
  }

  async maxVersion(trx: StoreTransaction, library: string) {
    const r = await trx
      .selectFrom('feature_library_version')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('library', '=', library)
      .executeTakeFirst();
    return Number(r?.v ?? 0);
  }

  async insertVersion(trx: StoreTransaction, library: string, v: FeatureLibraryVersion, proposalId: string) {
    await trx
      .insertInto('feature_library_version')
      .values({
        content_hash: v.contentHash,
        library,
        version: v.version,
        parent: v.parent,
        content: JSON.stringify(v),
        created_at: v.createdAt,
        proposal_id: proposalId,
      })
      .execute();
  }

  async insertProposal(trx: StoreTransaction, row: ProposalRow) {
    await trx.insertInto('feature_library_proposal').values(row).execute();
  }

  async proposal(db: Kysely<StoreSchema>, id: string) {
    return (
      (await db.selectFrom('feature_library_proposal').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
    );
  }

  async proposals(db: Kysely<StoreSchema>, library: string, status?: string) {
    let q = db.selectFrom('feature_library_proposal').selectAll().where('library', '=', library);
    if (status) q = q.where('status', '=', status);
    return q.orderBy('proposed_at', 'desc').orderBy('id', 'desc').limit(200).execute();
  }

  async closeProposal(
    trx: StoreTransaction,
    id: string,
    status: 'published' | 'rejected',
    by: string,
    at: string,
    publishedHash: string | null,
  ) {
    const r = await trx
      .updateTable('feature_library_proposal')
      .set({ status, decided_by: by, decided_at: at, published_hash: publishedHash })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertPublication(trx: StoreTransaction, row: PublicationRow) {
    await trx.insertInto('feature_library_publication').values(row).execute();
  }

  async publications(db: Kysely<StoreSchema>, library: string) {
    return db
      .selectFrom('feature_library_publication')
      .selectAll()
      .where('library', '=', library)
      .orderBy('seq', 'desc')
      .limit(200)
      .execute();
  }

  async lastPublished(db: Kysely<StoreSchema>, library: string, kind?: string) {
    let q = db.selectFrom('feature_library_publication').selectAll().where('library', '=', library);
    if (kind) q = q.where('kind', '=', kind);
    return (await q.orderBy('seq', 'desc').limit(1).executeTakeFirst()) ?? null;
  }
}
