/**
 * Group commit on SQLite and PostgreSQL: concurrent appends share transactions, each caller is answered only once its
 * event is committed (seen from another connection), in call order, events of one call stay together, the event loop
 * runs between transactions, a failed transaction rejects every caller it held and only those, and the log verifies
 * afterwards.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GroupCommit } from '../../src/platform/audit/group-commit.ts';
import { verifyDatabase } from '../../src/platform/audit/verify/verify-database.ts';
import type { Store, StoreTransaction } from '../../src/store/index.ts';
import { forEachDialect } from '../store/dialects.ts';
import { auditOn, event } from './support.ts';

/** The store with its transactions counted and sized, and a hook that runs inside each one after the appends. */
function observed(store: Store, inside: (n: number) => Promise<void> = async () => {}) {
  const sizes: number[] = [];
  const counted: Pick<Store, 'transaction'> = {
    transaction: <T>(fn: (trx: StoreTransaction) => Promise<T>) => {
      const n = sizes.push(0);
      return store.transaction(async (trx) => {
        const r = await fn(trx);
        sizes[n - 1] = Array.isArray(r) ? r.flat().length : 1;
        await inside(n);
        return r;
      });
    },
  };
  return { counted, sizes };
}

forEachDialect('group commit', (ctx) => {
  it('writes appends that arrive during a commit together, answering each only after its commit', async () => {
    const db = await ctx.fresh();
    const { log } = await auditOn(db.store);
    const { counted, sizes } = observed(db.store);
    const group = new GroupCommit(counted, log);
    const other = db.open();
    const start = (await log.head()).treeSize;
    const seen: number[] = [];
    const calls = Array.from({ length: 40 }, (_, i) =>
      group.append(event(i)).then(async (e) => {
        seen.push(i);
        // Another connection sees only committed rows: the entry must be there when the caller hears of it.
        const row = await other.db
          .selectFrom('audit_entry')
          .select(['idx', 'subject'])
          .where('idx', '=', e.index)
          .executeTakeFirst();
        assert.equal(row?.subject, `thing:${i}`);
        return e.index;
      }),
    );
    const indices = await Promise.all(calls);
    assert.deepEqual(
      indices,
      Array.from({ length: 40 }, (_, i) => start + i),
      'entries in call order',
    );
    assert.deepEqual(
      seen,
      Array.from({ length: 40 }, (_, i) => i),
      'answered in call order',
    );
    assert.deepEqual(sizes, [40], 'the appends of one event-loop turn share one transaction');
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      40,
    );
    const report = await verifyDatabase(db.store.db, db.dialect);
    assert.equal(report.ok, true, JSON.stringify(report).slice(0, 500));
  });

  it('keeps the events of one call together and bounds the calls per transaction', async () => {
    const db = await ctx.fresh();
    const { log } = await auditOn(db.store);
    const { counted, sizes } = observed(db.store);
    const group = new GroupCommit(counted, log, { maxCallsPerTransaction: 2 });
    const [a, pair, b, c, d] = await Promise.all([
      group.append(event(0)),
      group.appendAll([event(1), event(2)]),
      group.append(event(3)),
      group.append(event(4)),
      group.append(event(5)),
    ]);
    assert.equal(pair.length, 2);
    assert.equal(pair[1]!.index, pair[0]!.index + 1);
    assert.deepEqual(
      [a, pair[0]!, pair[1]!, b, c, d].map((e) => e!.index - a!.index),
      [0, 1, 2, 3, 4, 5],
    );
    // Events per transaction, two calls at most in each: [a, pair], [b, c], [d].
    assert.deepEqual(sizes, [3, 2, 1]);
  });

  it('lets the event loop run between two transactions', async () => {
    const db = await ctx.fresh();
    const { log } = await auditOn(db.store);
    const order: string[] = [];
    const { counted } = observed(db.store, async (n) => {
      order.push(`transaction ${n}`);
    });
    const group = new GroupCommit(counted, log, { maxCallsPerTransaction: 2 });
    const calls = Array.from({ length: 6 }, (_, i) => group.append(event(i)));
    // Queued after the first transaction was scheduled: it must run before the second transaction, not after the last
    // (on SQLite a transaction makes no I/O, so without the turn between them all three ran first).
    setImmediate(() => order.push('other work'));
    await Promise.all(calls);
    assert.equal(order.length, 4);
    assert.ok(
      order.indexOf('other work') < order.indexOf('transaction 2'),
      `other work ran after the second transaction: ${order.join(', ')}`,
    );
  });

  it('a failed transaction rejects every caller it held, and only those', async () => {
    const db = await ctx.fresh();
    const { log } = await auditOn(db.store);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inFirst!: () => void;
    const firstRunning = new Promise<void>((r) => (inFirst = r));
    const { counted, sizes } = observed(db.store, async (n) => {
      if (n === 1) {
        inFirst();
        await held;
      }
      if (n === 2) throw new Error('disk full');
    });
    const group = new GroupCommit(counted, log);
    const first = group.append(event(1));
    await firstRunning;
    // These arrive while the first transaction is in flight: they go together into the second, which fails.
    const doomed = [group.append(event(2)), group.appendAll([event(3), event(4)])];
    release();
    const a = await first;
    for (const p of doomed) await assert.rejects(p, /disk full/);
    assert.deepEqual(sizes.slice(0, 2), [1, 3]);
    const after = await group.append(event(5));
    assert.equal(after.index, a.index + 1, 'the rolled-back entries left no gap');
    const subjects = (await db.store.db.selectFrom('audit_entry').select('subject').orderBy('idx').execute()).map(
      (r) => r.subject,
    );
    assert.deepEqual(subjects.slice(-2), ['thing:1', 'thing:5']);
    const report = await verifyDatabase(db.store.db, db.dialect);
    assert.equal(report.ok, true, JSON.stringify(report).slice(0, 500));
  });

  it("runs a caller's own writes in the shared transaction and returns its result", async () => {
    const db = await ctx.fresh();
    const { log } = await auditOn(db.store);
    const group = new GroupCommit(db.store, log);
    const [n, e] = await Promise.all([
      group.transaction(async (trx) => {
        await log.append(trx, event(1));
        await log.append(trx, event(2));
        return 'done';
      }),
      group.append(event(3)),
    ]);
    assert.equal(n, 'done');
    const rows = await db.store.db.selectFrom('audit_entry').select(['idx', 'subject']).orderBy('idx').execute();
    assert.deepEqual(
      rows.slice(-3).map((r) => r.subject),
      ['thing:1', 'thing:2', 'thing:3'],
    );
    assert.equal(e.index, rows.at(-1)!.idx);
  });
});
