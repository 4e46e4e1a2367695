/** The log on both databases: appends, transactions, checkpoints, and proofs checked by the independent reference. */
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { it } from 'node:test';
import fc from 'fast-check';
import { isHeguiError } from '../../src/errors.ts';
import { forEachDialect } from '../store/dialects.ts';
import { mth, refLeafHash, refVerifyConsistency, refVerifyInclusion } from './rfc9162-reference.ts';
import { appendMany, auditOn, event } from './support.ts';

const hex = (s: string) => Buffer.from(s, 'hex');

forEachDialect('audit log', (ctx) => {
  it('appends entries in transactions, reads them back, and hashes them as documented', async () => {
    const { store } = await ctx.fresh();
    const { log } = await auditOn(store);
    const before = (await log.head()).treeSize; // the signing key's own event
    const indices = await appendMany(store, log, 5, 2);
    assert.deepEqual(indices, [before, before + 1, before + 2, before + 3, before + 4]);
    const rows = await store.db.selectFrom('audit_entry').selectAll().orderBy('idx').execute();
    assert.equal(rows.length, before + 5);
    const r = rows.at(-1)!;
    assert.equal(r.type, 'test.thing_done');
    assert.deepEqual(JSON.parse(r.payload!), { i: 4, note: '事件 4', list: [4, '4'] });
    // The leaf as documented in leaf.ts, rebuilt here by hand.
    const payloadSha = hex(sha256Hex(r.payload!));
    const leaf = JSON.stringify([
      'hegui.audit/v1',
      r.idx,
      r.logged_at,
      r.type,
      r.actor,
      r.subject,
      payloadSha.toString('hex'),
    ]);
    assert.deepEqual(r.leaf_hash, refLeafHash(Buffer.from(leaf)));
    assert.equal((await log.head()).rootHash, mth(rows.map((x) => x.leaf_hash)).toString('hex'));
  });

  it('a rolled-back transaction leaves no entry and no gap', async () => {
    const { store } = await ctx.fresh();
    const { log } = await auditOn(store);
    const size = (await log.head()).treeSize;
    await assert.rejects(
      store.transaction(async (trx) => {
        await log.append(trx, event(1));
        await log.append(trx, event(2));
        throw new Error('the write failed');
      }),
      /the write failed/,
    );
    assert.equal((await log.head()).treeSize, size);
    const [next] = await appendMany(store, log, 1);
    assert.equal(next, size);
  });

  it('refuses an append outside store.transaction and a bad event, naming no values', async () => {
    const { store } = ctx.db;
    const { log } = await auditOn(store);
    await assert.rejects(
      store.db.transaction().execute((trx) => log.append(trx, event(1))),
      (e) => isHeguiError(e) && e.code === 'usage',
    );
    for (const bad of [{ type: 'Bad Type' }, { actor: '' }, { payload: { n: 1n } }]) {
      await assert.rejects(
        store.transaction((trx) => log.append(trx, event(1, bad as never))),
        (e) => isHeguiError(e) && e.code === 'usage' && !e.message.includes('Bad Type'),
      );
    }
  });

  it('never logs back in time, even when the clock steps back', async () => {
    const { store } = await ctx.fresh();
    const times = ['2030-01-01T00:00:10.000Z', '2030-01-01T00:00:05.000Z', '2030-01-01T00:00:20.000Z'];
    let t = 0;
    const { log } = await auditOn(store, { now: () => new Date(times[Math.min(t++, 2)]!) });
    await appendMany(store, log, 2);
    const got = await store.db.selectFrom('audit_entry').select('logged_at').orderBy('idx').execute();
    const stamps = got.map((g) => g.logged_at);
    assert.deepEqual(stamps, [...stamps].sort());
    assert.ok(stamps.every((s) => s.length === 24 && s.endsWith('Z')));
  });

  it('signs a checkpoint every N entries and on request, verifiable with the stored public key', async () => {
    const { store } = await ctx.fresh();
    const { log } = await auditOn(store, { checkpoint: { everyEntries: 10 } });
    await appendMany(store, log, 25, 3);
    const cps = await store.db.selectFrom('audit_checkpoint').selectAll().orderBy('tree_size').execute();
    assert.ok(cps.length >= 2, 'crossed 10 and 20');
    const onDemand = await log.checkpoint();
    assert.equal(onDemand.treeSize, (await log.head()).treeSize);
    assert.deepEqual(await log.checkpoint(), onDemand, 'no new checkpoint while the tree has not grown');
    const key = await store.db.selectFrom('audit_signing_key').selectAll().executeTakeFirstOrThrow();
    const entries = await store.db.selectFrom('audit_entry').select('leaf_hash').orderBy('idx').execute();
    const head = await store.db.selectFrom('audit_head').select('log_id').executeTakeFirstOrThrow();
    for (const c of await store.db.selectFrom('audit_checkpoint').selectAll().execute()) {
      assert.deepEqual(c.root_hash, mth(entries.slice(0, c.tree_size).map((e) => e.leaf_hash)));
      // The signed text, per the C2SP checkpoint layout documented in checkpoint.ts, rebuilt here.
      const body = `hegui.audit/${head.log_id}\n${c.tree_size}\n${c.root_hash.toString('base64')}\ntime ${c.created_at}\n`;
      assert.ok(verify(null, Buffer.from(body), createPublicKey(key.public_key), c.signature));
      assert.equal(
        verify(null, Buffer.from(body.replace('time', 'tame')), createPublicKey(key.public_key), c.signature),
        false,
      );
    }
  });

  it('signs a checkpoint every T seconds while the tree grows, and stops when told', async () => {
    const { store } = await ctx.fresh();
    const { log } = await auditOn(store, { checkpoint: { everyEntries: 1_000_000, everySeconds: 1 } });
    await appendMany(store, log, 3);
    const size = (await log.head()).treeSize;
    assert.equal(await log.latestCheckpoint(), null, 'no checkpoint by count');
    const errors: unknown[] = [];
    const stop = log.startCheckpointSchedule((e) => errors.push(e));
    try {
      for (let waited = 0; (await log.latestCheckpoint())?.treeSize !== size; waited++) {
        assert.ok(waited < 300, 'a scheduled checkpoint within 30 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      stop();
    }
    assert.deepEqual(errors, []);
  });

  it('proofs at random sizes verify with the independent RFC 9162 verifier (property test)', async () => {
    const { store } = await ctx.fresh();
    const { log } = await auditOn(store);
    await appendMany(store, log, 300, 37);
    const leaves = (await store.db.selectFrom('audit_entry').select('leaf_hash').orderBy('idx').execute()).map(
      (r) => r.leaf_hash,
    );
    const n = leaves.length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: n }), fc.nat(), async (a, b, x) => {
        const [m, size] = a <= b ? [a, b] : [b, a];
        const index = x % size;
        const root = mth(leaves.slice(0, size));
        const inc = await log.inclusionProof(index, size);
        assert.equal(inc.rootHash, root.toString('hex'));
        assert.ok(refVerifyInclusion(leaves[index]!, index, size, inc.path.map(hex), root));
        const con = await log.consistencyProof(m, size);
        assert.equal(con.firstRootHash, mth(leaves.slice(0, m)).toString('hex'));
        assert.ok(refVerifyConsistency(m, size, con.path.map(hex), hex(con.firstRootHash), root));
      }),
      { numRuns: 60 },
    );
    await assert.rejects(log.inclusionProof(n, n), (e) => isHeguiError(e) && e.code === 'usage');
    await assert.rejects(log.consistencyProof(2, n + 1), (e) => isHeguiError(e) && e.code === 'usage');
  });

  it('keeps one gap-free log under 20 concurrent writers', async () => {
    const { store } = await ctx.fresh();
    const { log } = await auditOn(store, { checkpoint: { everyEntries: 16 } });
    const start = (await log.head()).treeSize;
    const got: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        for (let t = 0; t < 5; t++) {
          await store.transaction(async (trx) => {
            // Another write of the slice first, then the event: the pattern that keeps the head lock short.
            await trx.selectFrom('audit_head').select('tree_size').execute();
            for (let k = 0; k < 3; k++) got.push((await log.append(trx, event(w * 100 + t * 10 + k))).index);
          });
        }
      }),
    );
    assert.equal(got.length, 300);
    assert.deepEqual(
      [...got].sort((p, q) => p - q),
      Array.from({ length: 300 }, (_, i) => start + i),
      'no gaps, no duplicates',
    );
    const leaves = (await store.db.selectFrom('audit_entry').select('leaf_hash').orderBy('idx').execute()).map(
      (r) => r.leaf_hash,
    );
    assert.equal((await log.head()).rootHash, mth(leaves).toString('hex'));
    const nodes = await store.db
      .selectFrom('audit_node')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const popcount = [...leaves.length.toString(2)].filter((c) => c === '1').length;
    assert.equal(nodes.n, leaves.length - popcount, 'every completed interior node stored once');
  });
});

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
