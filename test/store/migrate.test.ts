/** Migrations: per-migration status, idempotence, and the lock that keeps two processes from migrating at once. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import type { MigrationReport } from '../../src/store/migrate.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { childScript, LineChild } from '../support/child.ts';
import { forEachDialect } from './dialects.ts';

forEachDialect('migrations', (ctx) => {
  it('report Success per migration on a new database, then nothing to do', async () => {
    const db = await ctx.fresh({ migrate: false });
    const first = await db.store.migrate();
    assert.equal(first.error, undefined);
    assert.deepEqual(
      first.results.map((r) => [r.name, r.direction, r.status]),
      Object.keys(MIGRATIONS).map((n) => [n, 'Up', 'Success']),
    );
    const again = await db.store.migrate();
    assert.deepEqual(again, { results: [] });
    const head = await db.store.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    assert.equal(head.tree_size, 0);
    assert.ok(Buffer.isBuffer(head.frontier));
  });

  it('two processes migrating the same database at once: each migration runs exactly once', async () => {
    const db = await ctx.fresh({ migrate: false });
    const script = childScript('./children/migrate.ts', import.meta.url);
    const kids = [0, 1].map(() => new LineChild(script, [JSON.stringify(db.options)]));
    for (const k of kids) await k.waitFor((l) => l.includes('ready'), 'ready');
    for (const k of kids) k.send('go');
    const exits = await Promise.all(kids.map((k) => k.exited));
    for (const e of exits) assert.equal(e.code, 0, e.stderr);
    const reports = kids.map((k) => JSON.parse(k.lines.at(-1)!) as MigrationReport);
    for (const r of reports) assert.equal(r.error, undefined, `a migration failed: ${r.error}`);
    const ran = reports.map((r) => r.results.map((x) => `${x.name}:${x.status}`).join(','));
    assert.deepEqual(ran.sort(), ['', 't0001_first:Success,t0002_second:Success'], 'one ran both, the other none');
    const runs = await sql<{ name: string }>`select name from migration_run order by name`.execute(db.store.db);
    assert.deepEqual(
      runs.rows.map((r) => r.name),
      ['m1', 'm2'],
    );
  });
});
