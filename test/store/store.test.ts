/** The store on both dialects: types read back the same, transactions, before-commit hooks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { newId } from '../../src/store/ids.ts';
import { executeIn, scopeOf } from '../../src/store/transaction.ts';
import { forEachDialect } from './dialects.ts';

forEachDialect('store', (ctx) => {
  it('reads 64-bit integers as numbers and bytes as Buffers, identically on both', async () => {
    const { db } = ctx.db.store;
    const bytes = Buffer.from([0, 1, 2, 255]);
    await db
      .insertInto('audit_node')
      .values({ pos: 2 ** 50 + 7, hash: bytes })
      .execute();
    const row = await db.selectFrom('audit_node').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual(row, { pos: 2 ** 50 + 7, hash: bytes });
    assert.ok(Buffer.isBuffer(row.hash));
    const count = await db
      .selectFrom('audit_node')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(count.n, 1);
    await db.deleteFrom('audit_node').execute();
  });

  it('commits a transaction that returns, rolls back one that throws', async () => {
    const { store } = ctx.db;
    await store.transaction(async (trx) => {
      await trx.insertInto('audit_signing_key').values(key('kept')).execute();
    });
    await assert.rejects(
      store.transaction(async (trx) => {
        await trx.insertInto('audit_signing_key').values(key('lost')).execute();
        throw new Error('boom');
      }),
      /boom/,
    );
    const ids = await store.db.selectFrom('audit_signing_key').select('key_id').execute();
    assert.deepEqual(
      ids.map((r) => r.key_id),
      ['kept'],
    );
    await store.db.deleteFrom('audit_signing_key').execute();
  });

  it('executeIn runs on the transaction itself: it sees the uncommitted writes, its own roll back with the rest', async () => {
    const { store } = ctx.db;
    const count = (trx: Parameters<typeof executeIn>[0]) =>
      executeIn<{ n: number | string }>(trx, CompiledQuery.raw('select count(*) as n from audit_signing_key', [])).then(
        (r) => Number(r.rows[0]!.n),
      );
    const insert = (trx: Parameters<typeof executeIn>[0], id: string) => {
      const q = store.db.insertInto('audit_signing_key').values(key(id)).compile();
      return executeIn(trx, CompiledQuery.raw(q.sql, [...q.parameters]));
    };
    await assert.rejects(
      store.transaction(async (trx) => {
        await trx.insertInto('audit_signing_key').values(key('one')).execute();
        assert.equal(await count(trx), 1, 'a statement on another connection would not see the uncommitted row');
        await insert(trx, 'two');
        assert.equal((await trx.selectFrom('audit_signing_key').select('key_id').execute()).length, 2);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal((await store.db.selectFrom('audit_signing_key').select('key_id').execute()).length, 0);
    await store.transaction(async (trx) => {
      await insert(trx, 'kept');
      scopeOf(trx)!.beforeCommit(async () => void (await insert(trx, 'hook')));
    });
    assert.equal(await count(store.db), 2, 'outside a transaction it goes through Kysely');
    await store.db.deleteFrom('audit_signing_key').execute();
  });

  it('runs before-commit hooks inside the transaction, in order, and not after a failure', async () => {
    const { store } = ctx.db;
    const seen: string[] = [];
    await store.transaction(async (trx) => {
      const scope = scopeOf(trx)!;
      scope.beforeCommit(async () => {
        seen.push('a');
        scope.beforeCommit(async () => {
          seen.push('c');
          await trx.insertInto('audit_signing_key').values(key('from-hook')).execute();
        });
      });
      scope.beforeCommit(async () => void seen.push('b'));
    });
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.ok(
      await store.db
        .selectFrom('audit_signing_key')
        .select('key_id')
        .where('key_id', '=', 'from-hook')
        .executeTakeFirst(),
    );
    const failed: string[] = [];
    await assert.rejects(
      store.transaction(async (trx) => {
        scopeOf(trx)!.beforeCommit(async () => void failed.push('ran'));
        throw new Error('no');
      }),
    );
    assert.deepEqual(failed, []);
    assert.equal(scopeOf(store.db), undefined, 'a plain connection has no scope');
    await store.db.deleteFrom('audit_signing_key').execute();
  });

  it('sets up the connection as documented', async () => {
    const { store } = ctx.db;
    if (ctx.dialect === 'sqlite') {
      const pragma = async (p: string) =>
        Object.values((await sql.raw(`pragma ${p}`).execute(store.db)).rows[0] as object)[0];
      assert.equal(await pragma('journal_mode'), 'wal');
      assert.equal(await pragma('foreign_keys'), 1);
      assert.ok(Number(await pragma('busy_timeout')) >= 1000);
      assert.equal(store.dialect.supportsForUpdate, false);
    } else {
      assert.equal(store.dialect.supportsForUpdate, true);
      assert.doesNotMatch(store.location, /:[^/@]*@/, 'no password in the location');
    }
    // Foreign keys hold on both: a checkpoint needs a known signing key.
    await assert.rejects(
      store.db
        .insertInto('audit_checkpoint')
        .values({
          tree_size: 1,
          root_hash: Buffer.alloc(32),
          created_at: 'x',
          key_id: 'nope',
          signature: Buffer.alloc(1),
        })
        .execute(),
    );
  });
});

function key(id: string) {
  return { key_id: id, algorithm: 'ed25519', public_key: 'pem', added_at: '2025-01-01T00:00:00.000Z' };
}

describe('newId', () => {
  it('is a UUID version 7 that sorts by creation time', () => {
    const a = newId(Date.parse('2025-01-01T00:00:00Z'));
    const b = newId(Date.parse('2025-01-01T00:00:00.001Z'));
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(a < b);
    assert.equal(a.slice(0, 13), '01941f29-7c00');
    assert.notEqual(newId(), newId());
  });
});
