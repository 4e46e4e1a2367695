/**
 * Crash safety: a process appending bursts is killed with SIGKILL (no chance to clean up), twice. Afterwards the
 * database opens, the log verifies, every append the process acknowledged (printed after COMMIT) is there with its
 * payload, and appending goes on without a gap.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { verifyDatabase } from '../../src/platform/audit/verify/verify-database.ts';
import { forEachDialect } from '../store/dialects.ts';
import { childScript, LineChild } from '../support/child.ts';
import { appendMany, auditOn, hegui, keyFile } from './support.ts';

forEachDialect('crash safety', (ctx) => {
  it('SIGKILL during a burst of appends loses nothing acknowledged and leaves a verifiable log', async () => {
    const db = await ctx.fresh();
    const key = keyFile();
    const acked = new Map<number, string>();
    for (const round of ['first', 'second']) {
      const child = new LineChild(childScript('./children/append-burst.ts', import.meta.url), [
        JSON.stringify(db.options),
        key,
        round,
      ]);
      await child.waitFor(
        (l) => l.filter((x) => x.startsWith('ack')).length >= 150 + (round === 'second' ? 0 : 50),
        'acks',
      );
      child.kill('SIGKILL');
      const end = await child.exited;
      assert.equal(end.signal, 'SIGKILL');
      for (const line of child.lines) {
        const m = /^ack (\d+) (\d+)$/.exec(line);
        if (m) acked.set(Number(m[1]), JSON.stringify({ tag: round, seq: Number(m[2]) }));
      }
    }

    const store = db.open(); // a new connection, as after a restart
    const report = await verifyDatabase(store.db, store.location);
    assert.deepEqual(report.problems, []);
    assert.ok(report.ok);
    const rows = await store.db
      .selectFrom('audit_entry')
      .select(['idx', 'payload'])
      .where('type', '=', 'test.burst')
      .execute();
    const have = new Map(rows.map((r) => [r.idx, r.payload]));
    for (const [index, payload] of acked) assert.equal(have.get(index), payload, `acknowledged entry ${index}`);
    assert.ok(acked.size >= 350);

    const { log } = await auditOn(store, { signingKeyFile: key });
    const size = (await log.head()).treeSize;
    assert.deepEqual(await appendMany(store, log, 3, 3), [size, size + 1, size + 2]);
    await log.checkpoint();
    const cli = await hegui(['log', 'verify', ...db.cliArgs]);
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  });

  it('three processes appending at once keep one gap-free, verifiable log', async () => {
    const db = await ctx.fresh();
    const key = keyFile();
    const kids = ['a', 'b', 'c'].map(
      (tag) =>
        new LineChild(childScript('./children/append-burst.ts', import.meta.url), [
          JSON.stringify(db.options),
          key,
          tag,
        ]),
    );
    try {
      // Each waits for its own acknowledgements, so a writer that dies fails the test instead of hanging it.
      await Promise.all(
        kids.map((k) => k.waitFor((l) => l.filter((x) => x.startsWith('ack')).length >= 100, '100 acks')),
      );
    } finally {
      for (const k of kids) k.kill('SIGKILL');
      await Promise.all(kids.map((k) => k.exited));
    }
    const store = db.open();
    const report = await verifyDatabase(store.db, store.location);
    assert.deepEqual(report.problems, []);
    const rows = await store.db.selectFrom('audit_entry').select(['idx', 'actor']).orderBy('idx').execute();
    assert.deepEqual(
      rows.map((r) => r.idx),
      rows.map((_, i) => i),
    );
    const writers = new Set(rows.map((r) => r.actor).filter((a) => a.startsWith('system:') && a.length === 8));
    assert.deepEqual([...writers].sort(), ['system:a', 'system:b', 'system:c']);
    const interleaved = rows.some(
      (r, i) => i > 0 && r.actor !== rows[i - 1]!.actor && rows[i - 1]!.actor !== 'system:startup',
    );
    assert.ok(interleaved, 'the writers really ran at the same time');
  });
});
