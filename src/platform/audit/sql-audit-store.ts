/**
 * SQL access of the audit log, the same on SQLite and PostgreSQL. Everything dialect-specific is a capability flag:
 * the head row is locked with SELECT … FOR UPDATE on PostgreSQL; on SQLite the transaction already holds the write lock.
 */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { HeguiError } from '../../errors.ts';
import type { DialectCapabilities } from '../../store/dialect/capabilities.ts';
import type { AuditEntryTable, AuditNodeTable } from '../../store/schema/audit-tables.ts';
import type { StoreSchema } from '../../store/schema/index.ts';
import { SqlTexts } from '../../store/sql-texts.ts';
import { executeIn } from '../../store/transaction.ts';
import type { SignedCheckpoint } from './checkpoint.ts';
import { decodeFrontier, encodeFrontier } from './merkle/frontier.ts';
import { type Block, nodePos } from './merkle/shape.ts';
import type { SignatureAlgorithm } from './signing-key.ts';

type Db = Kysely<StoreSchema>;

export interface LogHead {
  logId: string;
  size: number;
  frontier: Buffer[];
  lastLoggedAt: string | null;
}

export type EntryRow = AuditEntryTable;

const ENTRY_COLUMNS = [
  'idx',
  'logged_at',
  'type',
  'actor',
  'subject',
  'payload',
  'payload_sha256',
  'leaf_hash',
  'purged_at',
] as const satisfies readonly (keyof EntryRow)[];

export class SqlAuditStore {
  /** SQL text of the statements every append runs (one per node batch size among them). */
  readonly #texts = new SqlTexts(600);

  constructor(
    readonly db: Db,
    readonly dialect: DialectCapabilities,
  ) {}

  /** Read the head, locking it until the transaction ends (the one place appends are serialised). */
  async lockHead(trx: Db): Promise<LogHead> {
    const text = this.#texts.get('lockHead', () => {
      const q = trx.selectFrom('audit_head').selectAll().where('id', '=', 1);
      return (this.dialect.supportsForUpdate ? q.forUpdate() : q).compile().sql;
    });
    const { rows } = await executeIn<StoreSchema['audit_head']>(trx, CompiledQuery.raw(text, [1]));
    return toHead(rows[0]);
  }

  async readHead(db: Db = this.db): Promise<LogHead> {
    return toHead(await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst());
  }

  async writeHead(trx: Db, head: LogHead): Promise<void> {
    const text = this.#texts.get(
      'writeHead',
      () =>
        trx
          .updateTable('audit_head')
          .set({ tree_size: 0, frontier: Buffer.alloc(0), last_logged_at: '' })
          .where('id', '=', 1)
          .compile().sql,
    );
    const params = [head.size, encodeFrontier(head.frontier), head.lastLoggedAt, 1];
    await executeIn(trx, CompiledQuery.raw(text, params));
  }

  /** The hot path of every platform write: the statement is compiled once (columns in ENTRY_COLUMNS order). */
  async insertEntry(trx: Db, row: EntryRow): Promise<void> {
    const text = this.#texts.get(
      'insertEntry',
      () =>
        trx
          .insertInto('audit_entry')
          .values(Object.fromEntries(ENTRY_COLUMNS.map((c) => [c, row[c]])) as unknown as EntryRow)
          .compile().sql,
    );
    await executeIn(
      trx,
      CompiledQuery.raw(
        text,
        ENTRY_COLUMNS.map((c) => row[c]),
      ),
    );
  }

  async insertNodes(trx: Db, rows: AuditNodeTable[]): Promise<void> {
    const per = Math.min(500, Math.floor(this.dialect.maxParameters / 2));
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      const text = this.#texts.get(
        `insertNodes:${chunk.length}`,
        () =>
          trx
            .insertInto('audit_node')
            .values(chunk.map(() => ({ pos: 0, hash: Buffer.alloc(0) })))
            .compile().sql,
      );
      await executeIn(
        trx,
        CompiledQuery.raw(
          text,
          chunk.flatMap((n) => [n.pos, n.hash]),
        ),
      );
    }
  }

  /**
   * Hashes of perfect subtrees in one query: level 0 from the entries' leaf hashes, higher levels from the node table.
   * Throws `malformed` naming the first one missing (a tree size past the log's, or a damaged node cache).
   */
  async subtreeHashes(blocks: readonly Block[], db: Db = this.db): Promise<Buffer[]> {
    // Leaves keyed by -1 - index, nodes by their position: one key space for the union.
    const key = (b: Block) => (b.level === 0 ? -1 - b.index : nodePos(b.level, b.index));
    const leaves = blocks.filter((b) => b.level === 0).map((b) => b.index);
    const inner = blocks.filter((b) => b.level > 0).map((b) => nodePos(b.level, b.index));
    const nodes = db.selectFrom('audit_node').select(['pos as key', 'hash']).where('pos', 'in', inner);
    const entries = db
      .selectFrom('audit_entry')
      .select([sql<number>`-1 - idx`.as('key'), 'leaf_hash as hash'])
      .where('idx', 'in', leaves);
    const query = leaves.length === 0 ? nodes : inner.length === 0 ? entries : entries.unionAll(nodes);
    const found = new Map<number, Buffer>();
    for (const r of await query.execute()) found.set(Number(r.key), r.hash);
    return blocks.map((b) => {
      const h = found.get(key(b));
      if (!h) {
        throw new HeguiError('malformed', `the log has no stored hash for subtree ${b.level}/${b.index}`, {
          level: b.level,
          index: b.index,
        });
      }
      return h;
    });
  }

  async entry(index: number, db: Db = this.db): Promise<EntryRow | undefined> {
    return db.selectFrom('audit_entry').selectAll().where('idx', '=', index).executeTakeFirst();
  }

  /** Entries with index in [from, to), in order. */
  async entries(from: number, to: number, db: Db = this.db): Promise<EntryRow[]> {
    return db
      .selectFrom('audit_entry')
      .selectAll()
      .where('idx', '>=', from)
      .where('idx', '<', to)
      .orderBy('idx')
      .execute();
  }

  /** The index range [first, last] of the entries logged in [from, to), or null when there are none. */
  async indexRangeOfPeriod(
    from: string,
    to: string,
    db: Db = this.db,
  ): Promise<{ first: number; last: number } | null> {
    const r = await db
      .selectFrom('audit_entry')
      .select((eb) => [eb.fn.min('idx').as('first'), eb.fn.max('idx').as('last')])
      .where('logged_at', '>=', from)
      .where('logged_at', '<', to)
      .executeTakeFirst();
    return r?.first == null || r.last == null ? null : { first: Number(r.first), last: Number(r.last) };
  }

  async insertCheckpoint(trx: Db, c: SignedCheckpoint): Promise<void> {
    await trx
      .insertInto('audit_checkpoint')
      .values({
        tree_size: c.treeSize,
        root_hash: Buffer.from(c.rootHash, 'hex'),
        created_at: c.createdAt,
        key_id: c.keyId,
        signature: Buffer.from(c.signature, 'base64'),
      })
      .execute();
  }

  /** Checkpoints in order of size: all, or the latest, or the first covering `minSize` entries. */
  async checkpoints(opts: { latest?: boolean; minSize?: number } = {}, db: Db = this.db): Promise<SignedCheckpoint[]> {
    let q = db
      .selectFrom('audit_checkpoint as c')
      .innerJoin('audit_signing_key as k', 'k.key_id', 'c.key_id')
      .innerJoin('audit_head as h', (j) => j.on('h.id', '=', 1))
      .select(['h.log_id', 'c.tree_size', 'c.root_hash', 'c.created_at', 'c.key_id', 'k.algorithm', 'c.signature']);
    if (opts.minSize !== undefined) q = q.where('c.tree_size', '>=', opts.minSize);
    q = opts.latest ? q.orderBy('c.tree_size', 'desc').limit(1) : q.orderBy('c.tree_size', 'asc');
    if (opts.minSize !== undefined && !opts.latest) q = q.limit(1);
    const rows = await q.execute();
    return rows.map((r) => ({
      logId: r.log_id,
      treeSize: r.tree_size,
      rootHash: r.root_hash.toString('hex'),
      createdAt: r.created_at,
      keyId: r.key_id,
      algorithm: r.algorithm as SignatureAlgorithm,
      signature: r.signature.toString('base64'),
    }));
  }

  async publicKeys(
    db: Db = this.db,
  ): Promise<{ keyId: string; algorithm: string; publicKey: string; addedAt: string }[]> {
    const rows = await db.selectFrom('audit_signing_key').selectAll().orderBy('added_at').execute();
    return rows.map((r) => ({ keyId: r.key_id, algorithm: r.algorithm, publicKey: r.public_key, addedAt: r.added_at }));
  }

  /** Record a public key; false when it was there already (also when another process recorded it just now). */
  async addPublicKey(
    trx: Db,
    k: { keyId: string; algorithm: string; publicKey: string; addedAt: string },
  ): Promise<boolean> {
    const res = await trx
      .insertInto('audit_signing_key')
      .values({ key_id: k.keyId, algorithm: k.algorithm, public_key: k.publicKey, added_at: k.addedAt })
      .onConflict((oc) => oc.column('key_id').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }
}

function toHead(row: StoreSchema['audit_head'] | undefined): LogHead {
  if (!row) throw new HeguiError('malformed', 'the audit log has no head row: is the database migrated?');
  const frontier = decodeFrontier(row.frontier, row.tree_size);
  if (!frontier) {
    throw new HeguiError('malformed', 'the audit log head is damaged (its frontier does not fit its size)', {
      size: row.tree_size,
    });
  }
  return { logId: row.log_id, size: row.tree_size, frontier, lastLoggedAt: row.last_logged_at };
}
